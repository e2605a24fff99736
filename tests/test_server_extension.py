"""The jupyter_server extension shipped with ipycomm: kernel websockets with TCP_NODELAY."""

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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tornado.websocket import websocket_connect

TOKEN = "ipycomm-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, tmp: Path, *args: str) -> None:
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
            self.process = subprocess.Popen(command, stdout=out, stderr=out, env=os.environ)
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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    yield running
    running.stop()


async def _close(conn: Any) -> None:
    """Close a websocket and wait until it is closed (close() only starts the handshake, and a
    socket still open when the test's event loop ends is an unclosed-socket warning)."""
    conn.close()
    while await asyncio.wait_for(conn.read_message(), 10) is not None:
        pass


def _kernel_info_over_websocket(server: Server, kernel_id: str) -> dict[str, object]:
    async def round_trip() -> dict[str, object]:
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?token={TOKEN}"
        conn = await websocket_connect(url)
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "kernel_info_request", "session": "t",
                  "username": "t", "version": "5.3", "date": ""}  # fmt: skip
        request = {"header": header, "parent_header": {}, "metadata": {}, "content": {},
                   "channel": "shell", "buffers": []}  # fmt: skip
        await conn.write_message(json.dumps(request))
        while True:
            raw = await asyncio.wait_for(conn.read_message(), 60)
            assert isinstance(raw, str)
            reply = json.loads(raw)
            if reply["parent_header"].get("msg_id") == msg_id and reply["channel"] == "shell":
                await _close(conn)
                return dict(reply["content"])

    return asyncio.run(round_trip())


def test_server_extension_is_enabled_by_installing() -> None:
    """pip install enables the extension: `jupyter server extension list` shows it OK."""
    listing = subprocess.run(
        [sys.executable, "-m", "jupyter_server", "extension", "list"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    output = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)  # drop colours
    assert re.search(r"ipycomm\s+enabled", output)
    assert re.search(r"ipycomm [0-9.]+\s+OK", output)


def test_kernel_websocket_is_opened_with_nodelay_and_carries_messages(server: Server) -> None:
    """A kernel websocket gets TCP_NODELAY on open, and kernel messages still flow over it."""
    assert "kernel websockets send without Nagle delay" in server.log.read_text()
    kernel_id = str(server.api("POST", "/api/kernels")["id"])
    try:
        reply = _kernel_info_over_websocket(server, kernel_id)
        assert reply["status"] == "ok"
        assert f"TCP_NODELAY set on the websocket of kernel {kernel_id}" in server.log.read_text()
    finally:
        server.api("DELETE", f"/api/kernels/{kernel_id}")


def test_extension_can_be_disabled(tmp_path: Path) -> None:
    """With the extension switched off the stock connection is used (the benchmark's baseline)."""
    stock = Server(tmp_path, '--ServerApp.jpserver_extensions={"ipycomm": False}')
    try:
        assert "without Nagle delay" not in stock.log.read_text()
    finally:
        stock.stop()


def _comm_msgs_over_websocket(
    server: Server, kernel_id: str, code: str, credit: bool = False, until: str | None = None
) -> tuple[int, str]:
    """Run code over a kernel websocket; the comm_msgs that reached the client, and its output.

    With ``credit`` the client is a flow-control reader, as a page is: it grants credit on the
    control channel as it reads, so the kernel never overflows its iopub socket, however slow
    this machine is. ``until``: stop reading once the output contains it (without credit, the
    kernel's iopub socket may drop the cell's idle status on a slow machine)."""

    async def run() -> tuple[int, str]:
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?token={TOKEN}"
        conn = await websocket_connect(url, max_message_size=1 << 30)
        msg_id = uuid.uuid4().hex
        await conn.write_message(_ws_message("shell", "execute_request", msg_id, {
            "code": code, "silent": False, "store_history": False}))  # fmt: skip
        count, output, credited = 0, [], -1
        while True:
            raw = await asyncio.wait_for(conn.read_message(), 120)
            assert isinstance(raw, str)
            msg = json.loads(raw)
            kind = msg["header"]["msg_type"]
            count += kind == "comm_msg"
            seq = (msg["metadata"].get("ipycomm") or {}).get("seq")
            if credit and isinstance(seq, int) and seq - credited >= 64:
                credited = seq
                content = {"reader": msg_id, "seq": seq, "window": 256, "batch_targets": []}
                await conn.write_message(_ws_message("control", "ipycomm_credit", "", content))
            if kind == "stream":
                output.append(msg["content"]["text"])
                if until is not None and until in "".join(output):
                    await _close(conn)
                    return count, "".join(output)
            mine = msg["parent_header"].get("msg_id") == msg_id
            if kind == "status" and mine and msg["content"]["execution_state"] == "idle":
                if credited >= 0:  # leave, so the kernel waits for this reader no more
                    closing = {"reader": msg_id, "seq": credited, "closing": True}
                    await conn.write_message(_ws_message("control", "ipycomm_credit", "", closing))
                await _close(conn)
                return count, "".join(output)

    return asyncio.run(run())


def _ws_message(channel: str, msg_type: str, msg_id: str, content: dict[str, Any]) -> str:
    header = {"msg_id": msg_id or uuid.uuid4().hex, "msg_type": msg_type, "session": "t",
              "username": "t", "version": "5.3", "date": ""}  # fmt: skip
    return json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                       "channel": channel, "buffers": []})  # fmt: skip


def test_flow_controlled_comm_messages_pass_the_iopub_rate_limit(tmp_path: Path) -> None:
    """With a rate limit of 100 msg/s, ipycomm's 2,000 comm messages all arrive, while the
    stock comm layer's are cut off with "IOPub message rate exceeded"."""
    limited = Server(tmp_path, "--ZMQChannelsWebsocketConnection.iopub_msg_rate_limit=100")
    kernel_id = str(limited.api("POST", "/api/kernels")["id"])
    push = "c = Comm(target_name='t')\nfor i in range(2000):\n    c.send({'i': i})\nc.close()"
    try:
        ours, _ = _comm_msgs_over_websocket(
            limited, kernel_id, "from ipycomm import Comm\n" + push, credit=True
        )
        assert ours == 2000
        # The warning comes with the first message the server drops: stock loses some.
        stock, output = _comm_msgs_over_websocket(
            limited, kernel_id, "from ipykernel.comm import Comm\n" + push,
            until="IOPub message rate exceeded",
        )  # fmt: skip
        assert stock < 2000 and "IOPub message rate exceeded" in output
    finally:
        limited.api("DELETE", f"/api/kernels/{kernel_id}")
        limited.stop()


def test_credit_statuses_are_untracked_by_the_page(server: Server) -> None:
    """JupyterLab's page config lists ipycomm_credit among untracked_message_types, so the
    page does not show the kernel busy for a credit."""
    with urllib.request.urlopen(f"{server.url}/lab?token={TOKEN}") as response:
        html = response.read().decode()
    found = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, "no page config in /lab"
    assert "ipycomm_credit" in json.loads(found.group(1))["untracked_message_types"]


def test_only_metadata_with_an_ipycomm_seq_counts_as_flow_controlled() -> None:
    """The rate-limit exemption looks for metadata.ipycomm.seq and nothing else."""
    from ipycomm.edges.server import is_flow_controlled

    assert is_flow_controlled(b'{"ipycomm": {"seq": 3}}')
    assert is_flow_controlled(b'{"version": "2.1.0", "ipycomm": {"seq": 4, "batch": 9}}')
    assert not is_flow_controlled(b'{"version": "2.1.0"}')
    assert not is_flow_controlled(b'{"ipycomm": "x"}')
    assert not is_flow_controlled(b'{"ipycomm": {"seq": "3"}}')
    assert not is_flow_controlled(b'not json "ipycomm"')


class _Page:
    """A kernel websocket as a page opens it: with its own session_id (its reader id)."""

    def __init__(self, server: Server, kernel_id: str) -> None:
        self.session = uuid.uuid4().hex
        self.url = (
            f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels"
            f"?token={TOKEN}&session_id={self.session}"
        )

    async def open(self) -> None:
        self.conn = await websocket_connect(self.url, max_message_size=1 << 30)

    async def send(self, channel: str, msg_type: str, content: dict[str, object]) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                  "username": "t", "version": "5.3", "date": ""}  # fmt: skip
        await self.conn.write_message(json.dumps({"header": header, "parent_header": {},
            "metadata": {}, "content": content, "channel": channel, "buffers": []}))  # fmt: skip
        return msg_id

    async def run(self, code: str) -> str:
        """Execute code; what it printed, once the kernel is idle again."""
        msg_id = await self.send("shell", "execute_request", {"code": code, "silent": False})
        output = []
        while True:
            msg = json.loads(await asyncio.wait_for(self.conn.read_message(), 60))  # type: ignore[arg-type]
            mine = msg["parent_header"].get("msg_id") == msg_id
            if mine and msg["header"]["msg_type"] == "stream":
                output.append(msg["content"]["text"])
            state = msg["content"].get("execution_state")
            if mine and msg["header"]["msg_type"] == "status" and state == "idle":
                return "".join(output)


def test_a_closed_page_is_no_longer_waited_for(server: Server) -> None:
    """When a page's websocket closes, the server tells the kernel its reader left, so the
    kernel never holds messages back for a page that is gone."""
    kernel_id = str(server.api("POST", "/api/kernels")["id"])
    readers = "print(len(get_ipython().kernel.comm_manager.transport.outbox.readers))"

    async def scenario() -> tuple[str, str]:
        page = _Page(server, kernel_id)
        await page.open()
        await page.run("from ipycomm import Comm\nc = Comm(target_name='t')")  # seq'ed
        credit = {"reader": page.session, "seq": 1, "window": 8, "batch_targets": []}
        await page.send("control", "ipycomm_credit", {**credit, "closing": False})
        while (registered := (await page.run(readers)).strip()) != "1":
            pass  # the credit went over the control channel; it lands between cells
        await _close(page.conn)
        other = _Page(server, kernel_id)
        await other.open()
        for _ in range(100):  # the closing credit is on its way through the server
            if (left := (await other.run(readers)).strip()) == "0":
                break
        await _close(other.conn)
        return registered, left

    try:
        assert asyncio.run(scenario()) == ("1", "0")
    finally:
        server.api("DELETE", f"/api/kernels/{kernel_id}")
