"""What the Comm Inspector asks the kernel (``src/inspector/inspection.ts``): since when each
live comm is open and who opened it, and the credit state (:mod:`.flow.state`).

The page sends an ``ipycomm_inspect_request`` on the control channel (served while a cell
runs); the kernel answers that client alone with an ``ipycomm_inspect_reply`` and publishes
nothing, not even a busy/idle status (:mod:`.kernel.credits`), so a client that does not ask
sees nothing new. A kernel without ipycomm ignores the request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal, TypedDict

from .comm import Comm
from .flow.state import FlowState
from .manager import CommManager
from .protocol import Message
from .registry import CommLike, CommRegistry

#: The request and its reply, on the control channel.
INSPECT_REQUEST = "ipycomm_inspect_request"
INSPECT_REPLY = "ipycomm_inspect_reply"

Opener = Literal["kernel", "frontend"]


class CommInspection(TypedDict):
    target_name: str
    #: Seconds since the epoch, on the kernel's clock; None for a comm carried over from the
    #: comm layer ipycomm replaced.
    opened_at: float | None
    #: None for a comm of another comm layer (carried over).
    opened_by: Opener | None


class InspectReplyContent(TypedDict):
    status: Literal["ok"]
    #: The kernel's clock when it answered (seconds since the epoch).
    now: float
    comms: dict[str, CommInspection]
    #: None where the kernel has no outbox (a transport without flow control).
    flow: FlowState | None


def opener_of(comm: CommLike) -> Opener | None:
    """Who opened a comm: a primary Comm was opened by the kernel."""
    if not isinstance(comm, Comm):
        return None
    return "kernel" if comm.primary else "frontend"


def inspect(registry: CommRegistry, flow: Callable[[], FlowState] | None) -> InspectReplyContent:
    """The reply for ``registry``'s live comms and, given ``flow``, the credit state."""
    comms = {
        comm_id: CommInspection(
            target_name=comm.target_name,
            opened_at=registry.opened_at(comm_id),
            opened_by=opener_of(comm),
        )
        for comm_id, comm in registry.comms.items()
    }
    return InspectReplyContent(
        status="ok", now=time.time(), comms=comms, flow=None if flow is None else flow()
    )


Handler = Callable[[Any, Any, Message], None]


def inspect_handler(manager: CommManager, flow: Callable[[], FlowState] | None) -> Handler:
    """The control channel's ``ipycomm_inspect_request`` handler for ``manager``: replies on
    the stream the request came on, to its sender only."""

    def handle(stream: Any, ident: Any, msg: Message) -> None:
        content = inspect(manager, flow)
        manager.transport.reply(stream, ident, msg, INSPECT_REPLY, content)

    return handle
