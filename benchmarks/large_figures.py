"""The large-message figures (ui-tests/bench/large.bench.ts, group ``large``): throughput both
ways next to a bare websocket server's from the same page (and, within each round, as a
fraction of it), an ipywidgets FileUpload, a small echo and an IntSlider key while a big
message travels, a large Image.value update, and a gigabyte upload with the memory each
process peaked at."""

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


def _ceiling(way: str, how: str) -> Pick:
    """MB/s through the bare websocket server, ``way`` up or down, ``how`` chunked or one."""

    def pick(r: dict[str, Any]) -> float | None:
        ceiling = _large(r).get("ceiling") or {}
        ms = ceiling.get(f"{way}_{how}_ms")
        return None if not ms else ceiling[f"{way}_bytes"] / 1e6 / (ms / 1000)

    return pick


def _over(numerator: Pick, denominator: Pick) -> Pick:
    """One figure over another of the same round and side (None if either is missing)."""

    def pick(r: dict[str, Any]) -> float | None:
        top, bottom = numerator(r), denominator(r)
        return None if top is None or not bottom else top / bottom

    return pick


def _keys(part: str) -> Pick:
    """The IntSlider's key to echo_update p50, ``idle`` or during the ``down`` transfer; or,
    for ``count``, how many keys were answered during it."""

    def pick(r: dict[str, Any]) -> float | None:
        slider = _large(r).get("slider")
        if not slider:
            return None
        keys = slider["down"]["keys"]
        return len(keys) if part == "count" else _p50(slider["idle"] if part == "idle" else keys)

    return pick


def _image(r: dict[str, Any]) -> float | None:
    """The Image update's p50; None unless the <img> ended up with exactly the bytes set."""
    large = _large(r)
    image = large.get("image") or {}
    right = image.get("bytes") == round(large.get("image_mb", 0) * 1e6)
    return _p50(image.get("ms")) if right else None


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
        figure("bare websocket page -> server, same size, 1 MiB messages (MB/s)", "large",
               _ceiling("up", "chunked"), None),
        figure("bare websocket page -> server, same size, one message (MB/s)", "large",
               _ceiling("up", "one"), None),
        figure("  50 MB page -> kernel / bare 1 MiB messages up (same round)", "large",
               _over(_rate("up_mb", "up_ms"), _ceiling("up", "chunked")), "higher", 2),
        figure("50 MB kernel -> page (MB/s)", "large", _rate("down_mb", "down_ms"), "higher"),
        figure("bare websocket server -> page, same size, 1 MiB messages (MB/s)", "large",
               _ceiling("down", "chunked"), None),
        figure("bare websocket server -> page, same size, 8 MiB messages (MB/s)", "large",
               _ceiling("down", "big"), None),
        figure("bare websocket server -> page, same size, one message (MB/s)", "large",
               _ceiling("down", "one"), None),
        figure("  50 MB kernel -> page / bare 1 MiB messages down (same round)", "large",
               _over(_rate("down_mb", "down_ms"), _ceiling("down", "chunked")), "higher", 2),
        figure("FileUpload 30 MB: bytes the kernel got (MB)", "large",
               lambda r: _large(r).get("upload_bytes", 0) / 1e6, "higher"),
        figure("small echo p50, idle (ms)", "large", _echo("idle"), "lower"),
        figure("small echo p50 while 200 MB go kernel -> page (ms)", "large",
               _echo("down"), "lower"),
        figure("  ... as a multiple of the idle echo", "large",
               _over(_echo("down"), _echo("idle")), "lower", 2),
        figure("small echo p50 while 200 MB go page -> kernel (ms)", "large",
               _echo("up"), "lower"),
        figure("  ... as a multiple of the idle echo", "large",
               _over(_echo("up"), _echo("idle")), "lower", 2),
        figure("IntSlider key to echo_update p50, idle (ms)", "large", _keys("idle"), "lower"),
        figure("IntSlider key to echo_update p50 while 200 MB go kernel -> page (ms)", "large",
               _keys("down"), "lower"),
        figure("  ... as a multiple of the idle key round trip", "large",
               _over(_keys("down"), _keys("idle")), "lower", 2),
        figure("  ... keys answered during those 200 MB", "large", _keys("count"), None, 0),
        figure("Image.value 5 MB: set to the page's <img> showing it, p50 (ms)", "large",
               _image, "lower"),
        figure("1 GB page -> kernel (MB/s)", "large", _gigabyte_rate, "higher"),
        figure("1 GB page -> kernel: kernel peak RSS growth (MB)", "large",
               _gigabyte("kernel"), None, 0),
        figure("1 GB page -> kernel: server peak RSS growth (MB)", "large",
               _gigabyte("server"), None, 0),
    ]  # fmt: skip
