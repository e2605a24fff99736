"""Browser benchmark: the seed slider and an ipywidgets IntSlider in Chromium, ipycomm vs stock.

    python -m benchmarks.browser [--rounds 3] [--round-trips 60] [--json PATH]

Each round starts a fresh JupyterLab per side, in alternating order, and runs
ui-tests/bench/slider.bench.ts against it. "stock" is ipykernel's own comm layer
(``from ipykernel.comm import Comm``) on a server without ipycomm's TCP_NODELAY extension;
"ipycomm" is ``from ipycomm import Comm`` with the extension on. Both use ipycomm's frontend
plugin to draw the slider, so the comparison is of the comm layer and the server path.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "ui-tests"
SIDES = ("ipycomm", "stock")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_lab(side: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--config", str(UI / "jupyter_server_test_config.py"),
        f"--ServerApp.port={port}",
    ]  # fmt: skip
    if side == "stock":
        command.append('--ServerApp.jpserver_extensions={"ipycomm": False}')
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, cwd=UI)
    deadline = time.monotonic() + 90
    while "is running at" not in log.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"JupyterLab did not start for {side}:\n{log.read_text()}")
        time.sleep(0.2)  # polling the server's own log for readiness
    return process, f"http://127.0.0.1:{port}"


def run_side(side: str, round_trips: int, workdir: Path) -> dict[str, Any]:
    """One side, one round: a fresh server, one Playwright run; returns the page's figures."""
    log, out = workdir / f"{side}-server.log", workdir / f"{side}.json"
    process, url = _start_lab(side, log)
    try:
        env = {
            **os.environ,
            "BENCH_SIDE": side,
            "BENCH_URL": url,
            "BENCH_OUT": str(out),
            "BENCH_ROUND_TRIPS": str(round_trips),
            "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        }
        done = subprocess.run(
            ["jlpm", "playwright", "test", "-c", "playwright.bench.config.js"],
            cwd=UI, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"browser benchmark failed for {side}:\n{done.stdout}{done.stderr}")
        result: dict[str, Any] = json.loads(out.read_text())
        return result
    finally:
        process.terminate()
        process.wait(timeout=30)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarize(rounds: list[dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per figure and side: the median over rounds of each round's value (lower is better)."""
    figures = {
        "slider round trip p50 (ms)": lambda r: _percentile(r["slider_round_trip_ms"], 0.5),
        "slider round trip p99 (ms)": lambda r: _percentile(r["slider_round_trip_ms"], 0.99),
        "slider 255-step drag: messages sent": lambda r: r["slider_drag"]["sent"],
        "slider drag: animation frames during the drag": lambda r: r["slider_drag"]["frames"],
        "slider drag: duration (ms)": lambda r: r["slider_drag"]["durationMs"],
        "slider drag: release to kernel at final value (ms)": lambda r: r["slider_drag"][
            "settleMs"
        ],
        "IntSlider round trip p50 (ms)": lambda r: _percentile(r["intslider_round_trip_ms"], 0.5),
        "IntSlider round trip p99 (ms)": lambda r: _percentile(r["intslider_round_trip_ms"], 0.99),
        "IntSlider 255-step burst: messages sent": lambda r: r["intslider_drag"]["sent"],
        "IntSlider burst: release to kernel at final value (ms)": lambda r: r["intslider_drag"][
            "settleMs"
        ],
    }
    rows = []
    for name, pick in figures.items():
        row: dict[str, Any] = {"figure": name}
        for side in SIDES:
            values = [float(pick(r[side])) for r in rounds]
            median = statistics.median(values)
            row[side] = {"median": median, "min": min(values), "max": max(values)}
        ipy, stock = row["ipycomm"]["median"], row["stock"]["median"]
        row["ratio_stock_over_ipycomm"] = stock / ipy if ipy else None
        rows.append(row)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'figure':56} {'ipycomm median [min-max]':>26} {'stock median [min-max]':>26} "
          f"{'stock/ipycomm':>13}")  # fmt: skip
    for row in rows:
        cells = [f"{row[s]['median']:.1f} [{row[s]['min']:.1f}-{row[s]['max']:.1f}]" for s in SIDES]
        ratio = row["ratio_stock_over_ipycomm"]
        print(f"{row['figure']:56} {cells[0]:>26} {cells[1]:>26} "
              f"{(f'{ratio:.2f}x' if ratio else '-'):>13}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round-trips", type=int, default=60)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "browser-results.json")
    args = parser.parse_args(argv)
    rounds: list[dict[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="ipycomm-bench-") as tmp:
        for index in range(args.rounds):
            order = SIDES if index % 2 == 0 else SIDES[::-1]
            rounds.append({side: run_side(side, args.round_trips, Path(tmp)) for side in order})
            print(f"round {index + 1}/{args.rounds} done", flush=True)
    rows = summarize(rounds)
    print("Browser figures: lower is better; ratio > 1 means ipycomm is faster or sends less.")
    print_table(rows)
    args.json.write_text(json.dumps({"rows": rows, "rounds": rounds}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
