"""Credit-based flow control: which readers take part and how far each lets the kernel send.

Pure bookkeeping (docs/flow-control.md §2). :class:`.outbox.Outbox` holds the lock and
asks :class:`Readers` how far it may send; the credits arrive on the kernel's control thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .state import ReaderState
from .wire import CreditContent

#: Seconds a reader may stay silent while messages wait for it before it stops holding the
#: kernel back: the bound on how long a frozen or vanished page (a background tab Chromium
#: froze, a crashed client, a network partition) stalls the kernel and the other readers.
#: A reader that merely works hard keeps crediting as it goes, so it is never mistaken for a
#: silent one; one that was silent gates again from its next credit.
STALE_AFTER = 2.0
#: Seconds a reader may stay SILENT (or BEHIND without crediting) before the kernel forgets it
#: altogether (``c.IPyComm.forget_reader_after``): a vanished page then no longer keeps the
#: kernel from chunking or batching for the readers that remain. An idle reader that has
#: nothing to read is never forgotten; a forgotten one that credits again registers anew.
FORGET_AFTER = 30.0
#: While no reader has spoken, the kernel assumes one is on its way (a page's first credit
#: takes a round trip through the server) and holds a burst beyond this window for at most
#: EXPECT_FOR seconds. A client that never grants credit pays that pause once.
EXPECTED_WINDOW = 256
EXPECT_FOR = 0.5
_EXPECTED = "(a reader on its way)"


#: How a reader takes part: it sets the pace (``GATING``); its credit was behind what had been
#: sent, so it sets the pace only when no reader is GATING (``BEHIND``: a page that wakes up and
#: reads its backlog must not hold the others back); or it was silent too long (``SILENT``).
GATING, BEHIND, SILENT = "gating", "behind", "silent"


@dataclass
class _Reader:
    acked: int
    window: int
    batch_targets: frozenset[str]
    stale_after: float
    state: str = GATING
    #: It reassembles chunked messages (docs/chunking.md §1).
    chunks: bool = False
    #: The chunk formats it reads (docs/chunking.md §2).
    chunk_format: int = 1
    #: When messages first had to wait for this reader since its last credit (each credit
    #: makes a new record, so the clock starts again).
    waited_since: float | None = None
    #: When the clock towards forgetting it started: when it went SILENT, or its credit when
    #: that was already behind what was sent (a reader that reads credits again soon).
    silent_since: float | None = None


class Readers:
    """The readers taking part in flow control. Not thread-safe: the caller holds a lock."""

    def __init__(
        self,
        stale_after: float = STALE_AFTER,
        clock: Callable[[], float] = time.monotonic,
        forget_after: float = FORGET_AFTER,
    ) -> None:
        self._readers: dict[str, _Reader] = {}
        #: Seconds a reader may stay silent while messages wait for it.
        self.stale_after = stale_after
        #: Seconds a silent reader stays registered before it is forgotten (FORGET_AFTER).
        self.forget_after = forget_after
        self._clock = clock

    def knows(self, name: str) -> bool:
        """Whether ``name`` is a reader taking part now."""
        return name != _EXPECTED and name in self._readers

    def __len__(self) -> int:
        return sum(name != _EXPECTED for name in self._readers)

    def describe(self) -> list[ReaderState]:
        """The readers taking part now, for people (the Comm Inspector)."""
        return [
            ReaderState(
                reader=name,
                state=r.state,
                acked=r.acked,
                window=r.window,
                chunks=r.chunks,
                batch_targets=len(r.batch_targets),
            )
            for name, r in self._readers.items()
            if name != _EXPECTED
        ]

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
        behind = credit["seq"] + credit["window"] < seq
        self._readers[name] = _Reader(
            acked=credit["seq"],
            window=credit["window"],
            batch_targets=frozenset(credit["batch_targets"]),
            stale_after=self.stale_after,
            state=BEHIND if behind else GATING,
            chunks=credit.get("chunks", False),
            chunk_format=credit.get("chunk_format", 1),
            silent_since=self._clock() if behind else None,
        )

    def _pacing(self) -> list[_Reader]:
        """The readers that set the pace: the GATING ones, else the BEHIND ones."""
        readers = self._readers.values()
        gating = [r for r in readers if r.state == GATING]
        return gating or [r for r in readers if r.state == BEHIND]

    def limit(self) -> int | None:
        """The highest seq that may be sent now; None when no reader sets the pace."""
        pacing = self._pacing()
        return min(r.acked + r.window for r in pacing) if pacing else None

    def acked(self) -> int | None:
        """The highest seq every reader that sets the pace has taken; None when no reader
        that has spoken sets the pace (then chunks go out freely, docs/chunking.md §3)."""
        expected = self._readers.get(_EXPECTED)
        acked = [r.acked for r in self._pacing() if r is not expected]
        return min(acked) if acked else None

    def take_chunks(self) -> bool:
        """Whether the kernel may chunk: at least one reader takes part and every one said
        it reassembles."""
        return self.chunk_format() > 0

    def chunk_format(self) -> int:
        """The chunk format every reader reads (0: the kernel may not chunk, see
        take_chunks): the adaptive one only when all of them read it."""
        real = [r for n, r in self._readers.items() if n != _EXPECTED]
        if not real or not all(r.chunks for r in real):
            return 0
        return min(r.chunk_format for r in real)

    def unpacks(self, target_name: str) -> bool:
        """Whether every live reader unpacks batches on comms to ``target_name`` (False if none)."""
        readers = self._readers.values()
        return bool(readers) and all(target_name in r.batch_targets for r in readers)

    def drop_stale(self, next_seq: int, ahead: int | None = None) -> list[str]:
        """Readers that hold back ``next_seq`` and were silent for ``stale_after`` since
        messages started waiting for them stop setting the pace (until their next credit);
        returns the ids of real readers so marked. Also starts the waiting clock of readers
        that just began holding messages back. ``ahead``: how far beyond its credit a reader
        lets the kernel go (default its window; 0 for a chunked transfer, which waits for the
        readers to take a given chunk)."""
        now = self._clock()
        dropped = []
        for reader in self._pacing():
            if next_seq <= reader.acked + (reader.window if ahead is None else ahead):
                reader.waited_since = None
                continue
            if reader.waited_since is None:
                reader.waited_since = now
            if now - reader.waited_since >= reader.stale_after:
                reader.state, reader.silent_since = SILENT, now
        for name, reader in list(self._readers.items()):
            if reader.state == SILENT and reader.waited_since is not None:
                reader.waited_since = None  # reported once
                if name == _EXPECTED:
                    del self._readers[name]
                else:
                    dropped.append(name)
        return dropped

    def seconds_until_stale(self) -> float | None:
        """How long until the first waiting reader would go stale; None if none is waiting."""
        due = [r.waited_since + r.stale_after for r in self._pacing() if r.waited_since is not None]
        return max(0.0, min(due) - self._clock()) if due else None

    def forget_silent(self) -> list[str]:
        """Forget the readers SILENT, or BEHIND without a credit since, for ``forget_after``:
        they no longer count for chunking or batching. Returns their ids."""
        now = self._clock()
        gone = [
            name
            for name, reader in self._readers.items()
            if reader.silent_since is not None and now - reader.silent_since >= self.forget_after
        ]
        for name in gone:
            del self._readers[name]
        return gone

    def seconds_until_forgotten(self) -> float | None:
        """How long until the first silent reader would be forgotten; None if none would."""
        due = [r.silent_since for r in self._readers.values() if r.silent_since is not None]
        return max(0.0, min(due) + self.forget_after - self._clock()) if due else None
