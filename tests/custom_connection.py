"""A kernel websocket connection class of someone else's, configured in the server that
tests/test_server_extension.py starts: ipycomm must build on it, not replace it."""

from __future__ import annotations

from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

GREETING = "hello from a custom connection"


class GreetingConnection(ZMQChannelsWebsocketConnection):
    """Greets each page on its iopub channel (a stderr stream) once the connection is live:
    behaviour of its own that a page can see."""

    def connect(self) -> Any:
        connected = super().connect()
        if connected is not None:
            connected.add_done_callback(lambda _: self.write_stderr(GREETING, {}))
        return connected
