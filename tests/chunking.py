"""Chunked messages as a page sends them (docs/chunking.md §2), for the tests: built with the
kernel's own ``split``, which follows the same format."""

from __future__ import annotations

import json
from typing import Any

from ipycomm.chunks.format import chunk_count, chunk_data, payload_parts, split


def page_chunks(
    data: dict[str, Any], buffers: list[bytes], chunk_size: int, transfer: str = "t1"
) -> list[tuple[dict[str, Any], memoryview]]:
    """The (data, buffer) of each chunk of a message with ``data`` and ``buffers``."""
    data_json = json.dumps(data).encode()
    parts = payload_parts(data_json, buffers)
    count = chunk_count(sum(parts), chunk_size)
    pieces = list(split(data_json, buffers, chunk_size))
    assert len(pieces) == count
    return [(chunk_data(transfer, i, count, parts), piece) for i, piece in enumerate(pieces)]
