"""One end of a comm: a bidirectional channel between kernel code and a frontend target."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import Any, ClassVar

from .callbacks import CommCallbacks
from .errors import CommClosedWarning
from .host import CommHost, host_of
from .protocol import (
    VIEW_MIME_TYPE,
    Buffers,
    CommCallback,
    check_payload,
    comm_options,
)
from .rpc import CommRequests
from .state import SyncedState
from .state.opening import with_state
from .transport import Outgoing

__all__ = ["Comm", "CommClosedWarning"]


class Comm(CommCallbacks):
    """A comm to a frontend target, with the API of ``ipykernel.comm.Comm``.

    A primary comm (the default) opens its frontend peer at once by publishing ``comm_open``.
    ``send`` and ``close`` may be called from any thread; messages from one thread keep their order.
    """

    def __init__(
        self,
        target_name: str | None = None,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: Buffers = None,
        state: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        target_name, comm_id, primary, target_module = comm_options(target_name, kwargs)
        manager = host_of(kwargs.get("manager"), kwargs.get("kernel"), Comm.host_for_kernel)

        self.comm_id: str = comm_id
        self.target_name: str = target_name
        self.target_module: str | None = target_module
        self.primary = primary
        self._manager = manager
        self._lock = threading.Lock()
        self._msg_callback: CommCallback | None = None
        self._close_callback: CommCallback | None = None
        self._closed_why = "it was never opened"
        #: The thread that last published on this comm (None before any).
        self._sender: threading.Thread | None = None
        #: The frontend opened this comm saying it unpacks batches (docs/flow-control.md §3).
        self.peer_unpacks = False
        #: Run this comm's handlers on the kernel's main thread, between cells
        #: (:func:`ipycomm.on_main_thread`).
        self.on_main_thread = False
        #: Held while one of this comm's handlers runs (ipycomm.dispatch).
        self.handler_lock = threading.RLock()
        self._requests = CommRequests(self, manager)
        #: The synced state (``Comm(state=...)``), kept here and shown by every view.
        self._state = SyncedState(self, state) if state is not None else None
        # A secondary comm is opened by its peer: it is live from the start.
        self._closed = primary
        if primary:
            self.open(data, metadata, buffers)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Comm {self.comm_id} target={self.target_name!r} {state}>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        # display(comm) shows another view of the same comm under the cell.
        view = {"comm_id": self.comm_id, "target_name": self.target_name}
        return {VIEW_MIME_TYPE: view, "text/plain": repr(self)}

    #: How ``Comm(kernel=k)`` and ``comm.kernel = k`` find the manager of a kernel: set by the
    #: ipykernel adapter (:mod:`ipycomm.kernel.binding`); None where it is not loaded.
    host_for_kernel: ClassVar[Callable[[Any], CommHost] | None] = None

    @property
    def kernel(self) -> Any:
        """The kernel this comm talks through (None outside a kernel).

        Assigning another kernel moves the comm to that kernel's manager (as with
        ``Comm(kernel=k)``); assigning None raises TypeError."""
        return self._manager.kernel

    @kernel.setter
    def kernel(self, kernel: Any) -> None:
        if kernel is self._manager.kernel:
            return
        if kernel is None:
            raise TypeError(f"{self!r}: kernel cannot be set to None; close the comm instead")
        host = host_of(None, kernel, Comm.host_for_kernel)
        with self._lock:
            if not self._closed:
                self._manager.unregister_comm(self)
                host.register_comm(self)
            self._manager = host
            self._requests.rebind(host)

    @property
    def closed(self) -> bool:
        return self._closed

    # -- publishing ------------------------------------------------------------------------------

    def open(
        self,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: Buffers = None,
    ) -> None:
        """Open the frontend peer by publishing comm_open. Raises RuntimeError if already open."""
        with self._lock:
            if not self._closed:
                raise RuntimeError(f"{self!r} is already open")
            # Registered before publishing, so that an immediate reply finds the comm.
            self._manager.register_comm(self)
            data, buffers = with_state(self._state, data, buffers)
            try:
                self._publish(
                    "open",
                    "comm_open",
                    data,
                    metadata,
                    buffers,
                    target_name=self.target_name,
                    target_module=self.target_module,
                )
            except BaseException:
                self._manager.unregister_comm(self)
                raise
            self._closed = False

    def send(
        self,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: Buffers = None,
    ) -> None:
        """Send a comm_msg to the frontend peer.

        On a closed comm nothing is sent and a :class:`CommClosedWarning` says why.
        Bad arguments raise TypeError or ValueError naming the argument.
        """
        why = self._try_send(data, metadata, buffers)
        if why is not None:
            warnings.warn(f"{self!r}: message not sent because {why}", CommClosedWarning, 2)

    def _try_send(self, data: Any, metadata: Any, buffers: Buffers) -> str | None:
        """Send a comm_msg; on a closed comm send nothing and return why."""
        with self._lock:
            if not self._closed:
                self._publish("send", "comm_msg", data, metadata, buffers)
                return None
            return self._closed_why

    def close(
        self,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: Buffers = None,
        deleting: bool = False,
    ) -> None:
        """Close the comm and tell the frontend peer, with optional final data.

        Closing twice is harmless; final data passed to an already closed comm is not
        delivered, and a :class:`CommClosedWarning` says so.
        """
        with self._lock:
            if self._closed:
                why = self._closed_why
            else:
                self._closed = True
                self._closed_why = "the kernel closed it"
                why = ""
                try:
                    self._publish("close", "comm_close", data, metadata, buffers)
                except BaseException:
                    # The final data was unusable; the peer must still learn the comm is gone.
                    self._publish("close", "comm_close", None, None, None)
                    raise
                finally:
                    self._manager.unregister_comm(self)
                    self._requests.closed("the kernel closed it")
        if why and (data or metadata or buffers):
            warnings.warn(
                f"{self!r}: close data not sent because {why}", CommClosedWarning, stacklevel=2
            )

    def publish_msg(
        self,
        msg_type: str,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: Buffers = None,
        **keys: Any,
    ) -> None:
        """Publish a raw comm message (the ``comm`` package's extension point)."""
        self._publish(msg_type, msg_type, data, metadata, buffers, **keys)

    def _publish(
        self,
        method: str,
        msg_type: str,
        data: Any,
        metadata: Any,
        buffers: Buffers,
        **keys: Any,
    ) -> None:
        data, metadata, checked = check_payload(method, data, metadata, buffers)
        message = Outgoing(
            msg_type,
            self.comm_id,
            data,
            metadata,
            checked or [],
            extra=keys,
            target_name=self.target_name,
            peer_unpacks=self.peer_unpacks,
        )
        self._manager.publish(message)
        self._sender = threading.current_thread()

    # -- closed by the frontend (called by the manager) ------------------------------------------

    def _closed_by_peer(self, reason: str | None) -> None:
        with self._lock:
            self._closed = True
            self._closed_why = "the frontend closed it" + (f" ({reason})" if reason else "")
        self._requests.closed(self._closed_why)
