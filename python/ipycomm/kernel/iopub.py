"""Sending on a running ipykernel's iopub channel: the only code that knows the kernel's IOPub
thread and its private ``_really_send``.

:class:`IOPubSender` is the outbox's sending thread (:class:`ipycomm.flow.sender.Sender`):
flushes run on the IOPub thread, and a lone message is serialized on its caller's thread and
handed to the IOPub thread in one hop, as the stock comm layer does.
:meth:`IOPubSender.hold_output_behind` makes the kernel's own output (prints, displays,
statuses) wait behind the comm messages that the outbox still holds, so it cannot overtake them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from ..flow.wire import Wire

#: What decides whether the kernel's own output waits: ``(send, size, describe) -> held``.
HoldBehind = Callable[[Callable[[], None], int, Callable[[], "tuple[str, str | None]"]], bool]
_DELIM = b"<IDS|MSG>"


class IOPubSender:
    """Puts wire messages on a kernel's iopub socket, in order, from its IOPub thread."""

    def __init__(self, kernel: Any) -> None:
        self._kernel = kernel
        # jupyter_client's Session numbers messages without a lock; sends from many threads
        # would otherwise be able to reuse a msg_id.
        self._session_lock = threading.Lock()
        thread = self._thread
        #: The IOPub thread's own send, which ours must call even once it is wrapped.
        self._really_send: Callable[..., None] | None = getattr(thread, "_really_send", None)

    def hold_output_behind(self, hold_behind: HoldBehind) -> None:
        """Make every other message the IOPub thread sends (streams, displays, statuses, even
        stock comms) ask ``hold_behind(send, size, describe)`` first: it is queued behind the
        comm messages still waiting, or goes at once. ``describe()`` tells what it is and its
        parent's msg_id."""
        thread, really_send = self._thread, self._really_send
        if thread is None or really_send is None:
            return  # no IOPub thread (an in-process kernel): everything is sent inline

        def send_in_order(msg: Any, *args: Any, **kwargs: Any) -> None:
            def send() -> None:
                really_send(msg, *args, **kwargs)

            # Off the IOPub thread (it stopped, or a forked child): nothing to keep order with.
            if threading.current_thread() is not thread.thread or not hold_behind(
                send, _size(msg), lambda: describe(msg)
            ):
                send()

        thread._really_send = send_in_order

    @property
    def _thread(self) -> Any:
        return getattr(self._kernel, "iopub_thread", None)

    def send(self, wire: Wire, on_sent: Callable[[], None] | None) -> None:
        thread = self._thread
        if thread is None:
            socket = self._kernel.iopub_socket
        elif threading.current_thread() is thread.thread:
            socket = thread.socket  # a flush: the PUB socket is ours to use
        else:
            # The fast path, from the caller's thread: serialize here, send on the IOPub
            # thread (as the stock comm layer does), and say so there, in one hop.
            socket = _ScheduledSocket(thread, self._really_send or thread._really_send, on_sent)
            on_sent = None
        with self._session_lock:
            self._kernel.session.send(
                socket,
                wire.msg_type,
                wire.content,
                parent=wire.parent,
                ident=wire.ident,
                metadata=wire.metadata,
                buffers=wire.buffers,
            )
        if on_sent is not None:
            on_sent()

    def schedule(self, f: Callable[[], None]) -> None:
        thread = self._thread
        if thread is None:
            f()
        else:
            thread.schedule(f)

    def schedule_later(self, delay: float, f: Callable[[], None]) -> None:
        thread = self._thread
        if thread is None:
            return  # no sending thread, so every flush already ran inline
        # Through the IOPub thread's event queue, like every other send, so the call can never
        # overtake a message sent before it.
        loop = thread.io_loop
        loop.add_callback(lambda: loop.call_later(delay, lambda: self.schedule(f)))

    def may_block(self) -> bool:
        # The IOPub thread sends and the control thread takes credits: neither may wait.
        current = threading.current_thread()
        for name in ("iopub_thread", "control_thread"):
            thread = getattr(self._kernel, name, None)
            if thread is not None and current is getattr(thread, "thread", thread):
                return False
        return True


class _ScheduledSocket:
    """What Session.send writes to on the fast path: the frames go to the IOPub thread, which
    sends them (handling forked children as ipykernel does) and then runs ``on_sent``."""

    def __init__(
        self, thread: Any, really_send: Callable[..., None], on_sent: Callable[[], None] | None
    ) -> None:
        self._thread = thread
        self._really_send = really_send
        self._on_sent = on_sent

    def send_multipart(self, frames: list[Any], **kwargs: Any) -> None:
        thread, really_send, on_sent = self._thread, self._really_send, self._on_sent

        def send() -> None:
            try:
                really_send(frames, **kwargs)
            finally:
                if on_sent is not None:
                    on_sent()

        thread.schedule(send)


def describe(frames: Any) -> tuple[str, str | None]:
    """What the serialized message ``frames`` is (its msg_type, a status as ``status:<state>``)
    and its parent's msg_id (None when it has no parent or cannot be read)."""
    try:
        at = [bytes(f[:9]) if len(f) >= 9 else bytes(f) for f in frames].index(_DELIM)
        kind = json.loads(bytes(frames[at + 2])).get("msg_type")
        if kind == "status":
            kind = f"status:{json.loads(bytes(frames[at + 5])).get('execution_state')}"
        msg_id = json.loads(bytes(frames[at + 3])).get("msg_id")
    except (ValueError, TypeError, IndexError, AttributeError):
        return "", None
    return str(kind), msg_id if isinstance(msg_id, str) else None


def _size(frames: Any) -> int:
    """The bytes of a multipart message, as far as its frames tell."""
    try:
        return sum(memoryview(frame).nbytes for frame in frames)
    except TypeError:
        return 0
