"""Batches: several comm_msgs of one comm packed into one wire message (docs/flow-control.md §3).

The writer side is :func:`to_wire` (the outbox numbers a message or a burst and packs it); the
kernel packs a batch only for a peer that unpacks it. :func:`unpack` is the reader side, used by
:mod:`ipycomm.edges.reader` and mirrored by ``src/kernel/batch.ts``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypedDict

from ..protocol import Message, ProtocolError
from .wire import BATCH_KEY, FLOW_KEY, Queued, Wire

#: The most items, and roughly the most bytes, one batch carries.
MAX_ITEMS = 1000
MAX_BYTES = 1 << 20


class Packed(TypedDict):
    """One comm_msg as the kernel queued it: its data already serialized as JSON."""

    data: bytes
    metadata: dict[str, Any]
    buffers: int


def pack(comm_id: str, items: Sequence[Packed]) -> bytes:
    """The JSON content of one batch comm_msg carrying ``items`` in order.

    Spliced from each item's serialized data, so a burst is serialized once, when it was sent.
    """
    parts = []
    for item in items:
        part = [b'{"data":', item["data"]]
        if item["metadata"]:
            part += [b',"metadata":', _dumps(item["metadata"])]
        if item["buffers"]:
            part.append(b',"buffers":%d' % item["buffers"])
        part.append(b"}")
        parts.append(b"".join(part))
    return b'{"comm_id":%s,"data":{"%s":[%s]}}' % (
        _dumps(comm_id),
        BATCH_KEY.encode(),
        b",".join(parts),
    )


def to_wire(seq: int, group: Sequence[Queued]) -> Wire:
    """The wire message numbered ``seq`` that carries ``group``: the message itself when it is
    alone, else one batch of them (all comm_msgs of one comm)."""
    first = group[0]
    if len(group) == 1:
        flow = {"seq": seq} if first.flow is None else {**first.flow, "seq": seq}
        metadata = {**first.metadata, FLOW_KEY: flow}
        return Wire(
            first.msg_type, first.ident, first.content, metadata, first.buffers, first.parent
        )
    items: list[Packed] = []
    buffers: list[Any] = []
    for item in group:
        assert item.data is not None
        items.append(Packed(data=item.data, metadata=item.metadata, buffers=len(item.buffers)))
        buffers.extend(item.buffers)
    assert first.comm_id is not None
    content = pack(first.comm_id, items)
    metadata = {FLOW_KEY: {"seq": seq, "batch": len(group)}}
    return Wire("comm_msg", first.ident, content, metadata, buffers, first.parent)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False).encode()


def is_batch(msg: Message) -> bool:
    flow = (msg.get("metadata") or {}).get(FLOW_KEY)
    return isinstance(flow, dict) and "batch" in flow


def unpack(msg: Message) -> list[Message]:
    """The comm_msgs a wire message carries, in order: itself unless it is a batch.

    Each unpacked message is a copy of ``msg`` with that item's data, metadata and buffers.
    Raises ProtocolError naming what is wrong with a malformed batch.
    """
    if not is_batch(msg):
        return [msg]
    content = msg.get("content") or {}
    items = (content.get("data") or {}).get(BATCH_KEY)
    if not isinstance(items, list):
        raise ProtocolError(f"batch: content.data.{BATCH_KEY} must be a list")
    buffers = list(msg.get("buffers") or [])
    unpacked, used = [], 0
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
            raise ProtocolError(f"batch: item {index} must be an object with a data object")
        count = item.get("buffers", 0)
        if not isinstance(count, int) or count < 0 or used + count > len(buffers):
            raise ProtocolError(f"batch: item {index} claims {count!r} buffers, not available")
        unpacked.append(
            {
                **msg,
                "content": {"comm_id": content.get("comm_id"), "data": item["data"]},
                "metadata": item.get("metadata") or {},
                "buffers": buffers[used : used + count],
            }
        )
        used += count
    if used != len(buffers):
        raise ProtocolError(f"batch: {len(buffers) - used} buffers belong to no item")
    return unpacked
