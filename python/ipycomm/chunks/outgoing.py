"""A message the kernel sends in chunks (docs/chunking.md §2): the outbox items of its chunks,
made one at a time as the pacer asks for them (:mod:`.pacer`).

The chunks are views of the message's own buffers (a chunk that spans two parts is joined);
the earlier chunks have empty metadata, the last one the message's own, so it stands for the
original message.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from ..flow.wire import Queued
from ..transport import Outgoing
from .format import cancel_data, chunk_count, chunk_data, payload_parts, split
from .transfer import Transfer

#: Serializes a content dict as the kernel's Session does.
Pack = Callable[[dict[str, Any]], bytes]


def transfer_of(
    message: Outgoing, data_json: bytes, chunk_size: int, pack: Pack, parent: Any
) -> Transfer:
    """The chunked transfer of ``message`` (a comm_msg), whose data serializes to
    ``data_json``; every chunk is parented to ``parent``, as the message would be. If it
    must go whole after all, it is the message itself, spliced around ``data_json``."""
    transfer_id = uuid.uuid4().hex
    parts = payload_parts(data_json, message.buffers)
    count = chunk_count(sum(parts), chunk_size)
    ident = f"comm-{message.comm_id}".encode()

    def item(data: dict[str, Any], metadata: dict[str, Any], buffers: list[Any]) -> Queued:
        content = pack({"comm_id": message.comm_id, "data": data})
        return Queued(
            "comm_msg",
            ident,
            content,
            metadata,
            buffers,
            parent,
            comm_id=message.comm_id,
            target_name=message.target_name,
        )

    def whole(abandons: str | None) -> Queued:
        content = b'{"comm_id":%s,"data":%s}' % (json.dumps(message.comm_id).encode(), data_json)
        queued = Queued(
            "comm_msg",
            ident,
            content,
            dict(message.metadata),
            list(message.buffers),
            parent,
            comm_id=message.comm_id,
            target_name=message.target_name,
        )
        queued.flow = None if abandons is None else {"abandons": abandons}
        return queued

    def make(index: int, piece: memoryview) -> Queued:
        last = index == count - 1
        metadata = dict(message.metadata) if last else {}
        return item(chunk_data(transfer_id, index, count, parts), metadata, [piece])

    return Transfer(
        transfer_id,
        message.comm_id,
        count,
        split(data_json, message.buffers, chunk_size),
        make,
        lambda: item(cancel_data(transfer_id), {}, []),
        whole,
        parent,
    )
