"""Output that must wait for the kernel's chunked transfers (docs/chunking.md §3, "Order"):
a print, display, error or a request's idle published while a transfer is under way waits until
the transfer's last chunk is in the outbox, and everything sent after it waits behind it.

The pacer's lanes keep a comm's own messages behind its transfer; this keeps the kernel's other
output in place too. Statuses of requests that sent nothing that waits (a slider's busy and
idle while an image downloads) do not wait: they are no barrier, so other comms keep their
round trips during a transfer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from ..flow.queue import Passthrough
from ..flow.wire import Queued

#: The parent's msg_id of a status, or None for any other output; asked only while something
#: waits (parsing a message costs).
Describe = Callable[[], "str | None"]


class Barrier:
    """What waits behind the transfers under way, in order. Not thread-safe: the pacer holds
    its lock around every call."""

    def __init__(self) -> None:
        self._held: deque[Any] = deque()

    def __bool__(self) -> bool:
        return bool(self._held)

    def must_wait(self, describe: Describe, waiting: Iterable[Any]) -> bool:
        """Whether output must wait: anything but the status of a request none of whose
        messages wait (``waiting``: the entries of the lanes)."""
        parent = describe()
        if parent is None:
            return True
        return any(parent == _parent_id(e) for e in (*waiting, *self._held))

    def hold(self, entry: Any) -> None:
        self._held.append(entry)

    def release(self, lanes: dict[str, deque[Any]], out: list[Queued | Passthrough]) -> bool:
        """Move what no longer waits: into ``out`` (for the outbox) or into a lane (a message
        on a comm whose transfer came out of the barrier before it). Output stops the
        release while any lane is left. Entries are output, comm messages, or transfers.
        Returns whether anything moved."""
        moved = False
        while self._held:
            entry = self._held[0]
            if isinstance(entry, Passthrough):
                if lanes:
                    return moved
                out.append(entry)
            elif not isinstance(entry, Queued):  # a transfer: it opens its comm's lane
                lanes.setdefault(entry.comm_id, deque()).append(entry)
            elif (lane := lanes.get(entry.comm_id or "")) is not None:
                lane.append(entry)
            else:
                out.append(entry)
            self._held.popleft()
            moved = True
        return moved


def _parent_id(entry: Any) -> str | None:
    parent = getattr(entry, "parent", None)
    if isinstance(parent, dict):
        msg_id = (parent.get("header") or {}).get("msg_id")
        return msg_id if isinstance(msg_id, str) else None
    return None
