"""The registry of a kernel's live comms and of its target handlers, safe from any thread."""

from __future__ import annotations

import importlib
import threading
import time
from typing import Any, Protocol

from .protocol import CommTargetCallback, Message


class CommLike(Protocol):
    """What the manager needs of a comm. Comms made by ipykernel or the ``comm`` package before
    ipycomm was installed are carried over and routed through the same handlers."""

    comm_id: str
    target_name: str

    def handle_msg(self, msg: Message) -> None: ...
    def handle_close(self, msg: Message) -> None: ...


class CommRegistry:
    """Live comms by id and target handlers by name, with the API of ``ipykernel.comm``.

    All methods are safe to call from any thread. ``comms`` and ``targets`` return snapshots, so
    iterating them while other threads open or close comms never fails.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._comms: dict[str, CommLike] = {}
        self._targets: dict[str, CommTargetCallback] = {}
        #: When each comm registered here was opened (seconds since the epoch), for the
        #: Comm Inspector (ipycomm.inspection); comms carried over from another manager have none.
        self._opened_at: dict[str, float] = {}

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
            self._opened_at.setdefault(comm.comm_id, time.time())
        return comm.comm_id

    def unregister_comm(self, comm: CommLike) -> None:
        """Remove a comm from the registry; a comm that is not registered is left alone."""
        with self._lock:
            if self._comms.get(comm.comm_id) is comm:
                del self._comms[comm.comm_id]
                self._opened_at.pop(comm.comm_id, None)

    def get_comm(self, comm_id: str) -> CommLike | None:
        """The live comm with this id, or None."""
        return self._comms.get(comm_id)

    def opened_at(self, comm_id: str) -> float | None:
        """When the live comm ``comm_id`` was opened here (seconds since the epoch), or None
        for a comm this registry did not open (one carried over) or that is not open."""
        with self._lock:
            return self._opened_at.get(comm_id)

    def take_over(self, previous: Any) -> None:
        """Adopt the targets and comms of the manager ipycomm replaces."""
        targets = dict(getattr(previous, "targets", {}))
        comms = dict(getattr(previous, "comms", {}))
        with self._lock:
            for name, handler in targets.items():
                self._targets.setdefault(name, handler)
            for comm in comms.values():
                self._comms.setdefault(comm.comm_id, comm)


def _import_handler(dotted: str) -> CommTargetCallback:
    module_name, _, attr = dotted.rpartition(".")
    if not module_name:
        raise ValueError(f"a target handler string must be 'module.function', got {dotted!r}")
    handler: CommTargetCallback = getattr(importlib.import_module(module_name), attr)
    return handler
