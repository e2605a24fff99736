"""One message on its way to the page in chunks, as the pacer sees it (docs/chunking.md §2,
§3): the chunks it may put in the outbox now, given what the pacing readers have taken, and
the seq the readers must take before it goes on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from ..flow.wire import Queued
from .format import Slicer
from .pace import FixedPace, Pace

#: Makes the outbox item of chunk ``index`` from its slice of the payload, and whether it is
#: the last.
MakeChunk = Callable[[int, memoryview, bool], Queued]
#: The most chunks one transfer puts in the outbox at a time when no reader sets the pace.
_FREE_ROUND = 64


class Transfer:
    """One message on its way in chunks."""

    def __init__(
        self,
        transfer_id: str,
        comm_id: str,
        slicer: Slicer,
        pace: Pace | FixedPace,
        make: MakeChunk,
        cancel_notice: Callable[[], Queued],
        whole: Callable[[str | None], Queued],
        parent: Any = None,
    ) -> None:
        self.transfer_id = transfer_id
        #: The request that sent it: that request's idle waits for its last chunk.
        self.parent = parent
        self.comm_id = comm_id
        self._slicer = slicer
        self._pace = pace
        self._make = make
        self._cancel_notice = cancel_notice
        #: The message in one piece, for when a reader of the plain protocol subscribed: it
        #: gets the id of the transfer it replaces once chunks of it were sent.
        self._whole = whole
        self.next_index = 0
        self._ended = False
        #: The chunks in the outbox not yet taken by every reader, oldest first.
        self._ahead: deque[_Seq] = deque()
        self._cancel: bool | None = None  # True: with a notice to the pages; False: silently

    @property
    def done(self) -> bool:
        return self._ended

    def cancel(self, notify: bool) -> None:
        self._cancel = notify

    def take(self, acked: int | None, private: bool = True) -> list[Queued]:
        """The chunks that may go to the outbox now (``acked``: what every pacing reader
        has taken; None: no reader sets the pace). ``private`` False: a subscriber that
        reads no envelopes is there now, so the rest goes as the whole message."""
        if self._cancel is not None:
            self._ended = True
            return [self._cancel_notice()] if self._cancel else []
        if not private and not self.done:
            self._ended = True
            return [self._whole(self.transfer_id if self.next_index else None)]
        ahead = self._ahead
        while ahead and ahead[0].taken_by(acked):
            taken = ahead.popleft()
            self._pace.taken(taken.size, taken.sent)
        room = _FREE_ROUND if acked is None else self._pace.ahead() - len(ahead)
        out: list[Queued] = []
        while not self.done and len(out) < room:
            piece = self._slicer.take(self._pace.next_size())
            self._ended = self._slicer.exhausted
            item = self._make(self.next_index, piece, self._ended)
            seq = _Seq(piece.nbytes, self._pace.now())
            item.on_numbered = seq.numbered
            ahead.append(seq)
            out.append(item)
            self.next_index += 1
        return out

    def held_back(self) -> bool:
        return not self.done and len(self._ahead) >= self._pace.ahead()

    def waits_for(self) -> int | None:
        """The seq the readers must take before this transfer goes on (None: that chunk is
        still waiting in the outbox, unnumbered)."""
        return self._ahead[0].value if self._ahead else None


class _Seq:
    """A chunk's seq, set when the outbox numbers it (under the outbox's lock: no lock here),
    with its size and when it was sent."""

    __slots__ = ("sent", "size", "value")

    def __init__(self, size: int, sent: float) -> None:
        self.value: int | None = None
        #: The chunk's bytes and when it went to the outbox (the pace measures its rate).
        self.size = size
        self.sent = sent

    def numbered(self, seq: int) -> None:
        self.value = seq

    def taken_by(self, acked: int | None) -> bool:
        """Whether the pacing readers took it (every numbered chunk, when none paces)."""
        return self.value is not None and (acked is None or self.value <= acked)
