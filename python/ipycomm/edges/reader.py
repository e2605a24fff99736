"""The reader side of ipycomm's flow control, for Python programs that drive a kernel with
jupyter_client (docs/flow-control.md): an edge of ipycomm, outside the kernel. The page's
reader is ``src/kernel/reader.ts``; the writer both read from is the kernel's
:class:`ipycomm.flow.outbox.Outbox`.

    reader = CommReader(kc, batch_targets=["my_target"])
    while True:
        for msg in reader.receive(kc.get_iopub_msg()):
            ...  # every comm message, batches unpacked, in order

A reader that never sends credit is never waited for: the kernel treats it like any stock
client, and it may lose messages when it falls behind. With ``chunks=True`` it reassembles the
kernel's chunked messages (docs/chunking.md) and says so in its credit, crediting each chunk
at once; without, the kernel sends it every message whole.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from ..chunks.assembler import Assembler, whole_message
from ..chunks.format import ADAPTIVE, CHUNK_KEY, CHUNKED_TYPES, Notice, parse
from ..chunks.limits import Limits
from ..flow.batch import unpack
from ..flow.wire import (
    CREDIT_MSG_TYPE,
    FLOW_KEY,
    MAX_WINDOW,
    PARTICIPANT_TOPIC,
    CreditContent,
    seq_of,
)
from ..protocol import Message

log = logging.getLogger("ipycomm")


class CommReader:
    """Unpacks batches and grants credit for one jupyter_client ``KernelClient``.

    ``receive`` must see every iopub message the client gets. Credit goes out on the client's
    control channel from the thread that calls ``receive``.
    """

    def __init__(
        self,
        client: Any,
        *,
        window: int = 256,
        batch_targets: Iterable[str] = (),
        reader_id: str | None = None,
        chunks: bool = False,
    ) -> None:
        if not 1 <= window <= MAX_WINDOW:
            raise ValueError(f"window must be from 1 to {MAX_WINDOW}, got {window}")
        self._client = client
        self.window = window
        self.batch_targets = sorted(batch_targets)
        self.reader_id = reader_id or f"ipycomm-client-{uuid.uuid4().hex}"
        self._seq = 0
        self._credited: int | None = None
        #: Messages the kernel numbered that never arrived here (gaps in ``seq``).
        self.lost = 0
        #: The msg_id of the last credit sent (its busy/idle statuses are parented to it).
        self.last_credit_id: str | None = None
        #: The kernel's partial messages, when this reader reassembles them.
        self._assembler = Assembler(Limits()) if chunks else None
        _mark_participant(client)

    def receive(self, msg: Message) -> list[Message]:
        """The comm messages ``msg`` carries (itself if it is not a batch; none for a chunk
        but the last, which gives the whole message), granting credit when due. Raises
        ``ipycomm.ProtocolError`` for a malformed batch or chunk."""
        seq = seq_of(msg)
        chunk = self._assembler is not None and _is_chunk(msg)
        if seq is not None:
            self._advance(seq, at_once=chunk)
        if not chunk:
            self._drop_abandoned(msg)
            return unpack(msg)
        whole = self._reassemble(msg)
        return [] if whole is None else [whole]

    def _reassemble(self, msg: Message) -> Message | None:
        assert self._assembler is not None
        content, buffers = msg["content"], msg.get("buffers") or []
        item = parse(content["data"], len(buffers))
        key = ("kernel", str(content.get("comm_id")), item.transfer)
        if isinstance(item, Notice):
            if self._assembler.drop(key, "cancelled") is not None:
                log.warning("ipycomm: the kernel dropped its transfer %s", item.transfer)
            return None
        done = self._assembler.add(key, item, memoryview(buffers[0]).cast("B"))
        return None if done is None else whole_message(msg, done)

    def _drop_abandoned(self, msg: Message) -> None:
        """A whole message that replaces a transfer the kernel stopped chunking (a reader of
        the plain protocol subscribed meanwhile): its partial is dropped."""
        flow = (msg.get("metadata") or {}).get(FLOW_KEY)
        abandons = flow.get("abandons") if isinstance(flow, dict) else None
        if self._assembler is not None and isinstance(abandons, str):
            comm_id = str((msg.get("content") or {}).get("comm_id"))
            self._assembler.drop(("kernel", comm_id, abandons), "sent whole instead")

    def close(self) -> None:
        """Tell the kernel this reader leaves, so it stops waiting for its credit."""
        if self._credited is not None:
            self._send_credit(closing=True)
            self._credited = None

    def _advance(self, seq: int, at_once: bool = False) -> None:
        if seq <= self._seq:
            # A new kernel process numbers from 1 again.
            self._credited = None
        elif self._credited is not None and seq > self._seq + 1:
            missing = seq - self._seq - 1
            self.lost += missing
            log.warning("ipycomm: %d comm messages were lost before reaching this reader", missing)
        self._seq = seq
        due = at_once or self._credited is None or seq - self._credited >= max(1, self.window // 4)
        if due:
            self._send_credit(closing=False)

    def _send_credit(self, closing: bool) -> None:
        content = CreditContent(
            reader=self.reader_id,
            seq=self._seq,
            window=self.window,
            batch_targets=self.batch_targets,
            closing=closing,
        )
        if self._assembler is not None:
            content["chunks"] = True
            content["chunk_format"] = ADAPTIVE
        msg = self._client.session.msg(CREDIT_MSG_TYPE, dict(content))
        self._client.control_channel.send(msg)
        self._credited = self._seq
        self.last_credit_id = msg["header"]["msg_id"]


def _mark_participant(client: Any) -> None:
    """Tell the kernel this client's iopub socket reads envelopes (docs/flow-control.md §6):
    without it, the kernel sends everyone the plain protocol."""
    import zmq  # here: ``import ipycomm`` works where zmq cannot be imported

    socket = getattr(getattr(client, "iopub_channel", None), "socket", None)
    if socket is None:
        log.warning(
            "ipycomm: this client's iopub socket is not reachable; the kernel sends it "
            "(and everyone) plain messages"
        )
        return
    socket.setsockopt(zmq.SUBSCRIBE, PARTICIPANT_TOPIC)


def _is_chunk(msg: Message) -> bool:
    data = (msg.get("content") or {}).get("data")
    kind = msg.get("msg_type")
    return kind in CHUNKED_TYPES and isinstance(data, dict) and CHUNK_KEY in data
