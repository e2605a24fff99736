"""The server side's compat checks (ipycomm.compat.jupyter_server): with a private of
jupyter_server gone, the feature that needs it is off, with one log line that names both, and
the rest of ipycomm's server edges carry on."""

from __future__ import annotations

import logging

import pytest
from ipycomm.compat import jupyter_server as compat
from ipycomm.edges.server import install
from ipycomm.edges.websocket import IPyCommConnection
from jupyter_server.gateway.connections import GatewayWebSocketConnection
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class _Kernels:
    untracked_message_types: list[str] = []


def _install(cls: type, caplog: pytest.LogCaptureFixture) -> type:
    settings = {"kernel_websocket_connection_class": cls}
    with caplog.at_level(logging.INFO):
        install(settings, _Kernels(), logging.getLogger("serverapp"))
    return settings["kernel_websocket_connection_class"]


def test_every_private_is_there_on_the_tested_jupyter_server() -> None:
    assert compat.check(logging.getLogger("serverapp")) == set()


def test_without_the_relays_write_the_gateway_hop_is_off_and_the_class_is_stock(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(GatewayWebSocketConnection, "_write_message")
    assert _install(GatewayWebSocketConnection, caplog) is GatewayWebSocketConnection
    lines = [r.getMessage() for r in caplog.records if "is off" in r.getMessage()]
    assert lines == [
        "ipycomm: gateway hop is off: jupyter_server has no "
        "GatewayWebSocketConnection._write_message, so binary frames do not cross the hop to "
        "a kernel gateway (stock's behaviour)"
    ]


def test_without_the_rate_limit_hook_only_the_exemption_is_off(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(ZMQChannelsWebsocketConnection, "_limit_rate")
    ours = _install(ZMQChannelsWebsocketConnection, caplog)
    assert issubclass(ours, IPyCommConnection)  # TCP_NODELAY and participation stay on
    off = [r.getMessage() for r in caplog.records if "is off" in r.getMessage()]
    assert len(off) == 1 and off[0].startswith(
        "ipycomm: rate-limit exemption is off: jupyter_server has no "
        "ZMQChannelsWebsocketConnection._limit_rate"
    )
    # Nothing calls the override now; if something did, it would decide "not limited".
    assert compat.limit_rate(IPyCommConnection, ours(), "iopub", {}, []) is False
