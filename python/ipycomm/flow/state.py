"""The credit state of a kernel at one moment, for people: the readers taking part, their
credit and window, and what waits in the outbox. The Comm Inspector shows it
(:mod:`ipycomm.inspection`, ``src/inspector/flowstate.ts``) to explain a slow widget in one
glance. Read-only: taking it changes nothing in flow control.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict


class ReaderState(TypedDict):
    #: The reader's id (a page's kernel connection clientId).
    reader: str
    #: ``gating``, ``behind`` or ``silent`` (see :mod:`.readers`).
    state: str
    #: The highest seq it has taken, and how far beyond it the kernel may send.
    acked: int
    window: int
    #: It reassembles chunked messages.
    chunks: bool
    #: How many targets it unpacks batches for.
    batch_targets: int


class FlowState(TypedDict):
    #: The last seq the kernel sent.
    seq: int
    #: The highest seq the kernel may send now; None when no reader sets the pace.
    limit: int | None
    #: Messages (and their bytes) waiting in the outbox for credit.
    queued: int
    queued_bytes: int
    #: When ``queued`` reaches this, ``Comm.send`` blocks its caller.
    max_queued: int
    #: Every iopub subscriber reads ipycomm's envelopes (batches and chunks may go out).
    private: bool
    readers: list[ReaderState]


def flow_state(
    seq: int,
    limit: int | None,
    queued: tuple[int, int, int],
    private: bool,
    readers: Iterable[ReaderState],
) -> FlowState:
    """The state from its parts; ``queued`` is (messages, bytes, the outbox's bound)."""
    live, size, bound = queued
    return FlowState(
        seq=seq,
        limit=limit,
        queued=live,
        queued_bytes=size,
        max_queued=bound,
        private=private,
        readers=sorted(readers, key=lambda r: r["reader"]),
    )
