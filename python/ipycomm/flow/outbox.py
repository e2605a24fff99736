"""The kernel's outbox, the writer side of flow control: every message ipycomm publishes waits
here, in order, until the readers' credit lets it go (docs/flow-control.md).

Callers ``put`` already-serialized messages; ``flush`` runs on one sending thread (the kernel's
IOPub thread), numbers the messages, packs bursts on one comm into batches, and hands wire
messages to the :class:`Sender`. With no reader taking part, everything goes out at once.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Protocol

from .batch import MAX_BYTES, MAX_ITEMS, to_wire
from .readers import Readers
from .wire import CreditContent, Queued, Wire

log = logging.getLogger("ipycomm")

#: Put blocks its caller while the outbox holds this many messages or bytes.
MAX_QUEUED = 10_000
MAX_QUEUED_BYTES = 64 << 20


class Sender(Protocol):
    """The one thread that puts wire messages on the socket, as the outbox sees it."""

    def send(self, wire: Wire, on_sent: Callable[[], None] | None) -> None:
        """Publish ``wire``, in order with whatever ``schedule`` ran before. Called on the
        sending thread by a flush (``on_sent`` None), or from any thread for a message sent at
        once: then ``on_sent`` runs on the sending thread once it is on the socket."""
        ...

    def schedule(self, f: Callable[[], None]) -> None:
        """Run ``f`` on the sending thread, in the order scheduled."""
        ...

    def schedule_later(self, delay: float, f: Callable[[], None]) -> None:
        """Run ``f`` on the sending thread after ``delay`` seconds, never before what was
        scheduled earlier."""
        ...

    def may_block(self) -> bool:
        """Whether the calling thread may wait for room. The sending thread and the thread
        that takes credits must never wait: they are the ones that make room."""
        ...


class Outbox:
    """An ordered, bounded queue between ``Comm.send`` and the iopub socket, which ``sender``
    empties within the readers' credit."""

    def __init__(
        self,
        sender: Sender,
        readers: Readers | None = None,
        max_queued: int = MAX_QUEUED,
        max_queued_bytes: int = MAX_QUEUED_BYTES,
    ) -> None:
        self._sender = sender
        self._readers = readers if readers is not None else Readers()
        self._readers.expect_reader(0)
        self._max_queued = max_queued
        self._max_queued_bytes = max_queued_bytes
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()
        self._queue: deque[Queued] = deque()
        self._bytes = 0
        self._seq = 0
        self._scheduled = False
        #: Messages sent at once whose send the sending thread has not performed yet.
        self._in_flight = 0
        #: Messages ever queued, and ever taken off the queue (for drain).
        self._queued_count = 0
        self._taken_count = 0

    @property
    def readers(self) -> Readers:
        return self._readers

    # -- callers' side ---------------------------------------------------------------------------

    def put(self, item: Queued) -> None:
        """Send a message, or queue it behind others, waiting while the outbox is full (and
        the caller may wait)."""
        if self._send_at_once(item):
            return
        with self._cond:
            while self._full() and self._sender.may_block():
                self._cond.wait(timeout=1.0)
            self._queue.append(item)
            self._queued_count += 1
            self._bytes += item.size
            schedule = not self._scheduled
            self._scheduled = True
        if schedule:
            self._sender.schedule(self.flush)

    def _send_at_once(self, item: Queued) -> bool:
        """The fast path for a lone message: when nothing waits, no earlier message is still on
        its way to the sending thread, and the credit has room, number it and send it from the
        caller's thread, as the stock comm layer does (no extra hop, no added latency).

        What follows while it is on its way queues behind it, so a burst goes out in batches.
        Under the send lock, so no flush can number or send anything in between.
        """
        with self._send_lock:
            with self._cond:
                limit = self._readers.limit()
                busy = self._queue or self._scheduled or self._in_flight
                if busy or (limit is not None and self._seq >= limit):
                    return False
                self._seq += 1
                self._in_flight += 1
                wire = to_wire(self._seq, [item])
            self._sender.send(wire, self._sent_at_once)
        return True

    def _sent_at_once(self) -> None:
        with self._cond:
            self._in_flight -= 1

    def drain(self) -> None:
        """Wait until everything queued so far is sent (unless the caller may not wait).

        Runs at the end of each request, so the kernel reports idle only once the request's
        comm messages are on the wire, as the stock comm layer does. Messages queued after
        it started (say, by a thread that streams all the time) are not waited for.
        """
        with self._cond:
            target = self._queued_count
            while self._taken_count < target and self._sender.may_block():
                self._cond.wait(timeout=1.0)

    def credit(self, credit: CreditContent) -> None:
        """A reader's credit (from the control thread): record it and send what it allows."""
        with self._cond:
            self._readers.credit(credit, self._seq)
            schedule = bool(self._queue) and not self._scheduled
            self._scheduled = self._scheduled or schedule
        if schedule:
            self._sender.schedule(self.flush)

    def _full(self) -> bool:
        return len(self._queue) >= self._max_queued or self._bytes >= self._max_queued_bytes

    # -- the sending thread ----------------------------------------------------------------------

    def flush(self) -> None:
        """Send everything the readers' credit allows, in order."""
        with self._send_lock:
            with self._cond:
                if self._in_flight:
                    # A message sent at once is still on its way to the socket, and this flush
                    # was queued before it (a timer's): sending now would overtake it. The
                    # flush queued by whatever came after it runs after it.
                    return
                self._scheduled = False
                wires = self._take()
                if self._queue:
                    for name in self._readers.drop_stale(self._seq + 1):
                        log.warning(
                            "ipycomm: reader %s sent no credit for a long time while %d "
                            "messages waited for it; it no longer holds the kernel back",
                            name,
                            len(self._queue),
                        )
                    wires.extend(self._take())  # whatever the readers left now allow
                delay = self._readers.seconds_until_stale() if self._queue else None
                self._cond.notify_all()
            for wire in wires:
                try:
                    self._sender.send(wire, None)
                except Exception:
                    log.exception(
                        "ipycomm: could not publish %s on %s", wire.msg_type, wire.ident.decode()
                    )
        if delay is not None:
            # Held back by a reader: look again when it would go stale, even if no one sends.
            self._sender.schedule_later(delay, self.flush)

    def _take(self) -> list[Wire]:
        """Pop the messages the credit allows, numbered, bursts packed into batches."""
        limit = self._readers.limit()
        wires = []
        while self._queue and (limit is None or self._seq < limit):
            group = [self._queue.popleft()]
            if self._batchable(group[0]):
                size = group[0].size
                while (
                    self._queue
                    and len(group) < MAX_ITEMS
                    and size < MAX_BYTES
                    and _joins(group[0], self._queue[0])
                ):
                    group.append(self._queue.popleft())
                    size += group[-1].size
            self._bytes -= sum(item.size for item in group)
            self._taken_count += len(group)
            self._seq += 1
            wires.append(to_wire(self._seq, group))
        return wires

    def _batchable(self, item: Queued) -> bool:
        if item.data is None or item.msg_type != "comm_msg":
            return False
        if item.peer_unpacks:
            return True
        return item.target_name is not None and self._readers.unpacks(item.target_name)


def _joins(first: Queued, item: Queued) -> bool:
    return (
        item.msg_type == "comm_msg"
        and item.data is not None
        and item.comm_id is not None
        and item.comm_id == first.comm_id
        and (item.parent is first.parent or item.parent == first.parent)
    )
