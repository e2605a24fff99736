"""How big a transfer's next chunk is, and how many of its chunks may be on their way
(docs/chunking.md §3, "Adaptive pacing").

Each message on the websocket costs a fixed amount on top of its bytes (the iopub send, the
server's forwarding, the page's parse), so a transfer that has the connection to itself goes
fastest in big chunks. Anything else that wants the connection then waits behind whatever
chunk bytes are on their way, so while other traffic moves the transfer keeps little in
flight. The pace switches on what the kernel sees:

- **alone**: chunks of :data:`~.limits.MAX_CHUNK_SIZE`, :data:`~.format.MAX_AHEAD` ahead.
  Each acknowledged chunk measures the rate its bytes went at: its size over the time the link
  spent on it (from its send, or from the acknowledgement of the chunk ahead of it if that
  came later, to its own acknowledgement). When that rate falls under :data:`SLOWER` of the
  best recent rate for two chunks in a row, the round trip grew without the bytes moving
  faster (they queue): the next chunk is half the last, down to the shared size. While the
  rate holds up (at least :data:`HOLDS` of the best), each chunk is twice the one before, back
  up to the largest size;
- **shared** (another comm message went out, or a request started, within the last
  :data:`SHARED_FOR` seconds): chunks of at most :data:`SHARED_CHUNK_SIZE` (or
  ``c.IPyComm.chunk_size`` if smaller), one ahead; alone again, it starts afresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .format import MAX_AHEAD
from .limits import MAX_CHUNK_SIZE

#: Seconds after the last other message during which a transfer keeps to the shared pace.
SHARED_FOR = 0.5
#: The largest chunk while the connection is shared: what a small message may wait behind.
SHARED_CHUNK_SIZE = 256 << 10
#: A chunk whose rate is under this share of the best recent rate is slow; one at least
#: ``HOLDS`` of it lets the next one grow.
SLOWER, HOLDS = 0.5, 0.8
#: How fast the best rate forgets, per acknowledged chunk (the link may have become slower).
FORGET = 0.9


class Pace:
    """The pace of one transfer. ``others`` counts the other messages the kernel has sent or
    started handling so far (:class:`~.pacer.Pacer` keeps it); called under the pacer's lock."""

    def __init__(
        self,
        chunk_size: int,
        others: Callable[[], int],
        clock: Callable[[], float] = time.monotonic,
        largest: int = MAX_CHUNK_SIZE,
    ) -> None:
        #: The chunk size while shared, and the smallest when alone; the largest.
        self._floor = min(chunk_size, SHARED_CHUNK_SIZE, largest)
        self._largest = largest
        self._size = 0
        self._others = others
        self._clock = clock
        self._seen = others()
        self._since = float("-inf")
        self._was_shared = False
        self._afresh()

    def _afresh(self) -> None:
        #: The best recent rate (bytes per second), whether the next chunk may grow, how many
        #: slow chunks in a row, and when the last chunk was acknowledged.
        self._best, self._grow, self._slow = 0.0, True, 0
        self._last_taken = float("-inf")

    def now(self) -> float:
        return self._clock()

    def shared(self) -> bool:
        """Whether other messages moved within the last :data:`SHARED_FOR` seconds."""
        seen = self._others()
        now = self._clock()
        if seen != self._seen:
            self._seen, self._since = seen, now
        return now - self._since < SHARED_FOR

    def ahead(self) -> int:
        """How many chunks may be on their way beyond what the pacing readers took."""
        return 1 if self.shared() else MAX_AHEAD

    def next_size(self) -> int:
        """The size of the next chunk."""
        shared, was_shared = self.shared(), self._was_shared
        self._was_shared = shared
        if shared:
            self._size = self._floor
        elif was_shared or not self._size:
            self._afresh()  # small chunks measured nothing about big ones
            self._size = self._largest
        elif self._grow:
            self._size = min(self._size * 2, self._largest)
        return self._size

    def taken(self, size: int, sent: float) -> None:
        """A chunk of ``size`` bytes, sent at ``sent`` (this pace's clock), was acknowledged
        now."""
        now = self._clock()
        rate = size / max(now - max(sent, self._last_taken), 1e-6)
        self._last_taken = now
        self._best = max(rate, self._best * FORGET)
        self._grow = rate >= self._best * HOLDS
        # Two slow chunks in a row, not one: a single pause (a collection, a busy core) is noise.
        self._slow = self._slow + 1 if rate < self._best * SLOWER else 0
        if self._slow >= 2:
            self._size, self._slow = max(self._floor, self._size // 2), 0


class FixedPace:
    """The fixed format's pace (a reader that cuts no slices of other sizes is there): every
    chunk ``size`` bytes, :data:`~.format.MAX_AHEAD` ahead."""

    def __init__(self, size: int) -> None:
        self.size = size

    def ahead(self) -> int:
        return MAX_AHEAD

    def next_size(self) -> int:
        return self.size

    def now(self) -> float:
        return 0.0

    def taken(self, size: int, sent: float) -> None:
        """Fixed: what the chunks measure changes nothing."""
