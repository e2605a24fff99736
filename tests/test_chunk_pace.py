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
        parent = {"header": {"msg_id": "request-1"}}
        self.pacer.start(transfer_of(message, b"{}", pace, pack, parent=parent))
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


def test_a_lone_transfer_goes_in_the_largest_chunks_the_last_marked(a: Adaptive) -> None:
    """Alone: MAX_CHUNK_SIZE chunks, MAX_AHEAD ahead; no count, the last chunk marked and of
    the message's own type with its content fields."""
    a.start_adaptive(40 * MIB + 100)
    assert len(a.sent) == MAX_AHEAD
    a.take_all()
    assert a.chunk_sizes() == [MAX_CHUNK_SIZE] * 5 + [100]
    assert all("count" not in header(w) for w in a.sent)
    assert [header(w).get("last", False) for w in a.sent] == [False] * 5 + [True]
    assert [w.msg_type for w in a.sent] == ["comm_msg"] * 5 + ["comm_open"]
    last = json.loads(a.sent[-1].content)
    assert (last["target_name"], last["target_module"]) == ("big", None)
    assert MAX_CHUNK_SIZE == 8 * MIB


def test_other_messages_make_chunks_small_with_one_ahead_until_quiet_again(a: Adaptive) -> None:
    """A message on another comm: the next chunks are at most SHARED_CHUNK_SIZE, one beyond
    what the reader took; SHARED_FOR seconds later with nothing else, the transfer starts
    afresh in the largest chunks."""
    a.start_adaptive(40 * MIB)
    a.small(1, comm_id="c2")
    a.credit(a.sent[0].metadata["ipycomm"]["seq"])  # the first chunk taken: one more may go
    a.credit(a.last_seq())  # all taken: still one ahead
    shared = a.chunk_sizes()[2:]
    assert shared == [SHARED_CHUNK_SIZE], "one small chunk ahead while shared"
    a.clock.now += SHARED_FOR + 0.01
    a.credit(a.last_seq())
    assert a.chunk_sizes()[3:] == [MAX_CHUNK_SIZE] * 2


@pytest.mark.parametrize(
    ("request_id", "request_type", "shared"),
    [
        ("request-1", "execute_request", False),
        ("request-2", "create_subshell_request", False),
        ("request-2", "comm_msg", True),
        ("request-2", "kernel_info_request", True),
    ],
)
def test_another_requests_busy_makes_the_transfer_share_but_its_own_does_not(
    a: Adaptive, request_id: str, request_type: str, shared: bool
) -> None:
    """The busy status of the request that sent the transfer may reach the IOPub thread after
    the transfer began: it is no sign of other traffic; nor is JupyterLab's subshell
    bookkeeping for a comm. Another request's busy is."""
    a.start_adaptive(40 * MIB)
    busy = ("status:busy", request_id, request_type)
    a.pacer.hold_output(lambda: None, 10, lambda: busy)
    a.credit(a.last_seq())
    assert a.chunk_sizes()[MAX_AHEAD:] == ([SHARED_CHUNK_SIZE] if shared else [MAX_CHUNK_SIZE] * 2)


def test_a_chunk_size_below_the_shared_size_stays_the_shared_size(a: Adaptive) -> None:
    """c.IPyComm.chunk_size under SHARED_CHUNK_SIZE: shared chunks are that size, not larger."""
    a.start_adaptive(40 * MIB, chunk_size=64 << 10)
    a.small(1, comm_id="c2")
    a.credit(a.last_seq())
    assert a.chunk_sizes()[MAX_AHEAD:] == [64 << 10]


class Link:
    """A pace alone on a fake clock: chunks go one at a time, each taking the time a test says."""

    def __init__(self, chunk_size: int = MIB) -> None:
        self.now = 0.0
        self.others = 0
        self.pace = Pace(chunk_size, lambda: self.others, clock=lambda: self.now)

    def send(self, rate: float) -> int:
        """One chunk of the pace's next size, acknowledged once it went at ``rate`` bytes/s."""
        size, sent = self.pace.next_size(), self.now
        self.now += size / rate
        self.pace.taken(size, sent)
        return size

    def run(self, n: int, rate: float) -> list[int]:
        return [self.send(rate) for _ in range(n)]


def test_chunks_never_pass_the_largest_size_and_grow_back_once_the_rate_holds() -> None:
    """A steady rate keeps the largest chunks; after two slow chunks halved them, chunks at
    the old rate double again, up to the largest."""
    link = Link()
    assert link.run(4, 50e6) == [MAX_CHUNK_SIZE] * 4
    link.run(2, 10e6)
    assert link.run(3, 50e6) == [4 * MIB, 8 * MIB, 8 * MIB]


def test_chunks_shrink_when_the_round_trip_rises_and_never_below_the_shared_size() -> None:
    """Two chunks in a row at under half the best rate (their bytes queue): the next is half
    the last; one slow chunk alone changes nothing; a rate that drops far takes the size down
    to the shared size and no further (and, once the best rate has forgotten the faster link,
    up again)."""
    link = Link()
    link.run(4, 50e6)
    size = MAX_CHUNK_SIZE
    assert link.send(10e6) == size  # one slow chunk: a pause
    assert link.send(50e6) == size
    link.run(2, 10e6)  # the round trip rose for two chunks: halve
    assert link.send(10e6) == size // 2
    sizes = link.run(60, 1e6)  # far slower per byte than the best, for long
    assert min(sizes) == SHARED_CHUNK_SIZE
    assert sizes[sizes.index(SHARED_CHUNK_SIZE) :] == sorted(
        sizes[sizes.index(SHARED_CHUNK_SIZE) :]
    )


def test_a_chunk_counts_only_the_time_after_the_one_ahead_of_it_was_taken() -> None:
    """Two chunks sent at once: the second's rate is over the time after the first's
    acknowledgement, so pipelining does not look like a slower link."""
    link = Link()
    first, second = link.pace.next_size(), link.pace.next_size()
    link.now += first / 50e6
    link.pace.taken(first, 0.0)
    link.now += second / 50e6
    link.pace.taken(second, 0.0)
    link.now += MAX_CHUNK_SIZE / 50e6  # a third, sent at once too, at the same rate
    link.pace.taken(MAX_CHUNK_SIZE, 0.0)
    assert link.pace.next_size() == MAX_CHUNK_SIZE  # not slow: no halving


def test_one_chunk_ahead_only_while_other_messages_move() -> None:
    link = Link()
    assert link.pace.ahead() == MAX_AHEAD
    link.others += 1
    assert (link.pace.ahead(), link.pace.next_size()) == (1, SHARED_CHUNK_SIZE)
