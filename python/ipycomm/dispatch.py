"""Where and how a comm's handlers run, now that kernel subshells run them on other threads
than the cells' (docs/architecture.md, "Handlers and threads").

- The handlers of one comm never run at the same time: each comm has a lock that its
  ``on_msg``, ``on_close`` and target-open handlers run under (:class:`HandlerLocks`).
- A library may ask that a comm's handlers, or those of every comm of a target, run on the
  kernel's main thread, between cells, as they did before subshells (:func:`on_main_thread`).
  matplotlib-based widgets want this: pyplot is not thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class HandlerLocks:
    """One re-entrant lock per comm (re-entrant: a handler may call another handler of its own
    comm, as tests and some libraries do). An ipycomm Comm carries its own, so the lock lives
    exactly as long as the comm; comms carried over from the stock layer get one here."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}

    def lock_for(self, comm: Any) -> threading.RLock:
        own = getattr(comm, "handler_lock", None)
        if own is not None:
            return own  # type: ignore[no-any-return]
        with self._guard:
            lock = self._locks.get(comm.comm_id)
            if lock is None:
                lock = self._locks[comm.comm_id] = threading.RLock()
            return lock

    def forget(self, comm_id: str) -> None:
        with self._guard:
            self._locks.pop(comm_id, None)


def hand_to_main(comm: Any, run: Callable[[], None], call_on_main: Callable[..., bool]) -> bool:
    """Hand ``run`` (a handler of ``comm``) to the main thread when the comm asked for it and
    this is another thread; False when the caller should run it here."""
    if not getattr(comm, "on_main_thread", False):
        return False
    if threading.current_thread() is threading.main_thread():
        return False
    return call_on_main(run)


def on_main_thread(target: Any, manager: Any = None) -> None:
    """Run the handlers of ``target`` on the kernel's main thread, between cells.

    ``target`` is a comm (an :class:`ipycomm.Comm`), an object with a ``comm`` attribute (an
    ipywidgets widget, e.g. ipympl's ``fig.canvas``), or a comm target name, which covers every
    comm of that target, opened from either side, now and later. ``manager`` defaults to the
    kernel's. Raises TypeError for anything else.
    """
    if isinstance(target, str):
        if manager is None:
            from .host import installed_manager

            manager = installed_manager()
        manager.run_on_main_thread(target)
        return
    comm = getattr(target, "comm", target)
    if not hasattr(comm, "on_main_thread"):
        raise TypeError(
            "on_main_thread() takes an ipycomm Comm, a widget whose comm is one, or a comm "
            f"target name; got {type(target).__name__}"
        )
    comm.on_main_thread = True
