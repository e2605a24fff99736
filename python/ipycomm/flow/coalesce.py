"""Latest-value coalescing: when a state update waits in the outbox for credit and a later
update on the same comm sets one of its keys again, the two become one update, in the later
one's place, that sets every key at its latest value (docs/flow-control.md §5). So a reader that
lags gets the final state at once, and never a combination of values the kernel never held.

Two update shapes are known, by comm target:

- ``jupyter.widget`` (ipywidgets, anywidget, ipympl, bqplot...): ``{"method": "update",
  "state": {...}, "buffer_paths": [...]}``. A key's buffers go with it. ``echo_update`` is
  never merged, in either direction: ipywidgets matches echoes to the request that caused them.
- ``simple_slider`` (ipycomm's slider): ``{"action": "update_value", "value": v}``.
- a synced state's ``change`` made by the kernel, on any target (docs/frontend-targets.md §6):
  ``{"ipycomm_state": {"kind": "change", "version": n}, "state": {...}, "buffer_paths": [...]}``.
  The merged change has the later version. A change that answers a view's ``set`` (``acks``) or
  deletes keys is never merged: the views match their sets to their acks.

Anything else is never touched. Which messages may merge at all is the queue's business
(:mod:`.queue`); this module only says what an update sets and rewrites one to carry the keys
of the updates it replaces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..protocol import STATE_KEY
from .wire import Queued

WIDGET_TARGET = "jupyter.widget"
SLIDER_TARGET = "simple_slider"


def update_keys(
    target_name: str | None, data: Mapping[str, Any], buffer_count: int
) -> frozenset[str] | None:
    """The state keys a comm_msg's ``data`` (sent with ``buffer_count`` buffers) sets, when it
    is an update that may merge; else None (not an update, or buffers it does not account for)."""
    if target_name == WIDGET_TARGET:
        return _widget_update_keys(data, buffer_count)
    if STATE_KEY in data:
        return _state_change_keys(data, buffer_count)
    if target_name == SLIDER_TARGET and data.get("action") == "update_value" and len(data) == 2:
        return frozenset({"value"}) if "value" in data and not buffer_count else None
    return None


def _state_change_keys(data: Mapping[str, Any], buffer_count: int) -> frozenset[str] | None:
    header = data[STATE_KEY]
    if not isinstance(header, dict) or header.get("kind") != "change" or len(header) != 2:
        return None  # a full state, or a change with acks or deletions
    if len(data) != 2 + ("buffer_paths" in data):
        return None
    return _state_keys(data.get("state"), data, buffer_count)


def _widget_update_keys(data: Mapping[str, Any], buffer_count: int) -> frozenset[str] | None:
    if data.get("method") != "update":
        return None
    return _state_keys(data.get("state"), data, buffer_count)


def _state_keys(state: Any, data: Mapping[str, Any], buffer_count: int) -> frozenset[str] | None:
    if not isinstance(state, dict):
        return None
    paths = data.get("buffer_paths", [])
    if not isinstance(paths, list) or len(paths) != buffer_count:
        return None
    keys = set(state)
    for path in paths:
        if not isinstance(path, list) or not path or not isinstance(path[0], str):
            return None
        if path[0] not in state and len(path) > 1:
            return None  # a buffer we could not attach to a key: leave the update whole
        # A bytes trait's key is not in the state at all: ipywidgets sends it as a buffer at
        # [key], and the frontend puts it back there.
        keys.add(path[0])
    return frozenset(keys) or None


class Update:
    """A waiting state update as merging sees it: the queued message, and its parts (each
    key's member of the state as JSON, each key's buffers), taken apart when a merge first
    needs them and kept, so that the next merge splices them instead of parsing again."""

    __slots__ = ("_parts", "item", "keys")

    def __init__(self, item: Queued) -> None:
        assert item.update_keys is not None
        self.item = item
        self.keys = item.update_keys
        self._parts: _Parts | None = None

    def parts(self) -> _Parts:
        if self._parts is None:
            self._parts = _take_apart(self.item)
        return self._parts

    def become(self, parts: _Parts, keys: frozenset[str]) -> None:
        """Rewrite the message to carry ``parts``, serialized once, spliced from their JSON."""
        self._parts, self.keys = parts, keys
        _repack(self.item, parts, keys)


@dataclass
class _Parts:
    """A widget update taken apart by key."""

    #: The data's other members, as JSON (``"method":"update"``).
    head: bytes
    #: Each key in the state, and its member of the state as JSON (``"key":value``).
    members: dict[str, bytes]
    #: Each key that has buffers, and its buffers with their paths.
    buffers: dict[str, list[tuple[list[Any], Any]]]
    #: Whether the data has ``buffer_paths`` (ipywidgets sends them even when empty).
    has_paths: bool


def carry_into(later: Update, earlier: Sequence[Update]) -> None:
    """Rewrite the update ``later`` so that it also sets what ``earlier`` set: the updates of
    its comm queued before it (oldest first), which the caller removes. Each key keeps its
    latest value, and its buffers (ipywidgets ``buffer_paths``) go with it. A key that
    ``later`` sets again is left as it is; when it sets every key, nothing is rewritten."""
    for old in earlier:
        if not old.keys <= later.keys:
            break
    else:
        return  # the usual case, a push loop: nothing to carry, nothing to rewrite
    assert later.item.target_name != SLIDER_TARGET, "slider updates set one key"
    holders: dict[str, Update] = {}  # each key, and the update that holds its latest value
    for old in earlier:
        holders.update(dict.fromkeys(old.keys, old))
    members: dict[str, bytes] = {}
    buffers: dict[str, list[tuple[list[Any], Any]]] = {}
    for key, holder in holders.items():
        if key not in later.keys:
            parts = holder.parts()
            if key in parts.members:
                members[key] = parts.members[key]
            if key in parts.buffers:
                buffers[key] = parts.buffers[key]
    own = later.parts()
    merged = _Parts(
        own.head, members | own.members, buffers | own.buffers, own.has_paths or bool(buffers)
    )
    later.become(merged, later.keys | holders.keys())


def _take_apart(item: Queued) -> _Parts:
    assert item.data is not None
    data = json.loads(item.data)
    state, paths = data.pop("state"), data.pop("buffer_paths", None)
    buffers: dict[str, list[tuple[list[Any], Any]]] = {}
    for path, buffer in zip(paths or [], item.buffers, strict=True):
        buffers.setdefault(path[0], []).append((path, buffer))
    members = {key: _member(key, value) for key, value in state.items()}
    head = b",".join(_member(key, value) for key, value in data.items())
    return _Parts(head, members, buffers, paths is not None)


def _repack(item: Queued, parts: _Parts, keys: frozenset[str]) -> None:
    """Write ``parts`` into ``item``: its data, its packed content, its buffers and size."""
    fields = [parts.head] if parts.head else []
    fields.append(b'"state":{%s}' % b",".join(parts.members.values()))
    pairs = [pair for pairs in parts.buffers.values() for pair in pairs]
    if parts.has_paths:
        fields.append(b'"buffer_paths":%s' % _dumps([path for path, _ in pairs]))
    item.data = b"{%s}" % b",".join(fields)
    item.content = b'{"data":%s,"comm_id":%s}' % (item.data, _dumps(item.comm_id))
    item.buffers = [buffer for _, buffer in pairs]
    item.update_keys = keys
    item.__post_init__()  # its size


#: As jupyter_client's packer serializes; one encoder, not one per value.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def _member(key: str, value: Any) -> bytes:
    return b"%s:%s" % (_dumps(key), _dumps(value))


def _dumps(value: Any) -> bytes:
    # The value came from JSON, so it needs no default.
    return _ENCODER.encode(value).encode()
