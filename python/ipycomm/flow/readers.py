"""Credit-based flow control: which readers take part and how far each lets the kernel send.

Pure bookkeeping (docs/flow-control.md §2). :class:`.outbox.Outbox` holds the lock and
asks :class:`Readers` how far it may send; the credits arrive on the kernel's control thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .wire import CreditContent

#: Seconds a reader may stay silent while messages wait for it before it is dropped. A last
#: resort for readers that vanished without a word: a page's reader is closed by the server
#: when its websocket closes, and a busy reader must not be mistaken for a gone one.
STALE_AFTER = 60.0
#: While no reader has spoken, the kernel assumes one is on its way (a page's first credit
#: takes a round trip through the server) and holds a burst beyond this window for at most
#: EXPECT_FOR seconds. A client that never grants credit pays that pause once.
EXPECTED_WINDOW = 256
EXPECT_FOR = 0.5
_EXPECTED = "(a reader on its way)"


@dataclass
class _Reader:
    acked: int
    window: int
    batch_targets: frozenset[str]
    stale_after: float
    #: When messages first had to wait for this reader since its last credit (each credit
    #: makes a new record, so the clock starts again).
    waited_since: float | None = None


class Readers:
    """The readers taking part in flow control. Not thread-safe: the caller holds a lock."""

    def __init__(
        self, stale_after: float = STALE_AFTER, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._readers: dict[str, _Reader] = {}
        #: Seconds a reader may stay silent while messages wait for it.
        self.stale_after = stale_after
        self._clock = clock

    def __len__(self) -> int:
        return sum(name != _EXPECTED for name in self._readers)

    def expect_reader(self, seq: int) -> None:
        """Until a reader speaks, send at most EXPECTED_WINDOW beyond ``seq`` without waiting
        more than EXPECT_FOR seconds (see EXPECT_FOR)."""
        if not self._readers:
            self._readers[_EXPECTED] = _Reader(seq, EXPECTED_WINDOW, frozenset(), EXPECT_FOR)

    def credit(self, credit: CreditContent, seq: int) -> None:
        """Record a credit: registers a new reader, moves one on, or forgets a closing one.
        ``seq`` is the last number sent, for when the last reader leaves (a page reloads)."""
        name = credit["reader"]
        self._readers.pop(_EXPECTED, None)
        if credit["closing"]:
            self._readers.pop(name, None)
            self.expect_reader(seq)
            return
        self._readers[name] = _Reader(
            acked=credit["seq"],
            window=credit["window"],
            batch_targets=frozenset(credit["batch_targets"]),
            stale_after=self.stale_after,
        )

    def limit(self) -> int | None:
        """The highest seq that may be sent now; None when no reader takes part (no limit)."""
        if not self._readers:
            return None
        return min(r.acked + r.window for r in self._readers.values())

    def unpacks(self, target_name: str) -> bool:
        """Whether every live reader unpacks batches on comms to ``target_name`` (False if none)."""
        readers = self._readers.values()
        return bool(readers) and all(target_name in r.batch_targets for r in readers)

    def drop_stale(self, next_seq: int) -> list[str]:
        """Forget readers that hold back ``next_seq`` and were silent for ``stale_after`` since
        messages started waiting for them; returns the ids of real readers dropped. Also starts
        the waiting clock of readers that just began holding messages back."""
        now = self._clock()
        dropped = []
        for name, reader in list(self._readers.items()):
            if next_seq <= reader.acked + reader.window:
                reader.waited_since = None
                continue
            if reader.waited_since is None:
                reader.waited_since = now
            if now - reader.waited_since >= reader.stale_after:
                del self._readers[name]
                if name != _EXPECTED:
                    dropped.append(name)
        return dropped

    def seconds_until_stale(self) -> float | None:
        """How long until the first waiting reader would go stale; None if none is waiting."""
        due = [
            r.waited_since + r.stale_after
            for r in self._readers.values()
            if r.waited_since is not None
        ]
        return max(0.0, min(due) - self._clock()) if due else None
