"""The server extension's connection, in process: it reads a page's credit in either websocket
protocol, and marks its iopub socket as a participant's on the wire (a real zmq XPUB socket
with XPUB_VERBOSER, standing in for the kernel's, receives the subscriptions); the server's
activity watcher is marked too. Reading credits and choosing the class: test_server_credits.py."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import zmq
import zmq.asyncio
from ipycomm.edges.activity import mark_activity_watchers
from ipycomm.edges.websocket import participating_class
from ipycomm.flow.wire import PARTICIPANT_TOPIC
from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import (
    AsyncMappingKernelManager,
    ServerKernelManager,
)
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler
from server_harness import V1
from test_server_credits import CLOSING, GRANT, as_sent, page_msg
from traitlets import List
from traitlets.config import LoggingConfigurable


class _Streams:
    """The sockets of one connection: iopub, a SUB socket made by jupyter_server's kernel
    manager and connected to an XPUB with XPUB_VERBOSER that stands for the kernel's; control
    and shell record what the connection sends on them."""

    def __init__(self, kernels: _Kernels) -> None:
        self.context = zmq.Context()
        self.server_context = zmq.asyncio.Context()  # the kind jupyter_server's managers use
        self.xpub = self.context.socket(zmq.XPUB)
        self.xpub.setsockopt(zmq.XPUB_VERBOSER, 1)
        port = self.xpub.bind_to_random_port("tcp://127.0.0.1")
        self.kernel = ServerKernelManager(
            parent=kernels, ip="127.0.0.1", iopub_port=port, context=self.server_context
        )
        self.kernel.kernel_id = "k1"
        self.iopub = self.kernel.connect_iopub(identity=b"page-1")
        self.iopub.channel = "iopub"
        self.control, self.shell = _Recorder("control"), _Recorder("shell")
        assert self.subscriptions() == [b"\x01"]  # jupyter_client's b"" subscription

    def subscriptions(self) -> list[bytes]:
        """The subscription frames the XPUB received from the iopub socket, up to a marker
        subscribed last through the same socket (zmq keeps one pipe's frames in order)."""
        marker = b"marker"
        self.iopub.socket.setsockopt(zmq.SUBSCRIBE, marker)
        frames = []
        while True:
            assert self.xpub.poll(10_000), f"no marker; frames so far: {frames}"
            if (frame := self.xpub.recv()) == b"\x01" + marker:
                break
            frames.append(frame)
        self.iopub.socket.setsockopt(zmq.UNSUBSCRIBE, marker)
        assert self.xpub.poll(10_000) and self.xpub.recv() == b"\x00" + marker
        return frames

    def frames(self, count: int) -> list[bytes]:
        """The next ``count`` frames the XPUB receives."""
        found = []
        for _ in range(count):
            assert self.xpub.poll(10_000), f"{len(found)} of {count} frames: {found}"
            found.append(self.xpub.recv())
        return found

    def close(self) -> None:
        if not self.iopub.closed():
            self.iopub.close(linger=0)
        self.xpub.close(linger=0)
        self.context.term()
        self.server_context.term()


class _Recorder:
    def __init__(self, channel: str) -> None:
        self.channel, self.sent, self._closed = channel, [], False

    def send_multipart(self, parts: list[bytes], flags: int = 0, copy: bool = True) -> None:
        self.sent.append(parts)

    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._closed = True

    def on_recv(self, callback: Any) -> None:
        pass


class _Kernels(LoggingConfigurable):
    """The multi kernel manager as a connection sees it. ``others``: how many websockets of
    the kernel stay open; with none, the connection's sockets go to its buffer."""

    allowed_message_types = List([])

    def __init__(self, others: int) -> None:
        super().__init__()
        self._kernel_connections = {"k1": others}
        self.buffered: dict[str, Any] | None = None

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id == "k1"

    def notify_disconnect(self, kernel_id: str) -> None:
        pass

    def remove_restart_callback(self, *args: Any) -> None:
        pass

    def start_buffering(self, kernel_id: str, session_key: str, channels: Any) -> None:
        self.buffered = channels


@pytest.fixture
def loop() -> Iterator[None]:
    """A current event loop, as in the server: jupyter_client's streams take it."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture(params=[None, V1], ids=["legacy", "v1"])
def setup(request: pytest.FixtureRequest, loop: None) -> Iterator[tuple[Any, _Streams, str | None]]:
    """A connection of ipycomm's class over the stock one, speaking the given protocol."""
    kernels = _Kernels(others=0)
    streams = _Streams(kernels)
    protocol = request.param
    base = participating_class(ZMQChannelsWebsocketConnection)
    cls = type("Page", (base,), {"__module__": __name__})
    cls.subprotocol = protocol  # what the page chose, as tornado would report it
    handler = KernelWebsocketHandler.__new__(KernelWebsocketHandler)  # compared, never used
    session = Session(key=b"secret", session="page-1")
    conn = cls(parent=streams.kernel, session=session, websocket_handler=handler)
    conn.channels = {"iopub": streams.iopub, "control": streams.control, "shell": streams.shell}
    ZMQChannelsWebsocketConnection._open_sockets.add(conn)  # as connect() does
    yield conn, streams, protocol
    streams.close()


def _sent(conn: Any, stream: _Recorder) -> list[tuple[str, dict[str, Any]]]:
    """The (msg_type, content) of each message the connection sent on a stream."""
    msgs = [conn.session.deserialize(conn.session.feed_identities(p)[1]) for p in stream.sent]
    return [(m["header"]["msg_type"], m["content"]) for m in msgs]


def test_a_page_that_grants_credit_subscribes_its_iopub_socket_once(setup: Any) -> None:
    """The first credit subscribes the iopub socket to the participant topic before it goes
    on to the kernel; later credits change nothing."""
    conn, streams, protocol = setup
    assert not conn.participant
    conn.handle_incoming_message(as_sent(protocol, page_msg("control", "ipycomm_credit", GRANT)))
    assert conn.participant
    assert streams.subscriptions() == [b"\x01" + PARTICIPANT_TOPIC]
    conn.handle_incoming_message(as_sent(protocol, page_msg("control", "ipycomm_credit", GRANT)))
    assert streams.subscriptions() == []
    assert _sent(conn, streams.control) == [("ipycomm_credit", GRANT)] * 2


def test_a_page_that_never_credits_keeps_a_plain_socket_and_no_closing_credit(setup: Any) -> None:
    """Requests and other control messages mark nothing, and when the websocket closes no
    closing credit is sent for a page that never was a reader."""
    conn, streams, protocol = setup
    conn.handle_incoming_message(
        as_sent(protocol, page_msg("shell", "execute_request", {"code": "1"}))
    )
    conn.handle_incoming_message(as_sent(protocol, page_msg("control", "kernel_info_request", {})))
    assert not conn.participant
    assert streams.subscriptions() == []
    conn.disconnect()
    assert _sent(conn, streams.control) == [("kernel_info_request", {})]


def test_a_closing_credit_unmarks_and_a_new_credit_marks_again(setup: Any) -> None:
    """The page's own closing credit makes its socket plain again (and the websocket's close
    then sends no second one); a page that credits again takes part again."""
    conn, streams, protocol = setup
    for content in (GRANT, CLOSING, GRANT, CLOSING):
        conn.handle_incoming_message(
            as_sent(protocol, page_msg("control", "ipycomm_credit", content))
        )
    assert not conn.participant
    sub, unsub = b"\x01" + PARTICIPANT_TOPIC, b"\x00" + PARTICIPANT_TOPIC
    assert streams.subscriptions() == [sub, unsub, sub, unsub]
    conn.disconnect()
    assert [c["closing"] for _, c in _sent(conn, streams.control)] == [False, True, False, True]


def test_a_participant_that_leaves_sends_a_closing_credit_and_buffers_as_a_plain_reader(
    setup: Any,
) -> None:
    """When the last websocket of a kernel closes, jupyter_server keeps its sockets to buffer
    for a reconnect: the kernel is told the reader left, and the kept socket is plain."""
    conn, streams, protocol = setup
    conn.handle_incoming_message(as_sent(protocol, page_msg("control", "ipycomm_credit", GRANT)))
    conn.disconnect()
    kernels = conn.multi_kernel_manager
    assert kernels.buffered is not None and kernels.buffered["iopub"] is streams.iopub
    assert not streams.iopub.closed()
    assert streams.subscriptions() == [b"\x01" + PARTICIPANT_TOPIC, b"\x00" + PARTICIPANT_TOPIC]
    closing = {"reader": "page-1", "seq": 0, "window": 1, "closing": True, "batch_targets": []}
    assert _sent(conn, streams.control) == [("ipycomm_credit", GRANT), ("ipycomm_credit", closing)]
    assert not conn.participant


def test_the_activity_watcher_of_each_kernel_takes_part(loop: None) -> None:
    """jupyter_server's own iopub socket per kernel (it reads statuses only) subscribes to the
    participant topic, for kernels watched from now on and for those already watched."""
    streams = _Streams(_Kernels(others=0))
    streams.iopub.close(linger=0)  # the XPUB's subscriber will be the activity watcher alone
    assert streams.frames(1) == [b"\x00"]
    kernels = AsyncMappingKernelManager(context=streams.server_context)
    kernels._kernels["k1"] = streams.kernel
    try:
        kernels.start_watching_activity("k1")
        mark_activity_watchers(kernels, logging.getLogger("test"))  # a kernel already watched
        mark_activity_watchers(kernels, logging.getLogger("test"))  # loaded twice: no change
        streams.iopub = streams.kernel._activity_stream
        assert streams.subscriptions() == [b"\x01", b"\x01" + PARTICIPANT_TOPIC]
        kernels.stop_watching_activity("k1")
        assert sorted(streams.frames(2)) == [b"\x00", b"\x00" + PARTICIPANT_TOPIC]
        kernels.start_watching_activity("k1")  # as a restart with new ports does
        streams.iopub = streams.kernel._activity_stream
        assert streams.subscriptions() == [b"\x01", b"\x01" + PARTICIPANT_TOPIC]
    finally:
        kernels.stop_watching_activity("k1")
        streams.close()
