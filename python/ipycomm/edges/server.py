"""ipycomm's edge in jupyter_server, a server extension (docs/flow-control.md §4), and in a
kernel gateway's server (docs/remote-kernels.md).

Loading it
- extends whatever kernel websocket connection class is configured:
  - a ZMQ one (the kernel runs here, or this is the gateway) with :mod:`.websocket`: kernel
    websockets send each message at once, and those whose page takes part in flow control pass
    the iopub rate limit and say so to the kernel;
  - a gateway's (``--gateway-url``) with :mod:`.hop`: binary frames and large messages cross the
    hop to the gateway, without Nagle delay, and a page's closing credit reaches the kernel;
- marks the server's own iopub socket of each kernel, the one that watches the kernel's
  activity, as a participant (:mod:`.activity`);
- adds ``ipycomm_credit`` to the untracked message types.
"""

from __future__ import annotations

from typing import Any

from ..compat import jupyter_server as compat
from ..flow.wire import CREDIT_MSG_TYPE
from .activity import mark_activity_watchers
from .hop import hop_class
from .websocket import participating_class

_SETTING = "kernel_websocket_connection_class"


def _load_jupyter_server_extension(serverapp: Any) -> None:
    install(serverapp.web_app.settings, serverapp.kernel_manager, serverapp.log)


def install(settings: dict[str, Any], kernels: Any, log: Any) -> None:
    """Join a server: its web application's ``settings``, and its kernel manager."""
    # A credit's busy/idle statuses say nothing about the user's work: JupyterLab must not
    # flash the kernel indicator for them, nor count them as activity.
    untracked = list(getattr(kernels, "untracked_message_types", []))
    if CREDIT_MSG_TYPE not in untracked:
        kernels.untracked_message_types = [*untracked, CREDIT_MSG_TYPE]
    _install_connection_class(settings, log, compat.check(log))
    mark_activity_watchers(kernels, log)


def _install_connection_class(
    settings: dict[str, Any], log: Any, off: set[str] | frozenset[str] = frozenset()
) -> None:
    """Extend the configured connection class; ``off`` names the features jupyter_server lacks
    the privates of (:func:`ipycomm.compat.jupyter_server.check`)."""
    current: Any = settings.get(_SETTING)
    ours = participating_class(current)
    if ours is not None:
        what = "send without Nagle delay (TCP_NODELAY) and know whether their page takes part"
    elif "gateway hop" not in off and (ours := hop_class(current)) is not None:
        what = "relay binary frames and large messages to the gateway without Nagle delay"
    else:
        log.warning(
            "ipycomm: kernel_websocket_connection_class is %r, neither a "
            "ZMQChannelsWebsocketConnection nor a GatewayWebSocketConnection, so ipycomm leaves "
            "it alone: no TCP_NODELAY (slider round trips may take ~40 ms longer), and no page "
            "through it is known to take part",
            current,
        )
        return
    settings[_SETTING] = ours
    log.info("ipycomm: kernel websockets %s (%s)", what, ours.__name__)
