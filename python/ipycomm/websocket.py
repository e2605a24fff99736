"""A jupyter_server extension: kernel websockets that send each message at once.

With Nagle's algorithm on (tornado's default), the server's second small write in a round trip
-- the comm_msg that follows a ``busy`` status -- waits for the browser's delayed ACK, about
40 ms. Every drag step of a slider pays it. Setting TCP_NODELAY on the kernel websocket removes
the stall; it costs nothing measurable for large messages, which fill whole segments anyway.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

_SETTING = "kernel_websocket_connection_class"


class NoDelayWebsocketConnection(ZMQChannelsWebsocketConnection):
    """The stock kernel websocket connection, with TCP_NODELAY set when it opens."""

    def connect(self) -> Any:  # the stock class returns a Future, its base a coroutine
        self.websocket_handler.set_nodelay(True)
        self.log.debug("ipycomm: TCP_NODELAY set on the websocket of kernel %s", self.kernel_id)
        return super().connect()


def _load_jupyter_server_extension(serverapp: Any) -> None:
    settings = serverapp.web_app.settings
    current = settings.get(_SETTING)
    if current is ZMQChannelsWebsocketConnection:
        settings[_SETTING] = NoDelayWebsocketConnection
        serverapp.log.info("ipycomm: kernel websockets send without Nagle delay (TCP_NODELAY)")
    else:
        # Someone configured their own connection class; replacing it would drop their changes.
        serverapp.log.warning(
            "ipycomm: kernel_websocket_connection_class is %r, so TCP_NODELAY is not set; "
            "slider round trips may take ~40 ms longer",
            current,
        )
