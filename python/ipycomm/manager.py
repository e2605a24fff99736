"""The registry of comms and targets, and the kernel's handlers for comm messages."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from .comm import Comm
from .protocol import (
    CommInfoReplyContent,
    CommTargetCallback,
    Message,
    ProtocolError,
    comm_id_of,
    parse_info_request,
    parse_msg,
    parse_open,
    peer_unpacks,
)
from .transport import Transport

log = logging.getLogger("ipycomm")


class CommLike(Protocol):
    """What the manager needs of a comm. Comms made by ipykernel or the ``comm`` package before
    ipycomm was installed are carried over and routed through the same handlers."""

    comm_id: str
    target_name: str

    def handle_msg(self, msg: Message) -> None: ...
    def handle_close(self, msg: Message) -> None: ...


class CommManager:
    """Registry of live comms and of target handlers, with the API of ``ipykernel.comm``.

    All methods are safe to call from any thread. ``comms`` and ``targets`` return snapshots, so
    iterating them while other threads open or close comms never fails.
    """

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self._lock = threading.RLock()
        self._comms: dict[str, CommLike] = {}
        self._targets: dict[str, CommTargetCallback] = {}

    @property
    def kernel(self) -> Any:
        return self.transport.kernel

    @property
    def comms(self) -> dict[str, CommLike]:
        """A snapshot of the live comms, by comm_id."""
        with self._lock:
            return dict(self._comms)

    @property
    def targets(self) -> dict[str, CommTargetCallback]:
        """A snapshot of the registered target handlers, by target name."""
        with self._lock:
            return dict(self._targets)

    # -- targets ---------------------------------------------------------------------------------

    def register_target(self, target_name: str, f: CommTargetCallback | str) -> None:
        """Call ``f(comm, open_msg)`` when the frontend opens a comm to ``target_name``.

        ``f`` may be a callable or a dotted import string. Registering again replaces the handler.
        """
        if not isinstance(target_name, str) or not target_name:
            raise TypeError(f"target_name must be a non-empty string, got {target_name!r}")
        handler = _import_handler(f) if isinstance(f, str) else f
        if not callable(handler):
            raise TypeError(f"the handler for target {target_name!r} must be callable, got {f!r}")
        with self._lock:
            self._targets[target_name] = handler

    def unregister_target(
        self, target_name: str, f: CommTargetCallback | None = None
    ) -> CommTargetCallback:
        """Remove the handler of ``target_name`` and return it.

        Raises KeyError if no handler is registered, and ValueError if ``f`` is given and is not
        the registered handler, so one library cannot remove another's target by mistake.
        """
        with self._lock:
            current = self._targets.get(target_name)
            if current is None:
                raise KeyError(f"no comm target {target_name!r} is registered")
            if f is not None and current != f:
                raise ValueError(
                    f"comm target {target_name!r} is registered to {current!r}, not {f!r}"
                )
            return self._targets.pop(target_name)

    # -- comms -----------------------------------------------------------------------------------

    def register_comm(self, comm: CommLike) -> str:
        """Add a comm to the registry and return its id.

        Raises ValueError if a different comm already has that id.
        """
        with self._lock:
            existing = self._comms.get(comm.comm_id)
            if existing is not None and existing is not comm:
                raise ValueError(f"a different comm with id {comm.comm_id!r} is already open")
            self._comms[comm.comm_id] = comm
        return comm.comm_id

    def unregister_comm(self, comm: CommLike) -> None:
        """Remove a comm from the registry; a comm that is not registered is left alone."""
        with self._lock:
            if self._comms.get(comm.comm_id) is comm:
                del self._comms[comm.comm_id]

    def get_comm(self, comm_id: str) -> CommLike | None:
        """The live comm with this id, or None."""
        return self._comms.get(comm_id)

    def take_over(self, previous: Any) -> None:
        """Adopt the targets and comms of the manager ipycomm replaces."""
        targets = dict(getattr(previous, "targets", {}))
        comms = dict(getattr(previous, "comms", {}))
        with self._lock:
            for name, handler in targets.items():
                self._targets.setdefault(name, handler)
            for comm in comms.values():
                self._comms.setdefault(comm.comm_id, comm)

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
            reason = self._unknown_target_reason(target_name)
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
        self.register_comm(comm)
        try:
            with self.transport.handling(msg):
                handler(comm, msg)
        except Exception as exc:
            reason = f"the handler for comm target {target_name!r} raised {_describe(exc)}"
            self.transport.report_exception(f"ipycomm: {reason}")
            if not comm.closed:
                comm.close({"reason": reason})

    def comm_msg(self, stream: Any, ident: Any, msg: Message) -> None:
        """Pass a comm_msg to its comm's on_msg callback; errors are shown, the comm stays open."""
        comm, _ = self._addressed_comm(msg, "comm_msg")
        if comm is not None:
            self._deliver(comm, "on_msg", comm.handle_msg, msg)

    def comm_close(self, stream: Any, ident: Any, msg: Message) -> None:
        """Close a comm on the frontend's request and call its on_close callback."""
        comm, data = self._addressed_comm(msg, "comm_close")
        if comm is None:
            return
        reason = data.get("reason")
        if isinstance(comm, Comm):
            comm._closed_by_peer(reason if isinstance(reason, str) else None)
        else:
            comm._closed = True  # type: ignore[attr-defined]  # a carried-over comm
        self.unregister_comm(comm)
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
        self.transport.reply(stream, ident, msg, "comm_info_reply", reply)

    # -- helpers ---------------------------------------------------------------------------------

    def _deliver(
        self, comm: CommLike, callback: str, handle: Callable[[Message], None], msg: Message
    ) -> None:
        """Run a comm's callback; an exception is shown to the user, and the comm carries on."""
        try:
            handle(msg)
        except Exception as exc:
            self.transport.report_exception(
                f"ipycomm: the {callback} callback of comm {comm.comm_id} "
                f"(target {comm.target_name!r}) raised {_describe(exc)}"
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
        self.transport.publish(
            "comm_close", {"comm_id": comm_id, "data": {"reason": reason}}, {}, None
        )

    def _unknown_target_reason(self, target_name: str) -> str:
        known = ", ".join(repr(name) for name in sorted(self._targets)) or "none"
        return (
            f"no comm target {target_name!r} is registered in the kernel "
            f"(registered targets: {known})"
        )


# -- module state: the manager installed in this process ---------------------------------------

_installed: CommManager | None = None


def set_installed_manager(manager: CommManager) -> None:
    global _installed
    _installed = manager


def installed_manager() -> CommManager:
    """The manager installed in the running kernel, installing it on first use."""
    if _installed is None:
        from .kernel import install

        install()
    assert _installed is not None
    return _installed


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _import_handler(dotted: str) -> CommTargetCallback:
    module_name, _, attr = dotted.rpartition(".")
    if not module_name:
        raise ValueError(f"a target handler string must be 'module.function', got {dotted!r}")
    import importlib

    handler: CommTargetCallback = getattr(importlib.import_module(module_name), attr)
    return handler
