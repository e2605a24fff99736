"""ipycomm's edge in jupyter_server, a server extension: kernel websockets that send each
message at once, and that let flow-controlled comm messages through the iopub rate limit.

With Nagle's algorithm on (tornado's default), the server's second small write in a round trip
-- the comm_msg that follows a ``busy`` status -- waits for the browser's delayed ACK, about
40 ms. Every drag step of a slider pays it. Setting TCP_NODELAY on the kernel websocket removes
the stall; it costs nothing measurable for large messages, which fill whole segments anyway.

The iopub rate limit (1000 msg/s by default) drops whatever exceeds it, the cell's own output
included. Comm messages that carry ipycomm's ``seq`` are already kept within what the reader
takes (docs/flow-control.md), so they are neither counted nor dropped.
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from ..flow.wire import CREDIT_MSG_TYPE, FLOW_KEY

_SETTING = "kernel_websocket_connection_class"
_COMM_TYPES = frozenset({"comm_open", "comm_msg", "comm_close"})


class NoDelayWebsocketConnection(ZMQChannelsWebsocketConnection):
    """The stock kernel websocket connection, with TCP_NODELAY set when it opens."""

    def connect(self) -> Any:  # the stock class returns a Future, its base a coroutine
        self.websocket_handler.set_nodelay(True)
        self.log.debug("ipycomm: TCP_NODELAY set on the websocket of kernel %s", self.kernel_id)
        return super().connect()

    #: This connection carried flow-controlled messages: its page may be a reader.
    _saw_flow = False

    def _limit_rate(self, channel: Any, msg: Any, msg_list: Any) -> bool:
        if channel == "iopub" and len(msg_list) > 2:
            msg["header"] = self.get_part("header", msg["header"], msg_list)  # type: ignore[no-untyped-call]
            if msg["header"].get("msg_type") in _COMM_TYPES and is_flow_controlled(msg_list[2]):
                self._saw_flow = True
                return False
        limited: bool = super()._limit_rate(channel, msg, msg_list)  # type: ignore[no-untyped-call]
        return limited

    def disconnect(self) -> Any:
        # The page behind this websocket is gone (or will come back as a new reader): say so
        # for it, so the kernel never waits for its credit. Its reader id is the websocket's
        # session id, the page's kernel connection clientId.
        control = self.channels.get("control") if self._saw_flow else None
        if control is not None and not control.closed():
            closing = {"reader": self.session_id, "seq": 0, "window": 1, "closing": True}
            try:
                self.session.send(control, CREDIT_MSG_TYPE, {**closing, "batch_targets": []})
            except Exception:  # the kernel is gone too: nothing waits for this reader
                self.log.debug("ipycomm: could not tell the kernel reader %s left", self.session_id)
        return super().disconnect()  # type: ignore[no-untyped-call]


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


def _load_jupyter_server_extension(serverapp: Any) -> None:
    # A credit's busy/idle statuses say nothing about the user's work: JupyterLab must not
    # flash the kernel indicator for them, nor count them as activity.
    kernels = serverapp.kernel_manager
    untracked = list(getattr(kernels, "untracked_message_types", []))
    if CREDIT_MSG_TYPE not in untracked:
        kernels.untracked_message_types = [*untracked, CREDIT_MSG_TYPE]
    settings = serverapp.web_app.settings
    current = settings.get(_SETTING)
    if current is ZMQChannelsWebsocketConnection:
        settings[_SETTING] = NoDelayWebsocketConnection
        serverapp.log.info("ipycomm: kernel websockets send without Nagle delay (TCP_NODELAY)")
    else:
        # Someone configured their own connection class; replacing it would drop their changes.
        serverapp.log.warning(
            "ipycomm: kernel_websocket_connection_class is %r, so TCP_NODELAY is not set; "
            "slider round trips may take ~40 ms longer",
            current,
        )
