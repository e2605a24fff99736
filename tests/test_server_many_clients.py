"""Two pages on one kernel through a real jupyter_server (docs/flow-control.md §6): one takes part
(JupyterLab's protocol, credit with chunks and batches), one never grants credit. While the plain
page is connected, both get every comm message whole and in order; once it leaves, the page that
takes part gets batches and chunks again."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from ipycomm.chunks.format import CHUNK_KEY
from ipycomm.flow.wire import BATCH_KEY, seq_of
from server_harness import V1, Page, Server

#: No rate limit in the way: what is measured here is what each page is sent.
NO_RATE_LIMIT = ("--ZMQChannelsWebsocketConnection.iopub_msg_rate_limit=0",)
BIG = 5 * 1024 * 1024 + 3
SETUP = "from ipycomm import Comm\nc = Comm(target_name='wire')\nc.send({'i': -1})"
BURST = f"""
for i in range(3000):
    c.send({{'i': i}})
c.send({{'big': 1}}, buffers=[b'\\x05' * {BIG}])
c.send({{'after': 1}})
print('printed-after')
"""
PRIVATE = (
    "from ipycomm.kernel.xpub import scope_of\nprint(scope_of(get_ipython().kernel).private())"
)


class Reader:
    """A page that takes part: credits as it reads, each chunk at once."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.credited = 0

    async def credit(self, seq: int) -> None:
        self.credited = seq
        credit = {"reader": self.page.session, "seq": seq, "window": 256,
                  "batch_targets": ["wire"], "chunks": True}  # fmt: skip
        await self.page.send("control", "ipycomm_credit", credit)

    async def read(self, msg_id: str) -> list[dict[str, Any]]:
        messages = []
        while True:
            msg = await self.page.receive(120)
            seq = seq_of(msg)  # type: ignore[arg-type]
            chunk = CHUNK_KEY in (msg["content"].get("data") or {})
            if seq is not None and (chunk or seq - self.credited >= 64):
                await self.credit(seq)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["header"]["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    return messages
                continue
            messages.append(msg)


async def read_plain(page: Page, msg_id: str) -> list[dict[str, Any]]:
    """What a page that never credits gets of a cell, up to its idle (statuses left out)."""
    messages = []
    while True:
        msg = await page.receive(120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["header"]["msg_type"] != "status":
            messages.append(msg)
        elif msg["content"]["execution_state"] == "idle":
            return messages


def comm_data(messages: list[dict[str, Any]]) -> list[Any]:
    return [m["content"]["data"] for m in messages if m["header"]["msg_type"] == "comm_msg"]


def assert_whole_in_order(messages: list[dict[str, Any]]) -> None:
    data = comm_data(messages)
    assert data == [{"i": i} for i in range(3000)] + [{"big": 1}, {"after": 1}]
    big = [m for m in messages if m["header"]["msg_type"] == "comm_msg"][3000]
    assert [len(b) for b in big["buffers"]] == [BIG]
    assert messages[-1]["header"]["msg_type"] == "stream", "the print overtook a comm message"


async def wait_private(page: Page, expected: bool) -> None:
    for _ in range(200):
        if (await page.run(PRIVATE)).strip() == str(expected):
            return
    raise AssertionError(f"the kernel never saw its wire as private={expected}")


async def scenario(server: Server, kernel_id: str, protocol: str | None = V1) -> None:
    """``protocol`` is the participating page's: a gateway's hop speaks the legacy one."""
    page, plain = Page(server, kernel_id, protocol=protocol), Page(server, kernel_id)
    await page.open()
    await plain.open()
    reader = Reader(page)
    setup_id = await page.send("shell", "execute_request", {"code": SETUP, "silent": False})
    await reader.read(setup_id)
    await wait_private(page, False)
    msg_id = await page.send("shell", "execute_request", {"code": BURST, "silent": False})
    ours, theirs = await asyncio.gather(reader.read(msg_id), read_plain(plain, msg_id))
    for messages in (ours, theirs):
        assert [d for d in comm_data(messages) if BATCH_KEY in d or CHUNK_KEY in d] == []
        assert_whole_in_order(messages)
    await plain.close()
    await wait_private(page, True)
    msg_id = await page.send("shell", "execute_request", {"code": BURST, "silent": False})
    alone = comm_data(await reader.read(msg_id))
    assert any(BATCH_KEY in d for d in alone), "no batch once the plain page left"
    assert sum(CHUNK_KEY in d for d in alone) == 6  # 5 MiB and a bit, in 1 MiB chunks
    await page.close()


def test_a_plain_page_gets_every_message_whole_beside_a_page_that_takes_part(
    tmp_path: Path,
) -> None:
    server = Server(tmp_path, *NO_RATE_LIMIT)
    kernel_id = str(server.api("POST", "/api/kernels")["id"])
    try:
        asyncio.run(scenario(server, kernel_id))
    finally:
        server.api("DELETE", f"/api/kernels/{kernel_id}")
        server.stop()
