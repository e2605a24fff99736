"""A view's synced-state message, taken off a comm before ``on_msg`` could see it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from ..protocol import Message
from .store import SyncedState
from .wire import STATE_KEY, StateMessage

log = logging.getLogger("ipycomm")


def handle_state_msg(
    comm_id: str,
    state: SyncedState | None,
    msg: Message,
    handling: Callable[[Message], AbstractContextManager[None]],
) -> bool:
    """Apply ``msg`` if it is a synced-state message (True), or leave it to on_msg (False).
    A malformed one is logged and dropped; ``on_change`` runs in ``handling(msg)``."""
    data: Any = msg["content"].get("data")
    if not isinstance(data, dict) or STATE_KEY not in data:
        return False
    if state is None:
        log.error("ipycomm dropped a state message on comm %s: it has no synced state", comm_id)
        return True
    try:
        message = StateMessage(data, list(msg.get("buffers") or []))
    except ValueError as error:
        log.error("ipycomm dropped a malformed state message on comm %s: %s", comm_id, error)
        return True
    changes = state.receive(message)
    if changes:
        with handling(msg):
            state.changed_by_view(changes)
    return True
