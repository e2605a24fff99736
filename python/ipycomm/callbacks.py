"""A comm's side of what its frontend sends: the ``on_msg`` and ``on_close`` callbacks, the
comm's requests and their replies (docs/frontend-targets.md), and where the frontend's replies
are routed. :class:`~ipycomm.Comm` is built on it; the comm owns the state these read."""

from __future__ import annotations

import threading
from typing import Any

from .host import CommHost
from .protocol import Buffers, CommCallback, Message, checked_callback
from .rpc import CommRequests, RequestHandler
from .state import ChangeCallback, SyncedState
from .state.incoming import handle_state_msg


class CommCallbacks:
    """The handlers of one comm for its frontend's messages, and its requests to the frontend.
    The attributes below are set by :class:`~ipycomm.Comm`."""

    comm_id: str
    on_main_thread: bool
    _state: SyncedState | None
    _manager: CommHost
    _requests: CommRequests
    _sender: threading.Thread | None
    _msg_callback: CommCallback | None
    _close_callback: CommCallback | None

    def _reply_subshell_for(self, data: Any, default: str | None) -> Any:
        # ipykernel >= 7.4 asks this on its shell-channel thread to route the frontend's reply
        # to the subshell that last published on this comm. An answer to a request is taken
        # here already, so that a cell waiting in request() gets it. A comm whose handlers
        # run on the main thread goes to the main shell (None), in line with the cells.
        self._requests.route(data)
        if self.on_main_thread:
            return None
        return self._manager.reply_route(self._sender, default)

    @property
    def state(self) -> SyncedState:
        """The synced state: a mutable mapping every view of the comm agrees on
        (docs/frontend-targets.md §6). Only comms opened with ``state=`` have one."""
        if self._state is None:
            raise AttributeError(
                f"{self!r} has no synced state: open it with ipycomm.Comm(..., state={{...}})"
            )
        return self._state

    # -- request/reply (docs/frontend-targets.md) --------------------------------------------------

    def request(
        self, data: dict[str, Any], buffers: Buffers = None, timeout: float = 10.0
    ) -> dict[str, Any]:
        """The reply data of the first view that answers; raises NoViewError, RequestError or
        TimeoutError (docs/frontend-targets.md). Works from a cell, a handler or any thread."""
        return self._requests.request(data, buffers, timeout)

    def on_request(self, handler: RequestHandler | None) -> None:
        """Answer a view's ``comm.request``: ``handler(data, buffers)`` returns a dict, or
        ``(dict, buffers)``; an exception becomes an error reply. None removes it."""
        self._requests.set_handler(handler)

    # -- callbacks -------------------------------------------------------------------------------

    def on_msg(self, callback: CommCallback | None) -> None:
        """Call ``callback(msg)`` for each comm_msg from the frontend; None removes it."""
        self._msg_callback = checked_callback("on_msg", callback)

    def on_change(self, callback: ChangeCallback | None) -> None:
        """Call ``callback(changes)`` with the keys a view set and their new values, after the
        state holds them (docs/frontend-targets.md §6); None removes it."""
        self.state.on_change(callback)

    def on_close(self, callback: CommCallback | None) -> None:
        """Call ``callback(msg)`` when the frontend closes the comm; None removes it."""
        self._close_callback = checked_callback("on_close", callback)

    # -- incoming messages (called by the manager) ------------------------------------------------

    def handle_msg(self, msg: Message) -> None:
        callback = self._msg_callback
        # Request/reply and state messages stop here (their handlers run in handling() too).
        if self._requests.handle(msg):
            return
        if handle_state_msg(self.comm_id, self._state, msg, self._manager.handling):
            return
        if callback is not None:
            with self._manager.handling(msg):
                callback(msg)

    def handle_close(self, msg: Message) -> None:
        callback = self._close_callback
        if callback is not None:
            with self._manager.handling(msg):
                callback(msg)
