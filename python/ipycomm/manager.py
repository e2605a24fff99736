"""The kernel side's comm manager: the registry of comms and targets, and the handlers for the
comm messages a frontend sends."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from .comm import Comm
from .dispatch import HandlerLocks, hand_to_main
from .flow.wire import peer_unpacks
from .peerclose import PAGE_ONLY_TARGETS, ignores_close, tell_other_clients
from .protocol import (
    CommInfoReplyContent,
    Message,
    ProtocolError,
    comm_id_of,
    parse_info_request,
    parse_msg,
    parse_open,
)
from .reasons import describe, unknown_target_reason
from .registry import CommLike, CommRegistry
from .relay import relay_to_other_pages
from .transport import Outgoing, Reassembly, Transport, transport_of

log = logging.getLogger("ipycomm")


class CommManager(CommRegistry):
    """The registry of comms and targets (:class:`CommRegistry`) and the kernel's handlers for
    comm messages, with the API of ``ipykernel.comm``. Safe to call from any thread."""

    #: How ``CommManager(kernel=k)`` reaches a kernel: set by the ipykernel adapter
    #: (:mod:`ipycomm.kernel.binding`); None where no adapter is loaded.
    transport_for_kernel: ClassVar[Callable[[Any], Transport] | None] = None
    #: Marks a comm carried over from the stock layer closed without sending: set by the
    #: ipycomm.kernel adapter, the only one that knows the stock comm's insides.
    mark_stock_closed: ClassVar[Callable[[Any], None] | None] = None

    def __init__(self, transport: Transport | None = None, *, kernel: Any = None) -> None:
        super().__init__()
        self.transport = transport_of(transport, kernel, CommManager.transport_for_kernel)
        self._handler_locks = HandlerLocks()
        self._main_thread_targets: set[str] = set()
        #: Reassembles the frontend's chunked messages; set by the kernel adapter.
        self.chunks: Reassembly | None = None
        #: Targets only ipycomm's pages can show (see :mod:`.peerclose`).
        self.page_only_targets: set[str] = set(PAGE_ONLY_TARGETS)

    @property
    def kernel(self) -> Any:
        return self.transport.kernel

    # -- what comms ask of their manager ----------------------------------------------------------

    def publish(self, message: Outgoing) -> None:
        """Publish a comm's message through the transport (TypeError if it can't be sent)."""
        self.transport.publish(message)

    def handling(self, msg: Message) -> AbstractContextManager[None]:
        """The context a user callback for ``msg`` runs in."""
        return self.transport.handling(msg)

    def reply_route(self, sender: threading.Thread | None, default: Any) -> Any:
        """Where the frontend's reply on a comm last published from ``sender`` goes."""
        return self.transport.reply_route(sender, default)

    def replies_reach(self, thread: threading.Thread) -> bool:
        """Whether a reply from the frontend reaches ``thread`` while it waits for it."""
        return self.transport.replies_reach(thread)

    def report_exception(self, summary: str) -> None:
        """Show the exception being handled to the user (see Transport.report_exception)."""
        self.transport.report_exception(summary)

    # -- where handlers run (ipycomm.dispatch) -----------------------------------------------------

    def run_on_main_thread(self, target_name: str) -> None:
        """Run the handlers of every comm of ``target_name``, now and later, on the main
        thread (see :func:`ipycomm.on_main_thread`)."""
        with self._lock:
            self._main_thread_targets.add(target_name)
            for comm in self._comms.values():
                if comm.target_name == target_name and isinstance(comm, Comm):
                    comm.on_main_thread = True

    def register_comm(self, comm: Any) -> str:
        with self._lock:
            if comm.target_name in self._main_thread_targets and isinstance(comm, Comm):
                comm.on_main_thread = True
            return super().register_comm(comm)

    def unregister_comm(self, comm: Any) -> None:
        super().unregister_comm(comm)
        self._handler_locks.forget(comm.comm_id)

    def _on_main(self, comm: CommLike, run: Callable[[], None]) -> bool:
        return hand_to_main(comm, run, self.transport.call_on_main)

    # -- shell message handlers ------------------------------------------------------------------

    def comm_open(self, stream: Any, ident: Any, msg: Message) -> None:
        """Open a comm requested by the frontend and hand it to its target's handler.

        An unknown target, a malformed message or a failing handler is answered with a
        comm_close whose data carries ``reason``, so the frontend is never left waiting.
        """
        try:
            content = parse_open(msg)
        except ProtocolError as err:
            log.error("ipycomm ignored a malformed comm_open: %s", err)
            comm_id = comm_id_of(msg)
            if comm_id is not None and self.get_comm(comm_id) is None:
                self._refuse(comm_id, f"malformed comm_open: {err}")
            return
        comm_id, target_name = content["comm_id"], content["target_name"]
        if self.get_comm(comm_id) is not None:
            log.error("ipycomm ignored comm_open for comm %s: a comm with that id is open", comm_id)
            return
        handler = self._targets.get(target_name)
        if handler is None:
            reason = unknown_target_reason(target_name, self._targets)
            log.warning("ipycomm refused comm %s: %s", comm_id, reason)
            self._refuse(comm_id, reason)
            return
        comm = Comm(
            target_name,
            comm_id=comm_id,
            primary=False,
            target_module=content.get("target_module"),
            manager=self,
        )
        comm.peer_unpacks = peer_unpacks(msg)
        # Registered at once, on this thread: the comm's next messages must find it even when
        # its handler is yet to run on the main thread.
        self.register_comm(comm)
        if not self._on_main(comm, lambda: self._open(comm, handler, msg)):
            self._open(comm, handler, msg)

    def _open(self, comm: Comm, handler: Callable[[Comm, Message], None], msg: Message) -> None:
        """Run a target's handler for a comm the frontend opened; close it if that raises."""
        try:
            with self._handler_locks.lock_for(comm), self.handling(msg):
                handler(comm, msg)
        except Exception as exc:
            reason = f"the handler for comm target {comm.target_name!r} raised {describe(exc)}"
            self.transport.report_exception(f"ipycomm: {reason}")
            if not comm.closed:
                comm.close({"reason": reason})

    def comm_msg(self, stream: Any, ident: Any, msg: Message) -> None:
        """Pass a comm_msg to its comm's on_msg callback; errors are shown, the comm stays open.
        A chunk is taken in, and its message delivered once whole (docs/chunking.md)."""
        comm, _ = self._addressed_comm(msg, "comm_msg")
        whole = msg if comm is None or self.chunks is None else self.chunks.take(comm.comm_id, msg)
        if comm is not None and whole is not None:
            # Before the handler: what the handler sends (a clamped value) goes out after it.
            relay_to_other_pages(self, comm, whole)
            self._deliver(comm, "on_msg", comm.handle_msg, whole)

    def comm_close(self, stream: Any, ident: Any, msg: Message) -> None:
        """Close a comm on the frontend's request and call its on_close callback."""
        comm, data = self._addressed_comm(msg, "comm_close")
        if comm is None or ignores_close(self, comm, msg):
            return
        reason = data.get("reason")
        if isinstance(comm, Comm):
            comm._closed_by_peer(reason if isinstance(reason, str) else None)
        elif CommManager.mark_stock_closed is not None:
            CommManager.mark_stock_closed(comm)  # a carried-over comm
        self.unregister_comm(comm)
        if self.chunks is not None:
            self.chunks.comm_closed(comm.comm_id)
        tell_other_clients(self, comm, reason if isinstance(reason, str) else None)
        self._deliver(comm, "on_close", comm.handle_close, msg)

    def comm_info_request(self, stream: Any, ident: Any, msg: Message) -> None:
        """Reply with the live comms (filtered by target_name if given) and all target names."""
        try:
            wanted = parse_info_request(msg)
        except ProtocolError as err:
            log.error("ipycomm answered a malformed comm_info_request with an error: %s", err)
            error = {"status": "error", "ename": "ProtocolError", "evalue": str(err)}
            self.transport.reply(stream, ident, msg, "comm_info_reply", {**error, "traceback": []})
            return
        with self._lock:
            comms = {
                comm_id: {"target_name": comm.target_name}
                for comm_id, comm in self._comms.items()
                if wanted is None or comm.target_name == wanted
            }
            targets = sorted(self._targets)
        reply = CommInfoReplyContent(status="ok", comms=comms, targets=targets)  # type: ignore[typeddict-item]
        if self.chunks is not None:
            reply["ipycomm"] = self.chunks.info()
        self.transport.reply(stream, ident, msg, "comm_info_reply", reply)

    # -- helpers ---------------------------------------------------------------------------------

    def _deliver(
        self, comm: CommLike, callback: str, handle: Callable[[Message], None], msg: Message
    ) -> None:
        """Run a comm's callback under its lock, on the main thread if it asked for that; an
        exception is shown to the user, and the comm carries on."""
        if self._on_main(comm, lambda: self._deliver(comm, callback, handle, msg)):
            return
        try:
            with self._handler_locks.lock_for(comm):
                handle(msg)
        except Exception as exc:
            self.transport.report_exception(
                f"ipycomm: the {callback} callback of comm {comm.comm_id} "
                f"(target {comm.target_name!r}) raised {describe(exc)}"
            )

    def _addressed_comm(
        self, msg: Message, msg_type: str
    ) -> tuple[CommLike | None, dict[str, Any]]:
        """The comm a comm_msg/comm_close is for, and its data; (None, {}) if there is none."""
        try:
            content = parse_msg(msg, msg_type)
        except ProtocolError as err:
            log.error("ipycomm ignored a malformed %s: %s", msg_type, err)
            return None, {}
        comm = self.get_comm(content["comm_id"])
        if comm is None:
            log.warning(
                "ipycomm ignored %s for comm %s: no such comm is open (it may have been closed)",
                msg_type,
                content["comm_id"],
            )
        return comm, content["data"]

    def _refuse(self, comm_id: str, reason: str) -> None:
        """Close a comm the frontend asked to open without ever creating it here."""
        self.publish(Outgoing("comm_close", comm_id, {"reason": reason}))
