"""Who reads iopub: the kernel's count of the subscribers that read ipycomm's envelopes
(docs/flow-control.md §6).

A subscriber that takes part subscribes to :data:`.wire.PARTICIPANT_TOPIC` besides ``b""``.
The kernel's XPUB socket reports every subscription and unsubscription (``XPUB_VERBOSER``);
:class:`Subscribers` counts them. Envelopes (batches, chunks) go out only while every
subscription but the participant marks is matched by a mark: one subscriber that did not
mark itself (a stock page behind jupyter_server, VS Code, nbclient, a plain jupyter_client)
and the whole kernel publishes the plain protocol. Pure bookkeeping, no socket inside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .wire import PARTICIPANT_TOPIC

#: A frame from an XPUB socket: 1 or 0 (subscribe or unsubscribe), then the topic.
SUBSCRIBE, UNSUBSCRIBE = 1, 0


class Subscribers:
    """Subscription counts of one iopub socket, fed from the thread that reads it."""

    def __init__(self) -> None:
        self._topics: Counter[bytes] = Counter()

    def event(self, frame: bytes) -> bool:
        """Count one XPUB event frame. Returns whether the stock socket (without
        ``XPUB_VERBOSER``) would have reported it too: the first subscription of a topic."""
        if not frame:
            return False
        kind, topic = frame[0], bytes(frame[1:])
        if kind == SUBSCRIBE:
            self._topics[topic] += 1
            return self._topics[topic] == 1
        if kind == UNSUBSCRIBE and self._topics[topic] > 0:
            self._topics[topic] -= 1
            if not self._topics[topic]:
                del self._topics[topic]
        return False

    @property
    def participants(self) -> int:
        return self._topics[PARTICIPANT_TOPIC]

    @property
    def plain(self) -> int:
        """Subscriptions not matched by a participant mark: at least one reader that gets
        iopub and never said it reads envelopes, when above 0."""
        others = sum(n for topic, n in self._topics.items() if topic != PARTICIPANT_TOPIC)
        return max(0, others - self.participants)

    def private(self) -> bool:
        """Whether every subscriber reads envelopes (True with no subscriber at all)."""
        return self.plain == 0


class WireScope:
    """What the outbox asks before it sends an envelope: ``refresh()`` reads the subscription
    events that arrived (on the sending thread), ``private()`` says whether every subscriber
    reads envelopes. This default is for a writer whose readers all take part (unit tests);
    a kernel's comes from :mod:`ipycomm.kernel.xpub`."""

    def refresh(self) -> None:
        """Take in the subscription events that arrived; on the sending thread only."""

    def private(self) -> bool:
        return True


class CountedScope(WireScope):
    """A scope from counted subscriptions; ``drain`` counts the event frames waiting on the
    socket (called on the sending thread, which owns the socket)."""

    def __init__(self, subscribers: Subscribers | None, drain: Callable[[], None]) -> None:
        #: None: the subscriptions were never counted (ipycomm came in after the kernel's
        #: IOPub thread was built), so nothing is known: the plain protocol only.
        self.subscribers = subscribers
        self._drain = drain

    def refresh(self) -> None:
        self._drain()

    def private(self) -> bool:
        return self.subscribers is not None and self.subscribers.private()
