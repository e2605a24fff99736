"""ipycomm's kernel websocket connection: a mixin over jupyter_server's ZMQ connection class
(the stock one, or a subclass someone configured), built by :func:`participating_class`.

It sets TCP_NODELAY when the websocket opens. With Nagle's algorithm on (tornado's default), the
server's second small write in a round trip -- the comm_msg that follows a ``busy`` status --
waits for the browser's delayed ACK, about 40 ms, and every drag step of a slider pays it.

It also knows whether its page takes part in ipycomm (docs/flow-control.md §4): from the first
credit the page grants through this websocket until the page's closing credit or the websocket's
close. While it takes part, the connection

- lets comm messages that carry ``metadata.ipycomm.seq`` through the iopub rate limit (the
  page's credit already bounds them; every other message is limited as stock);
- subscribes its iopub socket to :data:`~ipycomm.flow.wire.PARTICIPANT_TOPIC`, so the kernel
  counts it among the subscribers that read ipycomm's envelopes;
- and, when the websocket closes, sends the kernel a closing credit for the page's reader.

A page that never grants credit (a stock JupyterLab page, VS Code) gets the stock connection's
behaviour in all of this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import zmq
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from ..compat import jupyter_server as compat
from ..flow.wire import CREDIT_MSG_TYPE, PARTICIPANT_TOPIC
from .frames import V1_PROTOCOL, credit_in, is_flow_controlled

_COMM_TYPES = frozenset({"comm_open", "comm_msg", "comm_close"})

if TYPE_CHECKING:
    _Base = ZMQChannelsWebsocketConnection
else:
    _Base = object


class IPyCommConnection(_Base):
    """The mixin: put it before a :class:`ZMQChannelsWebsocketConnection` (sub)class."""

    #: The page behind this websocket takes part: it granted credit and has not closed it.
    participant = False

    def connect(self) -> Any:  # the stock class returns a Future, its base a coroutine
        self.websocket_handler.set_nodelay(True)
        self.log.debug("ipycomm: TCP_NODELAY set on the websocket of kernel %s", self.kernel_id)
        return super().connect()

    def handle_incoming_message(self, incoming_msg: str) -> None:
        # Before the credit goes on to the kernel: the kernel may count its subscribers when
        # the credit arrives, and the subscription has the shorter way.
        if self.channels:
            credit = credit_in(incoming_msg, self.subprotocol == V1_PROTOCOL, self.session.unpack)
            if credit is not None:
                self._take_part(not credit["closing"])
        super().handle_incoming_message(incoming_msg)

    def _take_part(self, taking_part: bool) -> None:
        if taking_part == self.participant:
            return
        iopub = self.channels.get("iopub")
        if iopub is None or iopub.closed():
            return
        set_participant(iopub, taking_part)
        self.participant = taking_part
        self.log.info(
            "ipycomm: the page of session %s on kernel %s %s",
            self.session_id,
            self.kernel_id,
            "takes part (iopub socket subscribed to the participant topic)"
            if taking_part
            else "left (its closing credit)",
        )

    def _limit_rate(self, channel: Any, msg: Any, msg_list: Any) -> bool:
        if self.participant and channel == "iopub" and len(msg_list) > 2:
            msg["header"] = self.get_part("header", msg["header"], msg_list)  # type: ignore[no-untyped-call]
            if msg["header"].get("msg_type") in _COMM_TYPES and is_flow_controlled(msg_list[2]):
                return False
        return compat.limit_rate(IPyCommConnection, self, channel, msg, msg_list)

    def disconnect(self) -> Any:
        if self.participant:
            self._leave()
        return super().disconnect()  # type: ignore[no-untyped-call]

    def _leave(self) -> None:
        # The page behind this websocket is gone (or will come back as a new reader): say so
        # for it, so the kernel never waits for its credit. Its reader id is the websocket's
        # session id, the page's kernel connection clientId.
        self.participant = False
        control = self.channels.get("control")
        if control is not None and not control.closed():
            closing = {"reader": self.session_id, "seq": 0, "window": 1, "closing": True}
            try:
                self.session.send(control, CREDIT_MSG_TYPE, {**closing, "batch_targets": []})
            except Exception:  # the kernel is gone too: nothing waits for this reader
                self.log.debug("ipycomm: could not tell the kernel reader %s left", self.session_id)
        # jupyter_server may keep the iopub socket, buffering for a page that comes back; until
        # that page grants credit again, the socket is a plain reader.
        iopub = self.channels.get("iopub")
        if iopub is not None and not iopub.closed():
            set_participant(iopub, False)


def set_participant(stream: Any, taking_part: bool) -> None:
    """Subscribe an iopub SUB socket (or the ZMQStream around it) to the participant topic, or
    unsubscribe it. Each call must undo a previous one: zmq counts a socket's subscriptions."""
    socket = getattr(stream, "socket", stream)
    socket.setsockopt(zmq.SUBSCRIBE if taking_part else zmq.UNSUBSCRIBE, PARTICIPANT_TOPIC)


def participating_class(cls: type[Any]) -> type[Any] | None:
    """``cls`` with ipycomm's connection mixed in, or None when it is no ZMQ connection class
    (a gateway's, which proxies to a websocket of a remote server)."""
    if not (isinstance(cls, type) and issubclass(cls, ZMQChannelsWebsocketConnection)):
        return None
    if issubclass(cls, IPyCommConnection):
        return cls
    return type("IPyComm" + cls.__name__, (IPyCommConnection, cls), {"__module__": __name__})
