"""Pages behind a real jupyter-kernel-gateway (docs/remote-kernels.md): a jupyter_server started
with ``--gateway-url`` relays each kernel websocket to the gateway, which runs the kernel. Stock
loses every binary buffer on that hop, both ways; with ipycomm installed on both servers, buffers
cross it, a page that takes part gets chunks and batches, and a plain page or jupyter_client
beside it gets every message whole, as stock sends it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gateway_harness import Gateway
from jupyter_server.services.kernels.connection.base import serialize_binary_message
from server_harness import Page, Server
from test_server_many_clients import scenario

ECHO = """
def _target(comm, msg):
    @comm.on_msg
    def _echo(m):
        got = [bytes(b) for b in m['buffers']]
        comm.send({'got': [len(b) for b in got], 'intact': got == [bytes(range(256)) * 4]},
                  buffers=[bytes(range(256)) * 4, b'\\x07' * (20 << 20)])
get_ipython().kernel.comm_manager.register_target('echo', _target)
"""


class BehindGateway:
    def __init__(self, tmp: Path, *gateway_args: str) -> None:
        self.gateway = Gateway(tmp, *gateway_args)
        self.server = Server(tmp, f"--gateway-url={self.gateway.url}")
        self.kernel_id = str(self.server.api("POST", "/api/kernels")["id"])

    def stop(self) -> None:
        try:
            self.server.api("DELETE", f"/api/kernels/{self.kernel_id}")
        finally:
            self.server.stop()
            self.gateway.stop()


@pytest.fixture
def behind_gateway(tmp_path: Path) -> Iterator[BehindGateway]:
    # No rate limit in the gateway: what is measured is what each page is sent, not what the
    # gateway's limit lets through to a page that does not take part.
    setup = BehindGateway(tmp_path, "--ZMQChannelsWebsocketConnection.iopub_msg_rate_limit=0")
    yield setup
    setup.stop()


async def send_with_buffers(page: Page, content: dict[str, Any], buffers: list[bytes]) -> None:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": "comm_msg", "session": page.session,
              "username": "t", "version": "5.3", "date": ""}  # fmt: skip
    msg = {"header": header, "parent_header": {}, "metadata": {}, "content": content,
           "channel": "shell", "buffers": buffers}  # fmt: skip
    await page.conn.write_message(serialize_binary_message(msg), binary=True)


async def comm_reply(page: Page) -> dict[str, Any]:
    while (msg := await page.receive(120))["header"]["msg_type"] != "comm_msg":
        pass
    return msg


def test_binary_buffers_cross_the_gateway_hop_both_ways(behind_gateway: BehindGateway) -> None:
    """A 1 KB buffer reaches the kernel intact, and the kernel's 1 KB and 20 MB buffers reach
    the page and a plain jupyter_client of the kernel, byte for byte (stock: none of them)."""
    plain = behind_gateway.gateway.client(behind_gateway.kernel_id)

    async def run() -> dict[str, Any]:
        page = Page(behind_gateway.server, behind_gateway.kernel_id)
        await page.open()
        await page.run(ECHO)
        comm_id = uuid.uuid4().hex
        await page.send("shell", "comm_open", {"comm_id": comm_id, "target_name": "echo"})
        await send_with_buffers(page, {"comm_id": comm_id, "data": {}}, [bytes(range(256)) * 4])
        reply = await comm_reply(page)
        await page.close()
        return reply

    try:
        reply = asyncio.run(run())
        assert reply["content"]["data"] == {"got": [1024], "intact": True}
        assert reply["buffers"] == [bytes(range(256)) * 4, b"\x07" * (20 << 20)]
        while (theirs := plain.get_iopub_msg(timeout=60))["msg_type"] != "comm_msg":
            pass
        assert theirs["content"]["data"] == reply["content"]["data"]
        assert [bytes(b) for b in theirs["buffers"]] == reply["buffers"]
    finally:
        plain.stop_channels()


def test_behind_a_gateway_a_plain_page_gets_every_message_whole_beside_one_that_takes_part(
    behind_gateway: BehindGateway,
) -> None:
    """The many-clients scenario through the hop: batches and chunks only while every reader
    of the kernel takes part (the gateway's activity watcher included), whole messages to both
    pages while a plain one is there."""
    asyncio.run(scenario(behind_gateway.server, behind_gateway.kernel_id, protocol=None))


def test_a_page_that_leaves_sends_its_closing_credit_through_the_hop(
    behind_gateway: BehindGateway,
) -> None:
    """The closing credit comes from the page's server as the page's websocket closes, so the
    kernel forgets the reader at once, as it does for a local page."""

    async def run() -> str:
        page = Page(behind_gateway.server, behind_gateway.kernel_id)
        await page.open()
        credit = {"reader": page.session, "seq": 0, "window": 256, "batch_targets": []}
        await page.send("control", "ipycomm_credit", credit)
        await page.run("pass")  # the credit went first, on the same websocket
        await page.close()
        return page.session

    session = asyncio.run(run())
    log = behind_gateway.gateway.log
    left = f"the page of session {session} on kernel {behind_gateway.kernel_id} left"
    for _ in range(600):
        if left in log.read_text():
            break
        time.sleep(0.1)  # polling the gateway's log for the closing credit
    assert f"{left} (its closing credit)" in log.read_text()


@pytest.mark.parametrize(("activate", "joined"), [("1", "True"), ("0", "False")])
def test_ipycomm_joins_a_kernel_gateway_started_from_its_environment(
    activate: str, joined: str
) -> None:
    """ipycomm.pth hooks kernel_gateway.gatewayapp as it hooks ipykernel: no configuration,
    and IPYCOMM_ACTIVATE=0 in the gateway's environment keeps it out."""
    code = (
        "import kernel_gateway.gatewayapp as app\n"
        "print(getattr(app.KernelGatewayApp.init_webapp, '_ipycomm', False))"
    )
    env = {**os.environ, "IPYCOMM_ACTIVATE": activate}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == joined
