"""The kernel's outbox, the writer side of flow control: every message ipycomm publishes waits
here, in order, until the readers' credit lets it go (docs/flow-control.md).

Callers ``put`` already-serialized messages; ``flush`` runs on one sending thread (the kernel's
IOPub thread), numbers the messages, packs bursts on one comm into batches, and hands wire
messages to the :class:`Sender`. With no reader taking part, everything goes out at once.
While messages wait, the kernel's other iopub output waits behind them (``hold_behind``), and
state updates on one comm merge (:mod:`.queue`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .batch import to_wire
from .queue import Passthrough, SendQueue
from .readers import Readers
from .sender import Sender
from .silence import Silence
from .state import FlowState, flow_state
from .subscribers import WireScope
from .wire import CreditContent, Queued, Wire

log = logging.getLogger("ipycomm")

#: Put blocks its caller while the outbox holds this many messages or bytes.
MAX_QUEUED = 10_000
MAX_QUEUED_BYTES = 64 << 20


class Outbox:
    """An ordered, bounded queue between ``Comm.send`` and the iopub socket, which ``sender``
    empties within the readers' credit."""

    def __init__(
        self,
        sender: Sender,
        readers: Readers | None = None,
        max_queued: int = MAX_QUEUED,
        max_queued_bytes: int = MAX_QUEUED_BYTES,
        scope: WireScope | None = None,
    ) -> None:
        self._sender = sender
        #: Whether every iopub subscriber reads envelopes (docs/flow-control.md §6).
        self.scope = scope if scope is not None else WireScope()
        self._readers = readers if readers is not None else Readers()
        self._readers.expect_reader(0)
        self._max_queued = max_queued
        self._max_queued_bytes = max_queued_bytes
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()
        self._queue = SendQueue()
        self._seq = 0
        self._scheduled = False
        #: Messages sent at once whose send the sending thread has not performed yet.
        self._in_flight = 0
        #: A flush stood back for a message sent at once: the last of those schedules one.
        self._flush_owed = False
        #: Called after each credit, outside the lock (chunked transfers send on).
        self._credit_hooks: list[Callable[[CreditContent], None]] = []
        #: Readers that stop crediting: when they stop holding the kernel back, and forgotten.
        self._silence = Silence(self._readers, sender, self._cond, self.flush)

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
            schedule = not self._scheduled
            self._scheduled = True
        if schedule:
            self._sender.schedule(self.flush)

    def hold_behind(self, send: Callable[[], None], size: int) -> bool:
        """Called on the sending thread for the kernel's own iopub output (a print, a status):
        when comm messages wait, queue ``send`` behind them and return True; otherwise return
        False, and the caller sends at once. So output never overtakes a comm message
        published before it."""
        with self._cond:
            if not self._queue:
                return False
            self._queue.append(Passthrough(send, size))
            return True

    def put_output(self, output: Passthrough) -> None:
        """Queue the kernel's own output behind everything put so far (from any thread: it is
        sent by a flush, on the sending thread)."""
        with self._cond:
            self._queue.append(output)
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
                if item.on_numbered is not None:
                    item.on_numbered(self._seq)
                wire = to_wire(self._seq, [item])
            self._sender.send(wire, self._sent_at_once)
        return True

    def _sent_at_once(self) -> None:
        with self._cond:
            self._in_flight -= 1
            # A flush that ran while this message was on its way stood back (see flush); it
            # is owed one now, or what queued meanwhile would wait for a credit that may
            # never come.
            owed = self._flush_owed and not self._in_flight
            self._flush_owed = self._flush_owed and not owed
        if owed:
            self._sender.schedule(self.flush)

    def drain(self) -> None:
        """Wait until everything queued so far is sent (unless the caller may not wait).

        Runs at the end of each request, so the kernel reports idle only once the request's
        comm messages are on the wire, as the stock comm layer does. Messages queued after
        it started (say, by a thread that streams all the time) are not waited for.
        """
        with self._cond:
            target = self._queue.queued_count
            while self._queue.taken_count < target and self._sender.may_block():
                self._cond.wait(timeout=1.0)

    def credit(self, credit: CreditContent) -> None:
        """A reader's credit (from the control thread): record it and send what it allows."""
        with self._cond:
            self._readers.credit(credit, self._seq)
            schedule = bool(self._queue) and not self._scheduled
            self._scheduled = self._scheduled or schedule
        if schedule:
            self._sender.schedule(self.flush)
        self._silence.arm_forgetting()  # a credit behind what was sent starts that reader's clock
        for hook in self._credit_hooks:
            hook(credit)

    def on_credit(self, hook: Callable[[CreditContent], None]) -> None:
        """Call ``hook(credit)`` after each credit is recorded (on the control thread)."""
        self._credit_hooks.append(hook)

    def acked(self) -> int | None:
        """What the readers that set the pace have all taken (see Readers.acked)."""
        with self._cond:
            return self._readers.acked()

    def knows_reader(self, name: str) -> bool:
        """Whether ``name`` is a reader taking part now (a page's clientId)."""
        with self._cond:
            return self._readers.knows(name)

    def state(self) -> FlowState:
        """The credit state now: readers, windows, what waits (see :mod:`.state`)."""
        with self._cond:
            queued = (self._queue.live, self._queue.bytes, self._max_queued)
            readers = self._readers
            return flow_state(
                self._seq, readers.limit(), queued, self.scope.private(), readers.describe()
            )

    def take_chunks(self) -> bool:
        """Whether the readers reassemble chunked messages (see Readers.take_chunks)."""
        return self.chunk_format() > 0

    def chunk_format(self) -> int:
        """The chunk format every reader reads; 0 while the kernel may not chunk."""
        with self._cond:
            return self._readers.chunk_format() if self.scope.private() else 0

    def _full(self) -> bool:
        queue = self._queue
        return queue.live >= self._max_queued or queue.bytes >= self._max_queued_bytes

    # -- the sending thread ----------------------------------------------------------------------

    def flush(self) -> None:
        """Send everything the readers' credit allows, in order."""
        with self._send_lock:
            # A subscriber that came in since the last flush must be known before a batch
            # goes out: one that does not read envelopes turns them off.
            self.scope.refresh()
            with self._cond:
                if self._in_flight:
                    # A message sent at once is still on its way to the socket, and this flush
                    # was queued before it (a timer's, or one queued while that message was
                    # being serialized): sending now would overtake it. It is owed again once
                    # that message is on the socket.
                    self._flush_owed = True
                    return
                self._scheduled = False
                self._silence.forget_silent()
                wires = self._take()
                if self._queue:
                    waiting = f"{self._queue.live} messages"
                    self._silence.warn_stale(self._readers.drop_stale(self._seq + 1), waiting)
                    wires.extend(self._take())  # whatever the readers left now allow
                delay = self._readers.seconds_until_stale() if self._queue else None
                self._cond.notify_all()
            for wire in wires:
                self._send(wire)
        if delay is not None:
            # Held back by a reader: look again when it would go stale, even if no one sends.
            self._sender.schedule_later(delay, self.flush)
        self._silence.arm_forgetting()

    def wait_for_taken(self, seq: int | None, recheck: Callable[[], None]) -> bool:
        """A chunked transfer waits for the readers to take ``seq`` (see
        :meth:`Silence.wait_for_taken`)."""
        return self._silence.wait_for_taken(seq, recheck)

    def _take(self) -> list[Wire | Passthrough]:
        """Pop what the credit allows, numbered, bursts packed into batches."""
        wires, self._seq = self._queue.take(self._seq, self._readers.limit(), self._batchable)
        return wires

    def _send(self, wire: Wire | Passthrough) -> None:
        try:
            if isinstance(wire, Passthrough):
                wire.send()
            else:
                self._sender.send(wire, None)
        except Exception:
            what = "iopub output" if isinstance(wire, Passthrough) else wire.msg_type
            log.exception("ipycomm: could not publish %s", what)

    def _batchable(self, item: Queued) -> bool:
        if item.data is None or item.msg_type != "comm_msg" or not self.scope.private():
            return False
        if item.peer_unpacks:
            return True
        return item.target_name is not None and self._readers.unpacks(item.target_name)
