"""Binary buffers both ways, sends from many threads, and handlers on subshell threads."""

from __future__ import annotations

import textwrap

import numpy as np
from kernel_driver import KernelDriver


def test_buffers_from_kernel_arrive_intact(k: KernelDriver) -> None:
    """bytes, bytearray, memoryview and numpy buffers reach the client byte for byte."""
    messages = k.execute(
        "import numpy as np\nfrom ipycomm import Comm\n"
        "c = Comm(target_name='t')\n"
        "arr = np.arange(1000, dtype='<f8')\n"
        "c.send({'kind': 'mixed'}, buffers=[b'abc', bytearray(b'de'), memoryview(b'fgh'), arr])\n"
        "c.close()"
    )
    [sent] = k.of_type(messages, "comm_msg")
    buffers = [bytes(b) for b in sent["buffers"]]
    assert buffers[:3] == [b"abc", b"de", b"fgh"]
    assert np.array_equal(np.frombuffer(buffers[3], dtype="<f8"), np.arange(1000, dtype="<f8"))


def test_buffers_from_client_reach_the_handler(k: KernelDriver) -> None:
    """Buffers sent by the frontend are handed to on_msg, 1 MB included."""
    messages = k.execute(
        "from ipycomm import Comm\nc = Comm(target_name='t')\nsizes = []\n"
        "c.on_msg(lambda m: sizes.append([bytes(b)[:3] + b'|' + str(len(b)).encode() "
        "for b in m['buffers']]))"
    )
    comm_id = k.of_type(messages, "comm_open")[0]["content"]["comm_id"]
    big = np.full(1 << 20, 7, dtype=np.uint8)
    k.until_idle(k.send("comm_msg", {"comm_id": comm_id, "data": {}}, buffers=[b"xyz", big]))
    assert k.output("print(sizes)").strip() == "[[b'xyz|3', b'\\x07\\x07\\x07|1048576']]"
    k.execute("c.close()")


def test_sends_from_eight_threads_all_arrive_in_per_thread_order(k: KernelDriver) -> None:
    """8 threads x 1000 sends to a reader that grants credit: every message is delivered, and
    each thread's order is kept."""
    with k.reading() as reader:
        messages = k.execute(
            textwrap.dedent(
                """
            import threading
            from ipycomm import Comm
            c = Comm(target_name='t')
            def pump(t):
                for i in range(1000):
                    c.send({'t': t, 'i': i})
            threads = [threading.Thread(target=pump, args=(t,)) for t in range(8)]
            for th in threads: th.start()
            for th in threads: th.join()
            c.close()
            """
            ),
            timeout=120,
        )
    assert reader.lost == 0
    seen: dict[int, list[int]] = {t: [] for t in range(8)}
    ids = set()
    for msg in k.of_type(messages, "comm_msg"):
        seen[msg["content"]["data"]["t"]].append(msg["content"]["data"]["i"])
        ids.add(msg["header"]["msg_id"])
    assert all(seen[t] == list(range(1000)) for t in range(8))
    assert len(ids) == 8000


def _subshell(k: KernelDriver) -> str:
    msg = k.kc.session.msg("create_subshell_request", {})
    k.kc.control_channel.send(msg)
    while True:
        reply = k.kc.get_control_msg(timeout=10)
        if reply["parent_header"]["msg_id"] == msg["header"]["msg_id"]:
            return str(reply["content"]["subshell_id"])


def test_handlers_run_on_subshell_thread_while_a_cell_runs(k: KernelDriver) -> None:
    """A comm opened on a subshell is handled on that subshell's thread, even while the main
    shell is busy running a cell that waits for the comm handler."""
    k.execute(
        textwrap.dedent(
            """
            import threading
            from ipycomm import Comm
            released = threading.Event()
            threads = []
            def on_open(comm, msg):
                threads.append(threading.current_thread().name)
                def on_msg(m):
                    threads.append(threading.current_thread().name)
                    comm.send({'echo': m['content']['data']})
                    released.set()
                comm.on_msg(on_msg)
                comm.send({'ready': True})
            get_ipython().kernel.comm_manager.register_target('sub', on_open)
            """
        )
    )
    subshell_id = _subshell(k)
    on_sub = {"subshell_id": subshell_id}
    open_id = k.send(
        "comm_open", {"comm_id": "s1", "target_name": "sub", "data": {}}, header=on_sub
    )
    [ready] = k.of_type(k.until_idle(open_id), "comm_msg")
    assert ready["parent_header"]["msg_id"] == open_id

    blocked_cell = k.kc.execute("print(released.wait(60))")
    k.next_iopub(lambda m: m["msg_type"] == "execute_input")
    msg_id = k.send("comm_msg", {"comm_id": "s1", "data": {"x": 1}}, header=on_sub)
    [echo] = k.of_type(k.until_idle(msg_id), "comm_msg")
    assert echo["content"]["data"] == {"echo": {"x": 1}}
    assert echo["parent_header"]["msg_id"] == msg_id
    assert k.stream_text(k.until_idle(blocked_cell)).strip() == "True"
    names = k.output("print(threads)")
    assert "MainThread" not in names and names.count("'") == 4
    k.execute("get_ipython().kernel.comm_manager.get_comm('s1').close()")


def test_opening_and_closing_many_comms_leaves_nothing_behind(k: KernelDriver) -> None:
    """Opening and closing 2000 comms leaves nothing registered (read under flow control: its
    4,000 messages would overflow the iopub socket of a slow machine)."""
    with k.reading():
        k.execute(
            "from ipycomm import Comm\nfor _ in range(2000):\n    Comm(target_name='t').close()",
            timeout=120,
        )
    assert k.comm_info()["comms"] == {}
    assert k.output("print(len(get_ipython().kernel.comm_manager.comms))").strip() == "0"


def test_close_after_the_frontend_deleted_its_subshell_still_closes(k: KernelDriver) -> None:
    """JupyterLab sends comm messages on a per-target subshell and deletes it when the comm
    closes; the comm_close must still reach the comm (it is routed to the thread that sent)."""
    messages = k.execute(
        "from ipycomm import Comm\nc = Comm(target_name='t')\n"
        "c.on_msg(lambda m: c.send({'echo': m['content']['data']}))"
    )
    comm_id = k.of_type(messages, "comm_open")[0]["content"]["comm_id"]
    subshell_id = _subshell(k)
    on_sub = {"subshell_id": subshell_id}
    echoed = k.until_idle(k.send("comm_msg", {"comm_id": comm_id, "data": {}}, header=on_sub))
    assert k.of_type(echoed, "comm_msg")
    delete = k.kc.session.msg("delete_subshell_request", {"subshell_id": subshell_id})
    k.kc.control_channel.send(delete)
    while k.kc.get_control_msg(timeout=10)["parent_header"]["msg_id"] != delete["header"]["msg_id"]:
        pass
    k.until_idle(k.send("comm_close", {"comm_id": comm_id, "data": {}}, header=on_sub))
    assert k.output("print(c.closed)").strip() == "True"
