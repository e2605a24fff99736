"""Credits on the control channel, taken without a busy/idle status around each.

ipykernel publishes ``busy`` and ``idle`` on iopub around every control request. A credit is
flow-control bookkeeping that no client waits on, and a reader with a small window sends
thousands: those statuses were not flow-controlled, filled the iopub socket's queue to a
slow client (1,000 messages) and made it drop other messages, the cell's own ``idle``
included. So a credit is recognised from its header frame and handed to its handler before
ipykernel's control dispatch, which still serves every other control request as before.
Without that dispatcher (``compat.wrap_process_control``), credits go through the control
dispatch table, statuses and all.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from ..compat import ipykernel as compat
from ..flow.wire import CREDIT_MSG_TYPE

log = logging.getLogger("ipycomm")

_MARK = b'"%s"' % CREDIT_MSG_TYPE.encode()

Handler = Callable[[Any, Any, dict[str, Any]], None]


def take_credits_quietly(kernel: Any, handle_credit: Handler) -> bool:
    """Route credits past ipykernel's control dispatcher (and its statuses) to
    ``handle_credit``; any other control message goes to ipykernel as before. False when the
    kernel has no such dispatcher."""

    def wrap(process_control: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(process_control)
        async def process_control_or_credit(msg: Any) -> None:
            if not _take_credit(kernel, msg, handle_credit):
                await process_control(msg)

        return process_control_or_credit

    return compat.wrap_process_control(kernel, wrap)


def _take_credit(kernel: Any, frames: Any, handle_credit: Handler) -> bool:
    """Handle ``frames`` if they are a credit; False for anything else (ipykernel's)."""
    session = getattr(kernel, "session", None)
    if session is None:
        return False
    try:
        idents, parts = session.feed_identities(frames, copy=False)
        if _MARK not in bytes(parts[1]):  # the header frame, after the signature
            return False
        msg = session.deserialize(parts, content=True, copy=False)
    except Exception:
        return False  # ipykernel reports what is wrong with it
    if msg["header"].get("msg_type") != CREDIT_MSG_TYPE:
        return False
    try:
        handle_credit(kernel.control_stream, idents, msg)
    except Exception:
        log.exception("ipycomm: could not take a credit")
    return True
