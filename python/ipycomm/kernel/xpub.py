"""Counting the kernel's iopub subscribers through ipykernel's XPUB listener (whose privates
:mod:`ipycomm.compat.ipykernel` names).

ipykernel 7 publishes iopub on an XPUB socket and reads its subscription events to send
``iopub_welcome`` messages. :func:`hook_iopub_class` wraps the listener's set-up, so that every
IOPub thread built from then on reports every event (``XPUB_VERBOSER``) to a
:class:`~ipycomm.flow.subscribers.Subscribers`, and passes ipykernel exactly the events a stock
socket would have reported: its welcome messages stay as they were. It must run before the
kernel's IOPub thread is built (activation does, on import of ipykernel); a thread built
before, or one whose listener is missing, has no count, and the kernel then publishes the
plain protocol only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..compat import ipykernel as compat
from ..flow.subscribers import CountedScope, Subscribers

log = logging.getLogger("ipycomm")

#: Where the count lives on an IOPub thread that was hooked.
_ATTR = "_ipycomm_subscribers"


def hook_iopub_class(thread_class: Any) -> None:
    """Make every IOPub thread of ``thread_class`` built from now on count its subscribers
    (nothing, when the class has no XPUB listener to wrap: the kernel's check says so)."""
    compat.wrap_xpub_setup(thread_class, _count_subscriptions_safely)


def _count_subscriptions_safely(thread: Any) -> None:
    try:
        _count_subscriptions(thread)
    except Exception as err:  # the stock listener stays; the count is just unknown
        log.warning("ipycomm: cannot count iopub subscribers (%s); plain protocol only", err)


def _count_subscriptions(thread: Any) -> None:
    import zmq  # here: ``import ipycomm`` works where zmq cannot be imported

    listener = compat.xpub_listener(thread)
    if listener is None:
        return  # not an XPUB socket (an in-process kernel, ipyparallel): nothing to count
    stream, stock_handler = listener
    socket = compat.pub_socket(thread)
    socket.setsockopt(zmq.XPUB_VERBOSER, 1)
    subscribers = Subscribers()

    def on_events(frames: list[bytes]) -> None:
        stock = [frame for frame in frames if subscribers.event(bytes(frame))]
        if stock:
            stock_handler(stock)

    stream.on_recv(on_events)
    setattr(thread, _ATTR, (subscribers, _drainer(thread, on_events)))


def _drainer(thread: Any, on_events: Callable[[list[bytes]], None]) -> Callable[[], None]:
    import zmq

    socket = compat.pub_socket(thread)

    def drain() -> None:
        """Count the events already waiting, so that a subscriber that came in since the last
        look is known before the next envelope goes out. Reading the socket also moves every
        subscription that reached it into its filter, where the next send would find it."""
        if not compat.on_iopub_thread(thread):
            return  # the socket belongs to the IOPub thread
        while True:
            try:
                frames = socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            except zmq.ZMQError:
                return  # closing
            on_events(frames)

    return drain


def scope_of(kernel: Any) -> CountedScope:
    """The wire scope of a kernel's iopub: counted if its IOPub thread was hooked, else
    unknown (plain protocol only)."""
    hooked = getattr(compat.iopub_thread_of(kernel), _ATTR, None)
    if hooked is None:
        return CountedScope(None, lambda: None)
    subscribers, drain = hooked
    return CountedScope(subscribers, drain)
