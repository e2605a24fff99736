"""A real jupyter_server on 127.0.0.1 in a subprocess, and kernel websocket clients that speak
either of its protocols: the legacy JSON one, or the binary v1 one that JupyterLab speaks."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from tornado.websocket import websocket_connect

TOKEN = "ipycomm-test"
V1 = "v1.kernel.websocket.jupyter.org"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, tmp: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.log = tmp / "server.log"
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}", f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={tmp}", "--ServerApp.open_browser=False",
            "--ServerApp.allow_root=True", "--ServerApp.log_level=DEBUG", *args,
        ]  # fmt: skip
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=out, env={**os.environ, **(env or {})}
            )
        deadline = time.monotonic() + 60
        while not (running := re.search(r"http://127\.0\.0\.1:(\d+)/", self.log.read_text())):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"server did not start:\n{self.log.read_text()}")
            time.sleep(0.1)  # polling the server's own log for readiness
        # The port it really took: if ours was taken meanwhile, the server moves to the next.
        self.port = int(running.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        # The log line can come before the socket accepts: wait until a connection does.
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(
                        f"server never accepted:\n{self.log.read_text()}"
                    ) from None
                time.sleep(0.1)  # polling the port for readiness

    def api(self, method: str, path: str) -> dict[str, object]:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, data=b"{}" if method == "POST" else None,
            headers={"Authorization": f"token {TOKEN}"},
        )  # fmt: skip
        with urllib.request.urlopen(request) as response:
            body = response.read()
        return json.loads(body) if body else {}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


async def close_websocket(conn: Any) -> None:
    """Close a websocket and wait until it is closed (close() only starts the handshake, and a
    socket still open when the test's event loop ends is an unclosed-socket warning)."""
    conn.close()
    while await asyncio.wait_for(conn.read_message(), 10) is not None:
        pass


class Page:
    """A kernel websocket as a page opens it: with its own session_id (its reader id), over
    the legacy protocol or, with ``protocol=V1``, JupyterLab's."""

    def __init__(self, server: Server, kernel_id: str, protocol: str | None = None) -> None:
        self.session = uuid.uuid4().hex
        self.protocol = protocol
        self.url = (
            f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels"
            f"?token={TOKEN}&session_id={self.session}"
        )

    async def open(self) -> None:
        subprotocols = [self.protocol] if self.protocol else None
        self.conn = await websocket_connect(
            self.url, max_message_size=1 << 30, subprotocols=subprotocols
        )
        assert self.conn.selected_subprotocol == self.protocol

    async def close(self) -> None:
        await close_websocket(self.conn)

    async def send(self, channel: str, msg_type: str, content: dict[str, Any]) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                  "username": "t", "version": "5.3", "date": ""}  # fmt: skip
        if self.protocol == V1:
            parts = [json.dumps(p).encode() for p in (header, {}, {}, content)]
            await self.conn.write_message(serialize_msg_to_ws_v1(parts, channel), binary=True)
        else:
            msg = {"header": header, "parent_header": {}, "metadata": {}, "content": content,
                   "channel": channel, "buffers": []}  # fmt: skip
            await self.conn.write_message(json.dumps(msg))
        return msg_id

    async def receive(self, timeout: float = 60) -> dict[str, Any]:
        """The next message, as a dict with its channel, whichever the protocol."""
        raw = await asyncio.wait_for(self.conn.read_message(), timeout)
        assert raw is not None, "the server closed the websocket"
        if self.protocol == V1:
            assert isinstance(raw, bytes)
            channel, parts = deserialize_msg_from_ws_v1(raw)
            names = ("header", "parent_header", "metadata", "content")
            msg = {name: json.loads(part) for name, part in zip(names, parts, strict=False)}
            return {**msg, "channel": channel, "buffers": parts[4:]}
        if isinstance(raw, bytes):
            return dict(deserialize_binary_message(raw))
        return dict(json.loads(raw))

    async def run(self, code: str) -> str:
        """Execute code; what it printed, once the kernel is idle again."""
        msg_id = await self.send("shell", "execute_request", {"code": code, "silent": False})
        output = []
        while True:
            msg = await self.receive()
            mine = msg["parent_header"].get("msg_id") == msg_id
            if mine and msg["header"]["msg_type"] == "stream":
                output.append(msg["content"]["text"])
            state = msg["content"].get("execution_state")
            if mine and msg["header"]["msg_type"] == "status" and state == "idle":
                return "".join(output)
