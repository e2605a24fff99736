"""The kernel's chunked transfers to the page, paced by the readers' credit
(docs/chunking.md §2, §3).

Each comm with a transfer under way has a lane: the transfer, then the messages sent on that
comm after it, which wait until its last chunk is in the outbox. A transfer puts at most
:data:`MAX_AHEAD` chunks in the outbox beyond what every reader that sets the pace has
taken; each chunk learns its seq when the outbox numbers it, and each credit sends on.
Messages on other comms never enter a lane: they go straight to the outbox, between chunks.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from ..flow.outbox import Outbox
from ..flow.queue import Passthrough
from ..flow.wire import Queued
from .barrier import Barrier, Describe, HeldOutput, parent_id
from .limits import MAX_CHUNK_SIZE
from .pace import FixedPace, Pace
from .transfer import Transfer

Entry = Queued | Transfer
#: Control requests JupyterLab sends when a comm opens or closes: no one waits on them.
SUBSHELL_REQUESTS = frozenset(
    {"create_subshell_request", "delete_subshell_request", "list_subshell_request"}
)


class Pacer:
    """The lanes of the comms with a transfer under way. Thread-safe: sends come from any
    thread, credits from the control thread; one thread at a time moves items to the outbox,
    outside the lock (the outbox may make its caller wait for room)."""

    def __init__(self, outbox: Outbox, clock: Callable[[], float] = time.monotonic) -> None:
        self._outbox = outbox
        self._clock = clock
        self._lock = threading.Lock()
        self._lanes: dict[str, deque[Entry]] = {}
        #: Output published while a transfer is under way, and what was sent after it.
        self._barrier = Barrier()
        self._pumping = False
        self._again = False
        self._recheck_due = False
        #: The comm messages sent outside the lanes, and the requests started, so far: what
        #: tells a transfer that it shares the connection (:mod:`.pace`).
        self._others = 0
        outbox.on_credit(lambda credit: self.pump())

    def pace(
        self, chunk_size: int, adaptive: bool, largest: int = MAX_CHUNK_SIZE
    ) -> Pace | FixedPace:
        """The pace of a new transfer: adaptive (``chunk_size`` caps its chunks while shared)
        when every reader reads slices of any size; else fixed at ``chunk_size``."""
        if not adaptive:
            return FixedPace(chunk_size)
        return Pace(chunk_size, lambda: self._others, self._clock, largest)

    def send(self, item: Queued) -> None:
        """An ordinary message: behind its comm's transfer if one is under way, else
        straight to the outbox."""
        comm_id = item.comm_id or ""
        self._others += 1  # racy across threads; any change is what counts
        # Without the lock first (the hot path): only this comm's own sender starts a lane
        # for it, and a lane is removed only once all it held is in the outbox.
        if comm_id in self._lanes or self._barrier:
            with self._lock:
                lane = self._lanes.get(comm_id)
                held = self._barrier.waits_for(parent_id(item), comm_id)
                if held:
                    self._barrier.hold(item)
                elif lane is not None:
                    lane.append(item)
            if held or lane is not None:
                self.pump()
                return
        self._outbox.put(item)

    def start(self, transfer: Transfer) -> None:
        """Send a message in chunks, after whatever its comm's lane holds."""
        with self._lock:
            if self._barrier.waits_for(parent_id(transfer), transfer.comm_id):
                self._barrier.hold(transfer)
            else:
                self._lanes.setdefault(transfer.comm_id, deque()).append(transfer)
        self.pump()

    def hold_output(self, send: Callable[[], None], size: int, describe: Describe) -> bool:
        """The kernel's own output (on the IOPub thread): while a transfer is under way, hold
        it until the transfer's last chunk is in the outbox, and return True; else False."""
        with self._lock:
            if not self._lanes and not self._barrier:
                return False
            kind, parent, parent_type = describe()
            waiting = [entry for lane in self._lanes.values() for entry in lane]
            if kind == "status:busy" and self._interactive(parent, parent_type, waiting):
                self._others += 1
            if not self._barrier.output_waits(kind, parent, waiting):
                return False
            self._barrier.hold(HeldOutput(Passthrough(send, size), parent))
        return True

    @staticmethod
    def _interactive(parent: str | None, parent_type: str, waiting: list[Entry]) -> bool:
        """Whether a request that starts is one a person waits on: not the request that sent
        a transfer (its busy can reach the IOPub thread after the transfer began), nor the
        subshell bookkeeping JupyterLab does for every comm it opens or closes."""
        return parent_type not in SUBSHELL_REQUESTS and parent not in map(parent_id, waiting)

    def cancel(self, transfer_id: str) -> bool:
        """Cancel one of the kernel's transfers: its unsent chunks are dropped and every page
        is told to drop its partial. False when no transfer under way has that id."""
        return self._cancel(lambda t: t.transfer_id == transfer_id, notify=True)

    def comm_closed(self, comm_id: str) -> None:
        """The page closed the comm: its transfers stop (no page is left to tell)."""
        self._cancel(lambda t: t.comm_id == comm_id, notify=False)

    def _cancel(self, match: Callable[[Transfer], bool], notify: bool) -> bool:
        with self._lock:
            found = [e for lane in self._lanes.values() for e in lane if isinstance(e, Transfer)]
            found = [t for t in found if match(t)]
            for transfer in found:
                transfer.cancel(notify)
        self.pump()
        return bool(found)

    def pump(self) -> None:
        """Move to the outbox whatever the lanes let go now."""
        with self._lock:
            if self._pumping:
                self._again = True
                return
            self._pumping = True
        try:
            while True:
                with self._lock:
                    ready = self._collect()
                    if not ready and not self._again:
                        self._pumping = False
                        return
                    self._again = False
                for item in ready:
                    if isinstance(item, Passthrough):
                        self._outbox.put_output(item)
                    else:
                        self._outbox.put(item)
        except BaseException:
            with self._lock:
                self._pumping = False
            raise

    def _collect(self) -> list[Queued | Passthrough]:
        """Pop what may go now, lane by lane (called with the lock held). A lane emptied in
        one round is removed in the next, once its items are in the outbox: until then a
        later message on its comm must queue behind them, not overtake them."""
        acked, private = self._outbox.acked(), self._outbox.scope.private()
        out: list[Queued | Passthrough] = []
        for comm_id, lane in list(self._lanes.items()):
            if not lane:
                del self._lanes[comm_id]
            emitted = len(out)
            while lane:
                head = lane[0]
                if isinstance(head, Queued):
                    out.append(head)
                    lane.popleft()
                    continue
                out.extend(head.take(acked, private))
                if not head.done:
                    if acked is not None and head.held_back():
                        self._watch(head)
                    break
                lane.popleft()
            if comm_id in self._lanes and not lane and len(out) == emitted:
                del self._lanes[comm_id]  # emptied with nothing sent (a silent cancel)
        if self._barrier and self._barrier.release(self._lanes, out):
            self._again = True  # a transfer came out of the barrier: its lane goes next round
        return out

    def _watch(self, transfer: Transfer) -> None:
        """A transfer held back by a reader that stops crediting must not wait forever: the
        outbox stops waiting for that reader after its stale_after, as for queued messages."""
        if not self._recheck_due:
            self._recheck_due = self._outbox.wait_for_taken(transfer.waits_for(), self._recheck)

    def _recheck(self) -> None:
        with self._lock:
            self._recheck_due = False
        self.pump()
