"""The seam between ipycomm's logic and a kernel.

:class:`Comm` and :class:`CommManager` only talk to a kernel through this protocol. The real
implementation lives in :mod:`ipycomm.kernel`; unit tests pass a recording fake.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from .protocol import Message


class Transport(Protocol):
    #: The kernel object, exposed as ``Comm.kernel`` and ``CommManager.kernel`` (None in fakes).
    kernel: Any

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
        """Publish a message on iopub, parented to the request being handled.

        ``target_name`` and ``peer_unpacks`` describe the comm, so that a burst of messages on
        it may be packed into a batch for readers that unpack them (docs/flow-control.md).
        Raises TypeError at once if data or metadata cannot be serialized.

        Returns the subshell whose thread is sending (None for the main shell), so that the
        frontend's reply can be routed back to the thread that sent.
        """
        ...

    def reply(
        self, stream: Any, ident: Any, parent: Message, msg_type: str, content: Mapping[str, Any]
    ) -> None:
        """Send a reply to a shell request on the stream it came from."""
        ...

    def report_exception(self, summary: str) -> None:
        """Show the exception being handled to the user and log it with ``summary``.

        The kernel implementation publishes an ``error`` message on iopub whose parent is the
        request being handled, so it reaches the frontend next to whatever sent that request.
        """
        ...

    def handling(self, msg: Message) -> AbstractContextManager[None]:
        """A context to run a user callback for ``msg`` in (IPython's execute events)."""
        ...
