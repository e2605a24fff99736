"""The kernel's output among its chunked transfers (ipycomm/chunks/barrier.py), over a fake
sending thread: output published during a transfer waits for its last chunk; what its own request
sends after it, and what goes on a comm with something waiting, waits behind it; other requests'
messages and statuses go on."""

from __future__ import annotations

import json
from typing import Any

from ipycomm.chunks.format import CHUNK_KEY
from ipycomm.chunks.outgoing import transfer_of
from ipycomm.chunks.pace import FixedPace
from ipycomm.flow.wire import Queued
from ipycomm.transport import Outgoing
from test_chunk_pacer import Harness, pack

CELL = {"header": {"msg_id": "cell"}}
SLIDER = {"header": {"msg_id": "slider"}}


class Ordered(Harness):
    """The pacer harness, with the kernel's own output logged among the wire messages."""

    def __init__(self) -> None:
        super().__init__()
        self.credit(0)
        self.outputs: list[str] = []

    def log(self) -> list[Any]:
        """The wire messages (a chunk's index, a small message's i) and outputs, in order."""
        out: list[Any] = []
        for wire in self.sent:
            if isinstance(wire, str):
                out.append(wire)
                continue
            data = json.loads(wire.content)["data"]
            chunk = data.get(CHUNK_KEY)
            out.append(data["i"] if chunk is None else chunk["index"])
        return out

    def big(self, parent: dict[str, Any]) -> None:
        message = Outgoing("comm_msg", "big", {}, {}, [bytes(2998)])
        self.pacer.start(transfer_of(message, b"{}", FixedPace(1000), pack, parent=parent))
        self.run()

    def small(self, i: int, comm_id: str = "c1", parent: Any = None) -> None:
        content = b'{"comm_id":"%s","data":{"i":%d}}' % (comm_id.encode(), i)
        item = Queued("comm_msg", b"", content, {}, [], parent or {}, comm_id=comm_id)
        self.pacer.send(item)
        self.run()

    def output(self, name: str, parent: dict[str, Any], kind: str = "stream") -> bool:
        """Publish the kernel's own output; returns whether it was held."""
        sent: list[Any] = self.sent  # a held output lands among the wires when it goes

        def send() -> None:
            sent.append(name)

        msg_id = parent["header"]["msg_id"]
        held = self.pacer.hold_output(send, 10, lambda: (kind, msg_id, "execute_request"))
        if not held and not self.outbox.hold_behind(send, 10):
            send()
        self.run()
        return held

    def finish(self) -> None:
        while True:
            seqs = [w.metadata["ipycomm"]["seq"] for w in self.sent if not isinstance(w, str)]
            before = len(self.sent)
            self.credit(max(seqs))
            if len(self.sent) == before:
                return


def test_a_print_during_a_transfer_goes_after_its_last_chunk() -> None:
    h = Ordered()
    h.big(CELL)  # 3 chunks; 2 go out, the third waits for credit
    assert h.output("print", CELL)
    assert h.output("idle of the cell", CELL, kind="status:idle")
    h.finish()
    assert h.log() == [0, 1, 2, "print", "idle of the cell"]


def test_what_the_request_sends_after_its_held_output_waits_behind_it() -> None:
    """ipywidgets' Output widget: the update that clears msg_id must not overtake the print."""
    h = Ordered()
    h.big(CELL)
    h.output("print", CELL)
    h.small(1, comm_id="output-widget", parent=CELL)
    h.finish()
    assert h.log() == [0, 1, 2, "print", 1]


def test_another_requests_messages_and_statuses_pass_a_held_output() -> None:
    """A slider's round trip on another comm while a cell's image downloads."""
    h = Ordered()
    h.big(CELL)
    h.output("idle of the cell", CELL, kind="status:idle")
    assert not h.output("busy of the slider", SLIDER, kind="status:busy")
    h.small(7, comm_id="slider", parent=SLIDER)
    assert not h.output("idle of the slider", SLIDER, kind="status:idle")
    assert h.log() == [0, 1, "busy of the slider", 7, "idle of the slider"]
    h.finish()
    assert h.log()[-2:] == [2, "idle of the cell"]


def test_a_message_on_a_comm_with_something_held_keeps_the_comms_order() -> None:
    h = Ordered()
    h.big(CELL)
    h.output("print", CELL)
    h.small(1, comm_id="shared", parent=CELL)
    h.small(2, comm_id="shared", parent=SLIDER)  # another request, but the same comm
    h.finish()
    assert h.log() == [0, 1, 2, "print", 1, 2]


def test_output_of_another_request_still_waits_for_the_transfer() -> None:
    """A stream published after a comm message never reaches a reader before it."""
    h = Ordered()
    h.big(CELL)
    assert h.output("print of the slider's handler", SLIDER)
    h.finish()
    assert h.log() == [0, 1, 2, "print of the slider's handler"]


def test_a_requests_busy_and_execute_input_never_wait_nor_hold_its_messages_back() -> None:
    """They reach the IOPub thread late, after the transfer the cell's code started."""
    h = Ordered()
    h.big(CELL)
    assert not h.output("busy of the cell", CELL, kind="status:busy")
    assert not h.output("execute_input", CELL, kind="execute_input")
    h.small(1, comm_id="other", parent=CELL)
    assert h.log() == [0, 1, "busy of the cell", "execute_input", 1]
    h.output("idle of the cell", CELL, kind="status:idle")
    h.finish()
    assert h.log()[-2:] == [2, "idle of the cell"]


def test_output_held_behind_a_transfer_its_comm_closed_goes_at_once() -> None:
    """The page closed the comm: the transfer stops with nothing more sent, and the output
    held behind it is not left waiting for a lane that will never move again."""
    h = Ordered()
    h.big(CELL)
    h.output("print", CELL)
    h.pacer.comm_closed("big")
    h.run()
    assert h.log() == [0, 1, "print"]
