"""How long a reader that stops crediting stays registered (docs/flow-control.md §2), over the
outbox's fakes: forgotten after forget_after once silent, on the outbox's own timer, and never
while it merely has nothing to read."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from ipycomm.flow.readers import STALE_AFTER
from test_outbox import Harness

FORGET = 30.0


@pytest.fixture
def h() -> Harness:
    harness = Harness()
    harness.outbox.readers.forget_after = FORGET
    return harness


def forget_timers(h: Harness) -> list[tuple[float, Callable[[], None]]]:
    """The delayed calls that look for readers to forget (not the outbox's stale rechecks)."""
    return [(delay, f) for delay, f in h.timers if f != h.outbox.flush]


def fire_forget_timer(h: Harness) -> None:
    """Let the one pending forget timer's time come, and run it on the sending thread."""
    [(delay, f)] = forget_timers(h)
    h.timers.clear()
    h.clock.now += delay
    f()
    h.run_sender()


def silence_plain_reader(h: Harness) -> None:
    """A reader that reassembles ("chunky") and one that does not ("plain") take part; the
    plain one stops crediting while messages wait for it, and goes silent."""
    h.credit("chunky", seq=0, window=10, chunks=True)
    h.credit("plain", seq=0, window=1)
    for i in range(3):
        h.put(i)
    h.run_sender()
    assert h.items() == [0], "the plain reader holds the rest back"
    h.clock.now += STALE_AFTER
    h.run_sender()
    assert h.items() == [0, 1, 2], "the plain reader no longer holds the kernel back"


def test_a_silent_reader_is_forgotten_after_the_bound_and_no_longer_vetoes_chunks_or_batches(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Silent while messages waited, then forget_after more without a credit: one log line
    naming it, and the remaining readers decide alone whether to chunk and batch."""
    caplog.set_level(logging.WARNING, "ipycomm")
    silence_plain_reader(h)
    assert not h.outbox.take_chunks(), "a silent reader still counts until it is forgotten"
    assert [delay for delay, _ in forget_timers(h)] == [FORGET]
    fire_forget_timer(h)
    assert h.outbox.take_chunks()
    assert h.outbox.readers.unpacks("t") is False  # "chunky" unpacks no target
    assert len(h.outbox.readers) == 1
    assert caplog.text.count("forgot reader") == 1
    assert "forgot reader plain: no credit for 30 s more" in caplog.text
    assert forget_timers(h) == [], "no timer is left once no reader is silent"


def test_the_forgetting_needs_no_other_flush_and_arms_one_timer_at_a_time(h: Harness) -> None:
    """Flushes while a reader is silent do not pile up timers; the one timer forgets it though
    nothing is sent meanwhile."""
    silence_plain_reader(h)
    for _ in range(5):
        h.outbox.flush()
    assert len(forget_timers(h)) == 1
    [(_, timer)] = forget_timers(h)
    h.clock.now += FORGET
    timer()  # only the timer runs: nothing was sent, no credit came
    assert h.outbox.take_chunks()


def test_a_forgotten_reader_that_credits_again_registers_like_a_new_one(h: Harness) -> None:
    """Its credit brings it back: it vetoes chunking again and sets the pace."""
    silence_plain_reader(h)
    fire_forget_timer(h)
    assert len(h.outbox.readers) == 1
    h.credit("plain", seq=h.seqs()[-1], window=1)
    assert len(h.outbox.readers) == 2
    assert not h.outbox.take_chunks()
    h.put(10)
    h.put(11)
    h.run_sender()
    assert h.items()[-1] == 10, "the returning reader holds the kernel back again"


def test_a_reader_that_credits_before_the_bound_is_kept(h: Harness) -> None:
    """Silent, then a credit before forget_after: the timer comes and finds no one to forget."""
    silence_plain_reader(h)
    h.credit("plain", seq=h.seqs()[-1], window=1)
    fire_forget_timer(h)
    assert len(h.outbox.readers) == 2
    assert not h.outbox.take_chunks()


def test_an_idle_reader_with_nothing_to_read_is_never_forgotten(h: Harness) -> None:
    """A reader that received nothing has nothing to credit: an hour later it still counts."""
    h.credit("chunky", seq=0, window=4, chunks=True)
    h.credit("plain", seq=0, window=4)
    h.put(0)
    h.put(1)  # within both windows: nothing waits for anyone
    h.run_sender()
    h.clock.now += 3600
    h.run_sender()
    assert forget_timers(h) == []
    assert h.outbox.readers.seconds_until_forgotten() is None
    assert len(h.outbox.readers) == 2
    assert not h.outbox.take_chunks()


def test_a_reader_behind_that_never_credits_again_is_forgotten(h: Harness) -> None:
    """A credit already behind what was sent (more than its window beyond it) from a reader
    that then says nothing: it never set the pace, and is forgotten after forget_after."""
    for i in range(5):
        h.put(i)
    h.run_sender()  # no reader yet: all five go out
    h.credit("chunky", seq=5, window=4, chunks=True)
    h.credit("plain", seq=0, window=1)  # 0 + 1 < 5: behind
    assert not h.outbox.take_chunks()
    assert [delay for delay, _ in forget_timers(h)] == [FORGET]
    fire_forget_timer(h)
    assert len(h.outbox.readers) == 1
    assert h.outbox.take_chunks()
