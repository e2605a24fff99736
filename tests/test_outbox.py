"""The outbox over fakes: numbering, the credit window, batches, backpressure and stale readers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from ipycomm.flow.batch import unpack
from ipycomm.flow.outbox import Outbox
from ipycomm.flow.readers import STALE_AFTER, Readers
from ipycomm.flow.wire import CreditContent, Queued, Wire

PARENT = {"msg_id": "cell-1"}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Harness:
    """An outbox whose sending thread is the test (the harness is its Sender): what is
    scheduled runs in ``run_sender``."""

    def __init__(self, **limits: Any) -> None:
        self.clock = Clock()
        self.sent: list[Wire] = []
        self.scheduled: list[Callable[[], None]] = []
        self.wakes: list[float] = []  # the outbox's own flushes, after a delay
        self.timers: list[tuple[float, Callable[[], None]]] = []  # every delayed call
        self.blocking = True
        self.asked_to_block = threading.Event()
        self.outbox = Outbox(self, Readers(clock=self.clock), **limits)

    def schedule(self, f: Callable[[], None]) -> None:
        self.scheduled.append(f)

    def schedule_later(self, delay: float, f: Callable[[], None]) -> None:
        self.timers.append((delay, f))
        if f == self.outbox.flush:
            self.wakes.append(delay)

    def may_block(self) -> bool:
        self.asked_to_block.set()  # the caller is about to wait, or to go on without waiting
        return self.blocking

    def send(self, wire: Wire, on_sent: Callable[[], None] | None) -> None:
        if on_sent is None:
            self.sent.append(wire)  # a flush: on the sending thread, straight to the socket
            return

        def later() -> None:  # sent at once: reaches the socket when the sending thread runs
            self.sent.append(wire)
            on_sent()

        self.scheduled.append(later)

    def run_sender(self) -> None:
        """Run what was scheduled on the sending thread, in order, then a flush."""
        while self.scheduled:
            self.scheduled.pop(0)()
        self.outbox.flush()

    def put(self, i: int, msg_type: str = "comm_msg", comm_id: str = "c1", **kw: Any) -> None:
        data = json.dumps({"i": i}).encode()
        content = b'{"comm_id":"%s","data":%s}' % (comm_id.encode(), data)
        fields: dict[str, Any] = {"data": data, "target_name": "t", "parent": PARENT} | kw
        parent = fields.pop("parent")
        buffers = fields.pop("buffers", [])
        metadata = fields.pop("metadata", {})
        ident = f"comm-{comm_id}".encode()
        self.outbox.put(
            Queued(msg_type, ident, content, metadata, buffers, parent, comm_id=comm_id, **fields)
        )

    def credit(self, reader: str = "r1", seq: int = 0, window: int = 4, **kw: Any) -> None:
        credit = CreditContent(
            reader=reader, seq=seq, window=window, batch_targets=[], closing=False
        )
        self.outbox.credit(credit | kw)  # type: ignore[arg-type]

    def seqs(self) -> list[int]:
        return [wire.metadata["ipycomm"]["seq"] for wire in self.sent]

    def items(self) -> list[int]:
        """The logical messages sent, batches unpacked, as their data's ``i``."""
        values = []
        for wire in self.sent:
            msg = {"msg_type": wire.msg_type, "content": json.loads(wire.content)}
            msg |= {"metadata": wire.metadata, "buffers": wire.buffers}
            values += [m["content"]["data"]["i"] for m in unpack(msg)]
        return values


def test_without_readers_everything_goes_out_at_once_numbered_in_order() -> None:
    """With no reader taking part, a lone message goes at once from its caller; a burst queues
    behind it and follows when the sending thread runs, numbered 1, 2, 3..."""
    h = Harness()
    for i in range(5):
        h.put(i)
    assert [w.metadata["ipycomm"]["seq"] for w in h.sent] == [], (
        "nothing sent before the sender runs"
    )
    assert len(h.scheduled) == 2, "the first message's send, then one flush for the rest"
    h.run_sender()
    assert h.seqs() == [1, 2, 3, 4, 5]
    assert h.items() == [0, 1, 2, 3, 4]
    assert all("batch" not in wire.metadata["ipycomm"] for wire in h.sent)


def test_user_metadata_is_kept_next_to_the_seq() -> None:
    """A plain message keeps its own metadata; ipycomm adds only its own key."""
    h = Harness()
    h.put(0, metadata={"version": "2.1.0"})
    h.run_sender()
    assert h.sent[0].metadata == {"version": "2.1.0", "ipycomm": {"seq": 1}}


def test_a_reader_holds_messages_beyond_its_window_until_it_credits() -> None:
    """Wire message n waits while n > acked + window, and goes when credit arrives."""
    h = Harness()
    h.credit(seq=0, window=3)
    for i in range(7):
        h.put(i)
    h.run_sender()
    assert h.seqs() == [1, 2, 3]
    h.credit(seq=2, window=3)
    assert h.scheduled, "credit with messages waiting wakes the sender"
    h.run_sender()
    assert h.seqs() == [1, 2, 3, 4, 5]
    h.credit(reader="r1", seq=5, window=3)
    h.run_sender()
    assert h.items() == list(range(7))


def test_the_slowest_reader_sets_the_pace() -> None:
    """With two readers, the kernel sends only what both have room for."""
    h = Harness()
    h.credit(reader="fast", seq=0, window=100)
    h.credit(reader="slow", seq=0, window=2)
    for i in range(5):
        h.put(i)
    h.run_sender()
    assert h.seqs() == [1, 2]


def test_a_closing_reader_no_longer_holds_the_kernel_back() -> None:
    """A reader that says it closes is forgotten, and what waited for it goes out."""
    h = Harness()
    h.credit(seq=0, window=1)
    for i in range(4):
        h.put(i)
    h.run_sender()
    assert len(h.sent) == 1
    h.credit(closing=True)
    h.run_sender()
    assert h.items() == [0, 1, 2, 3]


def test_bursts_are_batched_only_for_readers_that_unpack_the_target() -> None:
    """Messages that queued up on one comm go out as one batch when every reader unpacks its
    target, and one by one otherwise."""
    h = Harness()
    h.credit(reader="a", batch_targets=["t"], window=1)
    h.credit(reader="b", batch_targets=["other"], window=1)
    for i in range(4):
        h.put(i)  # the first goes at once; three wait for credit
    h.credit(reader="a", batch_targets=["t"], seq=1, window=100)
    h.credit(reader="b", batch_targets=["other"], seq=1, window=100)
    h.run_sender()
    assert len(h.sent) == 4, "reader b does not unpack target t"
    h.credit(reader="a", batch_targets=["t"], seq=4, window=1)
    h.credit(reader="b", batch_targets=["t", "other"], seq=4, window=1)
    for i in range(4, 12):
        h.put(i)  # one at once, seven wait
    h.credit(reader="a", batch_targets=["t"], seq=5, window=100)
    h.credit(reader="b", batch_targets=["t"], seq=5, window=100)
    h.run_sender()
    assert len(h.sent) == 6
    assert h.sent[-1].metadata == {"ipycomm": {"seq": 6, "batch": 7}}
    assert h.items() == list(range(12))


def backlog(h: Harness) -> None:
    """A reader with room for one message, which a comm_open takes: what follows queues."""
    h.credit(window=1)
    h.put(-1, msg_type="comm_open")


def release(h: Harness) -> None:
    h.credit(seq=1, window=1000)
    h.run_sender()


def test_a_peer_that_unpacks_gets_batches_whatever_the_readers_unpack() -> None:
    """A frontend-opened comm that declared it unpacks is batched though no reader lists it."""
    h = Harness()
    backlog(h)
    for i in range(4):
        h.put(i, peer_unpacks=True)
    release(h)
    assert len(h.sent) == 2 and h.items() == [-1, 0, 1, 2, 3]


def test_batches_break_at_other_comms_other_parents_and_other_message_types() -> None:
    """Only consecutive comm_msgs of one comm with one parent join: order is never changed."""
    h = Harness()
    backlog(h)
    kw = {"peer_unpacks": True}
    h.put(0, **kw)
    h.put(1, **kw)
    h.put(2, comm_id="c2", **kw)
    h.put(3, **kw)
    h.put(4, parent={"msg_id": "cell-2"}, **kw)
    h.put(5, msg_type="comm_close", **kw)
    release(h)
    assert [w.ident.decode() for w in h.sent] == [f"comm-c{c}" for c in "112111"]
    assert [w.msg_type for w in h.sent][-1] == "comm_close"
    assert h.sent[1].metadata["ipycomm"]["batch"] == 2
    assert h.items()[:6] == [-1, 0, 1, 2, 3, 4]


def test_batched_buffers_stay_with_their_messages() -> None:
    """A batch concatenates the items' buffers and each item says how many are its own."""
    h = Harness()
    backlog(h)
    h.put(0, peer_unpacks=True, buffers=[b"a", b"bb"])
    h.put(1, peer_unpacks=True)
    h.put(2, peer_unpacks=True, buffers=[b"ccc"], metadata={"m": 1})
    release(h)
    wire = h.sent[1]
    msg = {"msg_type": "comm_msg", "content": json.loads(wire.content)}
    parts = unpack(msg | {"metadata": wire.metadata, "buffers": wire.buffers})
    assert [p["buffers"] for p in parts] == [[b"a", b"bb"], [], [b"ccc"]]
    assert [p["metadata"] for p in parts] == [{}, {}, {"m": 1}]


def test_put_blocks_while_full_and_resumes_when_the_sender_makes_room() -> None:
    """Backpressure: a caller waits while max_queued messages wait, never drops one."""
    h = Harness(max_queued=3)
    h.credit(window=1)
    for i in range(4):
        h.put(i)  # one sent at once, three queued: full
    done = threading.Event()
    worker = threading.Thread(target=lambda: (h.put(4), done.set()))
    worker.start()
    assert not done.wait(0.2), "the fifth put must wait for room"
    h.credit(seq=1, window=1)
    h.run_sender()  # sends seq 2, making room for one
    assert done.wait(5)
    worker.join()
    h.credit(seq=10, window=10)
    h.run_sender()
    assert h.items() == [0, 1, 2, 3, 4]


def test_threads_that_make_room_never_block() -> None:
    """The sending and control threads may not wait: put goes over the limit instead."""
    h = Harness(max_queued=1)
    h.blocking = False
    h.credit(window=1)
    for i in range(3):
        h.put(i)
    h.credit(seq=3, window=10)
    h.run_sender()
    assert h.items() == [0, 1, 2]


def test_a_silent_reader_is_dropped_after_stale_after(caplog: pytest.LogCaptureFixture) -> None:
    """A reader that sends no credit while messages wait for it stops holding the kernel back."""
    h = Harness()
    h.credit(seq=0, window=1)
    for i in range(3):
        h.put(i)
    h.clock.now += 3600  # silent for an hour while nothing waited: not stale yet
    h.run_sender()
    assert h.seqs() == [1]
    assert h.wakes[-1] == pytest.approx(STALE_AFTER), "the sender looks again when it's due"
    h.clock.now += STALE_AFTER - 1
    h.run_sender()
    assert h.seqs() == [1], "a busy reader is not a gone one"
    h.clock.now += 1
    h.run_sender()
    assert h.items() == [0, 1, 2]
    assert "sent no credit" in caplog.text


def test_drain_waits_until_the_queue_is_sent() -> None:
    """drain (run at the end of each request) returns once everything queued is out."""
    h = Harness()
    h.credit(window=1)
    h.put(0)  # sent at once
    h.put(1)  # waits for credit
    finished = threading.Event()
    worker = threading.Thread(target=lambda: (h.outbox.drain(), finished.set()))
    worker.start()
    h.run_sender()
    assert not finished.wait(0.2)
    h.credit(seq=1, window=1)
    h.run_sender()
    assert finished.wait(5)
    worker.join()


def test_drain_does_not_wait_for_messages_queued_after_it_started() -> None:
    """A thread that keeps a slow reader busy cannot make every request wait forever."""
    h = Harness()
    h.credit(window=1)
    h.put(0)  # sent at once
    h.put(1)  # waits
    finished = threading.Event()
    worker = threading.Thread(target=lambda: (h.outbox.drain(), finished.set()))
    worker.start()
    assert h.asked_to_block.wait(5), "drain is waiting"
    h.put(2)
    h.put(3)  # queued after drain started
    h.credit(seq=1, window=1)  # room for exactly message 1
    h.run_sender()
    assert finished.wait(5)
    worker.join()
    assert h.items() == [0, 1]
    h.credit(seq=10, window=10)
    h.run_sender()
    assert h.items() == [0, 1, 2, 3]


def test_a_new_kernel_holds_a_burst_briefly_for_its_first_reader(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Before any credit, 256 messages go at once and the rest wait up to 0.5 s for a page's
    first credit; a client that never grants any just sees that one pause, and no warning."""
    h = Harness()
    for i in range(300):
        h.put(i)
    h.run_sender()
    assert len(h.sent) == 256
    h.clock.now += 0.5
    h.run_sender()
    assert h.items() == list(range(300))
    assert "sent no credit" not in caplog.text


def test_the_first_credit_takes_over_from_the_expected_reader() -> None:
    """A page's first credit replaces the kernel's assumption at once."""
    h = Harness()
    for i in range(300):
        h.put(i)
    h.run_sender()
    h.credit(seq=1, window=1000)
    h.run_sender()
    assert h.items() == list(range(300))


def test_a_flush_queued_earlier_never_overtakes_a_message_sent_at_once() -> None:
    """A flush already waiting on the sending thread (a timer's) runs before a message sent at
    once reaches the socket; it must not send what was queued behind that message."""
    h = Harness()
    h.scheduled.append(h.outbox.flush)  # say, the expected reader's timer, already due
    h.put(0)  # sent at once: its send waits on the sending thread, after that flush
    h.put(1)  # queued behind it
    h.run_sender()
    assert h.seqs() == [1, 2]
    assert h.items() == [0, 1]


def test_a_flush_that_stood_back_for_a_message_sent_at_once_is_run_again_after_it() -> None:
    """The flush queued by a put can reach the sending thread before the message sent at once
    just ahead of it (that one was still being serialized): it stands back, and runs again
    once that message is on the socket, so nothing queued waits for a credit forever."""
    h = Harness()
    h.credit(window=100)
    h.put(0)  # sent at once: its send is on the way to the sending thread
    h.put(1)  # queued behind it, with a flush
    send_at_once, flush = h.scheduled
    h.scheduled[:] = [flush, send_at_once]  # the flush got there first
    while h.scheduled:
        h.scheduled.pop(0)()  # the sending thread, with no extra flush of the test's
    assert h.items() == [0, 1]
