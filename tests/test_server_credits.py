"""The server extension's parts that need no connection: it reads a page's credit in either
websocket protocol (``edges/frames.py``), and builds its connection class over any ZMQ one."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
from ipycomm.edges.frames import credit_in
from ipycomm.edges.hop import GatewayHop, hop_class
from ipycomm.edges.server import _install_connection_class
from ipycomm.edges.websocket import IPyCommConnection, participating_class
from jupyter_server.gateway.connections import GatewayWebSocketConnection
from jupyter_server.services.kernels.connection.base import (
    BaseKernelWebsocketConnection,
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from server_harness import V1

GRANT = {"reader": "page-1", "seq": 3, "window": 256, "batch_targets": [], "closing": False}
CLOSING = {**GRANT, "closing": True}


def page_msg(channel: str, msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "page-1",
              "username": "t", "version": "5.3", "date": ""}  # fmt: skip
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content,
            "channel": channel, "buffers": []}  # fmt: skip


def as_sent(protocol: str | None, msg: dict[str, Any]) -> str | bytes:
    """A message as a page sends it over the websocket, in jupyter_server's own framing."""
    if protocol == V1:
        parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata")]
        parts += [json.dumps(msg["content"]).encode(), *msg["buffers"]]
        return serialize_msg_to_ws_v1(parts, msg["channel"])
    if msg["buffers"]:
        return serialize_binary_message(msg)
    return json.dumps(msg)


@pytest.mark.parametrize("protocol", [None, V1])
def test_a_credit_is_read_in_either_websocket_protocol(protocol: str | None) -> None:
    """A non-closing credit on control is a grant, a closing one is told apart, in both."""
    v1 = protocol == V1
    assert credit_in(as_sent(protocol, page_msg("control", "ipycomm_credit", GRANT)), v1) == GRANT
    closing = credit_in(as_sent(protocol, page_msg("control", "ipycomm_credit", CLOSING)), v1)
    assert closing is not None and closing["closing"] is True


@pytest.mark.parametrize("protocol", [None, V1])
def test_other_messages_and_bad_credits_grant_nothing(protocol: str | None) -> None:
    """Only a credit the kernel would accept, on the control channel, counts."""
    v1 = protocol == V1
    code = {"code": "print('ipycomm_credit')", "silent": False}
    others = [
        page_msg("shell", "execute_request", code),
        page_msg("shell", "ipycomm_credit", GRANT),
        page_msg("control", "kernel_info_request", {}),
        page_msg("control", "ipycomm_credit", {**GRANT, "window": 0}),
        page_msg("control", "ipycomm_credit", {**GRANT, "reader": ""}),
        {**page_msg("shell", "comm_msg", {"data": {"ipycomm_credit": 1}}), "buffers": [b"x" * 9]},
    ]
    for msg in others:
        assert credit_in(as_sent(protocol, msg), v1) is None, msg
    for garbage in (b"", b"\x00" * 3, b"\xff" * 64, "not json ipycomm_credit"):
        assert credit_in(garbage, v1) is None


class _Custom(ZMQChannelsWebsocketConnection):
    limit_rate = False

    def own(self) -> str:
        return "custom"


def _installed(cls: Any) -> Any:
    settings = {"kernel_websocket_connection_class": cls}
    _install_connection_class(settings, logging.getLogger("serverapp"))
    return settings["kernel_websocket_connection_class"]


class _CustomGateway(GatewayWebSocketConnection):
    def own(self) -> str:
        return "custom gateway"


def test_ipycomm_builds_on_any_zmq_or_gateway_connection_class(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The stock class, or a subclass someone configured, gets ipycomm's behaviour mixed in
    and keeps its own; so does a gateway's; any other class is left alone, with a warning that
    says why."""
    for cls in (ZMQChannelsWebsocketConnection, _Custom):
        ours = _installed(cls)
        assert issubclass(ours, cls) and issubclass(ours, IPyCommConnection)
        assert ours.__name__ == "IPyComm" + cls.__name__
        assert participating_class(ours) is ours  # loaded twice: no second layer
    assert ours().own() == "custom" and ours().limit_rate is False
    for gateway in (GatewayWebSocketConnection, _CustomGateway):
        hop = _installed(gateway)
        assert issubclass(hop, gateway) and issubclass(hop, GatewayHop)
        assert hop_class(hop) is hop
    assert hop().own() == "custom gateway"
    with caplog.at_level(logging.WARNING):
        assert _installed(BaseKernelWebsocketConnection) is BaseKernelWebsocketConnection
    assert "nor a GatewayWebSocketConnection, so ipycomm leaves it alone" in caplog.text
