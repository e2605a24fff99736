"""The server stage of a big kernel → page message: a Python websocket client speaking
JupyterLab's protocol to a real JupyterLab server, so the browser is out of the figure.

    python -m benchmarks.ws_stage [--rounds 5] [--mb 50]

The client plays a page: on the ipycomm side it grants credit for every chunk at once and
reassembles the adaptive format (docs/chunking.md §2, §3); on the stock side (no server
extension, IPYCOMM_ACTIVATE=0) it takes the one whole message. MB/s from the ask to the whole
message, median [min-max] over rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from tornado.websocket import websocket_connect

from .browser import SIDES, start_lab
from .headless import SETUP

V1 = "v1.kernel.websocket.jupyter.org"


class Client:
    """One kernel websocket, as a page opens it."""

    def __init__(self, url: str, kernel_id: str) -> None:
        self.session = uuid.uuid4().hex
        host = url.removeprefix("http://")
        self.url = f"ws://{host}/api/kernels/{kernel_id}/channels?session_id={self.session}"
        self.seq = 0

    async def open(self) -> None:
        self.conn = await websocket_connect(self.url, max_message_size=1 << 31, subprotocols=[V1])

    async def send(self, channel: str, msg_type: str, content: dict[str, Any]) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                  "username": "b", "version": "5.3", "date": ""}  # fmt: skip
        parts = [json.dumps(p).encode() for p in (header, {}, {}, content)]
        wire = serialize_msg_to_ws_v1(parts, channel)  # type: ignore[no-untyped-call]
        await self.conn.write_message(wire, binary=True)
        return msg_id

    async def receive(self) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.conn.read_message(), 120)
        assert isinstance(raw, bytes), "expected a binary message"
        channel, parts = deserialize_msg_from_ws_v1(raw)  # type: ignore[no-untyped-call]
        names = ("header", "parent_header", "metadata", "content")
        msg = {name: json.loads(part) for name, part in zip(names, parts[:4], strict=True)}
        return {**msg, "channel": channel, "buffers": parts[4:]}

    async def credit(self, closing: bool = False) -> None:
        content = {"reader": self.session, "seq": self.seq, "window": 256, "batch_targets": [],
                   "closing": closing, "chunks": True, "chunk_format": 2}  # fmt: skip
        await self.send("control", "ipycomm_credit", content)

    async def run(self, code: str) -> str:
        msg_id = await self.send("shell", "execute_request", {"code": code, "silent": False})
        out = []
        while True:
            msg = await self.take()
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["header"]["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            if msg["content"].get("execution_state") == "idle":
                return "".join(out)

    async def take(self) -> dict[str, Any]:
        """The next message; a numbered one is credited at once, as a page credits chunks."""
        msg = await self.receive()
        seq = (msg["metadata"].get("ipycomm") or {}).get("seq")
        if isinstance(seq, int):
            self.seq = seq
            await self.credit()
        return msg


async def big(client: Client, comm_id: str, size: int) -> float:
    """MB/s of one kernel → page message of ``size`` bytes, ask to whole."""
    t0 = time.perf_counter()
    await client.send("shell", "comm_msg", {"comm_id": comm_id, "data": {"send": size}})
    got = 0
    while True:
        msg = await client.take()
        if msg["header"]["msg_type"] != "comm_msg":
            continue
        got += sum(len(b) for b in msg["buffers"])
        chunk = msg["content"]["data"].get("ipycomm_chunk")
        if chunk is None or chunk.get("last"):
            break
    elapsed = time.perf_counter() - t0
    assert got >= size, f"got {got} of {size} bytes"
    return size / 1e6 / elapsed


async def side_rates(side: str, url: str, rounds: int, size: int) -> list[float]:
    request = urllib.request.Request(f"{url}/api/kernels", method="POST", data=b"{}")
    with urllib.request.urlopen(request) as response:
        kernel_id = json.loads(response.read())["id"]
    client = Client(url, kernel_id)
    await client.open()
    if side == "ipycomm":
        await client.credit()  # it takes part: the kernel chunks for it
    await client.run(SETUP)
    comm_id = (await client.run("print(bench.comm_id)")).strip()
    await big(client, comm_id, size)  # warm: the payload is built once in the kernel
    rates = [await big(client, comm_id, size) for _ in range(rounds)]
    client.conn.close()
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mb", type=int, default=50)
    args = parser.parse_args(argv)
    print(f"{args.mb} MB kernel -> server -> Python websocket client, MB/s, median [min-max]")
    with tempfile.TemporaryDirectory() as tmp:
        for side in SIDES:
            process, url = start_lab(side, Path(tmp) / f"{side}.log")
            try:
                rates = asyncio.run(side_rates(side, url, args.rounds, args.mb * 1_000_000))
            finally:
                process.terminate()
                process.wait(timeout=30)
            print(f"  {side:8} {statistics.median(rates):8.1f} [{min(rates):.1f}-{max(rates):.1f}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
