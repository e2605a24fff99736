"""The jupyter_server extension shipped with ipycomm, in a real server with a real kernel:
kernel websockets with TCP_NODELAY, and pages that take part in flow control told apart from
those that do not."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from custom_connection import GREETING
from ipycomm.flow.wire import seq_of
from server_harness import TOKEN, V1, Page, Server, close_websocket
from tornado.websocket import websocket_connect


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    yield running
    running.stop()


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
                await close_websocket(conn)
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
    from ipycomm.edges.frames import is_flow_controlled

    assert is_flow_controlled(b'{"ipycomm": {"seq": 3}}')
    assert is_flow_controlled(b'{"version": "2.1.0", "ipycomm": {"seq": 4, "batch": 9}}')
    assert not is_flow_controlled(b'{"version": "2.1.0"}')
    assert not is_flow_controlled(b'{"ipycomm": "x"}')
    assert not is_flow_controlled(b'{"ipycomm": {"seq": "3"}}')
    assert not is_flow_controlled(b'not json "ipycomm"')


def test_a_closed_page_is_no_longer_waited_for(server: Server) -> None:
    """When a page's websocket closes, the server tells the kernel its reader left, so the
    kernel never holds messages back for a page that is gone."""
    kernel_id = str(server.api("POST", "/api/kernels")["id"])
    readers = "print(len(get_ipython().kernel.comm_manager.transport.outbox.readers))"

    async def scenario() -> tuple[str, str]:
        page = Page(server, kernel_id)
        await page.open()
        await page.run("from ipycomm import Comm\nc = Comm(target_name='t')")  # seq'ed
        credit = {"reader": page.session, "seq": 1, "window": 8, "batch_targets": []}
        await page.send("control", "ipycomm_credit", {**credit, "closing": False})
        while (registered := (await page.run(readers)).strip()) != "1":
            pass  # the credit went over the control channel; it lands between cells
        await page.close()
        other = Page(server, kernel_id)
        await other.open()
        for _ in range(100):  # the closing credit is on its way through the server
            if (left := (await other.run(readers)).strip()) == "0":
                break
        await other.close()
        return registered, left

    try:
        assert asyncio.run(scenario()) == ("1", "0")
    finally:
        server.api("DELETE", f"/api/kernels/{kernel_id}")


READERS = "print(len(get_ipython().kernel.comm_manager.transport.outbox.readers))"
RATE_EXCEEDED = "IOPub message rate exceeded"
#: 20 messages a second over a 1 s window: any burst of comm messages goes over it.
LOW_RATE_LIMIT = (
    "--ZMQChannelsWebsocketConnection.iopub_msg_rate_limit=20",
    "--ZMQChannelsWebsocketConnection.rate_limit_window=1",
)


async def _grant_credit(page: Page) -> int:
    """Be a reader, as an ipycomm page is: open a comm in the kernel, grant credit once a
    numbered message arrives, and return (with the seq credited) once the kernel counts this
    reader."""
    code = "from ipycomm import Comm\nc = Comm(target_name='t')\nc.send({'i': -1})"
    msg_id = await page.send("shell", "execute_request", {"code": code, "silent": False})
    seq = None
    while True:
        msg = await page.receive()
        if msg["header"]["msg_type"] == "comm_msg" and seq is None:
            seq = seq_of(msg)  # type: ignore[arg-type]
        mine = msg["parent_header"].get("msg_id") == msg_id
        if mine and msg["content"].get("execution_state") == "idle":
            break
    assert seq is not None, "the kernel numbered no comm message"
    credit = {"reader": page.session, "seq": seq, "window": 256, "batch_targets": []}
    await page.send("control", "ipycomm_credit", credit)
    while (await page.run(READERS)).strip() != "1":
        pass  # the credit went over the control channel; it lands between cells
    return seq


async def _read_as_reader(page: Page, msg_id: str, credited: int) -> tuple[int, str]:
    """A reader's view of a cell: its comm_msgs and output, crediting as it reads."""
    count, output = 0, []
    while True:
        msg = await page.receive(120)
        kind, mine = msg["header"]["msg_type"], msg["parent_header"].get("msg_id") == msg_id
        seq = seq_of(msg)  # type: ignore[arg-type]
        if seq is not None and seq - credited >= 64:
            credited = seq
            credit = {"reader": page.session, "seq": seq, "window": 256, "batch_targets": []}
            await page.send("control", "ipycomm_credit", credit)
        count += kind == "comm_msg" and mine
        if kind == "stream":
            output.append(msg["content"]["text"])
        if mine and kind == "status" and msg["content"]["execution_state"] == "idle":
            return count, "".join(output)


async def _read_until_rate_exceeded(page: Page, msg_id: str) -> tuple[int, str]:
    """A plain page's view of a cell, up to the server's rate-limit warning (it comes with the
    first message the server drops for this page), or else to the cell's idle."""
    count, output = 0, ""
    while RATE_EXCEEDED not in output:
        msg = await page.receive(120)
        kind, mine = msg["header"]["msg_type"], msg["parent_header"].get("msg_id") == msg_id
        count += kind == "comm_msg" and mine
        if kind == "stream":
            output += msg["content"]["text"]
        if mine and kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    return count, output


def test_only_the_page_that_grants_credit_passes_the_iopub_rate_limit(tmp_path: Path) -> None:
    """Two pages on one kernel, a burst of 2,000 comm messages over the rate limit: the page
    that grants credit (JupyterLab's protocol) gets them all; the page that never does gets
    the server's warning and loses some, as from a stock server. Only the crediting page's
    iopub socket is marked as a participant's, and the activity watcher's is too."""
    limited = Server(tmp_path, *LOW_RATE_LIMIT)
    kernel_id = str(limited.api("POST", "/api/kernels")["id"])
    push = "for i in range(2000):\n    c.send({'i': i})\nprint('pushed')"

    async def scenario() -> tuple[tuple[int, str], tuple[int, str], Page, Page]:
        reader, plain = Page(limited, kernel_id, protocol=V1), Page(limited, kernel_id)
        await reader.open()
        await plain.open()
        credited = await _grant_credit(reader)
        msg_id = await reader.send("shell", "execute_request", {"code": push, "silent": False})
        results = await asyncio.gather(
            _read_as_reader(reader, msg_id, credited), _read_until_rate_exceeded(plain, msg_id)
        )
        await reader.close()
        await plain.close()
        return results[0], results[1], reader, plain

    try:
        (ours, ours_output), (stock, stock_output), reader, plain = asyncio.run(scenario())
        assert ours == 2000 and "pushed" in ours_output and RATE_EXCEEDED not in ours_output
        assert stock < 2000 and RATE_EXCEEDED in stock_output
        log = limited.log.read_text()
        assert f"the page of session {reader.session} on kernel {kernel_id} takes part" in log
        assert f"the page of session {plain.session}" not in log
        assert f"the activity watcher of kernel {kernel_id} takes part" in log
    finally:
        limited.api("DELETE", f"/api/kernels/{kernel_id}")
        limited.stop()


def test_a_configured_connection_class_keeps_its_behaviour_and_gains_ipycomms(
    tmp_path: Path,
) -> None:
    """With a subclass of the stock connection configured, pages still get what it does (its
    greeting), and ipycomm's part too: TCP_NODELAY, the crediting page marked as taking part,
    and its reader let go when its websocket closes."""
    custom = Server(
        tmp_path,
        "--ServerApp.kernel_websocket_connection_class=custom_connection.GreetingConnection",
        env={"PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])},
    )
    kernel_id = str(custom.api("POST", "/api/kernels")["id"])

    async def scenario() -> tuple[Page, str]:
        page = Page(custom, kernel_id)
        await page.open()
        while (await page.receive())["content"].get("text", "").strip() != GREETING:
            pass
        await _grant_credit(page)
        await page.close()
        other = Page(custom, kernel_id)
        await other.open()
        for _ in range(100):  # the closing credit is on its way through the server
            if (left := (await other.run(READERS)).strip()) == "0":
                break
        await other.close()
        return page, left

    try:
        page, left = asyncio.run(scenario())
        assert left == "0"
        log = custom.log.read_text()
        assert "know whether their page takes part (IPyCommGreetingConnection)" in log
        assert f"TCP_NODELAY set on the websocket of kernel {kernel_id}" in log
        assert f"the page of session {page.session} on kernel {kernel_id} takes part" in log
    finally:
        custom.api("DELETE", f"/api/kernels/{kernel_id}")
        custom.stop()
