"""Every private of jupyter_server and tornado that ipycomm's server edges use, and the only code
that touches them (docs/compat.md).

Each one serves one feature of :mod:`ipycomm.edges`. :func:`check` looks at all of them once,
when the server extension loads (or ipycomm joins a kernel gateway), and logs one line per
feature that is off; each accessor below returns None or False when its private is missing, so
the feature turns off and nothing raises. No other module of ipycomm uses a name of
:data:`PRIVATES` (tests/test_compat_privates.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from jupyter_server.gateway.connections import GatewayWebSocketConnection
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

PRIVATES: tuple[str, ...] = (
    # ZMQChannelsWebsocketConnection: where the iopub rate limit is decided, per message
    "_limit_rate",
    # ServerKernelManager: the iopub stream that watches a kernel's activity
    "_activity_stream",
    # GatewayWebSocketConnection: the relay's read loop and its write to the gateway
    "_read_messages",
    "_write_message",
)
# tornado's WebSocketClientConnection.params and .protocol (its message limit, and its stream
# for TCP_NODELAY) are undocumented but public names: :func:`tune_client_websocket` reads them.


@dataclass(frozen=True)
class Feature:
    name: str
    owner: type[Any]
    private: str
    off: str


FEATURES = (
    Feature(
        "rate-limit exemption", ZMQChannelsWebsocketConnection, "_limit_rate",
        "flow-controlled comm messages meet the iopub rate limit like any other",
    ),
    Feature(
        "gateway hop", GatewayWebSocketConnection, "_write_message",
        "binary frames do not cross the hop to a kernel gateway (stock's behaviour)",
    ),
    Feature(
        "gateway hop", GatewayWebSocketConnection, "_read_messages",
        "binary frames do not cross the hop to a kernel gateway (stock's behaviour)",
    ),
)  # fmt: skip


def check(log: Any) -> set[str]:
    """The features that are off, each logged once with the private it misses."""
    off = set()
    for feature in FEATURES:
        if not callable(getattr(feature.owner, feature.private, None)):
            off.add(feature.name)
            log.warning(
                "ipycomm: %s is off: jupyter_server has no %s.%s, so %s",
                feature.name, feature.owner.__name__, feature.private, feature.off,
            )  # fmt: skip
    return off


def limit_rate(cls: type[Any], connection: Any, *args: Any) -> bool:
    """The rate-limit decision of the class after ``cls`` in ``connection``'s MRO."""
    decide = getattr(super(cls, connection), "_limit_rate", None)
    return bool(decide(*args)) if decide is not None else False


def activity_stream(kernel: Any) -> Any:
    """The iopub stream with which the server watches ``kernel``'s activity, or None."""
    return getattr(kernel, "_activity_stream", None)


def read_messages(cls: type[Any], connection: Any) -> Awaitable[None]:
    """Stock's read loop of the gateway relay (after ``cls`` in the MRO)."""
    loop: Callable[[], Awaitable[None]] = super(cls, connection)._read_messages
    return loop()


def tune_client_websocket(ws: Any, max_message_size: int) -> None:
    """Raise a tornado client websocket's message limit and set TCP_NODELAY on it."""
    params = getattr(ws, "params", None)
    if params is not None and hasattr(params, "max_message_size"):
        params.max_message_size = max_message_size
    protocol = getattr(ws, "protocol", None)
    if protocol is not None and callable(getattr(protocol, "set_nodelay", None)):
        protocol.set_nodelay(True)
