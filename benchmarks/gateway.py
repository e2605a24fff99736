"""Browser benchmark behind a kernel gateway: ipycomm with a local kernel against ipycomm with
the kernel in a jupyter-kernel-gateway (docs/remote-kernels.md), in the same run.

    python -m benchmarks.gateway [--rounds 3] [--figures slider,large] [--json PATH]

Each round starts, in alternating order, a JupyterLab with local kernels ("local") and a
jupyter-kernel-gateway plus a JupyterLab with ``--GatewayClient.url`` pointing at it
("gateway"), all on 127.0.0.1 and all with ipycomm, and runs the browser benchmark's specs
(benchmarks/browser.py) against each. A ratio > 1 means local is better: what the extra hop
costs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .browser import ROOT, _free_port, launch, print_table, run_side, start_lab, summarize
from .figures import GROUPS

SIDES = ("local", "gateway")


class _Servers:
    """The gateway and the JupyterLab in front of it, stopped together."""

    def __init__(self, *processes: subprocess.Popen[bytes]) -> None:
        self.processes = processes

    def terminate(self) -> None:
        for process in self.processes:
            process.terminate()

    def wait(self, timeout: float) -> None:
        for process in self.processes:
            process.wait(timeout=timeout)


def _start_gateway(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [
        sys.executable, "-m", "kernel_gateway", "--KernelGatewayApp.ip=127.0.0.1",
        f"--KernelGatewayApp.port={port}", "--JupyterWebsocketPersonality.list_kernels=True",
    ]  # fmt: skip
    process = launch(command, log, "is available at", "the kernel gateway")
    return process, f"http://127.0.0.1:{port}"


def start(side: str, log: Path) -> tuple[Any, str]:
    if side == "local":
        return start_lab("ipycomm", log)
    gateway, gateway_url = _start_gateway(log.with_suffix(".gateway.log"))
    try:
        lab, url = start_lab("ipycomm", log, f"--GatewayClient.url={gateway_url}")
    except Exception:
        gateway.terminate()
        gateway.wait(timeout=30)
        raise
    return _Servers(lab, gateway), url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round-trips", type=int, default=60)
    parser.add_argument(
        "--figures",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=["slider", "large"],
        help=f"comma-separated figure groups, from {','.join(GROUPS)} (default: slider,large)",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "gateway-results.json")
    args = parser.parse_args(argv)
    args.comms, args.push = 10000, 20000  # what the figures' names are built with
    rounds: list[dict[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="ipycomm-bench-gateway-") as tmp:
        for index in range(args.rounds):
            order = SIDES if index % 2 == 0 else SIDES[::-1]
            rounds.append(
                {side: run_side(side, args, Path(tmp) / f"{side}-{index}", start) for side in order}
            )
            print(f"round {index + 1}/{args.rounds} done", flush=True)
    rows = summarize(rounds, args, SIDES)
    print("ipycomm, local kernel vs kernel behind a jupyter-kernel-gateway; ratio > 1 means")
    print("local is better (local/gateway where higher is better, gateway/local where lower).")
    print_table(rows, SIDES)
    args.json.write_text(json.dumps({"rows": rows, "rounds": rounds}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
