"""Output that must wait for the kernel's chunked transfers (docs/chunking.md §3, "Order"):
a print, display, error or a request's idle published while a transfer is under way waits until
the transfers under way are in the outbox.

What a request sends after output of its own that waits, waits behind that output (ipywidgets'
Output widget sets its ``msg_id``, prints, and clears it: the clearing update must not overtake
the print); so does whatever is sent on a comm that has something waiting here. Other requests
go on: statuses and comm messages of a slider's request do not wait behind a cell's held idle,
so other comms keep their round trips while an image downloads.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Any

from ..flow.queue import Passthrough
from ..flow.wire import Queued

#: What the output is (its msg_type; a status as ``status:<state>``), its parent's msg_id and
#: msg_type; asked only while something waits (reading a message's header costs).
Describe = Callable[[], "tuple[str, str | None, str]"]
#: Output a request publishes before any of its code runs: it can follow no comm message of
#: its own request, so it never waits (it reaches the IOPub thread late, after a transfer the
#: request's code started, and would otherwise hold that request's later messages back).
NEVER_WAITS = frozenset({"status:busy", "status:starting", "execute_input"})


class HeldOutput:
    """The kernel's own output, held, with the request it belongs to."""

    __slots__ = ("output", "parent_id")

    def __init__(self, output: Passthrough, parent_id: str | None) -> None:
        self.output = output
        self.parent_id = parent_id


class Barrier:
    """What waits behind the transfers under way, in order. Not thread-safe: the pacer holds
    its lock around every call."""

    def __init__(self) -> None:
        #: Held output, and the comm messages and transfers held behind it.
        self._held: deque[Any] = deque()
        self._parents: Counter[str | None] = Counter()
        self._comms: Counter[str] = Counter()

    def __bool__(self) -> bool:
        return bool(self._held)

    def output_waits(self, kind: str, parent: str | None, waiting: Iterable[Any]) -> bool:
        """Whether output of ``kind`` from request ``parent`` waits: a busy status or an
        execute_input never; any other status (a request's idle) when something of its request
        waits here or in a lane (``waiting``: the entries of the lanes); other output always."""
        if kind in NEVER_WAITS:
            return False
        if kind.startswith("status:"):
            return parent in self._parents or parent in map(parent_id, waiting)
        return True

    def waits_for(self, parent: str | None, comm_id: str) -> bool:
        """Whether a message of request ``parent`` on ``comm_id`` must wait here."""
        return bool(self._held) and (parent in self._parents or comm_id in self._comms)

    def hold(self, entry: Any) -> None:
        """Hold a HeldOutput, or a comm message or transfer that must stay behind one."""
        self._held.append(entry)
        self._parents[_parent_of(entry)] += 1
        if not isinstance(entry, HeldOutput):
            self._comms[entry.comm_id or ""] += 1

    def release(self, lanes: dict[str, deque[Any]], out: list[Queued | Passthrough]) -> bool:
        """Move what no longer waits: into ``out`` (for the outbox) or into a lane (a message
        on a comm whose transfer came out of the barrier before it). Held output stops the
        release while any lane is left. Returns whether anything moved."""
        moved = False
        while self._held:
            entry = self._held[0]
            if isinstance(entry, HeldOutput):
                if lanes:
                    return moved
                out.append(entry.output)
            elif not isinstance(entry, Queued):  # a transfer: it opens its comm's lane
                lanes.setdefault(entry.comm_id, deque()).append(entry)
            elif (lane := lanes.get(entry.comm_id or "")) is not None:
                lane.append(entry)
            else:
                out.append(entry)
            self._forget(self._held.popleft())
            moved = True
        return moved

    def _forget(self, entry: Any) -> None:
        parent = _parent_of(entry)
        self._parents[parent] -= 1
        if not self._parents[parent]:
            del self._parents[parent]
        if not isinstance(entry, HeldOutput):
            comm = entry.comm_id or ""
            self._comms[comm] -= 1
            if not self._comms[comm]:
                del self._comms[comm]


def _parent_of(entry: Any) -> str | None:
    return entry.parent_id if isinstance(entry, HeldOutput) else parent_id(entry)


def parent_id(entry: Any) -> str | None:
    """The msg_id of the request a queued message or transfer belongs to."""
    parent = getattr(entry, "parent", None)
    if isinstance(parent, dict):
        msg_id = (parent.get("header") or {}).get("msg_id")
        return msg_id if isinstance(msg_id, str) else None
    return None
