"""Browser benchmark: ipycomm vs stock in Chromium, timed and measured in the page.

    python -m benchmarks.browser [--rounds 3] [--round-trips 60]
                                 [--figures slider,memory,push,frontend,widgets,large,state]
                                 [--comms 10000] [--push 20000] [--json PATH]

Each round starts a fresh JupyterLab per side, in alternating order, and runs the specs in
ui-tests/bench/ against it (one Playwright run per side and round):

- slider (slider.bench.ts): the seed slider and an ipywidgets IntSlider, round trips and drags.
- memory (traffic.bench.ts): the page's JS heap, after forced garbage collection, before and
  after the kernel opens and closes ``--comms`` comms to ``my_widget``, and what JupyterLab's
  kernel connection and ipycomm's frontend still hold afterwards.
- push (traffic.bench.ts): a cell sends ``--push`` messages on one ``my_widget`` comm as fast
  as it can; how many reach the page (batch items counted), in how many wire messages, and at
  what rate from the first to the last arrival.
- large (large.bench.ts): 50 MB each way on a comm, next to the same through a bare tornado
  websocket server from the same page (1 MiB messages, 8 MiB messages down, and one message;
  both sides) and as a fraction of it; an ipywidgets FileUpload of 30 MB through the file
  chooser; a small echo and an IntSlider key to echo_update, idle and while 200 MB travel on
  another comm; a 5 MB Image.value update to the page's <img>; and (ipycomm only) a gigabyte
  page to kernel with the kernel's and the server's peak memory.
- frontend (frontend.bench.ts, ipycomm only): from running a cell with ``frontend_target`` and
  ``Comm`` to the module's render, the same for a redefinition (hot reload), and the module's
  ``comm.request`` round trip next to a plain comm echo on the same comm.
- state (state.bench.ts): two pages on one kernel, a change in one until the other shows it
  (a synced state, ipycomm only, and an IntSlider), and after a reload the time to the
  kernel's current value and whether the first value shown was stale.

"stock" is ipykernel's own comm layer (``from ipykernel.comm import Comm``) on a server without
ipycomm's server extension; "ipycomm" is ``from ipycomm import Comm`` with the extension on.
Both pages run ipycomm's frontend plugin (it draws the slider and registers ``my_widget``), so
the comparison is of the kernel's comm layer and the server path.

Every figure is the median over rounds (with min and max) of that round's value. The ratio is
oriented so that > 1 means ipycomm is better: stock / ipycomm for lower-is-better figures,
ipycomm / stock for higher-is-better ones; informational rows have no ratio, nor do rows where
a median is 0 or missing.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .figures import GROUPS, figures

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "ui-tests"
SIDES = ("ipycomm", "stock")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_lab(side: str, log: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """A fresh JupyterLab for one side, with ``extra`` arguments; returns it and its URL."""
    port = _free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--config", str(UI / "jupyter_server_test_config.py"),
        f"--ServerApp.port={port}", *extra,
    ]  # fmt: skip
    env = dict(os.environ)
    if side == "stock":
        command.append('--ServerApp.jpserver_extensions={"ipycomm": False}')
        env["IPYCOMM_ACTIVATE"] = "0"  # its kernels run on the stock comm layer
    process = launch(command, log, "is running at", f"JupyterLab for {side}", env)
    return process, f"http://127.0.0.1:{port}"


def launch(
    command: list[str], log: Path, ready: str, what: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a server with its output in ``log``, in ui-tests/, and wait until the log says
    ``ready``; raises (and kills it) if it exits or is not ready within 90 s."""
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, cwd=UI, env=env)
    deadline = time.monotonic() + 90
    while ready not in log.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"{what} did not start:\n{log.read_text()}")
        time.sleep(0.2)  # polling the server's own log for readiness
    return process


Start = Callable[[str, Path], tuple[Any, str]]


def run_side(
    side: str, args: argparse.Namespace, out: Path, start: Start = start_lab
) -> dict[str, Any]:
    """One side, one round: a fresh server (``start`` makes it, and returns something with
    ``terminate`` and ``wait``, and its URL), one Playwright run; returns the page's figures.
    The page's code is stock's for the side "stock", ipycomm's for any other."""
    log = out.with_suffix(".server.log")
    process, url = start(side, log)
    try:
        env = {
            **os.environ,
            "BENCH_SIDE": "stock" if side == "stock" else "ipycomm",
            "BENCH_URL": url,
            "BENCH_OUT_DIR": str(out),
            "BENCH_FIGURES": ",".join(args.figures),
            "BENCH_ROUND_TRIPS": str(args.round_trips),
            "BENCH_COMMS": str(args.comms),
            "BENCH_PUSH": str(args.push),
            "BENCH_PYTHON": sys.executable,  # for servers a spec starts (ws_ceiling.py)
            "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        }
        done = subprocess.run(
            ["jlpm", "playwright", "test", "-c", "playwright.bench.config.js"],
            cwd=UI, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"browser benchmark failed for {side}:\n{done.stdout}{done.stderr}")
        result: dict[str, Any] = {"side": side}
        for group in args.figures:
            path = out / f"{group}.json"
            if not path.exists():
                raise RuntimeError(f"{side}: the page wrote no {group} figures:\n{done.stdout}")
            result.update(json.loads(path.read_text()))
        return result
    finally:
        process.terminate()
        process.wait(timeout=30)


def _ratio(better: str | None, ipy: float | None, stock: float | None) -> float | None:
    """> 1 means ipycomm is better; None when informational, missing or not positive."""
    if better is None or ipy is None or stock is None or ipy <= 0 or stock <= 0:
        return None
    return stock / ipy if better == "lower" else ipy / stock


def summarize(
    rounds: list[dict[str, dict[str, Any]]],
    args: argparse.Namespace,
    sides: tuple[str, str] = SIDES,
) -> list[dict[str, Any]]:
    """Per figure and side: the median over rounds of each round's value, and the ratio (of
    ``sides[0]`` to ``sides[1]``, > 1 when the first is better)."""
    rows = []
    for figure in figures(args):
        if figure.group not in args.figures:
            continue
        row: dict[str, Any] = {"figure": figure.name, "better": figure.better}
        for side in sides:
            picked = [figure.pick(r[side]) for r in rounds]
            values = [float(v) for v in picked if v is not None]
            row[side] = (
                {"median": statistics.median(values), "min": min(values), "max": max(values)}
                if values
                else None
            )
        ipy, stock = (row[s]["median"] if row[s] else None for s in sides)
        row["ratio"] = _ratio(figure.better, ipy, stock)
        row["digits"] = figure.digits
        rows.append(row)
    return rows


def _cell(stats: dict[str, float] | None, digits: int) -> str:
    if stats is None:
        return "-"
    f = f",.{digits}f"
    return f"{stats['median']:{f}} [{stats['min']:{f}}-{stats['max']:{f}}]"


def print_table(rows: list[dict[str, Any]], sides: tuple[str, str] = SIDES) -> None:
    print(f"{'figure':58} {'better':6} {sides[0] + ' median [min-max]':>28} "
          f"{sides[1] + ' median [min-max]':>28} {'ratio':>7}")  # fmt: skip
    for row in rows:
        cells = [_cell(row[s], row["digits"]) for s in sides]
        ratio = row["ratio"]
        print(f"{row['figure']:58} {row['better'] or '-':6} {cells[0]:>28} {cells[1]:>28} "
              f"{(f'{ratio:.2f}x' if ratio else '-'):>7}")  # fmt: skip


def print_notes(rounds: list[dict[str, dict[str, Any]]]) -> None:
    """How each run ended: an incomplete memory run (lost closes), and how each push finished."""
    for index, sides in enumerate(rounds, 1):
        for side in SIDES:
            r = sides[side]
            memory, push = r.get("memory"), r.get("push")
            if memory and not (memory["complete"] and memory["warmupComplete"]):
                print(
                    f"note: round {index} {side}: memory run incomplete, the page saw "
                    f"{memory['closesSeen']:,} of {memory['comms']:,} comm_close messages"
                )
            if push:
                print(
                    f"note: round {index} {side}: push finished '{push['finished']}': "
                    f"{push['received']:,} of {push['n']:,} received in {push['wire']:,} wire "
                    f"messages ({push['batches']:,} batches); reply "
                    f"{'seen' if push['replied'] else 'MISSING'}, idle status "
                    f"{'seen' if push['idleSeen'] else 'MISSING'}, 'done' output "
                    f"{'seen' if push['doneSeen'] else 'MISSING'}"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round-trips", type=int, default=60)
    parser.add_argument(
        "--figures",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=list(GROUPS),
        help=f"comma-separated figure groups to run, from {','.join(GROUPS)} (default: all)",
    )
    parser.add_argument("--comms", type=int, default=10000, help="comms opened and closed")
    parser.add_argument("--push", type=int, default=20000, help="messages the kernel pushes")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "browser-results.json")
    args = parser.parse_args(argv)
    unknown = set(args.figures) - set(GROUPS)
    if unknown or not args.figures:
        parser.error(f"--figures takes names from {','.join(GROUPS)}")
    rounds: list[dict[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="ipycomm-bench-") as tmp:
        for index in range(args.rounds):
            order = SIDES if index % 2 == 0 else SIDES[::-1]
            rounds.append(
                {side: run_side(side, args, Path(tmp) / f"{side}-{index}") for side in order}
            )
            print(f"round {index + 1}/{args.rounds} done", flush=True)
    rows = summarize(rounds, args)
    print("Browser figures; ratio > 1 means ipycomm is better (stock/ipycomm where lower is")
    print("better, ipycomm/stock where higher is better). (+): growth over the memory run.")
    print_table(rows)
    print_notes(rounds)
    args.json.write_text(
        json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "rows": rows,
                    "rounds": rounds}, indent=1)
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
