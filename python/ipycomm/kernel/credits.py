"""Credits (and the Comm Inspector's requests) on the control channel, taken without a
busy/idle status around each.

ipykernel publishes ``busy`` and ``idle`` on iopub around every control request. A credit is
flow-control bookkeeping that no client waits on, and a reader with a small window sends
thousands: those statuses were not flow-controlled, filled the iopub socket's queue to a
slow client (1,000 messages) and made it drop other messages, the cell's own ``idle``
included. So a credit is recognised from its header frame and handed to its handler before
ipykernel's control dispatch, which still serves every other control request as before.
The inspector's ``ipycomm_inspect_request`` (:mod:`ipycomm.inspection`) is taken the same
way: a client that did not ask sees no status for it. Without that dispatcher
(``compat.wrap_process_control``), both go through the control dispatch table, statuses and all.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from ..compat import ipykernel as compat

log = logging.getLogger("ipycomm")


Handler = Callable[[Any, Any, dict[str, Any]], None]


def take_quietly(kernel: Any, handlers: Mapping[str, Handler]) -> bool:
    """Route the control messages of the types in ``handlers`` (credits, inspector requests)
    past ipykernel's control dispatcher (and its statuses) to their handler; any other
    control message goes to ipykernel as before. False when the kernel has no such
    dispatcher."""
    marks = [(b'"%s"' % msg_type.encode(), msg_type) for msg_type in handlers]

    def wrap(process_control: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(process_control)
        async def process_control_or_credit(msg: Any) -> None:
            if not _take_quiet(kernel, msg, marks, handlers):
                await process_control(msg)

        return process_control_or_credit

    return compat.wrap_process_control(kernel, wrap)


def _take_quiet(
    kernel: Any, frames: Any, marks: list[tuple[bytes, str]], handlers: Mapping[str, Handler]
) -> bool:
    """Handle ``frames`` if they are one of ``handlers``' types; False for anything else
    (ipykernel's)."""
    session = getattr(kernel, "session", None)
    if session is None:
        return False
    try:
        idents, parts = session.feed_identities(frames, copy=False)
        header = bytes(parts[1])  # the header frame, after the signature
        if not any(mark in header for mark, _ in marks):
            return False
        msg = session.deserialize(parts, content=True, copy=False)
    except Exception:
        return False  # ipykernel reports what is wrong with it
    handler = handlers.get(msg["header"].get("msg_type"))
    if handler is None:
        return False
    try:
        handler(kernel.control_stream, idents, msg)
    except Exception:
        log.exception("ipycomm: could not take a %s", msg["header"]["msg_type"])
    return True
