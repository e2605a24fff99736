"""Sending on a running ipykernel's iopub channel, from its IOPub thread (whose privates
:mod:`ipycomm.compat.ipykernel` names).

:class:`IOPubSender` is the outbox's sending thread (:class:`ipycomm.flow.sender.Sender`):
flushes run on the IOPub thread, and a lone message is serialized on its caller's thread and
handed to the IOPub thread in one hop, as the stock comm layer does.
:meth:`IOPubSender.hold_output_behind` makes the kernel's own output (prints, displays,
statuses) wait behind the comm messages that the outbox still holds, so it cannot overtake them.
Without the IOPub thread's own send (``compat.really_send``), output is not held and a lone
message goes out through the kernel's stock iopub socket (docs/compat.md).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from ..compat import ipykernel as compat
from ..flow.wire import Wire

#: What decides whether the kernel's own output waits: ``(send, size, describe) -> held``.
HoldBehind = Callable[[Callable[[], None], int, Callable[[], "tuple[str, str | None, str]"]], bool]
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
        self._really_send = None if thread is None else compat.really_send(thread)

    def hold_output_behind(self, hold_behind: HoldBehind) -> None:
        """Make every other message the IOPub thread sends (streams, displays, statuses, even
        stock comms) ask ``hold_behind(send, size, describe)`` first: it is queued behind the
        comm messages still waiting, or goes at once. ``describe()`` tells what it is and its
        parent's msg_id."""
        thread, really_send = self._thread, self._really_send
        if thread is None or really_send is None:
            return  # no IOPub thread (in-process) or no send of its own: nothing is held

        def send_in_order(msg: Any, *args: Any, **kwargs: Any) -> None:
            def send() -> None:
                really_send(msg, *args, **kwargs)

            # Off the IOPub thread (it stopped, or a forked child): nothing to keep order with.
            if not compat.on_iopub_thread(thread) or not hold_behind(
                send, _size(msg), lambda: describe(msg)
            ):
                send()

        compat.replace_really_send(thread, send_in_order)

    @property
    def _thread(self) -> Any:
        return compat.iopub_thread_of(self._kernel)

    def send(self, wire: Wire, on_sent: Callable[[], None] | None) -> None:
        thread = self._thread
        if thread is None:
            socket = compat.stock_socket(self._kernel)
        elif compat.on_iopub_thread(thread):
            socket = compat.pub_socket(thread)  # a flush: the PUB socket is ours to use
        elif self._really_send is None:
            # The stock path: ipykernel's socket hands the frames to the IOPub thread, and
            # ``on_sent`` is scheduled there after them.
            socket = compat.stock_socket(self._kernel)
        else:
            # The fast path, from the caller's thread: serialize here, send on the IOPub
            # thread (as the stock comm layer does), and say so there, in one hop.
            socket = _ScheduledSocket(thread, self._really_send, on_sent)
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
            if thread is None or compat.on_iopub_thread(thread):
                on_sent()
            else:
                compat.schedule(thread, on_sent)

    def schedule(self, f: Callable[[], None]) -> None:
        thread = self._thread
        if thread is None:
            f()
        else:
            compat.schedule(thread, f)

    def schedule_later(self, delay: float, f: Callable[[], None]) -> None:
        thread = self._thread
        if thread is None:
            return  # no sending thread, so every flush already ran inline
        compat.schedule_later(thread, delay, f)

    def may_block(self) -> bool:
        # The IOPub thread sends and the control thread takes credits: neither may wait.
        return threading.current_thread() not in compat.threads_that_never_wait(self._kernel)


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

        compat.schedule(thread, send)


def describe(frames: Any) -> tuple[str, str | None, str]:
    """What the serialized message ``frames`` is (its msg_type, a status as ``status:<state>``),
    its parent's msg_id (None when it has no parent or cannot be read) and msg_type."""
    try:
        at = [bytes(f[:9]) if len(f) >= 9 else bytes(f) for f in frames].index(_DELIM)
        kind = json.loads(bytes(frames[at + 2])).get("msg_type")
        if kind == "status":
            kind = f"status:{json.loads(bytes(frames[at + 5])).get('execution_state')}"
        parent = json.loads(bytes(frames[at + 3]))
        msg_id, parent_type = parent.get("msg_id"), parent.get("msg_type")
    except (ValueError, TypeError, IndexError, AttributeError):
        return "", None, ""
    return str(kind), msg_id if isinstance(msg_id, str) else None, str(parent_type or "")


def _size(frames: Any) -> int:
    """The bytes of a multipart message, as far as its frames tell."""
    try:
        return sum(memoryview(frame).nbytes for frame in frames)
    except TypeError:
        return 0
