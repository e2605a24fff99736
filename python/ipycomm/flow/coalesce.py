"""Latest-value coalescing: state updates that wait in the outbox for credit lose the keys a
later update on the same comm sets again, so a reader that lags gets the final state at once
(docs/flow-control.md §5).

Two update shapes are known, by comm target:

- ``jupyter.widget`` (ipywidgets, anywidget, ipympl, bqplot...): ``{"method": "update",
  "state": {...}, "buffer_paths": [...]}``. Each key keeps its latest value; a key's buffers
  go with it. ``echo_update`` is never merged, in either direction: ipywidgets matches echoes
  to the request that caused them.
- ``simple_slider`` (ipycomm's slider): ``{"action": "update_value", "value": v}``.

Anything else is never touched. Which messages may merge at all is the queue's business
(:mod:`.queue`); this module only says what an update sets and rewrites one without some keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
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
    if data.get("method") != "update" or not isinstance(state, dict) or not state:
        return None
    paths = data.get("buffer_paths", [])
    if not isinstance(paths, list) or len(paths) != buffer_count:
        return None
    for path in paths:
        if not isinstance(path, list) or not path or path[0] not in state:
            return None  # a buffer we could not attach to a key: leave the update whole
    return frozenset(state)


def drop_keys(item: Queued, keys: frozenset[str]) -> bool:
    """Rewrite the queued update ``item`` without ``keys`` (and their buffers). Returns False
    when nothing would be left: the caller drops the whole message instead."""
    assert item.update_keys is not None
    assert item.data is not None
    left = item.update_keys - keys
    if not left:
        return False
    if left == item.update_keys:
        return True
    data = json.loads(item.data)
    state = data["state"]
    kept_paths, kept_buffers = [], []
    for path, buffer in zip(data.get("buffer_paths", []), item.buffers, strict=True):
        if path[0] in left:
            kept_paths.append(path)
            kept_buffers.append(buffer)
    data["state"] = {key: value for key, value in state.items() if key in left}
    if "buffer_paths" in data:
        data["buffer_paths"] = kept_paths
    packed = _dumps(data)
    item.data = packed
    item.content = b'{"data":%s,"comm_id":%s}' % (packed, _dumps(item.comm_id))
    item.buffers = kept_buffers
    item.update_keys = left
    item.__post_init__()  # its size
    return True


def _dumps(value: Any) -> bytes:
    # As jupyter_client's packer does; the value came from JSON, so it needs no default.
    return json.dumps(value, ensure_ascii=False, allow_nan=False).encode()
