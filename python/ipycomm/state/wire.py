"""The synced state's messages (docs/frontend-targets.md §6). Each is comm data holding
:data:`STATE_KEY`, with the values in ``state`` and their binary parts as buffers at
``buffer_paths``:

- ``full`` (kernel → page): the whole state at ``version``; in ``comm_open`` and after ``sync``.
- ``change`` (kernel → page): the keys set, and the keys ``deleted``, at ``version``; ``acks``
  names the view whose ``set`` this is, with that set's ``seq``.
- ``set`` (page → kernel): a view's change; the view's id and its own ``seq``.
- ``sync`` (page → kernel): send me ``full``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..protocol import STATE_KEY
from .values import join, split

__all__ = ["STATE_KEY", "StateMessage", "change_message", "full_message"]


def full_message(version: int, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    return _message({"kind": "full", "version": version}, values)


def change_message(
    version: int,
    values: Mapping[str, Any],
    deleted: list[str],
    acks: dict[str, int],
) -> tuple[dict[str, Any], list[Any]]:
    header: dict[str, Any] = {"kind": "change", "version": version}
    if deleted:
        header["deleted"] = deleted
    if acks:
        header["acks"] = acks
    return _message(header, values)


def _message(header: dict[str, Any], values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    state, paths, buffers = split(values)
    data: dict[str, Any] = {STATE_KEY: header, "state": state}
    if paths:
        data["buffer_paths"] = paths
    return data, buffers


class StateMessage:
    """A view's ``set`` or ``sync``, checked: anything malformed raises ValueError saying what."""

    def __init__(self, data: Mapping[str, Any], buffers: list[Any]) -> None:
        header = data[STATE_KEY]
        if not isinstance(header, dict) or header.get("kind") not in ("set", "sync"):
            raise ValueError(f"{STATE_KEY} must be {{'kind': 'set' | 'sync', ...}}, got {header!r}")
        self.kind: str = header["kind"]
        self.view: str | None = None
        self.seq = 0
        self.values: dict[str, Any] = {}
        if self.kind == "set":
            self._read_set(header, data, buffers)

    def _read_set(
        self, header: dict[str, Any], data: Mapping[str, Any], buffers: list[Any]
    ) -> None:
        view, seq, state = header.get("view"), header.get("seq"), data.get("state")
        if not isinstance(view, str) or not isinstance(seq, int) or isinstance(seq, bool):
            raise ValueError(f"a set needs a string 'view' and an integer 'seq', got {header!r}")
        if not isinstance(state, dict):
            raise ValueError(f"a set needs a 'state' object, got {state!r}")
        self.view, self.seq = view, seq
        self.values = join(state, data.get("buffer_paths", []), buffers)
