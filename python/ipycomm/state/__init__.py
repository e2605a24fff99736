"""Synced state: a comm's state kept by the kernel, which every view agrees on
(docs/frontend-targets.md §6)."""

from .store import ChangeCallback, SyncedState
from .wire import STATE_KEY, StateMessage

__all__ = ["STATE_KEY", "ChangeCallback", "StateMessage", "SyncedState"]
