"""A bare websocket server: the ceiling the browser benchmark's large figures are set against.

    python benchmarks/ws_ceiling.py

It binds a free port on 127.0.0.1, prints that port on its first line of output, and serves
one endpoint, ``/ceiling``, until its standard input closes (ui-tests/bench/ceiling.ts spawns
it and holds that pipe) or it is killed. It is tornado, as the Jupyter server is, with no
compression (none is offered) and a message size limit above anything the page sends. On a
connection, text messages ask and binary messages carry bytes:

- ``{"down": n, "chunk": c}``: the server sends ``n`` bytes as binary messages of ``c`` bytes
  (the last one shorter), each written once the one before has left; ``c >= n`` is one
  message. The page times the ask to its last byte.
- ``{"up": n}``: the server counts the binary bytes that follow and, once ``n`` have arrived,
  answers ``{"got": count}``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading

from tornado import web, websocket
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

#: Above any message the page sends (the benchmark's are 50 MB by default).
MAX_MESSAGE = 4 * 1024 * 1024 * 1024


class Ceiling(websocket.WebSocketHandler):
    """One page's connection: sends on ask, counts what it receives."""

    expected = 0
    received = 0

    def check_origin(self, origin: str) -> bool:
        return True  # the page is JupyterLab, on another port of 127.0.0.1

    async def on_message(self, message: str | bytes) -> None:
        if isinstance(message, bytes):
            self.received += len(message)
            if self.expected and self.received >= self.expected:
                self.expected = 0
                await self.write_message(json.dumps({"got": self.received}))
            return
        ask = json.loads(message)
        if "up" in ask:
            self.expected, self.received = int(ask["up"]), 0
        elif "down" in ask:
            await self.send_bytes(int(ask["down"]), int(ask["chunk"]))

    async def send_bytes(self, total: int, chunk: int) -> None:
        """``total`` bytes in messages of ``chunk`` bytes, each written after the last left."""
        full = bytes(min(chunk, total))
        sent = 0
        while sent < total:
            size = min(chunk, total - sent)
            await self.write_message(full if size == len(full) else full[:size], binary=True)
            sent += size


def _exit_when_stdin_closes() -> None:
    """Ends the process once its parent's pipe closes: no server outlives the benchmark."""
    sys.stdin.buffer.read()
    os._exit(0)


async def serve() -> None:
    app = web.Application([("/ceiling", Ceiling)], websocket_max_message_size=MAX_MESSAGE)
    sockets = bind_sockets(0, "127.0.0.1")
    HTTPServer(app, max_buffer_size=MAX_MESSAGE).add_sockets(sockets)
    print(sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve())
