"""The browser benchmark's figures: what each one reads from a side's results, and which way
is better (benchmarks/browser.py runs the sides and prints them)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .large_figures import large_figures
from .state_figures import state_figures

GROUPS = ("slider", "memory", "push", "frontend", "widgets", "large", "state")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


Pick = Callable[[dict[str, Any]], float | None]


@dataclass
class Figure:
    name: str
    group: str
    pick: Pick
    better: str | None  # "lower", "higher", or None: informational, no ratio
    digits: int = 1


def _structure(name: str) -> Pick:
    """Growth of one of the page's comm structures over the memory run (None if unreadable)."""

    def pick(r: dict[str, Any]) -> float | None:
        before = r["memory"]["structuresBefore"].get(name)
        after = r["memory"]["structuresAfter"].get(name)
        return None if before is None or after is None else float(after - before)

    return pick


def figures(args: argparse.Namespace) -> list[Figure]:
    comms, push = f"{args.comms:,}", f"{args.push:,}"
    return [
        Figure("slider round trip p50 (ms)", "slider",
               lambda r: _percentile(r["slider_round_trip_ms"], 0.5), "lower"),
        Figure("slider round trip p99 (ms)", "slider",
               lambda r: _percentile(r["slider_round_trip_ms"], 0.99), "lower"),
        Figure("page floor: requestKernelInfo() round trip p50 (ms)", "slider",
               lambda r: _percentile(r["kernel_info_round_trip_ms"], 0.5), "lower"),
        Figure("comm echo from the page, paced one per frame, p50 (ms)", "slider",
               _p50("comm_echo_paced_ms"), "lower", 2),
        Figure("comm echo from the page, back to back, p50 (ms)", "slider",
               _p50("comm_echo_back_to_back_ms"), "lower", 2),
        Figure("requestKernelInfo() back to back p50 (ms)", "slider",
               _p50("kernel_info_back_to_back_ms"), "lower", 2),
        Figure("paced comm echo p50 / requestKernelInfo() p50 (same page)", "slider",
               _over_floor("comm_echo_paced_ms"), "lower", 2),
        Figure("back-to-back comm echo p50 / requestKernelInfo() p50", "slider",
               _over_floor("comm_echo_back_to_back_ms"), "lower", 2),
        Figure("IntSlider key to echo_update p50 / requestKernelInfo() p50", "slider",
               _over_floor("intslider_round_trip_ms"), "lower", 2),
        Figure("slider 255-step drag: messages sent", "slider",
               lambda r: r["slider_drag"]["sent"], None, 0),
        Figure("slider drag: animation frames during the drag", "slider",
               lambda r: r["slider_drag"]["frames"], None, 0),
        Figure("slider drag: duration (ms)", "slider",
               lambda r: r["slider_drag"]["durationMs"], None),
        Figure("slider drag: release to kernel at final value (ms)", "slider",
               lambda r: r["slider_drag"]["settleMs"], "lower"),
        Figure("IntSlider round trip p50 (ms)", "slider",
               lambda r: _percentile(r["intslider_round_trip_ms"], 0.5), "lower"),
        Figure("IntSlider round trip p99 (ms)", "slider",
               lambda r: _percentile(r["intslider_round_trip_ms"], 0.99), "lower"),
        Figure("IntSlider 255-step burst: messages sent", "slider",
               lambda r: r["intslider_drag"]["sent"], None, 0),
        Figure("IntSlider burst: release to kernel at final value (ms)", "slider",
               lambda r: r["intslider_drag"]["settleMs"], "lower"),
        Figure(f"page JS heap growth, {comms} comms opened+closed (%)", "memory",
               lambda r: r["memory"]["growthPercent"], "lower", 2),
        Figure(f"page JS heap growth, {comms} comms opened+closed (MB)", "memory",
               lambda r: r["memory"]["growthBytes"] / 1e6, "lower", 2),
        Figure("page JS heap growth per comm (bytes)", "memory",
               lambda r: r["memory"]["growthBytes"] / r["memory"]["comms"], "lower", 0),
        Figure("memory: growth if ipycomm's registry dropped closed models (MB)", "memory",
               lambda r: r["memory"]["growthWithoutModelsBytes"] / 1e6, None, 2),
        Figure("memory: comm_close messages seen by the page", "memory",
               lambda r: r["memory"]["closesSeen"], None, 0),
        Figure("memory: ipycomm models still registered (+)", "memory",
               _structure("managerModels"), None, 0),
        Figure("memory: inspector stats entries (+)", "memory",
               _structure("inspectorStatsComms"), None, 0),
        Figure("memory: kernel connection comms (+)", "memory",
               _structure("kernelConnectionComms"), None, 0),
        Figure(f"kernel push: messages received of {push}", "push",
               lambda r: r["push"]["received"], "higher", 0),
        Figure("kernel push: messages lost", "push", lambda r: r["push"]["lost"], "lower", 0),
        Figure("kernel push: wire messages", "push", lambda r: r["push"]["wire"], None, 0),
        Figure("kernel push: msg/s, first to last arrival", "push",
               lambda r: r["push"]["msgPerSec"], "higher", 0),
        Figure("kernel push: kernel send loop msg/s (if 'done' arrived)", "push",
               lambda r: r["push"]["kernelSendMsgPerSec"], None, 0),
        Figure("frontend_target: cell run to rendered view p50 (ms)", "frontend",
               _frontend("defineMs", 0.5), None),
        Figure("frontend_target: hot reload, cell run to re-rendered view p50 (ms)", "frontend",
               _frontend("reloadMs", 0.5), None),
        Figure("module comm.request round trip p50 (ms)", "frontend",
               _frontend("requestMs", 0.5), None),
        Figure("module plain comm echo round trip p50 (ms)", "frontend",
               _frontend("echoMs", 0.5), None),
        *_stage_figures(),
        *_widget_figures(),
        *large_figures(Figure),
        *state_figures(Figure),
    ]  # fmt: skip


def _values(r: dict[str, Any], series: str, stage: str) -> list[float]:
    """A series of round trips: plain times, or echoes cut in stages (slider.bench.ts)."""
    return [x[stage] if isinstance(x, dict) else x for x in r.get(series) or []]


def _p50(series: str, stage: str = "total") -> Pick:
    def pick(r: dict[str, Any]) -> float | None:
        values = _values(r, series, stage)
        return _percentile(values, 0.5) if values else None

    return pick


def _over_floor(series: str) -> Pick:
    """A round trip's p50 over the same page's paced requestKernelInfo() p50, in one run."""

    def pick(r: dict[str, Any]) -> float | None:
        values = _values(r, series, "total")
        floor = _percentile(r["kernel_info_round_trip_ms"], 0.5)
        return _percentile(values, 0.5) / floor if values and floor > 0 else None

    return pick


#: The stages of one comm echo from the page, as slider.bench.ts cuts it.
STAGES = {
    "pageOut": "comm.send() to the websocket's send",
    "toKernel": "websocket send to the kernel's busy status (server, shell routing)",
    "inKernel": "busy status to the kernel's reply (dispatch, handler)",
    "fromKernel": "kernel's reply to its websocket message in the page",
    "pageIn": "websocket message to the comm's onMsg",
}


def _stage_figures() -> list[Figure]:
    return [
        Figure(f"{how} echo stage p50 (ms): {text}", "slider",
               _p50(f"comm_echo_{series}_ms", stage), None, 2)
        for how, series in (("paced", "paced"), ("back-to-back", "back_to_back"))
        for stage, text in STAGES.items()
    ]  # fmt: skip


def _frontend(name: str, q: float) -> Pick:
    """A percentile of one frontend-target series; None on the stock side, which has none."""

    def pick(r: dict[str, Any]) -> float | None:
        series = (r.get("frontend") or {}).get(name)
        return _percentile(series, q) if series else None

    return pick


def _widgets(part: str, name: str) -> Pick:
    """One ipywidgets figure (None when the page never saw it: the stock view that froze)."""

    def pick(r: dict[str, Any]) -> float | None:
        value = r[part][name]
        return None if value is None else float(value)

    return pick


def _widget_figures() -> list[Figure]:
    return [
        Figure("IntSlider 20k push: cell start to view at final value (ms)", "widgets",
               _widgets("widget_push", "final_ms"), "lower", 0),
        Figure("IntSlider 20k push: kernel loop (ms)", "widgets",
               _widgets("widget_push", "loop_ms"), None, 0),
        Figure("IntSlider 20k push: view at final value after the loop ended (ms)", "widgets",
               _widgets("widget_push", "after_loop_ms"), "lower", 0),
        Figure("IntSlider 20k push: print shown before the final value (1 = yes)", "widgets",
               _widgets("widget_push", "printed_first"), None, 0),
        Figure("IntSlider 20k push: rate-limit warning shown (1 = yes)", "widgets",
               _widgets("widget_push", "warned"), None, 0),
        Figure("frozen page: other page's view at final value after cell start (ms)", "widgets",
               _widgets("frozen_page", "other_final_ms"), "lower", 0),
        Figure("frozen page: cell done (its print shown) after start (ms)", "widgets",
               _widgets("frozen_page", "cell_done_ms"), "lower", 0),
        Figure("frozen page: woken page's view at final value after waking (ms)", "widgets",
               _widgets("frozen_page", "woken_final_ms"), "lower", 0),
    ]  # fmt: skip
