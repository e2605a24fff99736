"""Handlers under kernel subshells, against a real kernel: one comm's handlers never run at the
same time, and a comm or target can ask for the main thread, between cells, in order."""

from __future__ import annotations

from typing import Any

from kernel_driver import KernelDriver

RECORDER = """
import threading, ipycomm
events = []
def target(comm, msg):
    events.append(('open', threading.current_thread().name))
    def on_msg(m):
        data = m['content']['data']
        events.append(('start', data['n'], threading.current_thread().name))
        print('started', data['n'], flush=True)
        if data.get('wait'):
            # Held until the next message's handler says it started, or 3 s: it can start
            # only if handlers of this comm run at the same time.
            events.append(('overlapped', overlap.wait(3)))
        else:
            overlap.set()
        events.append(('end', data['n']))
    comm.on_msg(on_msg)
overlap = threading.Event()
"""


def subshell(k: KernelDriver) -> str:
    """A new kernel subshell (its own thread), as JupyterLab makes for comms."""
    msg = k.kc.session.msg("create_subshell_request", {})
    k.kc.control_channel.send(msg)
    reply = k.kc.get_control_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg["header"]["msg_id"]
    return str(reply["content"]["subshell_id"])


def on(k: KernelDriver, shell: str | None, msg_type: str, content: dict[str, Any]) -> str:
    header = {"subshell_id": shell} if shell else None
    return k.send(msg_type, content, header=header)


def events(k: KernelDriver) -> list[Any]:
    return eval(k.output("print(events)"))


def test_one_comms_handlers_never_run_at_the_same_time(k: KernelDriver) -> None:
    """Two pages' messages on one comm, on two subshells: the second handler starts only
    after the first one ends."""
    k.execute(RECORDER + "get_ipython().kernel.comm_manager.register_target('rec', target)")
    first, second = subshell(k), subshell(k)
    k.until_idle(on(k, first, "comm_open", {"comm_id": "r1", "target_name": "rec", "data": {}}))
    one = on(k, first, "comm_msg", {"comm_id": "r1", "data": {"n": 1, "wait": True}})
    k.next_iopub(lambda m: m["msg_type"] == "stream" and "started 1" in m["content"]["text"])
    two = on(k, second, "comm_msg", {"comm_id": "r1", "data": {"n": 2}})
    k.until_idle(one)
    k.until_idle(two)
    seen = [e for e in events(k) if e[0] != "open"]
    assert seen[:2] == [("start", 1, seen[0][2]), ("overlapped", False)]
    assert [e[0] for e in seen[2:]] == ["end", "start", "end"]
    assert seen[0][2].startswith("subshell"), "it did run on a subshell"
    k.execute("get_ipython().kernel.comm_manager.get_comm('r1').close()")


def test_a_main_thread_target_runs_its_handlers_between_cells_in_order(k: KernelDriver) -> None:
    """With on_main_thread(target), a comm_open and a comm_msg sent on a subshell while a
    cell runs are handled on the main thread, after that cell, before the next one."""
    k.execute(RECORDER + "get_ipython().kernel.comm_manager.register_target('main', target)")
    k.execute("ipycomm.on_main_thread('main')")
    shell = subshell(k)
    cell = k.kc.execute("events.append(('cell', 1))\noverlap.wait(2)\nevents.append(('cell', 2))")
    k.next_iopub(lambda m: m["msg_type"] == "execute_input")
    on(k, shell, "comm_open", {"comm_id": "m1", "target_name": "main", "data": {}})
    on(k, shell, "comm_msg", {"comm_id": "m1", "data": {"n": 1}})
    after = k.kc.execute("events.append(('cell', 3))")
    k.until_idle(cell)
    k.until_idle(after)
    seen = events(k)
    assert seen == [
        ("cell", 1),
        ("cell", 2),
        ("open", "MainThread"),
        ("start", 1, "MainThread"),
        ("end", 1),
        ("cell", 3),
    ]
    k.execute("get_ipython().kernel.comm_manager.get_comm('m1').close()")


def test_a_main_thread_comm_keeps_its_messages_on_the_main_shell(k: KernelDriver) -> None:
    """A comm made by a cell that ran on a subshell would get its replies there; with
    on_main_thread(comm), its handlers run on the main thread."""
    shell = subshell(k)
    code = (
        "import threading, ipycomm\nthreads = []\n"
        "c = ipycomm.Comm(target_name='plot')\n"
        "c.on_msg(lambda m: threads.append(threading.current_thread().name))"
    )
    k.until_idle(on(k, shell, "execute_request", cell(code)))
    comm_id = k.output("print(c.comm_id)").strip()
    k.until_idle(on(k, shell, "comm_msg", {"comm_id": comm_id, "data": {}}))
    k.execute("ipycomm.on_main_thread(c)")
    k.until_idle(on(k, shell, "comm_msg", {"comm_id": comm_id, "data": {}}))
    first, second = eval(k.output("print(threads)"))
    assert first.startswith("subshell"), "without it, the subshell that made the comm"
    assert second == "MainThread"
    k.execute("c.close()")


def cell(code: str) -> dict[str, Any]:
    return {"code": code, "silent": False, "store_history": False, "user_expressions": {}}
