"""The comm_open of a comm with a synced state: its data also carries the ``full`` state."""

from __future__ import annotations

from typing import Any

from ..protocol import Buffers
from .store import SyncedState
from .wire import STATE_KEY


def with_state(
    state: SyncedState | None, data: dict[str, Any] | None, buffers: Buffers
) -> tuple[dict[str, Any] | None, Buffers]:
    """``data`` and ``buffers`` for comm_open: as given without a state; else with the state's
    ``full`` message merged in, which owns the buffers."""
    if state is None:
        return data, buffers
    if buffers:
        raise ValueError(
            "a comm with a synced state sends its binary values as buffers: put binary data "
            "in the state instead of passing buffers="
        )
    if data is not None and not isinstance(data, dict):
        raise TypeError(f"data must be a dict, got {type(data).__name__}")
    full, state_buffers = state.full()
    clash = sorted(set(data or {}) & set(full))
    if clash:
        raise ValueError(f"data keys {clash} are reserved for the synced state ({STATE_KEY})")
    return {**(data or {}), **full}, state_buffers
