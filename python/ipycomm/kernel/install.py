"""Installing ipycomm into a running ipykernel: its shell and control handlers, the ``comm``
package's provider, and the manager installed in this process.

After :func:`install`, ``kernel.comm_manager`` is an ipycomm :class:`CommManager`, the kernel's
comm_open, comm_msg, comm_close and comm_info_request handlers route to it, and
``comm.create_comm()`` / ``comm.get_comm_manager()`` return ipycomm objects, so ipywidgets and
every other ``comm`` user run on it.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
from typing import Any

from ..comm import Comm
from ..flow.outbox import Outbox
from ..flow.wire import CREDIT_MSG_TYPE
from ..manager import CommManager
from .transport import KernelTransport

log = logging.getLogger("ipycomm")

_HANDLED = ("comm_open", "comm_msg", "comm_close", "comm_info_request")
#: The requests whose idle status waits for the comm messages they queued.
_DRAINED = frozenset({"execute_request", "comm_open", "comm_msg", "comm_close"})
_install_lock = threading.Lock()
#: The manager installed in this process, which the ``comm`` package hands out.
_installed: CommManager | None = None


def running_kernel() -> Any:
    """The ipykernel kernel of this process, or None when not inside one."""
    if "ipykernel" not in sys.modules:
        return None
    from ipykernel.kernelbase import Kernel

    return Kernel.instance() if Kernel.initialized() else None


def install(kernel: Any = None) -> CommManager:
    """Make ipycomm the comm layer of ``kernel`` (default: the running kernel).

    Idempotent: a kernel that already runs ipycomm keeps its manager. Targets and comms that
    were registered with the previous manager are carried over.
    Raises RuntimeError when there is no kernel to install into.
    """
    global _installed
    with _install_lock:
        kernel = kernel if kernel is not None else running_kernel()
        if kernel is None:
            raise RuntimeError(
                "ipycomm needs a running IPython kernel (none runs in this process). "
                "Outside a kernel, give Comm and CommManager a transport explicitly."
            )
        current = getattr(kernel, "comm_manager", None)
        if isinstance(current, CommManager):
            manager = current
        else:
            transport = KernelTransport(kernel)
            manager = CommManager(transport)
            if current is not None:
                manager.take_over(current)
            kernel.comm_manager = manager
            _hook_kernel(kernel, manager, transport)
        _installed = manager
        _provide_comm_package()
        return manager


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext ipycomm``: install into the shell's kernel."""
    install(getattr(ipython, "kernel", None))


def install_if_in_kernel() -> None:
    """Install on import when imported inside a kernel; do nothing elsewhere."""
    if running_kernel() is not None:
        install()


def _hook_kernel(kernel: Any, manager: CommManager, transport: KernelTransport) -> None:
    for msg_type in _HANDLED:
        kernel.shell_handlers[msg_type] = getattr(manager, msg_type)
    _drain_before_idle(kernel, transport.outbox)
    control = getattr(kernel, "control_handlers", None)
    if isinstance(control, dict):
        # The control channel also answers comm_info_request, and takes credits: it is served
        # even while a cell runs, which is when credits matter most.
        if "comm_info_request" in control:
            control["comm_info_request"] = manager.comm_info_request
        control[CREDIT_MSG_TYPE] = transport.handle_credit
    _route_kernel_log(kernel)


def _drain_before_idle(kernel: Any, outbox: Outbox) -> None:
    """A cell or comm request ends, and the kernel reports idle, only once the comm messages
    queued before then are on the wire, as the stock comm layer does.

    ipykernel publishes a request's idle status from its dispatcher, which looks this method up
    for every request: the cell that installs ipycomm ends with a drain too. Messages queued
    after the drain started (say, by a thread that streams all the time) are not waited for,
    and other requests (kernel_info, completion) never wait for comm messages.
    """
    publish_status = kernel._publish_status_and_flush

    @functools.wraps(publish_status)
    def publish_status_after_drain(status: str, channel: str, *args: Any, **kwargs: Any) -> Any:
        if status == "idle" and channel == "shell" and _request_type(kernel) in _DRAINED:
            outbox.drain()
        return publish_status(status, channel, *args, **kwargs)

    kernel._publish_status_and_flush = publish_status_after_drain


def _request_type(kernel: Any) -> str | None:
    """The msg_type of the shell request this thread is handling."""
    header = (kernel.get_parent("shell") or {}).get("header") or {}
    msg_type = header.get("msg_type")
    return msg_type if isinstance(msg_type, str) else None


def _provide_comm_package() -> None:
    import comm

    package: Any = comm  # its two hooks are typed for the stock classes; ours duck-type them

    def create_comm(*args: Any, **kwargs: Any) -> Comm:
        kwargs.setdefault("manager", get_comm_manager())
        return Comm(*args, **kwargs)

    def get_comm_manager() -> CommManager:
        assert _installed is not None
        return _installed

    package.create_comm = create_comm
    package.get_comm_manager = get_comm_manager
    ipkernel: Any = sys.modules.get("ipykernel.ipkernel")
    if ipkernel is not None and hasattr(ipkernel, "_comm_manager"):
        # ipykernel's own accessor caches its manager here; keep it pointing at ours.
        ipkernel._comm_manager = _installed


def _route_kernel_log(kernel: Any) -> None:
    # Our warnings belong in the kernel's log (the server's terminal), not on a stray cell's
    # stderr, which is where Python's last-resort handler would write inside a kernel.
    kernel_log = getattr(kernel, "log", None)
    if isinstance(kernel_log, logging.Logger) and log.parent is logging.getLogger():
        log.parent = kernel_log
