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
from .format import Slicer, cancel_data, chunk_count, chunk_data, payload_parts
from .pace import FixedPace, Pace
from .transfer import Transfer

#: Serializes a content dict as the kernel's Session does.
Pack = Callable[[dict[str, Any]], bytes]


def transfer_of(
    message: Outgoing, data_json: bytes, pace: Pace | FixedPace, pack: Pack, parent: Any
) -> Transfer:
    """The chunked transfer of ``message``, whose data serializes to ``data_json``; every
    chunk is parented to ``parent``, as the message would be. The earlier chunks are
    comm_msgs; the last has the message's own type and content fields (a comm_open's target),
    so that it stands for the message. If it must go whole after all, it is the message
    itself, spliced around ``data_json``."""
    transfer_id = uuid.uuid4().hex
    parts = payload_parts(data_json, message.buffers)
    # The fixed format announces how many chunks come; the adaptive one marks the last.
    count = chunk_count(sum(parts), pace.size) if isinstance(pace, FixedPace) else None
    ident = f"comm-{message.comm_id}".encode()

    def item(
        data: dict[str, Any], metadata: dict[str, Any], buffers: list[Any], msg_type: str
    ) -> Queued:
        extra = message.extra if msg_type == message.msg_type else {}
        content = pack({"comm_id": message.comm_id, "data": data, **extra})
        return Queued(
            msg_type,
            ident,
            content,
            metadata,
            buffers,
            parent,
            comm_id=message.comm_id,
            target_name=message.target_name,
        )

    def whole(abandons: str | None) -> Queued:
        extra = message.extra.items()
        rest = b"".join(
            b",%s:%s" % (json.dumps(k).encode(), json.dumps(v).encode()) for k, v in extra
        )
        content = b'{"comm_id":%s,"data":%s%s}' % (
            json.dumps(message.comm_id).encode(),
            data_json,
            rest,
        )
        queued = Queued(
            message.msg_type,
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

    def make(index: int, piece: memoryview, last: bool) -> Queued:
        data = chunk_data(transfer_id, index, count, parts, last)
        if not last:
            return item(data, {}, [piece], "comm_msg")
        return item(data, dict(message.metadata), [piece], message.msg_type)

    return Transfer(
        transfer_id,
        message.comm_id,
        Slicer(data_json, message.buffers),
        pace,
        make,
        lambda: item(cancel_data(transfer_id), {}, [], "comm_msg"),
        whole,
        parent,
    )
