"""The seam between ipycomm's comm API and a kernel: one outgoing-message value and one protocol.

:class:`Comm` and :class:`CommManager` talk to a kernel only through :class:`Transport`. The
real implementation is :class:`ipycomm.kernel.KernelTransport`; unit tests pass a recording fake.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from .protocol import Message


@dataclass(slots=True)
class Outgoing:
    """One comm message the kernel side publishes (comm_open, comm_msg or comm_close).

    Made once per ``send``: slots, and not frozen, keep that cheap (a frozen dataclass costs
    three times as much to build)."""

    msg_type: str
    comm_id: str
    data: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    buffers: list[Any] = field(default_factory=list)
    #: Content fields beyond comm_id and data: a comm_open's target_name and target_module.
    extra: dict[str, Any] = field(default_factory=dict)
    #: The comm's target and whether its frontend unpacks batches, so that a burst on it may
    #: be packed into a batch for readers that unpack them (docs/flow-control.md).
    target_name: str | None = None
    peer_unpacks: bool = False

    @property
    def content(self) -> dict[str, Any]:
        """The message's content as the protocol lays it out."""
        return {"comm_id": self.comm_id, "data": self.data, **self.extra}


class Transport(Protocol):
    #: The kernel object, exposed as ``Comm.kernel`` and ``CommManager.kernel`` (None in fakes).
    kernel: Any

    def publish(self, message: Outgoing) -> None:
        """Publish a message on iopub, in order, parented to the request being handled.

        Raises TypeError at once if its data or metadata cannot be serialized.
        """
        ...

    def reply(
        self, stream: Any, ident: Any, parent: Message, msg_type: str, content: Mapping[str, Any]
    ) -> None:
        """Send a reply to a shell request on the stream it came from."""
        ...

    def report_exception(self, summary: str) -> None:
        """Show the exception being handled to the user and log it with ``summary``.

        The kernel implementation publishes an ``error`` message on iopub, in order with the
        comm messages, whose parent is the request being handled, so it reaches the frontend
        next to whatever sent that request.
        """
        ...

    def handling(self, msg: Message) -> AbstractContextManager[None]:
        """A context to run a user callback for ``msg`` in (IPython's execute events)."""
        ...

    def reply_route(self, sender: threading.Thread | None, default: Any) -> Any:
        """Where the frontend's reply on a comm goes, given the thread that last published on
        it (None before any): a kernel subshell, or ``default``."""
        ...

    def call_on_main(self, f: Callable[[], None]) -> bool:
        """Run ``f`` on the kernel's main thread, between cells, and return True; False when
        there is no such thread to hand it to (the caller runs it itself)."""
        ...

    def replies_reach(self, thread: threading.Thread) -> bool:
        """Whether a comm_msg from the frontend is handled while ``thread`` blocks waiting for
        it: a request must not wait on the thread that would handle its own reply."""
        ...


class Reassembly(Protocol):
    """Where the manager hands the frontend's chunked messages (docs/chunking.md): the kernel
    adapter plugs in :class:`ipycomm.chunks.Incoming`; without one, chunks are plain messages."""

    def take(self, comm_id: str, msg: Message) -> Message | None:
        """``msg`` if it is no chunk; None when it is taken in; the whole message after the
        last chunk of one."""
        ...

    def comm_closed(self, comm_id: str) -> None: ...

    def info(self) -> dict[str, int]:
        """The ``ipycomm`` key of the comm_info_reply."""
        ...


def transport_of(
    transport: Transport | None, kernel: Any, for_kernel: Callable[[Any], Transport] | None
) -> Transport:
    """A CommManager's transport: the one given, or one on ``kernel`` (as ipykernel's
    ``CommManager(kernel=k)`` takes it); TypeError for neither or both."""
    if (transport is None) == (kernel is None):
        raise TypeError(
            "CommManager() takes a transport, or kernel=<an ipykernel kernel>, not "
            + ("both" if transport is not None else "neither")
            + " (inside a kernel, comm.get_comm_manager() returns the kernel's own manager)"
        )
    if transport is not None:
        return transport
    if for_kernel is None:
        raise TypeError("CommManager(kernel=...) needs ipykernel, which is not loaded here")
    return for_kernel(kernel)
