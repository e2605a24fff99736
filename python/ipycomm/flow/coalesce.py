"""Latest-value coalescing: when a state update waits in the outbox for credit and a later
update on the same comm sets one of its keys again, the two become one update, in the later
one's place, that sets every key at its latest value (docs/flow-control.md §5). So a reader that
lags gets the final state at once, and never a combination of values the kernel never held.

Two update shapes are known, by comm target:

- ``jupyter.widget`` (ipywidgets, anywidget, ipympl, bqplot...): ``{"method": "update",
  "state": {...}, "buffer_paths": [...]}``. A key's buffers go with it. ``echo_update`` is
  never merged, in either direction: ipywidgets matches echoes to the request that caused them.
- ``simple_slider`` (ipycomm's slider): ``{"action": "update_value", "value": v}``.

Anything else is never touched. Which messages may merge at all is the queue's business
(:mod:`.queue`); this module only says what an update sets and rewrites one to carry the keys
of the updates it replaces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

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
    if target_name == SLIDER_TARGET and data.get("action") == "update_value" and len(data) == 2:
        return frozenset({"value"}) if "value" in data and not buffer_count else None
    return None


def _widget_update_keys(data: Mapping[str, Any], buffer_count: int) -> frozenset[str] | None:
    state = data.get("state")
    if data.get("method") != "update" or not isinstance(state, dict):
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


def carry_into(item: Queued, earlier: Sequence[Queued]) -> None:
    """Rewrite the update ``item`` so that it also sets what ``earlier`` set: the updates of its
    comm queued before it (oldest first), which the caller removes. Each key keeps its latest
    value, and its buffers (ipywidgets ``buffer_paths``) go with it. A key that ``item`` sets
    again is left as it is; when ``item`` sets every key, nothing is rewritten."""
    assert item.update_keys is not None
    assert item.data is not None
    latest: dict[str, Queued] = {}  # each key carried, and the update holding its latest value
    for old in earlier:
        assert old.update_keys is not None
        latest.update(dict.fromkeys(old.update_keys, old))
    for key in item.update_keys:
        latest.pop(key, None)
    if not latest:
        return  # the usual case, a push loop: nothing to carry, nothing to rewrite
    assert item.target_name == WIDGET_TARGET, "only widget updates set more than one key"
    state: dict[str, Any] = {}
    paths: list[Any] = []
    buffers: list[Any] = []
    for old in earlier:
        keys = {key for key, holder in latest.items() if holder is old}
        if keys:
            _take(old, keys, state, paths, buffers)
    data = json.loads(item.data)
    data["state"] = state | data["state"]
    if paths or "buffer_paths" in data:
        data["buffer_paths"] = paths + data.get("buffer_paths", [])
    _repack(item, data, buffers + item.buffers, item.update_keys | latest.keys())


def _take(
    old: Queued, keys: set[str], state: dict[str, Any], paths: list[Any], buffers: list[Any]
) -> None:
    """Add to ``state``, ``paths`` and ``buffers`` the values of ``keys`` in the widget
    update ``old``, with the buffers that belong to them."""
    assert old.data is not None
    data = json.loads(old.data)
    state.update((key, value) for key, value in data["state"].items() if key in keys)
    for path, buffer in zip(data.get("buffer_paths", []), old.buffers, strict=True):
        if path[0] in keys:
            paths.append(path)
            buffers.append(buffer)


def _repack(item: Queued, data: dict[str, Any], buffers: list[Any], keys: frozenset[str]) -> None:
    """Serialize ``data`` once into ``item``: its data, its packed content and its size."""
    packed = _dumps(data)
    item.data = packed
    item.content = b'{"data":%s,"comm_id":%s}' % (packed, _dumps(item.comm_id))
    item.buffers = buffers
    item.update_keys = keys
    item.__post_init__()  # its size


def _dumps(value: Any) -> bytes:
    # As jupyter_client's packer does; the value came from JSON, so it needs no default.
    return json.dumps(value, ensure_ascii=False, allow_nan=False).encode()
