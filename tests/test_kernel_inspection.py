"""The Comm Inspector's question to a real kernel (ipycomm.inspection): since when each live
comm is open and who opened it, and the credit state; answered on the control channel to the
asker alone, with no status, so a plain client beside it sees nothing new."""

from __future__ import annotations

import time
from typing import Any

from ipycomm.inspection import INSPECT_REPLY, INSPECT_REQUEST
from kernel_driver import KernelDriver, Msg
from test_kernel_many_clients import PlainClient


def inspect(k: KernelDriver) -> tuple[str, dict[str, Any]]:
    """Send an inspect request on the control channel; its msg_id and its reply's content."""
    msg = k.kc.session.msg(INSPECT_REQUEST, {})
    k.kc.control_channel.send(msg)
    msg_id = str(msg["header"]["msg_id"])
    deadline = time.monotonic() + 30
    while True:
        reply: Msg = k.kc.control_channel.get_msg(timeout=max(0.01, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            assert reply["msg_type"] == INSPECT_REPLY
            return msg_id, dict(reply["content"])


def test_each_live_comm_has_its_open_time_from_the_kernel_and_its_opener(k: KernelDriver) -> None:
    """A comm the kernel opened says when (kernel clock) and 'kernel'; one the client opened
    says 'frontend'; a closed comm is gone."""
    before = time.time()
    k.execute(
        "from ipycomm import Comm\nc = Comm(target_name='inspected')\n"
        "opened = []\nget_ipython().kernel.comm_manager.register_target("
        "'from_client', lambda comm, msg: opened.append(comm))"
    )
    after = time.time()
    comm_id = k.output("print(c.comm_id)").strip()
    k.until_idle(k.send("comm_open", {"comm_id": "client-1", "target_name": "from_client"}))
    _, reply = inspect(k)
    assert reply["status"] == "ok"
    ours = reply["comms"][comm_id]
    assert ours["target_name"] == "inspected" and ours["opened_by"] == "kernel"
    assert before - 1 <= ours["opened_at"] <= after + 1
    assert reply["comms"]["client-1"]["opened_by"] == "frontend"
    assert abs(reply["now"] - time.time()) < 5
    k.execute("c.close()\nopened[0].close()")
    assert inspect(k)[1]["comms"] == {}


def test_the_credit_state_lists_each_reader_with_its_window_and_what_waits(
    k: KernelDriver,
) -> None:
    """A reader that credited shows up with its seq and window; the outbox says what waits."""
    k.execute("from ipycomm import Comm\nc = Comm(target_name='flowing')")
    with k.reading() as reader:
        k.execute("for i in range(5):\n    c.send({'i': i})")
        k.credits_taken()
        flow = inspect(k)[1]["flow"]
        mine = [r for r in flow["readers"] if r["reader"] == reader.reader_id]
        assert mine and mine[0]["window"] == reader.window
        assert mine[0]["state"] == "gating"
        assert flow["seq"] >= mine[0]["acked"] > 0
        assert flow["queued"] == 0 and flow["max_queued"] == 10_000
    assert all(r["reader"] != reader.reader_id for r in inspect(k)[1]["flow"]["readers"])
    k.execute("c.close()")


def test_a_plain_client_beside_sees_nothing_of_an_inspection(own_kernel: KernelDriver) -> None:
    """No status, reply or other message reaches a client that did not ask, and its own
    comm_info_reply carries no open times."""
    k = own_kernel
    k.execute("import ipycomm\nc = ipycomm.Comm(target_name='seen')")
    plain = PlainClient(k)
    try:
        msg_id, _ = inspect(k)
        # The asker gets no status for it either: its idle would come before this cell's.
        cell = k.kc.execute("1")
        assert all(m["parent_header"].get("msg_id") != msg_id for m in k.until_idle(cell))
        assert not [m for m in k._pending if m["parent_header"].get("msg_id") == msg_id]
        info_id = plain.kc.comm_info()
        reply = plain.kc.get_shell_msg(timeout=30)
        while reply["parent_header"]["msg_id"] != info_id:  # its kernel_info replies first
            reply = plain.kc.get_shell_msg(timeout=30)
        entry = next(iter(reply["content"]["comms"].values()))
        assert entry == {"target_name": "seen"}
        plain.until_idle(info_id)  # everything published before its idle has arrived
        assert plain.kc.control_channel.msg_ready() is False
        leftovers = []
        while not plain.messages.empty():
            leftovers.append(plain.messages.get())
        assert not [m for m in leftovers if m["parent_header"].get("msg_id") == msg_id]
    finally:
        plain.stop()
        k.execute("c.close()")
