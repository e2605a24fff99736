"""The chunk wire format (docs/chunking.md §2, §4): the key, the header of a chunk and of a
notice, their validation, and how a message's payload is cut into chunks.

Pure data, shared by both directions: the kernel reassembles what the page sends with
:mod:`.assembler`, and cuts what it sends with :func:`split` (:mod:`.pacer`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..protocol import ProtocolError

#: The data key of a chunk or a notice; the page defines the same (src/kernel/protocol.ts).
CHUNK_KEY = "ipycomm_chunk"
#: How many chunks of one transfer may be on their way beyond what the readers have taken.
MAX_AHEAD = 2
#: The chunk formats: 1 announces ``count`` and cuts slices of one size; 2 (the adaptive one)
#: cuts slices of any size and marks the last with ``last: true`` instead (§2).
FIXED, ADAPTIVE = 1, 2
#: The messages that may come in chunks: the last chunk has the message's own type (a comm_open
#: or comm_close only in the adaptive format), the others are comm_msgs.
CHUNKED_TYPES = frozenset({"comm_msg", "comm_open", "comm_close"})


@dataclass(frozen=True)
class Chunk:
    """One chunk's header. ``size`` and ``parts`` are set on chunk 0 only; ``count`` only in
    the fixed format, where the last chunk is the one of index ``count - 1``."""

    transfer: str
    index: int
    count: int | None
    size: int | None = None
    parts: tuple[int, ...] | None = None
    last: bool = False


@dataclass(frozen=True)
class Notice:
    """A notice about a transfer: cancelled, or refused/dropped with ``error``."""

    transfer: str
    cancel: bool = False
    error: str | None = None


def parse(data: Mapping[str, Any], buffer_count: int) -> Chunk | Notice:
    """The chunk or notice under ``data[CHUNK_KEY]``; raises ProtocolError naming the first
    bad field, so that a malformed chunk is one clear log line, not a KeyError."""
    header = data.get(CHUNK_KEY)
    if not isinstance(header, Mapping):
        raise ProtocolError(f"{CHUNK_KEY} must be an object, got {type(header).__name__}")
    transfer = header.get("transfer")
    if not isinstance(transfer, str) or not transfer:
        raise ProtocolError(f"{CHUNK_KEY}.transfer must be a non-empty string, got {transfer!r}")
    if "cancel" in header or "error" in header:
        return _notice(transfer, header, buffer_count)
    index = _integer(header, "index", 0)
    count, last = _count_and_last(header, index)
    if buffer_count != 1:
        raise ProtocolError(f"a chunk carries exactly one buffer, this one has {buffer_count}")
    if index > 0:
        return Chunk(transfer, index, count, last=last)
    size = _integer(header, "size", 0)
    parts = header.get("parts")
    if not isinstance(parts, list) or not parts or not all(_is_int(p) and p >= 0 for p in parts):
        raise ProtocolError(f"{CHUNK_KEY}.parts must be a non-empty list of integers >= 0")
    if sum(parts) != size:
        raise ProtocolError(f"{CHUNK_KEY}.parts sum to {sum(parts)}, not to size {size}")
    return Chunk(transfer, index, count, size, tuple(parts), last)


def _count_and_last(header: Mapping[str, Any], index: int) -> tuple[int | None, bool]:
    """The fixed format's ``count`` (None in the adaptive one), and whether this is the last."""
    if "count" not in header:
        last = header.get("last", False)
        if not isinstance(last, bool):
            raise ProtocolError(f"{CHUNK_KEY}.last must be a boolean, got {last!r}")
        return None, last
    count = _integer(header, "count", 1)
    if index >= count:
        raise ProtocolError(f"{CHUNK_KEY}.index is {index}, not below count {count}")
    return count, index == count - 1


def _notice(transfer: str, header: Mapping[str, Any], buffer_count: int) -> Notice:
    cancel, error = header.get("cancel", False), header.get("error")
    if cancel is not True and not isinstance(error, str):
        raise ProtocolError(f"{CHUNK_KEY}: a notice has cancel: true or an error string")
    if buffer_count:
        raise ProtocolError(f"{CHUNK_KEY}: a notice carries no buffer, this one has {buffer_count}")
    return Notice(transfer, cancel is True, error if isinstance(error, str) else None)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _integer(header: Mapping[str, Any], name: str, least: int) -> int:
    value: Any = header.get(name)
    if not _is_int(value) or value < least:
        raise ProtocolError(f"{CHUNK_KEY}.{name} must be an integer >= {least}, got {value!r}")
    return int(value)


# -- writing ----------------------------------------------------------------------------------


def chunk_data(
    transfer: str, index: int, count: int | None, parts: Sequence[int] = (), last: bool = False
) -> dict[str, Any]:
    """The data of chunk ``index``; ``parts`` (the payload's part lengths) for chunk 0.
    ``count`` None: the adaptive format, where ``last`` marks the last chunk."""
    header: dict[str, Any] = {"transfer": transfer, "index": index}
    if count is not None:
        header["count"] = count
    elif last:
        header["last"] = True
    if index == 0:
        header.update(size=sum(parts), parts=list(parts))
    return {CHUNK_KEY: header}


def cancel_data(transfer: str) -> dict[str, Any]:
    return {CHUNK_KEY: {"transfer": transfer, "cancel": True}}


def error_data(transfer: str, error: str) -> dict[str, Any]:
    return {CHUNK_KEY: {"transfer": transfer, "error": error}}


def payload_parts(data_json: bytes, buffers: Sequence[Any]) -> list[int]:
    """The lengths of a message's payload parts: its data's JSON, then each buffer."""
    return [len(data_json), *(memoryview(b).nbytes for b in buffers)]


def chunk_count(size: int, chunk_size: int) -> int:
    return max(1, -(-size // chunk_size))


class Slicer:
    """The payload (``data_json`` then each buffer) cut into slices of the size each call
    asks for, made as they are asked for: each is a view of one part, except a slice that
    spans parts, which is joined (one chunk's copy). An empty payload is one empty slice."""

    def __init__(self, data_json: bytes, buffers: Sequence[Any]) -> None:
        views = [memoryview(data_json)] + [memoryview(b).cast("B") for b in buffers]
        self._views = deque(v for v in views if v.nbytes)
        self.remaining = sum(v.nbytes for v in self._views)
        self._empty = not self.remaining

    @property
    def exhausted(self) -> bool:
        return not self.remaining and not self._empty

    def take(self, size: int) -> memoryview:
        """The next slice, of ``size`` bytes or what is left."""
        self._empty = False
        pieces: list[memoryview] = []
        room = size
        while room and self._views:
            view = self._views.popleft()
            piece, rest = view[:room], view[room:]
            pieces.append(piece)
            room -= piece.nbytes
            if rest.nbytes:
                self._views.appendleft(rest)
        self.remaining -= size - room
        return _joined(pieces or [memoryview(b"")])


def split(data_json: bytes, buffers: Sequence[Any], chunk_size: int) -> Iterator[memoryview]:
    """The payload cut into slices of ``chunk_size`` bytes, the last one shorter."""
    slicer = Slicer(data_json, buffers)
    while not slicer.exhausted:
        yield slicer.take(chunk_size)


def _joined(pieces: list[memoryview]) -> memoryview:
    if len(pieces) == 1:
        return pieces[0]
    return memoryview(b"".join(pieces))
