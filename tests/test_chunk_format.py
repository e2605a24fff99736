"""The chunk format alone: cutting a payload into slices, and reading chunk headers."""

from __future__ import annotations

from typing import Any

import pytest
from ipycomm.chunks.format import CHUNK_KEY, Chunk, Notice, Slicer, chunk_data, parse, split
from ipycomm.chunks.limits import Limits, describe_size
from ipycomm.protocol import ProtocolError


def test_split_cuts_the_payload_into_chunk_sized_slices_in_order() -> None:
    """JSON then each buffer, cut at exactly chunk_size, the last slice shorter."""
    data, buffers = b'{"a":1}', [b"x" * 10, b"y" * 5]
    pieces = [bytes(p) for p in split(data, buffers, 4)]
    assert b"".join(pieces) == data + b"x" * 10 + b"y" * 5
    assert [len(p) for p in pieces] == [4, 4, 4, 4, 4, 2]


def test_split_gives_views_of_the_buffers_and_joins_only_slices_that_span_parts() -> None:
    """A slice inside one buffer is a view of it (no copy); one that spans parts is joined."""
    big = bytearray(b"a" * 12)
    pieces = list(split(b"{}", [big], 4))
    assert [bytes(p) for p in pieces] == [b"{}aa", b"aaaa", b"aaaa", b"aa"]
    big[6] = ord("Z")  # the middle slices are views of ``big``
    assert bytes(pieces[1]) == b"aaaa" and bytes(pieces[2]) == b"Zaaa"


def test_split_takes_multi_dimensional_buffers_as_bytes() -> None:
    """A 2-D buffer (a numpy array) is cut by its bytes."""
    view = memoryview(bytes(range(12))).cast("B", (3, 4))
    assert b"".join(bytes(p) for p in split(b"", [view], 5)) == bytes(range(12))


def header(**fields: Any) -> dict[str, Any]:
    return {CHUNK_KEY: {"transfer": "t", **fields}}


def test_parse_reads_chunk_zero_later_chunks_and_notices() -> None:
    """Chunk 0 carries size and parts; later chunks do not; notices carry no buffer."""
    assert parse(header(index=0, count=2, size=5, parts=[2, 3]), 1) == Chunk("t", 0, 2, 5, (2, 3))
    assert parse(header(index=1, count=3), 1) == Chunk("t", 1, 3)
    assert parse(header(index=2, count=3), 1) == Chunk("t", 2, 3, last=True)
    assert parse(header(cancel=True), 0) == Notice("t", cancel=True)
    assert parse(header(error="no"), 0) == Notice("t", error="no")


def test_the_adaptive_format_has_no_count_and_marks_the_last_chunk() -> None:
    """Without ``count``, ``last: true`` ends the transfer; chunk_data writes either format."""
    first = chunk_data("t", 0, None, [2, 3])
    assert first == {CHUNK_KEY: {"transfer": "t", "index": 0, "size": 5, "parts": [2, 3]}}
    assert parse(first, 1) == Chunk("t", 0, None, 5, (2, 3))
    assert parse(chunk_data("t", 4, None, last=True), 1) == Chunk("t", 4, None, last=True)
    assert parse(chunk_data("t", 1, 2), 1) == Chunk("t", 1, 2, last=True)


def test_a_slicer_cuts_slices_of_the_sizes_asked_across_parts() -> None:
    """Each take is as long as asked (or what is left), joining parts where a slice spans them."""
    slicer = Slicer(b"0123456789", [b"abcdef", memoryview(bytes(range(4))).cast("B", (2, 2))])
    sizes = (1, 2, 4, 8, 100)
    pieces = [bytes(slicer.take(n)) for n in sizes]
    assert pieces == [b"0", b"12", b"3456", b"789abcde", b"f" + bytes(range(4))]
    assert slicer.exhausted and slicer.remaining == 0
    empty = Slicer(b"", [])
    assert not empty.exhausted and bytes(empty.take(10)) == b"" and empty.exhausted


@pytest.mark.parametrize(
    ("data", "buffers", "says"),
    [
        ({CHUNK_KEY: [1]}, 1, "ipycomm_chunk must be an object"),
        (header(transfer=5, index=0, count=1), 1, "transfer must be a non-empty string"),
        (header(index="0", count=2), 1, "index must be an integer >= 0, got '0'"),
        (header(index=2, count=2), 1, "index is 2, not below count 2"),
        (header(index=1, count=2), 2, "exactly one buffer, this one has 2"),
        (header(index=0, count=2, size=5), 1, "parts must be a non-empty list"),
        (header(index=0, count=2, size=5, parts=[2, 2]), 1, "parts sum to 4, not to size 5"),
        (header(index=0, count=2, size=True, parts=[1]), 1, "size must be an integer"),
        (header(index=1, last="yes"), 1, "last must be a boolean, got 'yes'"),
        (header(cancel=False), 0, "a notice has cancel: true or an error string"),
        (header(cancel=True), 1, "a notice carries no buffer"),
    ],
)
def test_parse_names_what_is_wrong_with_a_malformed_header(
    data: dict[str, Any], buffers: int, says: str
) -> None:
    """Every bad field is one ProtocolError naming it."""
    with pytest.raises(ProtocolError, match=says):
        parse(data, buffers)


def test_a_message_over_the_limit_is_refused_naming_both_sizes() -> None:
    """Limits.check raises ValueError with the message's size and the limit, for a person."""
    with pytest.raises(ValueError, match=r"comm_msg on comm abc is 3\.0 GiB, over the limit "):
        Limits(max_message_size=2 << 30).check("comm_msg", "abc", 3 << 30)
    Limits(max_message_size=10).check("comm_msg", "abc", 10)
    assert [describe_size(n) for n in (17, 2048, 3 << 20)] == ["17 bytes", "2.0 KiB", "3.0 MiB"]
