"""Request/reply on a real kernel, with this test playing the browser: a cell or a thread
waits in ``comm.request`` for the view's answer, and a view's request gets the kernel
handler's reply or error (docs/frontend-targets.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ipycomm.rpc import RPC_KEY
from kernel_driver import KernelDriver, Msg

COMM = "req-1"


def rpc(kind: str, ident: str, **fields: Any) -> dict[str, Any]:
    return {RPC_KEY: {"kind": kind, "id": ident, **fields}}


def from_page(k: KernelDriver, data: dict[str, Any], buffers: list[Any] | None = None) -> Msg:
    """Send a comm_msg as the page would; returns the kernel's iopub messages for it."""
    msg_id = k.send("comm_msg", {"comm_id": COMM, "data": data}, buffers=buffers)
    return {"messages": k.until_idle(msg_id), "msg_id": msg_id}


def next_request(k: KernelDriver) -> dict[str, Any]:
    """The next request the kernel sends on the comm: its rpc header and data."""
    msg = k.next_iopub(
        lambda m: (
            m["msg_type"] == "comm_msg"
            and m["content"]["data"].get(RPC_KEY, {}).get("kind") == "request"
        )
    )
    return dict(msg["content"]["data"])


def answer(k: KernelDriver, request: dict[str, Any], **data: Any) -> None:
    """Reply as the page would, without waiting: while the cell that asked runs, the kernel
    takes the answer on its shell-channel thread, but handles the message itself only later."""
    k.send(
        "comm_msg",
        {"comm_id": COMM, "data": {**rpc("reply", request[RPC_KEY]["id"]), "data": data}},
    )


def finish(k: KernelDriver, msg_id: str) -> str:
    """Wait for a cell started with kc.execute; what it printed."""
    return k.stream_text(k.until_idle(msg_id))


@pytest.fixture
def c(k: KernelDriver) -> Iterator[KernelDriver]:
    """A comm `c` to target 'asker' with one attached view."""
    k.execute(f"import ipycomm\nc = ipycomm.Comm(target_name='asker', comm_id={COMM!r})")
    from_page(k, rpc("view", "view-1", attached=True))
    yield k
    k.execute("c.close()")


def test_a_cell_waiting_in_request_gets_the_views_reply_and_later_answers_are_ignored(
    c: KernelDriver,
) -> None:
    cell = c.kc.execute("print(c.request({'question': 'name?'}, timeout=60))")
    request = next_request(c)
    assert request["data"] == {"question": "name?"}
    answer(c, request, name="Ada")
    answer(c, request, name="Bob")
    assert finish(c, cell).strip() == "{'name': 'Ada'}"


def test_an_error_reply_raises_request_error_with_the_views_name_and_message(
    c: KernelDriver,
) -> None:
    cell = c.kc.execute(
        "try:\n    c.request({}, timeout=60)\n"
        "except ipycomm.RequestError as e:\n    print(type(e).__name__, e.name, '|', e.message)"
    )
    request = next_request(c)
    error = rpc("error", request[RPC_KEY]["id"], name="TypeError", message="bad x")
    c.send("comm_msg", {"comm_id": COMM, "data": error})
    assert finish(c, cell).strip() == "RequestError TypeError | bad x"


def test_a_request_nobody_answers_raises_a_timeout_error_naming_the_comm_and_target(
    c: KernelDriver,
) -> None:
    out = c.output("try:\n    c.request({}, timeout=0.3)\nexcept TimeoutError as e:\n    print(e)")
    assert COMM in out and "'asker'" in out and "0.3 s" in out


def test_a_request_with_no_view_attached_raises_no_view_error_at_once(c: KernelDriver) -> None:
    from_page(c, rpc("view", "view-1", attached=False))
    out = c.output(
        "try:\n    c.request({}, timeout=600)\n"
        "except ipycomm.NoViewError as e:\n    print(isinstance(e, RuntimeError), e)"
    )
    assert out.startswith("True no view of comm req-1 (target 'asker') is showing")


def test_requests_from_several_threads_each_get_their_own_answer(c: KernelDriver) -> None:
    cell = c.kc.execute(
        "import threading\nresults = {}\n"
        "def ask(n):\n    results[n] = c.request({'n': n}, timeout=60)['double']\n"
        "threads = [threading.Thread(target=ask, args=(n,)) for n in range(3)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "print(sorted(results.items()))"
    )
    requests = [next_request(c) for _ in range(3)]
    for request in reversed(requests):  # answered out of order
        answer(c, request, double=request["data"]["n"] * 2)
    assert finish(c, cell).strip() == "[(0, 0), (1, 2), (2, 4)]"


def test_a_request_waiting_in_a_thread_fails_at_once_when_the_kernel_closes_the_comm(
    c: KernelDriver,
) -> None:
    c.execute(
        "import threading, time\nfailed = []\n"
        "def ask():\n"
        "    try:\n        c.request({}, timeout=600)\n"
        "    except RuntimeError as e:\n        failed.append(str(e))\n"
        "asking = threading.Thread(target=ask)\nasking.start()\n"
        "while not c._requests._pending: time.sleep(0.01)"  # the thread is waiting now
    )
    out = c.output("c.close()\nasking.join()\nprint(failed)")
    assert "the kernel closed it" in out


def test_a_view_request_gets_the_handlers_reply_with_its_buffers(c: KernelDriver) -> None:
    c.execute(
        "def twice(data, buffers):\n"
        "    return {'n': data['n'] * 2}, [bytes(buffers[0]) * 2]\n"
        "c.on_request(twice)"
    )
    messages = from_page(c, {**rpc("request", "p-1"), "data": {"n": 21}}, buffers=[b"ab"])
    [reply] = c.of_type(messages["messages"], "comm_msg")
    assert reply["content"]["data"] == {**rpc("reply", "p-1"), "data": {"n": 42}}
    assert [bytes(b) for b in reply["buffers"]] == [b"abab"]


def test_a_handler_that_raises_sends_an_error_reply_and_shows_its_traceback(
    c: KernelDriver,
) -> None:
    c.execute("c.on_request(lambda data, buffers: 1 // 0)")
    messages = from_page(c, {**rpc("request", "p-2"), "data": {}})["messages"]
    [reply] = c.of_type(messages, "comm_msg")
    error = reply["content"]["data"][RPC_KEY]
    assert (error["kind"], error["id"], error["name"]) == ("error", "p-2", "ZeroDivisionError")
    assert "division" in error["message"]
    [shown] = c.of_type(messages, "error")
    assert shown["content"]["ename"] == "ZeroDivisionError"
    assert "on_request handler of comm req-1" in shown["content"]["traceback"][0]


@pytest.mark.parametrize(
    ("handler", "expected"),
    [("None", "no on_request handler"), ("lambda data, buffers: 'text'", "must return a dict")],
)
def test_a_request_the_kernel_cannot_answer_gets_an_error_reply_saying_why(
    c: KernelDriver, handler: str, expected: str
) -> None:
    c.execute(f"c.on_request({handler})")
    messages = from_page(c, {**rpc("request", "p-3"), "data": {}})["messages"]
    [reply] = c.of_type(messages, "comm_msg")
    assert expected in reply["content"]["data"][RPC_KEY]["message"]


def test_request_messages_never_reach_on_msg_and_malformed_ones_are_dropped(
    c: KernelDriver,
) -> None:
    c.execute("seen = []\nc.on_msg(lambda m: seen.append(m['content']['data']))")
    from_page(c, {**rpc("reply", "unknown-id"), "data": {}})
    from_page(c, {RPC_KEY: {"kind": "gossip", "id": "x"}})
    from_page(c, {RPC_KEY: "not an object"})
    from_page(c, {"plain": 1})
    assert c.output("print(seen)").strip() == "[{'plain': 1}]"
    c.wait_for_log("unknown kind 'gossip'")
