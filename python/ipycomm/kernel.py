"""The one module that touches ipykernel: publishing on iopub, and installing ipycomm's manager.

Installing makes the ipycomm :class:`CommManager` the kernel's ``comm_manager``, routes the
kernel's comm_open, comm_msg, comm_close and comm_info_request handlers to it, and makes it the
provider behind the ``comm`` package, so ipywidgets and every other comm user run on it.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .comm import Comm
from .manager import CommManager, installed_manager, log, set_installed_manager
from .outbox import Outbox, Outgoing, Wire
from .protocol import CREDIT_MSG_TYPE, Message, ProtocolError, parse_credit

_HANDLED = ("comm_open", "comm_msg", "comm_close", "comm_info_request")
_install_lock = threading.Lock()


class KernelTransport:
    """Publishes comm messages on a running ipykernel's iopub channel, through an outbox that
    keeps them within the readers' credit (docs/flow-control.md)."""

    def __init__(self, kernel: Any) -> None:
        self.kernel = kernel
        # jupyter_client's Session numbers messages without a lock; sends from many threads
        # would otherwise be able to reuse a msg_id.
        self._send_lock = threading.Lock()
        # Batches are spliced from JSON; another packer gets plain messages only.
        self._json = getattr(kernel.session, "packer", "json") == "json"
        self.outbox = Outbox(self._send_wire, self._schedule, self._wake_later, self._may_block)

    def publish(
        self,
        msg_type: str,
        content: dict[str, Any],
        metadata: dict[str, Any],
        buffers: list[Any] | None,
        *,
        target_name: str | None = None,
        peer_unpacks: bool = False,
    ) -> str | None:
        comm_id = content["comm_id"]
        try:
            packed, data = self._pack_content(content)
            if metadata:
                self.kernel.session.pack(metadata)  # raises here, at the caller, if it can't
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"{msg_type} on comm {comm_id}: data and metadata must be JSON-serializable ({err})"
            ) from err
        self.outbox.put(
            Outgoing(
                msg_type,
                comm_id,
                packed,
                dict(metadata),
                list(buffers or []),
                # The request this thread or task is handling: an execute_request, or the comm
                # message whose callback is sending. ipykernel keeps it in a context variable.
                self.kernel.get_parent(),
                data=data,
                target_name=target_name,
                peer_unpacks=peer_unpacks,
            )
        )
        return _current_subshell()

    def _pack_content(self, content: dict[str, Any]) -> tuple[bytes, bytes | None]:
        """The packed content, and its data alone as JSON when batches may carry it."""
        pack = self.kernel.session.pack
        if not self._json:
            return pack(content), None
        # Serialize the data once: the content is spliced around it.
        data = pack(content["data"])
        rest = b"".join(b",%s:%s" % (pack(k), pack(v)) for k, v in content.items() if k != "data")
        return b'{"data":%s%s}' % (data, rest), data

    def handle_credit(self, stream: Any, ident: Any, msg: Message) -> None:
        """The control channel's ``ipycomm_credit`` handler."""
        del stream, ident
        try:
            credit = parse_credit(msg)
        except ProtocolError as err:
            log.error("ipycomm ignored a malformed credit: %s", err)
            return
        self.outbox.credit(credit)

    # -- the outbox's side: the IOPub thread ------------------------------------------------------

    def _send_wire(self, wire: Wire, on_sent: Callable[[], None] | None) -> None:
        kernel = self.kernel
        thread: Any = getattr(kernel, "iopub_thread", None)
        if thread is None:
            socket = kernel.iopub_socket
        elif threading.current_thread() is thread.thread:
            socket = thread.socket  # a flush: the PUB socket is ours to use
        else:
            # The fast path, from the caller's thread: serialize here, send on the IOPub
            # thread (as the stock comm layer does), and say so there, in one hop.
            socket = _ScheduledSocket(thread, on_sent)
            on_sent = None
        with self._send_lock:
            kernel.session.send(
                socket,
                wire.msg_type,
                wire.content,
                parent=wire.parent,
                ident=f"comm-{wire.comm_id}".encode(),
                metadata=wire.metadata,
                buffers=wire.buffers,
            )
        if on_sent is not None:
            on_sent()

    def _schedule(self, f: Any) -> None:
        thread = getattr(self.kernel, "iopub_thread", None)
        if thread is None:
            f()
        else:
            thread.schedule(f)

    def _wake_later(self, delay: float) -> None:
        thread = getattr(self.kernel, "iopub_thread", None)
        if thread is None:
            return  # no sending thread, so every flush already ran inline
        # Through the IOPub thread's event queue, like every other send, so the flush can
        # never overtake a message sent before it.
        loop = thread.io_loop
        loop.add_callback(lambda: loop.call_later(delay, lambda: self._schedule(self.outbox.flush)))

    def _may_block(self) -> bool:
        # The IOPub thread sends and the control thread takes credits: neither may wait for room.
        current = threading.current_thread()
        for name in ("iopub_thread", "control_thread"):
            thread = getattr(self.kernel, name, None)
            if thread is not None and current is getattr(thread, "thread", thread):
                return False
        return True

    def reply(
        self, stream: Any, ident: Any, parent: Message, msg_type: str, content: Mapping[str, Any]
    ) -> None:
        self.kernel.session.send(stream, msg_type, dict(content), parent, ident)

    def report_exception(self, summary: str) -> None:
        etype, evalue, tb = sys.exc_info()
        log.error("%s", summary, exc_info=True)
        if etype is None or evalue is None:
            return
        content = {
            "ename": etype.__name__,
            "evalue": str(evalue),
            "traceback": [summary, *self._format_traceback(etype, evalue, tb)],
        }
        kernel = self.kernel
        with self._send_lock:
            kernel.session.send(
                kernel.iopub_socket, "error", content, parent=kernel.get_parent(), ident=b"error"
            )

    def _format_traceback(self, etype: Any, evalue: BaseException, tb: Any) -> list[str]:
        shell: Any = getattr(self.kernel, "shell", None)
        try:
            lines: list[str] = shell.InteractiveTB.structured_traceback(etype, evalue, tb)
            return lines
        except Exception:
            return traceback.format_exception(etype, evalue, tb)

    @contextmanager
    def handling(self, msg: Message) -> Iterator[None]:
        # Like a cell, a comm callback runs between IPython's pre/post_execute events, so that
        # e.g. matplotlib's inline backend shows figures drawn in the callback.
        events = getattr(getattr(self.kernel, "shell", None), "events", None)
        if events is not None:
            events.trigger("pre_execute")
        try:
            yield
        finally:
            if events is not None:
                events.trigger("post_execute")


class _ScheduledSocket:
    """What Session.send writes to on the fast path: the frames go to the IOPub thread, which
    sends them (handling forked children as ipykernel does) and then runs ``on_sent``."""

    def __init__(self, thread: Any, on_sent: Callable[[], None] | None) -> None:
        self._thread = thread
        self._on_sent = on_sent

    def send_multipart(self, frames: list[Any], **kwargs: Any) -> None:
        thread, on_sent = self._thread, self._on_sent

        def send() -> None:
            try:
                thread._really_send(frames, **kwargs)
            finally:
                if on_sent is not None:
                    on_sent()

        thread.schedule(send)


def _current_subshell() -> str | None:
    """The subshell whose thread is running, None on the main shell or any other thread.

    The frontend's reply on a comm is routed to the thread that last sent on it. This is the
    thread that really sent, not the subshell named in the parent header: JupyterLab sends comm
    messages to a per-target subshell and deletes that subshell when the comm closes, so routing
    by header could send a comm_close to a subshell that no longer exists, and it would be lost.
    """
    name = threading.current_thread().name
    return name.removeprefix("subshell-") if name.startswith("subshell-") else None


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
        _provide_comm_package(manager)
        set_installed_manager(manager)
        return manager


def _hook_kernel(kernel: Any, manager: CommManager, transport: KernelTransport) -> None:
    for msg_type in _HANDLED:
        kernel.shell_handlers[msg_type] = getattr(manager, msg_type)
    control = getattr(kernel, "control_handlers", None)
    if isinstance(control, dict):
        # The control channel also answers comm_info_request, and takes credits: it is served
        # even while a cell runs, which is when credits matter most.
        if "comm_info_request" in control:
            control["comm_info_request"] = manager.comm_info_request
        control[CREDIT_MSG_TYPE] = transport.handle_credit
    events = getattr(getattr(kernel, "shell", None), "events", None)
    if events is not None:
        # A request ends (and the kernel goes idle) only once its comm messages are out.
        events.register("post_execute", transport.outbox.drain)
    _route_kernel_log(kernel)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext ipycomm``: install into the shell's kernel."""
    install(getattr(ipython, "kernel", None))


def install_if_in_kernel() -> None:
    """Install on import when imported inside a kernel; do nothing elsewhere."""
    if running_kernel() is not None:
        install()


def _provide_comm_package(manager: CommManager) -> None:
    import comm

    package: Any = comm  # its two hooks are typed for the stock classes; ours duck-type them

    def create_comm(*args: Any, **kwargs: Any) -> Comm:
        kwargs.setdefault("manager", manager)
        return Comm(*args, **kwargs)

    def get_comm_manager() -> CommManager:
        return installed_manager()

    package.create_comm = create_comm
    package.get_comm_manager = get_comm_manager
    ipkernel: Any = sys.modules.get("ipykernel.ipkernel")
    if ipkernel is not None and hasattr(ipkernel, "_comm_manager"):
        # ipykernel's own accessor caches its manager here; keep it pointing at ours.
        ipkernel._comm_manager = manager


def _route_kernel_log(kernel: Any) -> None:
    # Our warnings belong in the kernel's log (the server's terminal), not on a stray cell's
    # stderr, which is where Python's last-resort handler would write inside a kernel.
    kernel_log = getattr(kernel, "log", None)
    if isinstance(kernel_log, logging.Logger) and log.parent is logging.getLogger():
        log.parent = kernel_log
