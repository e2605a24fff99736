"""What the server extension reads in the frames it passes on, without paying for it on the
messages it does not care about: a page's credit in what the page sends (both websocket
protocols), and ipycomm's ``seq`` in what the kernel publishes."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from typing import Any

from ..flow.wire import CREDIT_MSG_TYPE, FLOW_KEY, CreditContent, parse_credit
from ..protocol import ProtocolError

#: The binary websocket protocol JupyterLab speaks; without it, the legacy JSON protocol.
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"

_CREDIT = CREDIT_MSG_TYPE.encode()
_CONTROL = b"control"
Unpack = Callable[[bytes], Any]


def credit_in(ws_msg: str | bytes, v1: bool, unpack: Unpack = json.loads) -> CreditContent | None:
    """The credit a page sends in one websocket message, or None for any other message (and
    for a credit the kernel would reject: that page grants nothing). ``unpack`` reads the v1
    protocol's parts (the session's, JSON by default). Any message that is not on the control
    channel costs a few bytes' read (v1) or one substring search (legacy)."""
    try:
        msg = _v1_control(ws_msg, unpack) if v1 else _legacy(ws_msg)
        if msg is None or msg.get("channel") != "control":
            return None
        if (msg.get("header") or {}).get("msg_type") != CREDIT_MSG_TYPE:
            return None
        return parse_credit(msg)
    except (ValueError, TypeError, AttributeError, IndexError, struct.error, ProtocolError):
        return None  # malformed: jupyter_server logs it, and the kernel never sees a credit


def _v1_control(ws_msg: str | bytes, unpack: Unpack) -> dict[str, Any] | None:
    # The v1 layout: the number of offsets, the offsets (8 bytes each, little-endian), then
    # the channel and the message parts (header, parent_header, metadata, content, buffers).
    if not isinstance(ws_msg, bytes):
        return None
    view = memoryview(ws_msg)
    count = int.from_bytes(view[:8], "little")
    if count < 6:  # channel, four parts, end
        return None
    offsets = [int.from_bytes(view[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(6)]
    if bytes(view[offsets[0] : offsets[1]]) != _CONTROL:
        return None
    header = bytes(view[offsets[1] : offsets[2]])
    if _CREDIT not in header:
        return None
    content = unpack(bytes(view[offsets[4] : offsets[5]]))
    return {"channel": "control", "header": unpack(header), "content": content}


def _legacy(ws_msg: str | bytes) -> dict[str, Any] | None:
    # The legacy protocol: the message as JSON text, or, when it has buffers, binary: the
    # number of parts, their offsets (4 bytes each, big-endian), the JSON, then the buffers.
    if isinstance(ws_msg, str):
        text: str | bytes = ws_msg
        if CREDIT_MSG_TYPE not in ws_msg:
            return None
    else:
        count = struct.unpack("!i", ws_msg[:4])[0]
        start, *rest = struct.unpack("!" + "I" * min(count, 2), ws_msg[4 : 4 + 4 * min(count, 2)])
        text = ws_msg[start : rest[0] if rest else None]
        if _CREDIT not in text:
            return None
    msg = json.loads(text)
    return msg if isinstance(msg, dict) else None


def is_flow_controlled(metadata: Any) -> bool:
    """Whether a message's raw metadata frame carries ipycomm's ``seq``."""
    raw = bytes(metadata)
    if b'"%s"' % FLOW_KEY.encode() not in raw:
        return False  # the common case, decided without parsing
    try:
        flow = json.loads(raw).get(FLOW_KEY)
    except (ValueError, AttributeError):
        return False
    return isinstance(flow, dict) and isinstance(flow.get("seq"), int)
