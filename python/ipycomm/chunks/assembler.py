"""Reassembly of the page's chunked messages (docs/chunking.md §2, §5, §6): one buffer per
transfer, grown by each chunk as it arrives (an announced size commits no memory), checked for
order and fit, and all partial messages together held under ``max_pending_bytes``.

Thread-safe: chunks arrive on a shell thread (or a subshell's), credits and cancels on the
control thread. Pure bookkeeping: :mod:`.incoming` logs, answers and delivers.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..protocol import Message, ProtocolError
from .format import Chunk
from .limits import Limits, describe_size

#: A transfer is named by the page that sends it (its session), its comm and its id.
Key = tuple[str, str, str]


class ChunkError(ProtocolError):
    """A chunk that cannot be taken: its transfer is dropped. ``progress`` says how far it got."""

    def __init__(self, reason: str, progress: str) -> None:
        super().__init__(reason)
        self.progress = progress


class TooLarge(ChunkError):
    """A chunk 0 announcing a message over the kernel's limit."""


@dataclass
class Partial:
    """A message being reassembled."""

    #: None in the adaptive format, which marks the last chunk instead (docs/chunking.md §2).
    count: int | None
    parts: tuple[int, ...]
    #: The announced size; ``buffer`` grows towards it chunk by chunk.
    size: int
    last_seen: float
    buffer: bytearray = field(default_factory=bytearray)
    next_index: int = 1

    def progress(self) -> str:
        return (
            f"after {self.next_index}{_of(self.count)} chunks "
            f"({describe_size(len(self.buffer))} of {describe_size(self.size)})"
        )


@dataclass
class Tomb:
    """A dropped transfer, remembered so that its later chunks are ignored, not refused."""

    reason: str
    last_seen: float
    #: Whether a later chunk was already reported (once is enough).
    reported: bool = False


@dataclass
class Assembled:
    """A whole payload: ``parts`` are the lengths of its JSON and of each buffer."""

    buffer: bytearray
    parts: tuple[int, ...]


class Assembler:
    """The partial messages of every page, by :data:`Key`."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._partials: dict[Key, Partial] = {}
        self._tombs: dict[Key, Tomb] = {}
        #: The bytes all partial messages hold, together.
        self._held = 0

    def add(self, key: Key, chunk: Chunk, piece: memoryview) -> Assembled | None:
        """Copy a chunk in place; the whole message once its last chunk is in, else None.
        Raises ChunkError (and drops the transfer) for a chunk that does not fit."""
        with self._lock:
            now = self._clock()
            try:
                return self._add(key, chunk, piece, now)
            except ChunkError as err:
                self._remove(key)
                self._tombs[key] = Tomb(str(err), now)
                raise

    def _remove(self, key: Key) -> Partial | None:
        partial = self._partials.pop(key, None)
        if partial is not None:
            self._held -= len(partial.buffer)
        return partial

    def _add(self, key: Key, chunk: Chunk, piece: memoryview, now: float) -> Assembled | None:
        if chunk.index == 0:
            partial = self._start(key, chunk, now)
        else:
            partial = self._continue(key, chunk, now)
        end = len(partial.buffer) + piece.nbytes
        if end > partial.size:
            raise ChunkError(
                f"chunk {chunk.index} ends at byte {end}, past the announced size {partial.size}",
                partial.progress(),
            )
        last = chunk.last
        if last and end != partial.size:
            raise ChunkError(
                f"the last chunk ends at byte {end}, short of the announced size {partial.size}",
                partial.progress(),
            )
        self._hold(piece.nbytes, partial)
        partial.buffer += piece
        partial.next_index, partial.last_seen = chunk.index + 1, now
        if not last:
            return None
        self._remove(key)
        return Assembled(partial.buffer, partial.parts)

    def _hold(self, more: int, partial: Partial) -> None:
        """Count ``more`` bytes held; raises ChunkError past ``max_pending_bytes``."""
        cap = self.limits.max_pending_bytes
        if self._held + more > cap:
            raise ChunkError(
                f"the page's partial messages would hold {describe_size(self._held + more)}, "
                f"over the kernel's cap of {describe_size(cap)} (c.IPyComm.max_pending_bytes)",
                partial.progress(),
            )
        self._held += more

    def _start(self, key: Key, chunk: Chunk, now: float) -> Partial:
        assert chunk.size is not None
        assert chunk.parts is not None
        if key in self._partials:
            partial = self._partials[key]
            raise ChunkError(
                f"chunk 0 arrived again where chunk {partial.next_index} was expected",
                partial.progress(),
            )
        limit = self.limits.max_message_size
        if chunk.size > limit:
            raise TooLarge(
                f"the message is {describe_size(chunk.size)}, over the kernel's limit of "
                f"{describe_size(limit)} (c.IPyComm.max_message_size)",
                "at chunk 0",
            )
        self._tombs.pop(key, None)
        partial = Partial(chunk.count, chunk.parts, chunk.size, now, next_index=0)
        self._partials[key] = partial
        return partial

    def _continue(self, key: Key, chunk: Chunk, now: float) -> Partial:
        partial = self._partials.get(key)
        if partial is None:
            raise ChunkError(f"chunk {chunk.index} is of an unknown transfer", "with nothing")
        if chunk.index != partial.next_index or chunk.count != partial.count:
            raise ChunkError(
                f"chunk {chunk.index}{_of(chunk.count)} arrived where chunk "
                f"{partial.next_index}{_of(partial.count)} was expected",
                partial.progress(),
            )
        return partial

    def tomb(self, key: Key) -> Tomb | None:
        """The dropped transfer ``key`` names, if it was dropped (its later chunks are
        ignored); keeps it remembered for another idle timeout."""
        with self._lock:
            tomb = self._tombs.get(key)
            if tomb is not None:
                tomb.last_seen = self._clock()
            return tomb

    def drop(self, key: Key, reason: str) -> Partial | None:
        """Drop a transfer: its partial message (None if there was none) and, from now on,
        its later chunks, which are ignored."""
        with self._lock:
            self._tombs[key] = Tomb(reason, self._clock())
            return self._remove(key)

    def drop_where(self, match: Callable[[Key], bool], reason: str) -> list[tuple[Key, Partial]]:
        with self._lock:
            now = self._clock()
            dropped = [(k, p) for k, p in self._partials.items() if match(k)]
            for key, _ in dropped:
                self._remove(key)
                self._tombs[key] = Tomb(reason, now)
            return dropped

    def expire(self) -> list[tuple[Key, Partial]]:
        """Drop the partials that waited longer than the idle timeout for their next chunk
        (and forget old tombs); returns the partials dropped."""
        timeout = self.limits.idle_timeout
        with self._lock:
            now = self._clock()
            for key in [k for k, t in self._tombs.items() if now - t.last_seen > timeout]:
                del self._tombs[key]
        return self.drop_where(
            lambda k: now - self._partials[k].last_seen > timeout,
            f"no chunk arrived for {timeout:g} s",
        )

    def seconds_until_idle(self) -> float | None:
        """How long until the first partial message is idle past the timeout; None if there
        is none."""
        with self._lock:
            seen = [p.last_seen for p in self._partials.values()]
            due = min(seen) + self.limits.idle_timeout - self._clock() if seen else None
        return None if due is None else max(0.0, due)


def whole_message(last: Message, done: Assembled) -> Message:
    """The message the chunks carried: the last chunk's header and metadata, the data parsed
    from the JSON part, the buffers views of the one reassembled buffer. Raises
    ProtocolError when the JSON part is not a JSON object."""
    view = memoryview(done.buffer)
    try:
        data = json.loads(view[: done.parts[0]].tobytes())
    except ValueError as err:
        data = f"not JSON ({err})"
    if not isinstance(data, dict):
        raise ProtocolError(f"the message's data is not a JSON object: {str(data)[:80]}")
    buffers, offset = [], done.parts[0]
    for length in done.parts[1:]:
        buffers.append(view[offset : offset + length])
        offset += length
    return {**last, "content": {**last["content"], "data": data}, "buffers": buffers}


def _of(count: int | None) -> str:
    return "" if count is None else f" of {count}"
