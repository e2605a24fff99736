"""ipycomm's side of jupyter_server's gateway hop: a mixin over ``GatewayWebSocketConnection``
(the stock one, or a subclass someone configured), built by :func:`hop_class`
(docs/remote-kernels.md).

With ``--gateway-url``, the page's kernel websocket ends in this server, which opens a second
websocket to the gateway and relays every message between the two. Stock relays text only: a
message with binary buffers, which the legacy protocol sends as one binary frame, goes to the
gateway as a text frame (and the gateway drops the connection), and one from the gateway is
decoded as UTF-8 (and the relay dies). So every binary buffer, and every ipycomm chunk, is lost
behind a gateway. The mixin

- relays binary frames as binary, both ways, and lets the gateway's messages be as large as the
  kernel sends them (tornado's client default refuses over 10 MiB);
- sets TCP_NODELAY on both websockets, for the same ~40 ms as a local kernel's websocket;
- knows whether its page takes part (it granted credit), and sends the page's closing credit
  when the page's websocket closes, so a reload does not stall the kernel waiting for a reader
  that is gone. (An ipycomm-enabled gateway sends one too; the kernel forgets a reader once.)

The rate limit and the participant subscription live where the kernel's sockets are: in the
gateway's server, which ipycomm joins when it is installed there (:mod:`.gatewayapp`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from jupyter_client.jsonutil import json_default
from jupyter_server.gateway.connections import GatewayWebSocketConnection
from tornado.websocket import WebSocketClosedError

from ..compat import jupyter_server as compat
from ..flow.wire import CREDIT_MSG_TYPE
from .frames import credit_in

#: What the relay accepts from the gateway in one message: the kernel's own limit applies
#: there, and a page behind a gateway must get what a local page gets.
MAX_GATEWAY_MESSAGE = 1 << 31

if TYPE_CHECKING:
    _Base = GatewayWebSocketConnection
else:
    _Base = object


class GatewayHop(_Base):
    """The mixin: put it before a :class:`GatewayWebSocketConnection` (sub)class."""

    #: The page behind this websocket takes part: it granted credit and has not closed it.
    participant = False

    async def connect(self) -> None:
        self.websocket_handler.set_nodelay(True)
        await super().connect()  # type: ignore[no-untyped-call]

    def handle_incoming_message(self, message: str | bytes) -> None:
        credit = credit_in(message, False)  # the hop speaks the legacy protocol to the page
        if credit is not None:
            self.participant = not credit["closing"]
        super().handle_incoming_message(message)  # type: ignore[arg-type]

    def _write_message(self, message: str | bytes) -> None:
        if self.disconnected or self.ws is None:
            return
        try:
            self.ws.write_message(message, binary=isinstance(message, bytes))
        except WebSocketClosedError:
            self.log.warning(
                "ipycomm: the gateway websocket of kernel %s is closed", self.kernel_id
            )

    def handle_outgoing_message(self, incoming_msg: str, *args: Any) -> None:
        binary = isinstance(incoming_msg, _Binary)
        frame = incoming_msg.data if isinstance(incoming_msg, _Binary) else incoming_msg
        try:
            self.websocket_handler.write_message(frame, binary=binary)
        except WebSocketClosedError:
            self.log.debug(
                "ipycomm: the page of kernel %s left; a message is dropped", self.kernel_id
            )

    async def _read_messages(self) -> None:
        """Stock's loop (and its reconnection), reading through :func:`tune`."""
        if self.ws is not None:
            tune(self.ws)
        await compat.read_messages(GatewayHop, self)

    def disconnect(self) -> None:  # type: ignore[override]
        if self.participant:
            self.participant = False
            self._write_message(closing_credit(self.session, self.session_id))
        super().disconnect()  # type: ignore[no-untyped-call]


def tune(ws: Any) -> None:
    """Make one client websocket to the gateway relay binary and large messages, without delay.

    Stock's read loop turns every bytes message into text. The socket's ``read_message`` is
    wrapped so that a binary frame comes out as :class:`_Binary`, a str that keeps its bytes and
    decodes nothing; the hop's ``handle_outgoing_message`` then writes it as binary."""
    compat.tune_client_websocket(ws, MAX_GATEWAY_MESSAGE)
    if getattr(ws.read_message, "_ipycomm", False):
        return
    read = ws.read_message

    async def read_message(*args: Any, **kwargs: Any) -> str | None:
        message: str | bytes | None = await read(*args, **kwargs)
        return _Binary(message) if isinstance(message, bytes) else message

    read_message._ipycomm = True  # type: ignore[attr-defined]
    ws.read_message = read_message


class _Binary(str):
    """A binary frame passing through stock's read loop, which decodes ``bytes`` as text: an
    empty str, so the loop leaves it alone, that keeps the frame's bytes in ``data``."""

    data: bytes

    def __new__(cls, data: bytes) -> _Binary:
        binary = super().__new__(cls, "")
        binary.data = data
        return binary


def closing_credit(session: Any, reader: str) -> str:
    """The legacy-protocol text of a closing credit for ``reader``, on the control channel."""
    content = {"reader": reader, "seq": 0, "window": 1, "closing": True, "batch_targets": []}
    msg = session.msg(CREDIT_MSG_TYPE, content)
    msg["channel"] = "control"
    msg["buffers"] = []
    return json.dumps(msg, default=json_default)


def hop_class(cls: type[Any]) -> type[Any] | None:
    """``cls`` with the hop mixed in, or None when it is no gateway connection class."""
    if not (isinstance(cls, type) and issubclass(cls, GatewayWebSocketConnection)):
        return None
    if issubclass(cls, GatewayHop):
        return cls
    return type("IPyComm" + cls.__name__, (GatewayHop, cls), {"__module__": __name__})
