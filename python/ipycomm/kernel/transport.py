"""ipycomm's transport on a running ipykernel: comm messages and error output go out through one
outbox, in order, within the readers' credit; replies go on the stream they answer.

The kernel's parts it uses: its Session (to serialize), ``get_parent`` (the request being
handled), its shell (tracebacks and execute events) and, through :class:`IOPubSender`, the
IOPub thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..chunks.barrier import Describe
from ..chunks.format import ADAPTIVE
from ..chunks.incoming import Incoming
from ..chunks.limits import Limits
from ..chunks.outgoing import transfer_of
from ..chunks.pacer import Pacer
from ..compat import ipykernel as compat
from ..flow.coalesce import update_keys
from ..flow.outbox import Outbox
from ..flow.wire import Queued, parse_credit
from ..protocol import Message, ProtocolError
from ..transport import Outgoing
from .errors import error_content
from .iopub import IOPubSender
from .xpub import scope_of

log = logging.getLogger("ipycomm")


class KernelTransport:
    """Publishes on a kernel's iopub channel through an outbox (docs/flow-control.md)."""

    def __init__(self, kernel: Any, limits: Limits | None = None) -> None:
        self.kernel = kernel
        self.limits = limits if limits is not None else Limits()
        # Batches are spliced from JSON; another packer gets plain messages only.
        self._json = getattr(kernel.session, "packer", "json") == "json"
        sender = IOPubSender(kernel)
        # Envelopes only while every iopub subscriber reads them (docs/flow-control.md §6).
        self.outbox = Outbox(sender, scope=scope_of(kernel))
        # Chunked transfers (docs/chunking.md): the kernel's own, and the page's.
        self.pacer = Pacer(self.outbox)
        # The kernel's own output must not overtake comm messages waiting for credit, nor a
        # chunked message still on its way.
        sender.hold_output_behind(self._hold_output)
        self.incoming = Incoming(self.limits, self._notify, self.pacer)

    def _hold_output(self, send: Callable[[], None], size: int, describe: Describe) -> bool:
        return self.pacer.hold_output(send, size, describe) or self.outbox.hold_behind(send, size)

    # -- the Transport protocol ------------------------------------------------------------------

    def publish(self, message: Outgoing) -> None:
        try:
            packed, data = self._pack_content(message.content)
            if message.metadata:
                self.kernel.session.pack(message.metadata)  # raises here, at the caller
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"{message.msg_type} on comm {message.comm_id}: data and metadata must be "
                f"JSON-serializable ({err})"
            ) from err
        size = len(packed if data is None else data) + sum(
            memoryview(b).nbytes for b in message.buffers
        )
        self.limits.check(message.msg_type, message.comm_id, size)
        chunk_format = self._chunk_format(message, data, size)
        if chunk_format:
            assert data is not None
            pack, parent = self.kernel.session.pack, self.kernel.get_parent()
            limits = self.limits
            adaptive = chunk_format >= ADAPTIVE
            pace = self.pacer.pace(limits.chunk_size, adaptive, limits.max_chunk_size)
            self.pacer.start(transfer_of(message, data, pace, pack, parent))
            return
        self.pacer.send(
            Queued(
                message.msg_type,
                f"comm-{message.comm_id}".encode(),
                packed,
                dict(message.metadata),
                list(message.buffers),
                # The request this thread or task is handling: an execute_request, or the comm
                # message whose callback is sending. ipykernel keeps it in a context variable.
                self.kernel.get_parent(),
                comm_id=message.comm_id,
                data=data,
                target_name=message.target_name,
                peer_unpacks=message.peer_unpacks,
                update_keys=self._update_keys(message, data),
            )
        )

    def _chunk_format(self, message: Outgoing, data: bytes | None, size: int) -> int:
        """The chunk format to send ``message`` in, 0 for whole: a message over the chunk
        size, while the readers reassemble (docs/chunking.md §1); a comm_open or comm_close
        only in the adaptive format (readers of the fixed one chunk comm_msgs only)."""
        if data is None or size <= self.limits.chunk_size:
            return 0
        chunk_format = self.outbox.chunk_format()
        if message.msg_type != "comm_msg" and chunk_format < ADAPTIVE:
            return 0
        return chunk_format

    def _notify(self, comm_id: str, data: dict[str, Any]) -> None:
        """A notice about a transfer of the page's, on that comm, numbered like any message."""
        self.publish(Outgoing("comm_msg", comm_id, data))

    @staticmethod
    def _update_keys(message: Outgoing, data: bytes | None) -> frozenset[str] | None:
        if data is None or message.msg_type != "comm_msg":
            return None  # only updates spliced from JSON can be rewritten
        return update_keys(message.target_name, message.data, len(message.buffers))

    def participates(self, session: Any) -> bool:
        """Whether the client whose messages carry ``session`` takes part in ipycomm: a page's
        reader id is its kernel connection's clientId, which is that page's session."""
        return isinstance(session, str) and self.outbox.knows_reader(session)

    def reply(
        self, stream: Any, ident: Any, parent: Message, msg_type: str, content: Mapping[str, Any]
    ) -> None:
        self.kernel.session.send(stream, msg_type, dict(content), parent, ident)

    def report_exception(self, summary: str) -> None:
        log.error("%s", summary, exc_info=True)
        content = error_content(summary, getattr(self.kernel, "shell", None))
        if content is None:
            return
        packed = self.kernel.session.pack(content)
        self.outbox.put(Queued("error", b"error", packed, {}, [], self.kernel.get_parent()))

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

    def reply_route(self, sender: threading.Thread | None, default: Any) -> Any:
        """The subshell whose thread last sent on the comm; None for the main shell or any other
        thread; ``default`` if nothing was sent yet.

        This is the thread that really sent, not the subshell named in the parent header:
        JupyterLab sends comm messages to a per-target subshell and deletes that subshell when
        the comm closes, so routing by header could send a comm_close to a subshell that no
        longer exists, and it would be lost.
        """
        if sender is None:
            return default
        name = sender.name
        return name.removeprefix("subshell-") if name.startswith("subshell-") else None

    def call_on_main(self, f: Callable[[], None]) -> bool:
        """Through the main thread's event loop: it runs once the main shell is free, that
        is between cells (a comm message routed to the main shell waits in line the same way).
        The caller's context, and so the request it handles, goes with ``f``."""
        loop = getattr(self.kernel, "io_loop", None)
        if loop is None:
            return False
        loop.add_callback(f)
        return True

    def replies_reach(self, thread: threading.Thread) -> bool:
        """ipykernel >= 7 reads every shell message on its shell-channel thread first, and
        ipycomm takes answers there (``Comm._reply_subshell_for``); a kernel without that
        thread (in-process kernels) handles them on its main thread only."""
        if compat.has_shell_channel_thread(self.kernel):
            return True
        return thread is not threading.main_thread()

    # -- what the kernel's handlers call ---------------------------------------------------------

    def handle_credit(self, stream: Any, ident: Any, msg: Message) -> None:
        """The control channel's ``ipycomm_credit`` handler."""
        del stream, ident
        try:
            credit = parse_credit(msg)
        except ProtocolError as err:
            log.error("ipycomm ignored a malformed credit: %s", err)
            return
        self.outbox.credit(credit)
        if credit["closing"]:
            self.incoming.reader_left(credit["reader"])
        else:
            self.incoming.sweep()

    def _pack_content(self, content: dict[str, Any]) -> tuple[bytes, bytes | None]:
        """The packed content, and its data alone as JSON when batches may carry it."""
        pack = self.kernel.session.pack
        if not self._json:
            return pack(content), None
        # Serialize the data once: the content is spliced around it.
        data = pack(content["data"])
        rest = b"".join(b",%s:%s" % (pack(k), pack(v)) for k, v in content.items() if k != "data")
        return b'{"data":%s%s}' % (data, rest), data
