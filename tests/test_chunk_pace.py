"""Adaptive pacing of the kernel's transfers (docs/chunking.md §3), over the fake sending
thread of test_chunk_pacer and a fake clock: alone, chunks double up to the largest size with
MAX_AHEAD ahead; while other messages move, small chunks and one ahead; quiet again, they grow."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ipycomm.chunks.format import CHUNK_KEY, MAX_AHEAD
from ipycomm.chunks.limits import MAX_CHUNK_SIZE
from ipycomm.chunks.outgoing import transfer_of
from ipycomm.chunks.pace import SHARED_CHUNK_SIZE, SHARED_FOR, Pace
from ipycomm.chunks.pacer import Pacer
from ipycomm.transport import Outgoing
from test_chunk_pacer import Harness, pack

MIB = 1 << 20


class Adaptive(Harness):
    """The harness with a pacer on its clock, starting adaptive transfers."""

    def __init__(self) -> None:
        super().__init__()
        self.pacer = Pacer(self.outbox, clock=self.clock)

    def start_adaptive(self, size: int, chunk_size: int = MIB) -> None:
        message = Outgoing("comm_open", "c1", {}, {"m": 1}, [bytes(size - 2)])
        message.extra = {"target_name": "big", "target_module": None}
        pace = self.pacer.pace(chunk_size, adaptive=True)
        self.pacer.start(transfer_of(message, b"{}", pace, pack, parent={}))
        self.run()

    def chunk_sizes(self) -> list[int]:
        return [len(w.buffers[0]) for w in self.sent if w.buffers]

    def take_all(self) -> None:
        """Credit everything sent, until nothing more comes."""
        while True:
            before = len(self.sent)
            self.credit(self.last_seq())
            if len(self.sent) == before:
                return


@pytest.fixture
def a() -> Adaptive:
    harness = Adaptive()
    harness.credit(0)
    return harness


def header(wire: Any) -> dict[str, Any]:
    return dict(json.loads(wire.content)["data"][CHUNK_KEY])


def test_a_lone_transfer_doubles_its_chunks_up_to_the_largest_size(a: Adaptive) -> None:
    """From c.IPyComm.chunk_size, each chunk twice the last, capped; no count, the last
    chunk marked and of the message's own type with its content fields."""
    a.start_adaptive(40 * MIB)
    assert len(a.sent) == MAX_AHEAD
    a.take_all()
    assert a.chunk_sizes() == [MIB, 2 * MIB, 4 * MIB, 8 * MIB, 8 * MIB, 8 * MIB, 8 * MIB, MIB]
    assert all("count" not in header(w) for w in a.sent)
    assert [header(w).get("last", False) for w in a.sent] == [False] * 7 + [True]
    assert [w.msg_type for w in a.sent] == ["comm_msg"] * 7 + ["comm_open"]
    last = json.loads(a.sent[-1].content)
    assert (last["target_name"], last["target_module"]) == ("big", None)
    assert MAX_CHUNK_SIZE == 8 * MIB


def test_other_messages_make_chunks_small_with_one_ahead_until_quiet_again(a: Adaptive) -> None:
    """A message on another comm: the next chunks are at most SHARED_CHUNK_SIZE, one beyond
    what the reader took; SHARED_FOR seconds later with nothing else, they grow again from
    the chunk size."""
    a.start_adaptive(40 * MIB)
    a.small(1, comm_id="c2")
    a.credit(a.sent[0].metadata["ipycomm"]["seq"])  # the first chunk taken: one more may go
    a.credit(a.last_seq())  # all taken: still one ahead
    shared = a.chunk_sizes()[2:]
    assert shared == [SHARED_CHUNK_SIZE], "one small chunk ahead while shared"
    a.clock.now += SHARED_FOR + 0.01
    a.credit(a.last_seq())
    assert a.chunk_sizes()[3:] == [MIB, 2 * MIB]


def test_a_chunk_size_below_the_shared_size_stays_the_shared_size(a: Adaptive) -> None:
    """c.IPyComm.chunk_size under SHARED_CHUNK_SIZE: shared chunks are that size, not larger."""
    a.start_adaptive(4 * MIB, chunk_size=64 << 10)
    a.small(1, comm_id="c2")
    a.credit(a.last_seq())
    assert a.chunk_sizes()[MAX_AHEAD:] == [64 << 10]


def paced(start: int = MIB) -> tuple[Pace, list[int]]:
    """A pace alone on a fake clock, and a counter of other messages the test can bump."""
    others = [0]
    return Pace(start, lambda: others[0], clock=lambda: 0.0), others


def test_chunks_grow_while_the_rate_holds_and_never_past_the_largest_size() -> None:
    pace, _ = paced()
    sizes = []
    for _ in range(12):
        size = pace.next_size()
        sizes.append(size)
        pace.taken(size, size / 50e6)  # 50 MB/s, whatever the size
    assert sizes[:5] == [MIB, 2 * MIB, 4 * MIB, 8 * MIB, 8 * MIB]
    assert max(sizes) == MAX_CHUNK_SIZE


def test_chunks_shrink_when_the_round_trip_rises_and_never_below_the_shared_size() -> None:
    """Two chunks in a row at under half the best rate (their bytes queue): the next is half
    the last; one slow chunk alone changes nothing; a rate that stays low takes the size down
    to the shared size and no further."""
    pace, _ = paced()
    for _ in range(4):
        size = pace.next_size()
        pace.taken(size, size / 50e6)
    size = pace.next_size()
    assert size == 8 * MIB
    pace.taken(size, size / 10e6)  # one slow chunk: a pause
    pace.taken(size, size / 50e6)
    assert pace.next_size() == 8 * MIB
    pace.taken(size, size / 10e6)
    pace.taken(size, size / 10e6)  # the round trip rose for two chunks: halve
    assert pace.next_size() == 4 * MIB
    sizes = []
    for _ in range(40):
        size = pace.next_size()
        sizes.append(size)
        pace.taken(size, 1.0)  # ever slower per byte than the best
    assert min(sizes) == SHARED_CHUNK_SIZE and sizes[-1] == SHARED_CHUNK_SIZE


def test_one_chunk_ahead_only_while_other_messages_move() -> None:
    pace, others = paced()
    assert pace.ahead() == MAX_AHEAD
    others[0] += 1
    assert (pace.ahead(), pace.next_size()) == (1, SHARED_CHUNK_SIZE)
