"""Hot reload: a daemon thread that polls a few files and calls back when one was saved."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger("ipycomm")

#: How often the files are looked at, in seconds.
POLL_INTERVAL = 0.2


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class FileWatcher:
    """Calls ``on_change()`` from its own thread each time one of ``paths`` changes on disk and
    is not empty (an editor may truncate a file before writing it). ``on_change`` errors are
    logged, and watching goes on."""

    def __init__(self, paths: Sequence[Path], on_change: Callable[[], None], name: str) -> None:
        self._paths = list(paths)
        self._on_change = on_change
        self._stop = threading.Event()
        self._stamps = [_stamp(p) for p in self._paths]
        self._thread = threading.Thread(target=self._run, name=f"ipycomm-watch-{name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(POLL_INTERVAL):
            stamps = [_stamp(p) for p in self._paths]
            if stamps == self._stamps:
                continue
            if any(stamp is None or stamp[1] == 0 for stamp in stamps):
                missing = [str(p) for p, s in zip(self._paths, stamps, strict=True) if not s]
                if missing:
                    log.warning("ipycomm: a watched file is missing or empty: %s", missing)
                self._stamps = stamps
                continue
            self._stamps = stamps
            try:
                self._on_change()
            except Exception:
                log.warning("ipycomm: reloading %s failed", self._paths, exc_info=True)
