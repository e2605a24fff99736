"""The synced-state figures (ui-tests/bench/state.bench.ts, group ``state``): a change made in
one page until a second page on the same kernel shows it, for ipycomm's synced state and for an
ipywidgets IntSlider; and after a reload, when each view first shows the kernel's current value
and whether the first value it showed was stale. The synced state exists only with ipycomm: its
rows have no stock value and no ratio."""

from __future__ import annotations

from collections.abc import Callable
from statistics import median
from typing import Any

Pick = Callable[[dict[str, Any]], float | None]


def _state(r: dict[str, Any]) -> dict[str, Any]:
    return dict(r.get("state") or {})


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _sets(series: str, q: float) -> Pick:
    """A percentile of one page-A-to-page-B series; None where the side has none."""

    def pick(r: dict[str, Any]) -> float | None:
        values = _state(r).get(series)
        return _percentile(values, q) if values else None

    return pick


def _counter_over_slider(r: dict[str, Any]) -> float | None:
    counter, slider = _sets("counterMs", 0.5)(r), _sets("sliderMs", 0.5)(r)
    return None if counter is None or not slider else counter / slider


def _reloads(view: str, field: str) -> Pick:
    """The median over this round's reloads of one view's ``field`` (a stale flag becomes
    the share of reloads whose first value was stale)."""

    def pick(r: dict[str, Any]) -> float | None:
        values = [
            float(reload[view][field])
            for reload in _state(r).get("reloads") or []
            if reload.get(view) and reload[view][field] is not None
        ]
        if not values:
            return None
        return sum(values) / len(values) if field == "stale" else median(values)

    return pick


def _loads(r: dict[str, Any]) -> float | None:
    """Page B's document loads per reload (more than one: JupyterLab navigated again)."""
    counts = [len(reload.get("loads") or []) for reload in _state(r).get("reloads") or []]
    return float(median(counts)) if counts else None


def _counter_after_slider(r: dict[str, Any]) -> float | None:
    """How long after the IntSlider the counter showed the current value, in the same load."""
    gaps = [
        reload["counter"]["currentMs"] - reload["slider"]["currentMs"]
        for reload in _state(r).get("reloads") or []
        if reload.get("counter") and reload["counter"]["currentMs"] is not None
        and reload["slider"]["currentMs"] is not None
    ]  # fmt: skip
    return float(median(gaps)) if gaps else None


def _info(path: tuple[str, ...]) -> Pick:
    def pick(r: dict[str, Any]) -> float | None:
        value: Any = _state(r)
        for key in path:
            value = (value or {}).get(key)
        if isinstance(value, str):
            return 1.0 if value == "visible" else 0.0
        return None if value is None else float(value)

    return pick


def state_figures(figure: Callable[..., Any]) -> list[Any]:
    """The figures, built with ``figure(name, group, pick, better, digits)``."""
    return [
        figure("synced state: set in page A to shown in page B p50 (ms)", "state",
               _sets("counterMs", 0.5), "lower", 2),
        figure("synced state: set in page A to shown in page B p90 (ms)", "state",
               _sets("counterMs", 0.9), "lower", 2),
        figure("IntSlider: ArrowRight in page A to shown in page B p50 (ms)", "state",
               _sets("sliderMs", 0.5), "lower", 2),
        figure("IntSlider: ArrowRight in page A to shown in page B p90 (ms)", "state",
               _sets("sliderMs", 0.9), "lower", 2),
        figure("  synced state p50 / IntSlider p50 (same pages)", "state",
               _counter_over_slider, None, 2),
        figure("reload: navigation start to synced counter at current value (ms)", "state",
               _reloads("counter", "currentMs"), "lower", 0),
        figure("reload: navigation start to IntSlider at current value (ms)", "state",
               _reloads("slider", "currentMs"), "lower", 0),
        figure("  reload: counter at current value after the IntSlider, same load (ms)",
               "state", _counter_after_slider, None, 0),
        figure("reload: navigation start to IntSlider's first value shown (ms)", "state",
               _reloads("slider", "firstMs"), None, 0),
        figure("reload: synced counter's first value stale (share of reloads)", "state",
               _reloads("counter", "stale"), None, 2),
        figure("reload: IntSlider's first value stale (share of reloads)", "state",
               _reloads("slider", "stale"), None, 2),
        figure("reload: page B's document loads", "state", _loads, None, 0),
        figure("page B's clock minus page A's (ms, estimate)", "state",
               _info(("clock", "offsetMs")), None, 3),
        figure("  ... bounded by a BroadcastChannel round trip of (ms)", "state",
               _info(("clock", "roundTripMs")), None, 3),
        figure("page B visible during the sets (1 = yes)", "state", _info(("visible",)), None, 0),
    ]  # fmt: skip
