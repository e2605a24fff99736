"""The outbox's sending thread, as the outbox sees it: the one thread that puts wire messages
on the socket (the ipykernel adapter's IOPub thread, a test's fake)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .wire import Wire


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
