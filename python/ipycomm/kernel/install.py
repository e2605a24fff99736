"""Installing ipycomm into a running ipykernel: its shell and control handlers, and the
``comm`` package's provider.

After :func:`install`, ``kernel.comm_manager`` is an ipycomm :class:`CommManager`, the kernel's
comm_open, comm_msg, comm_close and comm_info_request handlers route to it, and
``comm.create_comm()`` / ``comm.get_comm_manager()`` return ipycomm objects while that kernel is
the running one, so ipywidgets and every other ``comm`` user run on it. Installing either
succeeds or leaves the kernel as it was. The kernel is checked first, once
(:mod:`ipycomm.compat.kernelcheck`): a feature whose ipykernel private is missing is off, and
an ipykernel older than 7.0 keeps the stock layer, each with one line in the kernel's log.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from ..comm import Comm
from ..compat import ipykernel as compat
from ..compat.kernelcheck import Unsupported, check
from ..flow.outbox import Outbox
from ..flow.wire import CREDIT_MSG_TYPE
from ..inspection import INSPECT_REQUEST, inspect_handler
from ..manager import CommManager
from .construction import building, wrap_kernel_class
from .credits import take_quietly
from .leanflush import request_type, skip_empty_flushes
from .options import activation_on, limits_of, options_of
from .transport import KernelTransport

log = logging.getLogger("ipycomm")

_HANDLED = ("comm_open", "comm_msg", "comm_close", "comm_info_request")
#: The requests whose idle status waits for the comm messages they queued.
_DRAINED = frozenset({"execute_request", "comm_open", "comm_msg", "comm_close"})
_install_lock = threading.Lock()


def running_kernel() -> Any:
    """The ipykernel kernel of this process (the singleton of a launched kernel, or the kernel
    of the running IPython shell, as in an in-process kernel), or None outside one."""
    if "ipykernel" not in sys.modules:
        return None
    from ipykernel.kernelbase import Kernel

    if Kernel.initialized():
        return Kernel.instance()
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance() if InteractiveShell.initialized() else None
    return getattr(shell, "kernel", None)


def current_manager() -> CommManager | None:
    """The ipycomm manager of the running kernel; None while a kernel is being built, or when
    the running kernel is on the stock comm layer."""
    if building():
        return None
    manager = getattr(running_kernel(), "comm_manager", None)
    return manager if isinstance(manager, CommManager) else None


def install(kernel: Any = None) -> CommManager:
    """Make ipycomm the comm layer of ``kernel`` (default: the running kernel).

    Idempotent: a kernel that already runs ipycomm keeps its manager. Targets and comms that
    were registered with the previous manager are carried over.
    Raises RuntimeError when there is no kernel to install into, and :class:`Unsupported` (a
    RuntimeError) when ipycomm cannot run on it (its log says why, once).
    """
    with _install_lock:
        kernel = kernel if kernel is not None else running_kernel()
        if kernel is None:
            raise RuntimeError(
                "ipycomm needs a running IPython kernel (none runs in this process). "
                "Outside a kernel, give Comm and CommManager a transport explicitly."
            )
        current = getattr(kernel, "comm_manager", None)
        if not isinstance(current, CommManager):
            check(kernel)
        wrap_kernel_class(_ipython_kernel_class(kernel))
        manager = current if isinstance(current, CommManager) else _switch(kernel, current)
        _provide_comm_package()
        return manager


def _ipython_kernel_class(kernel: Any) -> Any:
    from ipykernel.ipkernel import IPythonKernel

    return IPythonKernel if isinstance(kernel, IPythonKernel) else type(kernel)


def _switch(kernel: Any, current: Any) -> CommManager:
    """Replace the kernel's comm layer; on failure, put back everything that was changed."""
    saved = compat.snapshot(kernel)
    try:
        transport = KernelTransport(kernel, limits_of(kernel))
        transport.outbox.readers.forget_after = options_of(kernel).forget_reader_after
        manager = CommManager(transport)
        manager.chunks = transport.incoming
        if current is not None:
            manager.take_over(current)
        kernel.comm_manager = manager
        _hook_kernel(kernel, manager, transport)
        return manager
    except BaseException:
        kernel.comm_manager = current
        compat.restore(kernel, saved)
        raise


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext ipycomm``: install into the shell's kernel."""
    install(getattr(ipython, "kernel", None))


def install_if_in_kernel() -> None:
    """Install on import inside a kernel whose user left activation on; do nothing elsewhere,
    where ipycomm cannot run (the kernel's log says why), or where activation is off: a library
    that imports ipycomm never overrides the user's choice. ``install()`` and
    ``%load_ext ipycomm`` install all the same."""
    kernel = running_kernel()
    if kernel is None or not activation_on(kernel):
        return
    with contextlib.suppress(Unsupported):
        install(kernel)


def _hook_kernel(kernel: Any, manager: CommManager, transport: KernelTransport) -> None:
    shell = compat.shell_dispatch(kernel)
    assert shell is not None  # the check made sure
    for msg_type in _HANDLED:
        shell[msg_type] = getattr(manager, msg_type)
    _drain_before_idle(kernel, transport.outbox)
    control = compat.control_dispatch(kernel)
    # The control channel also answers comm_info_request, and takes credits: it is served
    # even while a cell runs, which is when credits matter most.
    if control is not None and "comm_info_request" in control:
        control["comm_info_request"] = manager.comm_info_request
    quiet = {
        CREDIT_MSG_TYPE: transport.handle_credit,
        # The Comm Inspector's questions (ipycomm.inspection), answered to the asker alone.
        INSPECT_REQUEST: inspect_handler(manager, transport.outbox.state),
    }
    if control is not None:
        control.update(quiet)
    take_quietly(kernel, quiet)
    _route_kernel_log(kernel)
    skip_empty_flushes(kernel)


def _drain_before_idle(kernel: Any, outbox: Outbox) -> None:
    """A cell or comm request ends, and the kernel reports idle, only once the comm messages
    queued before then are on the wire, as the stock comm layer does.

    ipykernel publishes a request's idle status from its dispatcher, which looks this method up
    for every request: the cell that installs ipycomm ends with a drain too. Messages queued
    after the drain started (say, by a thread that streams all the time) are not waited for,
    and other requests (kernel_info, completion) never wait for comm messages.
    """

    def wrap(publish_status: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(publish_status)
        def publish_status_after_drain(status: str, channel: str, *args: Any, **kw: Any) -> Any:
            if status == "idle" and channel == "shell" and request_type(kernel) in _DRAINED:
                outbox.drain()
            return publish_status(status, channel, *args, **kw)

        return publish_status_after_drain

    compat.wrap_publish_status(kernel, wrap)


def _provide_comm_package() -> None:
    """``comm.create_comm()`` and ``comm.get_comm_manager()`` serve the running kernel's ipycomm
    manager, and fall back to the functions they replace (ipykernel's) when that kernel is on
    the stock layer or is being built."""
    import comm

    package: Any = comm  # its two hooks are typed for the stock classes; ours duck-type them
    if getattr(package.get_comm_manager, "_ipycomm", False):
        return
    stock_get, stock_create = package.get_comm_manager, package.create_comm

    def create_comm(*args: Any, **kwargs: Any) -> Any:
        manager = current_manager()
        if manager is None:
            return stock_create(*args, **kwargs)
        kwargs.setdefault("manager", manager)
        return Comm(*args, **kwargs)

    def get_comm_manager() -> Any:
        manager = current_manager()
        return manager if manager is not None else stock_get()

    get_comm_manager._ipycomm = True  # type: ignore[attr-defined]
    package.create_comm = create_comm
    package.get_comm_manager = get_comm_manager


def _route_kernel_log(kernel: Any) -> None:
    # Our warnings belong in the kernel's log (the server's terminal), not on a stray cell's
    # stderr, which is where Python's last-resort handler would write inside a kernel.
    kernel_log = getattr(kernel, "log", None)
    if isinstance(kernel_log, logging.Logger) and log.parent is logging.getLogger():
        log.parent = kernel_log
