"""Readers that stop crediting, as the outbox sees them (docs/flow-control.md §2): one silent
for ``stale_after`` while messages wait for it stops holding the kernel back, and one silent
for ``forget_after`` more is forgotten; each is one log line. Timers on the sending thread look
again when the next one is due, even if nothing is sent meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .readers import Readers
from .sender import Sender

log = logging.getLogger("ipycomm")


class Silence:
    """The outbox's watch over readers that stop crediting. It shares the outbox's lock
    (``cond``), and looks for readers to forget by running the outbox's ``flush``."""

    def __init__(
        self,
        readers: Readers,
        sender: Sender,
        cond: threading.Condition,
        flush: Callable[[], None],
    ) -> None:
        self._readers = readers
        self._sender = sender
        self._cond = cond
        self._flush = flush
        #: A timer is due to look for readers to forget (one at a time).
        self._forget_armed = False

    def forget_silent(self) -> None:
        """Forget the readers silent too long (under the lock), one log line each."""
        for name in self._readers.forget_silent():
            log.warning(
                "ipycomm: forgot reader %s: no credit for %g s more after it stopped "
                "holding the kernel back (c.IPyComm.forget_reader_after); it no longer "
                "counts for chunking or batching, and registers again if it credits",
                name,
                self._readers.forget_after,
            )

    def arm_forgetting(self) -> None:
        """Look again when the first silent reader is due to be forgotten, even if nothing
        is sent meanwhile."""
        with self._cond:
            delay = None if self._forget_armed else self._readers.seconds_until_forgotten()
            self._forget_armed = self._forget_armed or delay is not None
        if delay is not None:
            self._sender.schedule_later(delay, self._forget_due)

    def _forget_due(self) -> None:
        with self._cond:
            self._forget_armed = False
        self._flush()  # forgets, and looks again for the next one

    def warn_stale(self, names: list[str], waiting: str) -> None:
        for name in names:
            log.warning(
                "ipycomm: reader %s sent no credit for %g s while %s waited for it; "
                "it no longer holds the kernel back until it does",
                name,
                self._readers.stale_after,
                waiting,
            )

    def wait_for_taken(self, seq: int | None, recheck: Callable[[], None]) -> bool:
        """A chunked transfer waits for the readers to take ``seq`` (None: a message still
        queued here): a reader silent for ``stale_after`` meanwhile stops setting the pace, as
        for messages in the queue. ``recheck`` runs on the sending thread when the next one
        would go stale; returns whether it was scheduled (not when no reader holds ``seq``)."""
        with self._cond:
            if seq is None:
                delay: float | None = self._readers.stale_after
            else:
                dropped = self._readers.drop_stale(seq, ahead=0)
                self.warn_stale(dropped, "a chunked transfer")
                # A reader just dropped lets the transfer go on: look again at once.
                delay = 0.0 if dropped else self._readers.seconds_until_stale()
        self.arm_forgetting()  # a reader dropped here is forgotten in time too
        if delay is not None:
            self._sender.schedule_later(delay, recheck)
        return delay is not None
