"""A comm's synced state, kept by the kernel (docs/frontend-targets.md §6): the one authority
that orders every change. The kernel's own changes and the views' ``set``s are applied here one
at a time, each under a new version, and each is sent to every view as one ``change``."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from ..errors import CommClosedWarning
from .values import check_value
from .wire import StateMessage, change_message, full_message

if TYPE_CHECKING:
    from ..comm import Comm

#: ``on_change`` callbacks get the keys a view set, with their new values.
ChangeCallback = Callable[[dict[str, Any]], None]


class SyncedState(MutableMapping[str, Any]):
    """``comm.state``: a mutable mapping whose every change reaches every view of the comm.

    One ``update`` (or ``clear``) is one change: every view sees all of it at once. A value
    that is not JSON or binary raises TypeError at once, naming its key. Safe from any thread.
    """

    def __init__(self, comm: Comm, initial: Mapping[str, Any]) -> None:
        if not isinstance(initial, Mapping):
            raise TypeError(f"state must be a dict, got {type(initial).__name__}")
        for key, value in initial.items():
            check_value(key, value)
        self._comm = comm
        self._values: dict[str, Any] = dict(initial)
        self._version = 0
        self._lock = threading.RLock()
        self._on_change: ChangeCallback | None = None

    @property
    def version(self) -> int:
        """How many changes the state has had since the comm opened."""
        return self._version

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(dict(self._values))

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"<SyncedState version={self._version} {self._values!r}>"

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __delitem__(self, key: str) -> None:
        with self._lock:
            if key not in self._values:
                raise KeyError(key)
            del self._values[key]
            self._publish({}, [key], {})

    def update(self, other: Any = (), /, **changes: Any) -> None:
        """Set every key given at once: one change, seen whole by every view."""
        merged = dict(other, **changes)
        for key, value in merged.items():
            check_value(key, value)
        with self._lock:
            self._values.update(merged)
            self._publish(merged, [], {})

    def clear(self) -> None:
        with self._lock:
            deleted = list(self._values)
            self._values.clear()
            self._publish({}, deleted, {})

    def on_change(self, callback: ChangeCallback | None) -> None:
        if callback is not None and not callable(callback):
            raise TypeError(f"on_change expects a callable or None, got {callback!r}")
        self._on_change = callback

    def full(self) -> tuple[dict[str, Any], list[Any]]:
        """The ``full`` message: the whole state and its version."""
        with self._lock:
            return full_message(self._version, self._values)

    def receive(self, message: StateMessage) -> dict[str, Any] | None:
        """Apply a view's message; returns the keys a ``set`` changed, for ``on_change``."""
        with self._lock:
            if message.kind == "sync":
                self._send(*self.full())
                return None
            assert message.view is not None
            self._values.update(message.values)
            self._publish(message.values, [], {message.view: message.seq})
        return message.values

    def changed_by_view(self, changes: dict[str, Any]) -> None:
        """Call the ``on_change`` callback (the state already holds ``changes``)."""
        callback = self._on_change
        if callback is not None and changes:
            callback(dict(changes))

    def _publish(self, values: Mapping[str, Any], deleted: list[str], acks: dict[str, int]) -> None:
        self._version += 1
        self._send(*change_message(self._version, values, deleted, acks))

    def _send(self, data: dict[str, Any], buffers: list[Any]) -> None:
        why = self._comm._try_send(data, None, buffers)
        if why is not None:
            warnings.warn(
                f"{self._comm!r}: the state changed, but no view learns it because {why}",
                CommClosedWarning,
                stacklevel=4,
            )
