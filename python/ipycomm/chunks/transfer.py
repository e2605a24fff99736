"""One message on its way to the page in chunks, as the pacer sees it (docs/chunking.md §2,
§3): the chunks it may put in the outbox now, given what the pacing readers have taken, and
the seq the readers must take before it goes on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from ..flow.wire import Queued
from .format import MAX_AHEAD

#: Makes the outbox item of chunk ``index`` from its slice of the payload.
MakeChunk = Callable[[int, memoryview], Queued]
#: The most chunks one transfer puts in the outbox at a time when no reader sets the pace.
_FREE_ROUND = 64


class Transfer:
    """One message on its way in chunks."""

    def __init__(
        self,
        transfer_id: str,
        comm_id: str,
        count: int,
        pieces: Iterator[memoryview],
        make: MakeChunk,
        cancel_notice: Callable[[], Queued],
        whole: Callable[[str | None], Queued],
        parent: Any = None,
    ) -> None:
        self.transfer_id = transfer_id
        #: The request that sent it: that request's idle waits for its last chunk.
        self.parent = parent
        self.comm_id = comm_id
        self.count = count
        self._pieces = pieces
        self._make = make
        self._cancel_notice = cancel_notice
        #: The message in one piece, for when a reader of the plain protocol subscribed: it
        #: gets the id of the transfer it replaces once chunks of it were sent.
        self._whole = whole
        self.next_index = 0
        #: The chunks in the outbox not yet taken by every reader, oldest first.
        self._ahead: deque[_Seq] = deque()
        self._cancel: bool | None = None  # True: with a notice to the pages; False: silently

    @property
    def done(self) -> bool:
        return self.next_index >= self.count

    def cancel(self, notify: bool) -> None:
        self._cancel = notify

    def take(self, acked: int | None, private: bool = True) -> list[Queued]:
        """The chunks that may go to the outbox now (``acked``: what every pacing reader
        has taken; None: no reader sets the pace). ``private`` False: a subscriber that
        reads no envelopes is there now, so the rest goes as the whole message."""
        if self._cancel is not None:
            self.next_index = self.count
            return [self._cancel_notice()] if self._cancel else []
        if not private and not self.done:
            started = self.next_index > 0
            self.next_index = self.count
            return [self._whole(self.transfer_id if started else None)]
        ahead = self._ahead
        while ahead and ahead[0].taken_by(acked):
            ahead.popleft()
        room = _FREE_ROUND if acked is None else MAX_AHEAD - len(ahead)
        out: list[Queued] = []
        while not self.done and len(out) < room:
            item = self._make(self.next_index, next(self._pieces))
            seq = _Seq()
            item.on_numbered = seq.numbered
            ahead.append(seq)
            out.append(item)
            self.next_index += 1
        return out

    def held_back(self) -> bool:
        return not self.done and len(self._ahead) >= MAX_AHEAD

    def waits_for(self) -> int | None:
        """The seq the readers must take before this transfer goes on (None: that chunk is
        still waiting in the outbox, unnumbered)."""
        return self._ahead[0].value if self._ahead else None


class _Seq:
    """A chunk's seq, set when the outbox numbers it (under the outbox's lock: no lock here)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: int | None = None

    def numbered(self, seq: int) -> None:
        self.value = seq

    def taken_by(self, acked: int | None) -> bool:
        """Whether the pacing readers took it (every numbered chunk, when none paces)."""
        return self.value is not None and (acked is None or self.value <= acked)
