"""ipycomm's edge in jupyter_server, a server extension (docs/flow-control.md §4).

Loading it
- installs ipycomm's kernel websocket connection (:mod:`.websocket`) over whatever ZMQ
  connection class is configured: kernel websockets send each message at once, and those whose
  page takes part in flow control pass the iopub rate limit and say so to the kernel;
- marks the server's own iopub socket of each kernel, the one that watches the kernel's
  activity, as a participant: it reads statuses only, so ipycomm's envelopes are nothing to it,
  and it must not keep the kernel from sending them to the pages that read them;
- adds ``ipycomm_credit`` to the untracked message types.
"""

from __future__ import annotations

import functools
from typing import Any

from ..flow.wire import CREDIT_MSG_TYPE
from .websocket import participating_class, set_participant

_SETTING = "kernel_websocket_connection_class"


def _load_jupyter_server_extension(serverapp: Any) -> None:
    # A credit's busy/idle statuses say nothing about the user's work: JupyterLab must not
    # flash the kernel indicator for them, nor count them as activity.
    kernels = serverapp.kernel_manager
    untracked = list(getattr(kernels, "untracked_message_types", []))
    if CREDIT_MSG_TYPE not in untracked:
        kernels.untracked_message_types = [*untracked, CREDIT_MSG_TYPE]
    _install_connection_class(serverapp)
    _mark_activity_watchers(kernels, serverapp.log)


def _install_connection_class(serverapp: Any) -> None:
    settings = serverapp.web_app.settings
    current = settings.get(_SETTING)
    ours = participating_class(current)
    if ours is None:
        # A gateway's connection proxies to a remote server's websocket: there is no zmq
        # socket here to extend, and replacing the class would drop what it does.
        serverapp.log.warning(
            "ipycomm: kernel_websocket_connection_class is %r, not a "
            "ZMQChannelsWebsocketConnection, so ipycomm leaves it alone: no TCP_NODELAY (slider "
            "round trips may take ~40 ms longer), and no page through it is known to take part",
            current,
        )
        return
    settings[_SETTING] = ours
    serverapp.log.info(
        "ipycomm: kernel websockets send without Nagle delay (TCP_NODELAY) and know whether "
        "their page takes part (%s)",
        ours.__name__,
    )


def _mark_activity_watchers(kernels: Any, log: Any) -> None:
    """Make every activity-watching iopub socket of the kernel manager a participant: those of
    kernels it starts or restarts from now on, and those already watching."""
    watch = getattr(kernels, "start_watching_activity", None)
    if watch is None or getattr(watch, "_ipycomm", False):
        return  # not a kernel manager that watches, or wrapped already

    @functools.wraps(watch)
    def start_watching_activity(kernel_id: str) -> None:
        watch(kernel_id)
        _mark_activity_stream(kernels, kernel_id, log)

    start_watching_activity._ipycomm = True  # type: ignore[attr-defined]
    kernels.start_watching_activity = start_watching_activity
    for kernel_id in list(kernels.list_kernel_ids()):
        _mark_activity_stream(kernels, kernel_id, log)


def _mark_activity_stream(kernels: Any, kernel_id: str, log: Any) -> None:
    kernel = kernels.get_kernel(kernel_id)
    stream = getattr(kernel, "_activity_stream", None)
    if stream is None or getattr(stream, "socket", stream).closed:
        return  # a kernel manager that does not watch this way (a gateway's)
    set_participant(stream, True)
    log.debug("ipycomm: the activity watcher of kernel %s takes part", kernel_id)
