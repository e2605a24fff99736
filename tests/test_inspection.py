"""ipycomm.inspection over a fake transport: open times and openers of live comms, the
reply sent to the asker alone, and a comm carried over from another layer without a time."""

from __future__ import annotations

import time
from typing import Any

from fakes import RecordingTransport
from ipycomm import Comm, CommManager
from ipycomm.inspection import INSPECT_REPLY, inspect, inspect_handler


def test_a_comm_opened_here_has_its_time_and_one_carried_over_has_none(
    manager: CommManager,
) -> None:
    """opened_at is the wall-clock time of opening; a foreign comm gets None for both."""

    class Foreign:
        comm_id, target_name = "old", "jupyter.widget"

        def handle_msg(self, msg: dict[str, Any]) -> None: ...
        def handle_close(self, msg: dict[str, Any]) -> None: ...

    class Previous:
        targets: dict[str, Any] = {}
        comms = {"old": Foreign()}

    manager.take_over(Previous())
    before = time.time()
    comm = Comm(target_name="t", manager=manager)
    reply = inspect(manager, None)
    mine = reply["comms"][comm.comm_id]
    assert mine["opened_by"] == "kernel" and mine["target_name"] == "t"
    assert mine["opened_at"] is not None and before <= mine["opened_at"] <= time.time()
    assert reply["comms"]["old"] == {
        "target_name": "jupyter.widget",
        "opened_at": None,
        "opened_by": None,
    }
    assert reply["flow"] is None
    comm.close()
    manager.unregister_comm(Foreign())  # not the registered object: left alone
    manager.unregister_comm(manager.comms["old"])
    assert manager.opened_at(comm.comm_id) is None


def test_the_handler_replies_through_the_transport_with_the_credit_state(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """The reply goes through the transport's reply (to the asker), with the flow state."""
    state: Any = {"seq": 3, "readers": []}
    handle = inspect_handler(manager, lambda: state)
    handle("control", [b"asker"], {"header": {"msg_id": "q"}, "content": {}})
    assert [(t, c["flow"]) for t, c in transport.replies] == [(INSPECT_REPLY, state)]
