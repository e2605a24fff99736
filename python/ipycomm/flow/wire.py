"""Flow control on the wire: its constants, the credit a reader grants, and the wire message.

The constants are shared with the page: ``src/kernel/protocol.ts`` defines the same names with
the same values, and ``tests/test_wire_constants.py`` fails when the two sides differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from ..protocol import Message, ProtocolError

#: The metadata key of flow control on the messages the kernel publishes: ``{"seq": n}``, plus
#: ``"batch": k`` on a batch (docs/flow-control.md). Reserved in comm metadata. A frontend's
#: comm_open carries ``{"batch": true}`` under it when that side unpacks batches.
FLOW_KEY = "ipycomm"
#: The control-channel message by which a reader grants credit.
CREDIT_MSG_TYPE = "ipycomm_credit"
#: The key of a batch's items in its comm data.
BATCH_KEY = "ipycomm_batch"
#: The largest window a reader may ask for.
MAX_WINDOW = 4096
#: The iopub topic that a subscriber which takes part subscribes to, besides ``b""``
#: (docs/flow-control.md §6). No message is ever published under it (it is not UTF-8, and no
#: topic the kernel uses starts with 0xFF), so it changes nothing that socket receives; it
#: only lets the kernel count, on its XPUB socket, the subscribers that read ipycomm's
#: envelopes (batches, chunks). While any subscriber has not subscribed to it, the kernel
#: publishes the plain protocol only.
PARTICIPANT_TOPIC = b"\xffipycomm.participant"


class CreditContent(TypedDict):
    reader: str
    seq: int
    window: int
    batch_targets: list[str]
    closing: bool
    #: The reader reassembles chunked messages (docs/chunking.md §1); absent: it does not.
    chunks: NotRequired[bool]
    #: The chunk formats it reads: 2 also reads slices of any size (§2); absent: 1.
    chunk_format: NotRequired[int]


@dataclass
class Wire:
    """One message on the wire: a single message, or a batch of comm messages."""

    msg_type: str
    #: The zmq topic it is published under.
    ident: bytes
    #: The whole content, packed.
    content: bytes
    metadata: dict[str, Any]
    buffers: list[Any]
    parent: Any


@dataclass
class Queued(Wire):
    """One message as the outbox queued it: serialized at once, so later changes to its dicts
    don't leak into what is sent, plus what deciding on a batch needs."""

    #: The comm it belongs to; None for other iopub output (an error).
    comm_id: str | None = None
    #: The data alone as JSON, when the message may join a batch; None when it may not.
    data: bytes | None = None
    #: The comm's target, for readers that unpack batches on some targets only.
    target_name: str | None = None
    #: The comm's frontend said it unpacks batches.
    peer_unpacks: bool = False
    #: The state keys it sets, when it is an update that may merge with later ones (see
    #: :mod:`.coalesce`); None otherwise.
    update_keys: frozenset[str] | None = None
    #: Called with its seq when the outbox numbers it (under the outbox's lock: it must be
    #: quick and take no lock): how a chunked transfer learns what the readers have taken.
    on_numbered: Callable[[int], None] | None = None
    #: Keys of its own for ``metadata.ipycomm`` besides ``seq`` (``abandons``, docs/chunking.md).
    flow: dict[str, Any] | None = None
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = len(self.content) + sum(memoryview(b).nbytes for b in self.buffers)


def peer_unpacks(msg: Message) -> bool:
    """Whether a frontend's comm_open says its side unpacks batches (docs/flow-control.md §3)."""
    flow = (msg.get("metadata") or {}).get(FLOW_KEY)
    return isinstance(flow, dict) and flow.get("batch") is True


def seq_of(msg: Message) -> int | None:
    """The kernel's number of a received message (``metadata.ipycomm.seq``), or None."""
    flow = (msg.get("metadata") or {}).get(FLOW_KEY)
    seq = flow.get("seq") if isinstance(flow, dict) else None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None


def parse_credit(msg: Message) -> CreditContent:
    """Validate an ipycomm_credit message; raises ProtocolError naming the first bad field."""
    content = msg.get("content")
    if not isinstance(content, Mapping):
        raise ProtocolError(
            f"{CREDIT_MSG_TYPE}: content must be a dict, got {type(content).__name__}"
        )
    reader = content.get("reader")
    if not isinstance(reader, str) or not reader:
        raise ProtocolError(f"{CREDIT_MSG_TYPE}: reader must be a non-empty string, got {reader!r}")
    closing = content.get("closing", False)
    if not isinstance(closing, bool):
        raise ProtocolError(f"{CREDIT_MSG_TYPE}: closing must be a boolean, got {closing!r}")
    seq = content.get("seq", 0)
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise ProtocolError(f"{CREDIT_MSG_TYPE}: seq must be an integer >= 0, got {seq!r}")
    window = content.get("window", 256)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_WINDOW:
        raise ProtocolError(
            f"{CREDIT_MSG_TYPE}: window must be an integer from 1 to {MAX_WINDOW}, got {window!r}"
        )
    targets = content.get("batch_targets", [])
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise ProtocolError(f"{CREDIT_MSG_TYPE}: batch_targets must be a list of strings")
    credit = CreditContent(
        reader=reader, seq=seq, window=window, batch_targets=targets, closing=closing
    )
    chunks = content.get("chunks", False)
    if not isinstance(chunks, bool):
        raise ProtocolError(f"{CREDIT_MSG_TYPE}: chunks must be a boolean, got {chunks!r}")
    if chunks:
        credit["chunks"] = True
    chunk_format = content.get("chunk_format", 1)
    if isinstance(chunk_format, bool) or not isinstance(chunk_format, int) or chunk_format < 1:
        raise ProtocolError(
            f"{CREDIT_MSG_TYPE}: chunk_format must be an integer >= 1, got {chunk_format!r}"
        )
    if chunk_format > 1:
        credit["chunk_format"] = chunk_format
    return credit
