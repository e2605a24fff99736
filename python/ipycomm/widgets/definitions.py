"""``ipycomm.frontend_target``: the browser side of comm targets, defined from the kernel.

The kernel keeps each target's module source, CSS and version, and sends them to every page
on one kernel-opened comm to target ``DEFINITIONS_TARGET``; a page that connects later finds
that comm with ``comm_info_request`` and asks for everything with ``sync`` (the protocol is in
docs/frontend-targets.md §4).
"""

from __future__ import annotations

import functools
import threading
import weakref
from pathlib import Path
from typing import Any

from ..comm import Comm
from ..host import CommHost, installed_manager
from ..protocol import Message
from .watch import FileWatcher

#: The target of the definitions comm (DEFINITIONS_TARGET in src/kernel/protocol.ts).
DEFINITIONS_TARGET = "ipycomm.frontend_targets"
#: Targets whose browser side ipycomm ships: they cannot be redefined.
BUILTIN_TARGETS = frozenset({"simple_slider", "my_widget", DEFINITIONS_TARGET})

Source = str | Path


def frontend_target(name: str, esm: Source, css: Source | None = None, watch: bool = False) -> None:
    """Define, or replace, the browser side of comm target ``name`` in this kernel.

    ``esm`` is an ES module's source, or a Path to a ``.js`` file; ``css`` optional CSS, the same
    way. Redefining re-renders every live view of the target in place. ``watch=True`` redefines
    the target each time one of its files is saved. Bad input raises TypeError, ValueError or
    FileNotFoundError at once.
    """
    _check(name, esm, css, watch)
    _targets_of(installed_manager()).define(name, esm, css, watch)


def frontend_targets() -> list[str]:
    """The names of the targets defined in this kernel."""
    return _targets_of(installed_manager()).names()


def _check(name: Any, esm: Any, css: Any, watch: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"frontend_target: name must be a str, got {type(name).__name__}")
    if not name.strip():
        raise ValueError("frontend_target: name must not be empty")
    if name in BUILTIN_TARGETS:
        raise ValueError(f"frontend_target: {name!r} is built into ipycomm and cannot be redefined")
    if not isinstance(esm, str | Path):
        raise TypeError(f"frontend_target: esm must be a str or a Path, got {type(esm).__name__}")
    if css is not None and not isinstance(css, str | Path):
        raise TypeError(f"frontend_target: css must be None, a str or a Path, got {css!r:.80}")
    if not isinstance(watch, bool):
        raise TypeError(f"frontend_target: watch must be a bool, got {watch!r:.80}")
    if watch and not isinstance(esm, Path) and not isinstance(css, Path):
        raise ValueError("frontend_target: watch=True needs esm or css to be a Path to a file")


def _read(source: Source, what: str) -> str:
    if isinstance(source, Path):
        if not source.is_file():
            raise FileNotFoundError(f"frontend_target: {what} file {str(source)!r} does not exist")
        source = source.read_text(encoding="utf-8")
    if what == "esm" and not source.strip():
        raise ValueError("frontend_target: the module source is empty")
    return source


_BY_MANAGER: weakref.WeakKeyDictionary[Any, FrontendTargets] = weakref.WeakKeyDictionary()
_BY_MANAGER_LOCK = threading.Lock()


def _targets_of(manager: CommHost) -> FrontendTargets:
    with _BY_MANAGER_LOCK:
        targets = _BY_MANAGER.get(manager)
        if targets is None:
            targets = _BY_MANAGER[manager] = FrontendTargets(manager)
        return targets


class FrontendTargets:
    """The targets one kernel defined, and the comm that tells every page about them."""

    def __init__(self, manager: CommHost) -> None:
        self._manager = manager
        self._lock = threading.RLock()
        self._definitions: dict[str, dict[str, Any]] = {}
        self._watchers: dict[str, FileWatcher] = {}
        self._comm: Comm | None = None

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._definitions)

    def define(self, name: str, esm: Source, css: Source | None, watch: bool) -> None:
        page_only = getattr(self._manager, "page_only_targets", None)
        if page_only is not None:
            page_only.add(name)  # only ipycomm's pages can show it
        with self._lock:
            self._reload(name, esm, css)
            old = self._watchers.pop(name, None)
            if old is not None:
                old.stop()
            if watch:
                paths = [p for p in (esm, css) if isinstance(p, Path)]
                reload = functools.partial(self._reload, name, esm, css)
                self._watchers[name] = FileWatcher(paths, reload, name)

    def _reload(self, name: str, esm: Source, css: Source | None) -> None:
        """Read the sources and send the definition (the watcher calls this on a save)."""
        with self._lock:
            self._publish(name, _read(esm, "esm"), None if css is None else _read(css, "css"))

    def _publish(self, name: str, esm: str, css: str | None) -> None:
        known = self._definitions.get(name)
        version = known["version"] + 1 if known else 1
        definition = {"name": name, "esm": esm, "css": css, "version": version}
        self._definitions[name] = definition
        comm = self._comm
        if comm is None or comm.closed:
            self._comm = comm = Comm(
                DEFINITIONS_TARGET,
                data={"targets": list(self._definitions.values())},
                manager=self._manager,
            )
            comm.on_msg(self._on_msg)
        else:
            comm.send({"action": "define", "target": definition})

    def _on_msg(self, msg: Message) -> None:
        data = msg["content"].get("data")
        if isinstance(data, dict) and data.get("action") == "sync":
            with self._lock:
                targets = list(self._definitions.values())
                comm = self._comm
            if comm is not None and not comm.closed:
                comm.send({"action": "targets", "targets": targets})
