"""Every private of ipykernel, IPython, the kernel's IOPub thread and the ``comm`` package that
ipycomm uses, and the only code that touches them (docs/compat.md).

Each private has one accessor or patch function here. Each one returns None or False when its
private is missing, so the feature that needs it turns off and nothing raises;
:mod:`.kernelcheck` says which, once per kernel, in the kernel's log. No other module of
ipycomm uses a name of :data:`PRIVATES` (tests/test_compat_privates.py).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

#: The names no other module may use: ipykernel's, its IOPub thread's (reached only through
#: ``iopub_thread``), its OutStream's and the comm package's private attributes.
PRIVATES: tuple[str, ...] = (
    # Kernel
    "shell_handlers",
    "control_handlers",
    "process_control",
    "_publish_status_and_flush",
    "iopub_thread",
    "control_thread",
    "shell_channel_thread",
    # ipykernel.iostream.IOPubThread
    "IOPubThread",
    "_really_send",
    "_setup_xpub_listener",
    "_xpub_stream",
    "_handle_subscription",
    # ipykernel.iostream.OutStream
    "OutStream",
    "_buffers",
    "_flush_pending",
    "_subprocess_flush_pending",
    # comm.base_comm.BaseComm
    "_closed",
)

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]
#: What :func:`snapshot` keeps: every attribute the patches below replace.
_PATCHED = ("_publish_status_and_flush", "process_control")
_OUTSTREAM_STATE = ("_buffers", "_flush_pending", "_subprocess_flush_pending")


# -- the kernel's dispatch tables and dispatchers ------------------------------------------------


def shell_dispatch(kernel: Any) -> dict[str, Any] | None:
    """The kernel's shell dispatch table (msg_type -> handler); None without one."""
    table = getattr(kernel, "shell_handlers", None)
    return table if isinstance(table, dict) else None


def control_dispatch(kernel: Any) -> dict[str, Any] | None:
    """The kernel's control dispatch table; None without one."""
    table = getattr(kernel, "control_handlers", None)
    return table if isinstance(table, dict) else None


def wrap_process_control(kernel: Any, wrap: Wrap) -> bool:
    """Replace the kernel's control dispatcher with ``wrap(dispatcher)``; False without one."""
    return _wrap_method(kernel, "process_control", wrap)


def wrap_publish_status(kernel: Any, wrap: Wrap) -> bool:
    """Replace the kernel's ``(status, channel, ...)`` publisher of busy/idle statuses with
    ``wrap(publisher)``; False without one."""
    return _wrap_method(kernel, "_publish_status_and_flush", wrap)


def _wrap_method(owner: Any, name: str, wrap: Wrap) -> bool:
    method = getattr(owner, name, None)
    if not callable(method):
        return False
    setattr(owner, name, wrap(method))
    return True


def snapshot(kernel: Any) -> dict[str, Any]:
    """What the patches of this module change on ``kernel``, for :func:`restore`."""
    thread = iopub_thread_of(kernel)
    return {
        "shell": dict(shell_dispatch(kernel) or {}),
        "control": dict(control_dispatch(kernel) or {}),
        **{name: kernel.__dict__.get(name) for name in _PATCHED},
        "send": None if thread is None else thread.__dict__.get("_really_send"),
    }


def restore(kernel: Any, saved: dict[str, Any]) -> None:
    """Put back what :func:`snapshot` saw."""
    for table, key in ((shell_dispatch(kernel), "shell"), (control_dispatch(kernel), "control")):
        if table is not None:
            table.clear()
            table.update(saved[key])
    thread = iopub_thread_of(kernel)
    owners = [(kernel, name, saved[name]) for name in _PATCHED]
    for owner, name, value in [*owners, (thread, "_really_send", saved["send"])]:
        if owner is not None and name in owner.__dict__:
            if value is None:
                del owner.__dict__[name]
            else:
                owner.__dict__[name] = value


# -- the kernel's threads ------------------------------------------------------------------------


def iopub_thread_of(kernel: Any) -> Any:
    """The kernel's IOPubThread; None without one (an in-process kernel may have none)."""
    return getattr(kernel, "iopub_thread", None)


def has_shell_channel_thread(kernel: Any) -> bool:
    """Whether ipykernel reads the shell channel on a thread of its own (ipykernel >= 7)."""
    return getattr(kernel, "shell_channel_thread", None) is not None


def threads_that_never_wait(kernel: Any) -> list[threading.Thread]:
    """The IOPub thread, which sends, and the control thread, which takes credits."""
    found = []
    for thread in (iopub_thread_of(kernel), getattr(kernel, "control_thread", None)):
        if thread is not None:
            found.append(getattr(thread, "thread", thread))
    return found


def on_iopub_thread(thread: Any) -> bool:
    """Whether the caller runs on the IOPub thread ``thread``."""
    return threading.current_thread() is thread.thread


def pub_socket(thread: Any) -> Any:
    """The IOPub thread's own socket: only the IOPub thread may use it."""
    return thread.socket


def schedule(thread: Any, f: Callable[[], None]) -> None:
    """Run ``f`` on the IOPub thread, after everything scheduled before."""
    thread.schedule(f)


def schedule_later(thread: Any, delay: float, f: Callable[[], None]) -> None:
    """Run ``f`` on the IOPub thread ``delay`` seconds from now, never before what was
    scheduled earlier (through its event queue, like every send)."""
    loop = thread.io_loop
    loop.add_callback(lambda: loop.call_later(delay, lambda: thread.schedule(f)))


def really_send(thread: Any) -> Callable[..., None] | None:
    """The IOPub thread's send (run on that thread), through which every iopub message of the
    kernel goes; None without one."""
    send = getattr(thread, "_really_send", None)
    return send if callable(send) else None


def replace_really_send(thread: Any, send: Callable[..., None]) -> None:
    """Make every iopub message of the kernel go through ``send`` (see :func:`really_send`)."""
    thread._really_send = send


def stock_socket(kernel: Any) -> Any:
    """The socket the stock comm layer sends on (from any thread: ipykernel hands the frames
    to its IOPub thread)."""
    return kernel.iopub_socket


# -- the IOPub thread's XPUB listener ------------------------------------------------------------


def iopub_thread_class() -> Any:
    from ipykernel.iostream import IOPubThread

    return IOPubThread


def wrap_xpub_setup(thread_class: Any, after: Callable[[Any], None]) -> bool:
    """Run ``after(thread)`` once each IOPub thread of ``thread_class`` built from now on has set
    up its XPUB listener; False (nothing done) without that set-up."""
    setup = getattr(thread_class, "_setup_xpub_listener", None)
    if setup is None:
        return False
    if getattr(setup, "_ipycomm", False):
        return True

    def setup_then(thread: Any) -> None:
        setup(thread)
        # Read here, on the thread that builds the IOPub thread, before it owns its socket.
        thread._ipycomm_xpub = _is_xpub(thread.socket)
        after(thread)

    setup_then._ipycomm = True  # type: ignore[attr-defined]
    thread_class._setup_xpub_listener = setup_then
    return True


def _is_xpub(socket: Any) -> bool:
    try:
        import zmq

        return bool(socket.getsockopt(zmq.TYPE) == zmq.XPUB)
    except Exception:  # not a zmq socket (a DummySocket)
        return False


def has_xpub_socket(thread: Any) -> bool | None:
    """Whether the IOPub thread publishes on an XPUB socket, as read when it was built; None
    when it was built before ipycomm came in, or without an XPUB listener to wrap."""
    found = getattr(thread, "_ipycomm_xpub", None)
    return found if isinstance(found, bool) else None


def xpub_listener(thread: Any) -> tuple[Any, Callable[[list[bytes]], None]] | None:
    """The IOPub thread's XPUB event stream and ipykernel's handler of those events; None when
    its socket is not XPUB (in-process kernels, ipyparallel) or either is missing."""
    stream = getattr(thread, "_xpub_stream", None)
    handler = getattr(thread, "_handle_subscription", None)
    if stream is None or not callable(handler):
        return None
    return stream, handler


# -- the kernel's stdout and stderr --------------------------------------------------------------


def is_outstream(stream: Any) -> bool:
    """Whether ``stream`` is an ipykernel OutStream whose pending output can be read."""
    attrs = (*_OUTSTREAM_STATE, "echo")
    return stream is not None and all(hasattr(stream, name) for name in attrs)


def outstream_empty(stream: Any) -> bool:
    """Whether the OutStream holds no text, has no flush pending and echoes nowhere."""
    pending = stream._buffers or stream._flush_pending or stream._subprocess_flush_pending
    return not pending and stream.echo is None


def kernel_stdout(kernel: Any = None) -> Any:
    """``sys.stdout`` when it is ipykernel's OutStream (as in a kernel), else None."""
    from ipykernel.iostream import OutStream

    return sys.stdout if isinstance(sys.stdout, OutStream) else None


# -- the comm package ----------------------------------------------------------------------------


def mark_stock_comm_closed(comm: Any) -> None:
    """Mark a comm of the stock layer closed without sending anything (the frontend closed it),
    so that it does not send a comm_close of its own later; a comm without that mark is left."""
    if hasattr(comm, "_closed"):
        comm._closed = True


def stock_comms_lack_closed_mark(kernel: Any) -> bool:
    """Whether a comm that ipycomm would carry over from the stock manager has no closed mark."""
    comms = getattr(getattr(kernel, "comm_manager", None), "comms", None) or {}
    return any(not hasattr(c, "_closed") for c in comms.values())
