"""Every row of the bad-input table, against a real kernel: the user is told, nothing is lost,
and the kernel keeps answering."""

from __future__ import annotations

from typing import Any

import pytest
from kernel_driver import KernelDriver


def _alive(k: KernelDriver) -> None:
    assert k.output("print('alive')").strip() == "alive"


def test_unknown_target_is_closed_back_with_reason_and_logged(k: KernelDriver) -> None:
    """comm_open for an unregistered target: comm_close with a reason, warning in the log."""
    msg_id = k.send("comm_open", {"comm_id": "u1", "target_name": "nowhere", "data": {}})
    [closed] = k.of_type(k.until_idle(msg_id), "comm_close")
    assert closed["content"]["comm_id"] == "u1"
    assert "no comm target 'nowhere' is registered" in closed["content"]["data"]["reason"]
    assert closed["parent_header"]["msg_id"] == msg_id
    k.wait_for_log("ipycomm refused comm u1")
    assert k.comm_info()["comms"] == {}


def test_failing_target_handler_shows_traceback_and_closes(k: KernelDriver) -> None:
    """A target handler that raises: traceback on iopub under the comm_open, comm closed back."""
    k.execute(
        "import ipycomm\n"
        "def broken(comm, msg):\n"
        "    raise RuntimeError('cannot build widget')\n"
        "get_ipython().kernel.comm_manager.register_target('broken', broken)"
    )
    msg_id = k.send("comm_open", {"comm_id": "b1", "target_name": "broken", "data": {}})
    messages = k.until_idle(msg_id)
    [error] = k.of_type(messages, "error")
    assert error["parent_header"]["msg_id"] == msg_id
    assert error["content"]["ename"] == "RuntimeError"
    assert "cannot build widget" in "\n".join(error["content"]["traceback"])
    [closed] = k.of_type(messages, "comm_close")
    assert "RuntimeError: cannot build widget" in closed["content"]["data"]["reason"]
    assert k.comm_info()["comms"] == {}
    k.execute("get_ipython().kernel.comm_manager.unregister_target('broken', broken)")


@pytest.mark.parametrize("callback", ["on_msg", "on_close"])
def test_failing_callback_shows_traceback_under_the_message(k: KernelDriver, callback: str) -> None:
    """on_msg/on_close raising: traceback on iopub with that message as parent; comm usable."""
    messages = k.execute(
        "from ipycomm import Comm\n"
        "c = Comm(target_name='t')\n"
        "calls = []\n"
        "def cb(msg):\n"
        "    calls.append(msg)\n"
        "    if len(calls) == 1:\n"
        "        raise KeyError('first one fails')\n"
        f"c.{callback}(cb)"
    )
    comm_id = k.of_type(messages, "comm_open")[0]["content"]["comm_id"]
    if callback == "on_msg":
        msg_id = k.send("comm_msg", {"comm_id": comm_id, "data": {}})
    else:
        msg_id = k.send("comm_close", {"comm_id": comm_id, "data": {}})
    [error] = k.of_type(k.until_idle(msg_id), "error")
    assert error["parent_header"]["msg_id"] == msg_id
    assert error["content"]["ename"] == "KeyError"
    assert f"the {callback} callback of comm {comm_id}" in error["content"]["traceback"][0]
    if callback == "on_msg":
        k.until_idle(k.send("comm_msg", {"comm_id": comm_id, "data": {}}))
        assert k.output("print(len(calls), c.closed)").split() == ["2", "False"]
        k.execute("c.close()")
    else:
        assert k.output("print(c.closed)").strip() == "True"


@pytest.mark.parametrize("msg_type", ["comm_msg", "comm_close"])
def test_message_for_unknown_comm_is_logged(k: KernelDriver, msg_type: str) -> None:
    """comm_msg/comm_close for an unknown comm_id: clear log warning, nothing else."""
    messages = k.until_idle(k.send(msg_type, {"comm_id": f"ghost-{msg_type}", "data": {}}))
    assert k.of_type(messages, "comm_close") == [] and k.of_type(messages, "error") == []
    k.wait_for_log(f"ignored {msg_type} for comm ghost-{msg_type}: no such comm is open")
    _alive(k)


@pytest.mark.parametrize(
    ("msg_type", "content", "logged"),
    [
        ("comm_open", {"target_name": "t", "data": {}}, "comm_id must be a non-empty string"),
        ("comm_open", {"comm_id": "m1", "target_name": ["t"]}, "target_name must be"),
        ("comm_msg", {"comm_id": 42, "data": {}}, "comm_id must be a non-empty string, got 42"),
        ("comm_msg", {"comm_id": "m2", "data": [1, 2]}, "data must be a dict, got list"),
        ("comm_close", {"data": {}}, "comm_close: content.comm_id"),
    ],
)
def test_malformed_content_is_logged_and_kernel_keeps_answering(
    k: KernelDriver, msg_type: str, content: dict[str, Any], logged: str
) -> None:
    """Missing comm_id, data not a dict, wrong types: clear log error; the kernel stays alive."""
    k.until_idle(k.send(msg_type, content))
    k.wait_for_log(logged)
    _alive(k)
    assert k.comm_info()["comms"] == {}


def test_malformed_comm_info_request_gets_error_reply(k: KernelDriver) -> None:
    """A comm_info_request with a non-string target_name is answered with status error."""
    msg_id = k.send("comm_info_request", {"target_name": 5})
    reply = k.shell_reply(msg_id)
    k.until_idle(msg_id)
    assert reply["content"]["status"] == "error"
    assert "target_name must be a string" in reply["content"]["evalue"]


def test_send_on_closed_comm_warns_in_the_cell(k: KernelDriver) -> None:
    """send() after close() shows a CommClosedWarning in the cell's output; nothing is sent."""
    messages = k.execute(
        "from ipycomm import Comm\nc = Comm(target_name='t')\nc.close()\nc.send({'late': True})"
    )
    assert len(k.of_type(messages, "comm_msg")) == 0
    stderr = "".join(
        m["content"]["text"]
        for m in k.of_type(messages, "stream")
        if m["content"]["name"] == "stderr"
    )
    assert "CommClosedWarning" in stderr and "the kernel closed it" in stderr


def test_send_with_unserialisable_data_raises_in_the_cell(k: KernelDriver) -> None:
    """Data that cannot be JSON-encoded raises where send() was called; the comm stays open."""
    messages = k.execute(
        "from ipycomm import Comm\nc = Comm(target_name='t')\nc.send({'x': object()})",
        allow_error=True,
    )
    [error] = k.of_type(messages, "error")
    assert error["content"]["ename"] == "TypeError"
    assert "must be JSON-serializable" in error["content"]["evalue"]
    assert k.output("print(c.closed)").strip() == "False"
    k.execute("c.close()")
