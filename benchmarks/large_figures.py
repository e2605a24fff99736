"""The large-message figures (ui-tests/bench/large.bench.ts, group ``large``): throughput both
ways, an ipywidgets FileUpload, a small echo while a big message travels, and a gigabyte
upload with the memory each process peaked at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Pick = Callable[[dict[str, Any]], float | None]


def _p50(values: list[float] | None) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _large(r: dict[str, Any]) -> dict[str, Any]:
    return dict(r.get("large") or {})


def _rate(mb_key: str, ms_key: str) -> Pick:
    """MB/s of one transfer; None when it never arrived (lost)."""

    def pick(r: dict[str, Any]) -> float | None:
        large = _large(r)
        ms = large.get(ms_key)
        return None if not ms else float(large[mb_key]) / (float(ms) / 1000)

    return pick


def _echo(part: str) -> Pick:
    def pick(r: dict[str, Any]) -> float | None:
        echo = _large(r).get("echo") or {}
        series = echo.get(part) if part == "idle" else (echo.get(part) or {}).get("echoes")
        return _p50(series)

    return pick


def _echo_ratio(part: str) -> Pick:
    def pick(r: dict[str, Any]) -> float | None:
        busy, idle = _echo(part)(r), _echo("idle")(r)
        return None if busy is None or not idle else busy / idle

    return pick


def _gigabyte(what: str) -> Pick:
    """Growth of a process's peak resident memory over the gigabyte upload, in MB."""

    def pick(r: dict[str, Any]) -> float | None:
        gb = _large(r).get("gigabyte") or {}
        before, after = gb.get("before"), gb.get("after")
        return None if not before or not after else (after[what] - before[what]) / 1e6

    return pick


def _gigabyte_rate(r: dict[str, Any]) -> float | None:
    gb = _large(r).get("gigabyte") or {}
    got = gb.get("got")
    return None if not gb.get("ms") or not got else got[0] / 1e6 / (gb["ms"] / 1000)


def large_figures(figure: Callable[..., Any]) -> list[Any]:
    """The figures, built with ``figure(name, group, pick, better, digits)``."""
    return [
        figure("50 MB page -> kernel, createComm().send (MB/s; - = lost)", "large",
               _rate("up_mb", "up_ms"), "higher"),
        figure("50 MB kernel -> page (MB/s)", "large", _rate("down_mb", "down_ms"), "higher"),
        figure("FileUpload 30 MB: bytes the kernel got (MB)", "large",
               lambda r: _large(r).get("upload_bytes", 0) / 1e6, "higher"),
        figure("small echo p50, idle (ms)", "large", _echo("idle"), "lower"),
        figure("small echo p50 while 200 MB go kernel -> page (ms)", "large",
               _echo("down"), "lower"),
        figure("  ... as a multiple of the idle echo", "large", _echo_ratio("down"), "lower", 2),
        figure("small echo p50 while 200 MB go page -> kernel (ms)", "large",
               _echo("up"), "lower"),
        figure("  ... as a multiple of the idle echo", "large", _echo_ratio("up"), "lower", 2),
        figure("1 GB page -> kernel (MB/s)", "large", _gigabyte_rate, "higher"),
        figure("1 GB page -> kernel: kernel peak RSS growth (MB)", "large",
               _gigabyte("kernel"), None, 0),
        figure("1 GB page -> kernel: server peak RSS growth (MB)", "large",
               _gigabyte("server"), None, 0),
    ]  # fmt: skip
