"""What waits in the outbox, in order: comm messages held for credit, the kernel's other iopub
output held behind them, and the bookkeeping that merges state updates (latest value wins).

Not thread-safe: :class:`.outbox.Outbox` holds its lock around every call.

Merging (:mod:`.coalesce`) only ever happens between updates of one comm with nothing in
between that could observe the state they skip: another message on that comm (a custom
message, a close) or any iopub output that is not a comm message (a print, a display, an
error, a status) ends the run of updates that may merge. That keeps, for example, the
ipywidgets Output widget's ``msg_id`` update in front of the output it captures. Within a
run, an update that sets a key again replaces the update that set it and every update of the
comm queued after that one: it carries their keys, in its own place, so a reader goes from one
state the kernel held straight to another.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from itertools import islice

from .batch import MAX_BYTES, MAX_ITEMS, to_wire
from .coalesce import Update, carry_into
from .wire import Queued, Wire


class Passthrough:
    """An iopub message that is not ipycomm's (a stream, a status...), already serialized: it
    waits behind the comm messages queued before it, so it never overtakes them, and takes
    no credit (it carries no seq)."""

    __slots__ = ("send", "size")

    def __init__(self, send: Callable[[], None], size: int) -> None:
        self.send = send
        self.size = size


Item = Queued | Passthrough


class SendQueue:
    """The ordered queue of an outbox."""

    def __init__(self) -> None:
        self._items: deque[Item] = deque()
        #: Items merged away that are still in ``_items`` (by id: they stay alive there).
        self._merged: set[int] = set()
        #: Per comm, the updates at the tail of its run that a later update may merge into
        #: (their keys never overlap).
        self._updates: dict[str, deque[Update]] = {}
        #: Items that will be sent, and their bytes.
        self.live = 0
        self.bytes = 0
        #: Items ever queued, and ever sent or merged away (for drain).
        self.queued_count = 0
        self.taken_count = 0

    def __bool__(self) -> bool:
        return self.live > 0

    def append(self, item: Item) -> None:
        if isinstance(item, Queued):
            self._merge(item)
        else:
            self._updates.clear()
        self._items.append(item)
        self.live += 1
        self.bytes += item.size
        self.queued_count += 1

    def take(
        self, seq: int, limit: int | None, batchable: Callable[[Queued], bool]
    ) -> tuple[list[Wire | Passthrough], int]:
        """Pop what ``limit`` (the highest seq allowed; None: no limit) lets go after ``seq``:
        wire messages numbered from ``seq + 1``, bursts packed into batches, and the
        passthroughs between them. Returns them and the last seq used."""
        out: list[Wire | Passthrough] = []
        while (head := self._head()) is not None:
            if isinstance(head, Passthrough):
                out.append(self._pop())
                continue
            if limit is not None and seq >= limit:
                break
            group = [self._pop_queued()]
            if batchable(group[0]):
                size = group[0].size
                while len(group) < MAX_ITEMS and size < MAX_BYTES:
                    follower = self._head()
                    if not isinstance(follower, Queued) or not _joins(group[0], follower):
                        break
                    group.append(self._pop_queued())
                    size += follower.size
            seq += 1
            if group[0].on_numbered is not None:
                group[0].on_numbered(seq)  # never batched, so alone in its group
            out.append(to_wire(seq, group))
        return out, seq

    # -- merging ---------------------------------------------------------------------------------

    def _merge(self, item: Queued) -> None:
        comm_id, keys = item.comm_id, item.update_keys
        if comm_id is None:
            self._updates.clear()  # an error: output that may show the state so far
            return
        if keys is None or item.msg_type != "comm_msg" or item.flow is not None:
            self._updates.pop(comm_id, None)  # flow keys of its own would be lost in a merge
            return
        pending = self._updates.setdefault(comm_id, deque())
        update, replaced = Update(item), _replaced_by(pending, keys)
        if replaced and any(old.item.metadata != item.metadata for old in replaced):
            pending.clear()  # no merge: both stay whole, and nothing merges past them
        elif replaced:
            carry_into(update, replaced)
            for old in reversed(replaced):
                pending.pop()
                self._merged_away(old.item)
        pending.append(update)

    def _merged_away(self, item: Queued) -> None:
        if self._items and self._items[-1] is item:
            self._items.pop()  # the usual case, a push loop: no tombstone needed
        else:
            self._merged.add(id(item))
        self.live -= 1
        self.bytes -= item.size
        self.taken_count += 1

    # -- popping ---------------------------------------------------------------------------------

    def _head(self) -> Item | None:
        """The first item that will be sent, skipping those merged away."""
        while self._items and id(self._items[0]) in self._merged:
            self._merged.discard(id(self._items.popleft()))
        return self._items[0] if self._items else None

    def _pop(self) -> Item:
        item = self._items.popleft()
        self.live -= 1
        self.bytes -= item.size
        self.taken_count += 1
        if isinstance(item, Queued) and item.comm_id is not None:
            pending = self._updates.get(item.comm_id)
            if pending and pending[0].item is item:
                pending.popleft()
        return item

    def _pop_queued(self) -> Queued:
        item = self._pop()
        assert isinstance(item, Queued)
        return item


def _joins(first: Queued, item: Queued) -> bool:
    return (
        item.msg_type == "comm_msg"
        and item.data is not None
        and item.comm_id is not None
        and item.comm_id == first.comm_id
        and (item.parent is first.parent or item.parent == first.parent)
    )


def _replaced_by(pending: deque[Update], keys: frozenset[str]) -> list[Update]:
    """The waiting updates of a comm that a new update setting ``keys`` replaces: the first one
    that sets one of those keys, and every one after it. Sending the later ones that set other
    keys before the merged update would show their values beside the old values of the first:
    a state the kernel never held. (What waits never overlaps: each overlap merged.)"""
    for index, earlier in enumerate(pending):
        if not earlier.keys.isdisjoint(keys):
            return list(pending) if index == 0 else list(islice(pending, index, None))
    return []
