"""The kernel's chunked transfers over a fake sending thread: at most MAX_AHEAD chunks beyond
what the readers took, the comm's later messages behind the last chunk, other comms between chunks,
cancelling, and readers that stop crediting."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from ipycomm.chunks.format import CHUNK_KEY, MAX_AHEAD
from ipycomm.chunks.outgoing import transfer_of
from ipycomm.chunks.pace import FixedPace
from ipycomm.chunks.pacer import Pacer
from ipycomm.flow.outbox import Outbox
from ipycomm.flow.readers import Readers
from ipycomm.flow.wire import CreditContent, Queued, Wire
from ipycomm.transport import Outgoing


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Harness:
    """A pacer over an outbox whose sending thread is the test (``run``)."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.sent: list[Wire] = []
        self.scheduled: list[Callable[[], None]] = []
        self.later: list[tuple[float, Callable[[], None]]] = []
        self.outbox = Outbox(self, Readers(clock=self.clock))
        self.pacer = Pacer(self.outbox)

    def schedule(self, f: Callable[[], None]) -> None:
        self.scheduled.append(f)

    def schedule_later(self, delay: float, f: Callable[[], None]) -> None:
        self.later.append((delay, f))

    def may_block(self) -> bool:
        return True

    def send(self, wire: Wire, on_sent: Callable[[], None] | None) -> None:
        if on_sent is None:
            self.sent.append(wire)
            return

        def later() -> None:
            self.sent.append(wire)
            on_sent()

        self.scheduled.append(later)

    def run(self) -> None:
        while self.scheduled:
            self.scheduled.pop(0)()

    def credit(self, seq: int, chunks: bool = True, reader: str = "r1") -> None:
        content = CreditContent(reader=reader, seq=seq, window=256, batch_targets=[], closing=False)
        if chunks:
            content["chunks"] = True
        self.outbox.credit(content)
        self.run()

    def start(self, comm_id: str = "c1", size: int = 20 * 1000, chunk_size: int = 1000) -> str:
        message = Outgoing("comm_msg", comm_id, {}, {"m": 1}, [bytes(size - 2)])
        transfer = transfer_of(message, b"{}", FixedPace(chunk_size), pack, parent={})
        self.pacer.start(transfer)
        self.run()
        return transfer.transfer_id

    def small(self, i: int, comm_id: str = "c1") -> None:
        content = b'{"comm_id":"%s","data":{"i":%d}}' % (comm_id.encode(), i)
        self.pacer.send(Queued("comm_msg", b"", content, {}, [], {}, comm_id=comm_id))
        self.run()

    def wire_log(self) -> list[Any]:
        """What went out: a chunk's index, a notice's kind, a small message's i."""
        out = []
        for wire in self.sent:
            data = json.loads(wire.content)["data"]
            chunk = data.get(CHUNK_KEY)
            out.append(data["i"] if chunk is None else chunk.get("index", "cancel"))
        return out

    def last_seq(self) -> int:
        return int(self.sent[-1].metadata["ipycomm"]["seq"])


def pack(content: dict[str, Any]) -> bytes:
    return json.dumps(content).encode()


@pytest.fixture
def h() -> Harness:
    harness = Harness()
    harness.credit(0)  # a reader that reassembles takes part
    return harness


def test_a_transfer_keeps_at_most_max_ahead_chunks_beyond_what_the_reader_took(
    h: Harness,
) -> None:
    """Withheld credit: MAX_AHEAD chunks out. Each credit lets as many more go as it
    acknowledged."""
    h.start()
    assert h.wire_log() == list(range(MAX_AHEAD))
    h.credit(h.sent[1].metadata["ipycomm"]["seq"])
    assert h.wire_log() == list(range(MAX_AHEAD + 2))
    while len(h.sent) < 20:
        h.credit(h.last_seq())
    assert h.wire_log() == list(range(20))
    assert [w.metadata for w in h.sent[-2:]] == [
        {"ipycomm": {"seq": h.last_seq() - 1}},
        {"m": 1, "ipycomm": {"seq": h.last_seq()}},
    ], "only the last chunk carries the message's metadata"


def test_the_comms_later_messages_wait_behind_the_last_chunk_and_others_pass(h: Harness) -> None:
    """A message on the transfer's comm goes after its last chunk; one on another comm goes
    out at once, between chunks."""
    h.start()
    h.small(101, comm_id="c1")
    h.small(102, comm_id="other")
    ahead = list(range(MAX_AHEAD))
    assert h.wire_log() == [*ahead, 102]
    while 101 not in h.wire_log():
        h.credit(h.last_seq())
    assert h.wire_log() == [*ahead, 102, *range(MAX_AHEAD, 20), 101]


def test_a_cancelled_transfer_sends_a_cancel_notice_then_what_waited_behind_it(h: Harness) -> None:
    """Its unsent chunks are dropped; the pages are told; the comm's next message follows."""
    transfer_id = h.start()
    h.small(107)
    assert h.pacer.cancel(transfer_id)
    h.run()
    assert h.wire_log() == [*range(MAX_AHEAD), "cancel", 107]
    assert not h.pacer.cancel(transfer_id), "it is gone"


def test_without_a_reader_that_sets_the_pace_chunks_go_out_freely() -> None:
    """No reader spoke: nothing holds the transfer back."""
    h = Harness()
    h.start()
    assert h.wire_log() == list(range(20))


def test_the_kernel_chunks_only_while_every_reader_reassembles(h: Harness) -> None:
    """One reader without chunks: true in its credit is enough to stop chunking."""
    assert h.outbox.take_chunks()
    h.credit(0, chunks=False, reader="r2")
    assert not h.outbox.take_chunks()


def test_a_reader_that_stops_crediting_stops_holding_a_transfer_back(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Silent for stale_after while the transfer waits for it: it no longer sets the pace, and
    the transfer goes on, with a warning."""
    caplog.set_level(logging.WARNING, "ipycomm")
    h.start()
    assert len(h.sent) == MAX_AHEAD
    for _ in range(3):  # the recheck the pacer asked for, once the time has come
        assert h.later, "the pacer asked to look again"
        delay, recheck = h.later.pop()
        h.clock.now += delay + 0.01
        recheck()
        h.run()
    assert h.wire_log() == list(range(20))
    assert "reader r1 sent no credit for 2 s while a chunked transfer waited" in caplog.text
