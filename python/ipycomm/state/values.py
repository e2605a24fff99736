"""The values a synced state holds (docs/frontend-targets.md §6): JSON, or binary values
(``bytes``, ``bytearray``, ``memoryview``, numpy arrays), anywhere inside a value. On the wire a
state is JSON with each binary value taken out into a buffer, at a path that says where it goes
back (``buffer_paths``, as ipywidgets does)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

#: A place inside a state: its key, then list indices and dict keys.
Path = list[str | int]


def is_binary(value: Any) -> bool:
    """Whether ``value`` travels as a buffer."""
    if isinstance(value, bytes | bytearray | memoryview):
        return True
    kind = type(value)
    return kind.__name__ == "ndarray" and kind.__module__ == "numpy"


def check_value(key: Any, value: Any) -> None:
    """Raise TypeError or ValueError, naming ``key``, unless ``value`` may be held in a state."""
    if not isinstance(key, str):
        raise TypeError(f"comm.state: keys are strings, got {key!r} ({type(key).__name__})")
    problem = _problem(value, [key])
    if problem is not None:
        path, what = problem
        raise TypeError(
            f"comm.state[{key!r}]: {what}{_where(path)} is not JSON or binary "
            "(bytes, bytearray, memoryview or a numpy array)"
        )


def _problem(value: Any, path: Path) -> tuple[Path, str] | None:
    if value is None or isinstance(value, bool | int | str) or is_binary(value):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, f"the float {value!r}")
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _problem(item, [*path, index])
            if found is not None:
                return found
        return None
    if isinstance(value, Mapping):
        for name, item in value.items():
            if not isinstance(name, str):
                return path, f"a dict key {name!r} ({type(name).__name__}, not str)"
            found = _problem(item, [*path, name])
            if found is not None:
                return found
        return None
    return path, f"a value of type {type(value).__module__}.{type(value).__qualname__}"


def _where(path: Path) -> str:
    inner = path[1:]
    return f" at {''.join(f'[{step!r}]' for step in inner)}" if inner else ""


def split(state: Mapping[str, Any]) -> tuple[dict[str, Any], list[Path], list[Any]]:
    """The JSON of ``state`` with its binary values taken out, their paths, and the buffers."""
    paths: list[Path] = []
    buffers: list[Any] = []

    def walk(value: Any, path: Path) -> Any:
        if is_binary(value):
            paths.append(path)
            buffers.append(value)
            return None
        if isinstance(value, list | tuple):
            return [walk(item, [*path, index]) for index, item in enumerate(value)]
        if isinstance(value, Mapping):
            return {name: walk(item, [*path, name]) for name, item in value.items()}
        return value

    return {key: walk(value, [key]) for key, value in state.items()}, paths, buffers


def join(state: dict[str, Any], paths: Any, buffers: list[Any]) -> dict[str, Any]:
    """Put ``buffers`` back into the JSON ``state`` at ``paths`` (as ``bytes``); raises
    ValueError when the paths do not fit the state or the buffers."""
    if not isinstance(paths, list) or len(paths) != len(buffers):
        raise ValueError(f"buffer_paths must list one path per buffer ({len(buffers)})")
    for path, buffer in zip(paths, buffers, strict=True):
        if not isinstance(path, list) or not path or not isinstance(path[0], str):
            raise ValueError(f"a buffer path must start with a state key, got {path!r}")
        _put(state, path, bytes(buffer))
    return state


def _put(state: Any, path: list[Any], value: bytes) -> None:
    holder: Any = state
    last: Any = path[-1]
    try:
        for step in path[:-1]:
            holder = holder[step]
        fits = (isinstance(holder, dict) and isinstance(last, str)) or (
            isinstance(holder, list) and isinstance(last, int)
        )
        if not fits:
            raise TypeError
        holder[last] = value
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"the buffer path {path!r} does not fit the state") from None
