"""Headless benchmark: ipycomm against the stock comm layer, through jupyter_client.

    python -m benchmarks.headless [--rounds 5] [--smoke] [--json PATH]

Two real kernels run side by side: "stock" (ipykernel's comm layer) and "ipycomm" (the same
kernel after ``import ipycomm``). The kernel code is written against the ``comm`` package, so it
is identical on both sides. Rounds alternate ipycomm, stock, ipycomm, ... and every figure is
reported as the median over rounds with min and max, and a ratio where > 1 means ipycomm is
better (faster, or higher throughput).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq
from ipycomm.client import CommReader
from jupyter_client import KernelManager
from jupyter_client.session import Session

ROOT = Path(__file__).resolve().parent.parent
SIDES = ("ipycomm", "stock")
MB = 1 << 20

SETUP = """
import comm, gc, os
bench = comm.create_comm(target_name='bench')
_payloads = {}
def _on_msg(msg):
    data = msg['content']['data']
    if 'send' in data:
        size = data['send']
        blob = _payloads.setdefault(size, b'x' * size)
        bench.send({'sent': size}, buffers=[blob])
    elif 'ack' in data:
        bench.send({'got': sum(len(b) for b in msg.get('buffers') or [])})
    else:
        bench.send(data)
bench.on_msg(_on_msg)
"""


class Side:
    """One kernel and its client; everything waits on messages, never on sleeps.

    On the ipycomm side the client reads through ``ipycomm.client.CommReader``, which grants
    credit and unpacks batches, as ipycomm's frontend does; the stock side reads plainly.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.km = KernelManager(kernel_name="python3")
        self.km.ip = "127.0.0.1"
        # The stock side must not run on ipycomm, which is active in every kernel otherwise.
        extra = {"env": {**os.environ, "IPYCOMM_ACTIVATE": "0"}} if name == "stock" else {}
        self.km.start_kernel(**extra)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.reader = CommReader(self.kc, batch_targets=["bench"]) if name == "ipycomm" else None
        self._inbox: list[dict[str, Any]] = []
        self.run(("import ipycomm\n" if name == "ipycomm" else "") + SETUP)
        self.comm_id = self.run("print(bench.comm_id)", output=True).strip()

    def get_iopub(self, timeout: float = 120) -> dict[str, Any]:
        """The next iopub message, batches unpacked by the reader on the ipycomm side."""
        while not self._inbox:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            self._inbox = self.reader.receive(msg) if self.reader else [msg]
        return self._inbox.pop(0)

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run(self, code: str, output: bool = False) -> str:
        """Execute code, reading iopub while it runs; returns its stdout."""
        msg_id = self.kc.execute(code)
        text = []
        while True:
            msg = self.get_iopub()
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                text.append(msg["content"]["text"])
            if msg["msg_type"] == "error":
                raise RuntimeError("\n".join(msg["content"]["traceback"]))
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(text) if output else ""

    def send(self, data: dict[str, Any], buffers: list[Any] | None = None) -> None:
        msg = self.kc.session.msg("comm_msg", {"comm_id": self.comm_id, "data": data})
        self.kc.session.send(self.kc.shell_channel.socket, msg, buffers=buffers or [])

    def next_comm_msg(self, timeout: float = 60) -> dict[str, Any]:
        while True:
            msg = self.get_iopub(timeout=timeout)
            if msg["msg_type"] == "comm_msg":
                return msg

    def kernel_pid(self) -> int:
        return int(self.run("print(os.getpid())", output=True))

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.kernel_pid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")


# -- figures: each returns {name: value} for one side, one round ----------------------------------


def echo(side: Side, n: int) -> dict[str, float]:
    times = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        side.send({"i": i})
        side.next_comm_msg()
        times.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    return {
        "echo p50 (ms)": _pct(times, 0.5),
        "echo p99 (ms)": _pct(times, 0.99),
        "echo msg/s": n / total,
    }


def pipelined(side: Side, n: int) -> dict[str, float]:
    start = time.perf_counter()
    for i in range(n):
        side.send({"i": i})
    for _ in range(n):
        side.next_comm_msg()
    return {"pipelined echo msg/s": n / (time.perf_counter() - start)}


def push(side: Side, n: int) -> dict[str, float]:
    """A send loop in a cell: messages received per second, from the kernel going busy for the
    cell to the last message arriving (batches arrive many at once, so the start is the cell's)."""
    msg_id = side.kc.execute(f"for _i in range({n}):\n    bench.send({{'i': _i}})")
    received, first, last = 0, 0.0, 0.0
    while True:
        msg = side.get_iopub()
        mine = msg["parent_header"].get("msg_id") == msg_id
        if msg["msg_type"] == "comm_msg":
            last = time.perf_counter()
            received += 1
        elif msg["msg_type"] == "status" and mine:
            if msg["content"]["execution_state"] == "busy":
                first = time.perf_counter()
            elif msg["content"]["execution_state"] == "idle":
                break
    rate = received / (last - first) if first and last > first else 0.0
    return {"kernel push msg/s": rate, "kernel push messages lost": float(n - received)}


def _wait_for_loop_end(side: Side, observer: Any, msg_id: str, timeout: float = 300) -> None:
    """Until the observer sees the cell print 'queued', or the cell's reply arrives: a stock
    kernel may drop the print for the observer too (it is flooded as well), while ipycomm
    sends the reply only once the paused reader has its messages."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = observer.get_iopub_msg(timeout=0.05)
            if msg["msg_type"] == "stream" and "queued" in msg["content"]["text"]:
                return
        except queue.Empty:
            pass
        try:
            if side.kc.get_shell_msg(timeout=0.05)["parent_header"].get("msg_id") == msg_id:
                return
        except queue.Empty:
            pass
    raise TimeoutError("the push loop did not end")


def push_to_paused_reader(side: Side, n: int) -> dict[str, float]:
    """Push n messages of 4 KB while the reader reads nothing, as a busy page does; a second
    client (with its own session) watches for the end of the loop, then the reader reads."""
    observer = side.km.client(session=Session(key=side.km.session.key))
    observer.start_channels()
    try:
        pad = "x" * 4000
        msg_id = side.kc.execute(
            f"for _i in range({n}):\n    bench.send({{'i': _i, 'pad': '{pad}'}})\n"
            "print('queued', flush=True)"
        )
        _wait_for_loop_end(side, observer, msg_id)
    finally:
        observer.stop_channels()
    received = 0
    while True:
        try:
            msg = side.get_iopub(timeout=5)
        except queue.Empty:
            break  # the idle status itself was dropped (stock): nothing more is coming
        received += msg["msg_type"] == "comm_msg"
        idle = msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
        if idle and msg["parent_header"].get("msg_id") == msg_id:
            break
    return {"push to a paused reader: messages lost": float(n - received)}


def binary(side: Side, sizes: list[int], repeats: int) -> dict[str, float]:
    """Buffers both ways. The 1 MB upload is also reported net of an empty message's round
    trip, timed in the same loop: the kernel's fixed cost per shell message (the same on
    both sides) then drops out, leaving what the payload itself costs."""
    figures = {}
    for size in sizes:
        blob = b"y" * size
        up, down, empty = [], [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            side.send({"ack": True})
            side.next_comm_msg()
            empty.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            side.send({"ack": True}, buffers=[blob])
            side.next_comm_msg()
            up.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            side.send({"send": size})
            side.next_comm_msg()
            down.append(time.perf_counter() - t0)
        label = f"{size // MB} MB"
        figures[f"binary {label} client→kernel MB/s"] = size / MB / statistics.median(up)
        figures[f"binary {label} kernel→client MB/s"] = size / MB / statistics.median(down)
        if size == MB:
            # Fastest against fastest: medians of a few noisy samples can cross.
            payload = min(up) - min(empty)
            figures["binary 1 MB client→kernel MB/s, net of an empty round trip"] = (
                size / MB / payload if payload > 0 else float("nan")
            )
    return figures


def kernel_info(side: Side, n: int) -> dict[str, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        side.kc.kernel_info(reply=True, timeout=30)
        times.append((time.perf_counter() - t0) * 1000)
    return {"kernel_info floor p50 (ms)": _pct(times, 0.5)}


def memory(side: Side, n: int) -> dict[str, float]:
    side.run("gc.collect()")
    before = side.rss_kb()
    side.run(f"for _ in range({n}):\n    comm.create_comm(target_name='m').close()\ngc.collect()")
    after = side.rss_kb()
    return {f"kernel RSS growth after {n} comms (%)": 100.0 * (after - before) / before}


def raw_zmq(sizes: list[int], repeats: int) -> dict[str, float]:
    """The floor for binary transfers: one DEALER/ROUTER round trip with the same sizes."""
    ctx = zmq.Context()
    router, dealer = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    dealer.connect(f"tcp://127.0.0.1:{port}")
    figures = {}
    try:
        for size in sizes:
            blob = b"z" * size
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                dealer.send(blob, copy=False)
                ident, _payload = router.recv_multipart(copy=False)
                router.send_multipart([ident, b"ok"])
                dealer.recv()
                times.append(time.perf_counter() - t0)
            figures[f"raw zmq {size // MB} MB MB/s"] = size / MB / statistics.median(times)
    finally:
        router.close(0)
        dealer.close(0)
        ctx.term()
    return figures


# -- running and reporting ----------------------------------------------------------------------

LOWER_IS_BETTER = ("(ms)", "lost", "growth")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def one_round(side: Side, smoke: bool) -> dict[str, float]:
    n = 30 if smoke else 300
    sizes = [MB, 10 * MB] if smoke else [MB, 10 * MB, 100 * MB]
    steps: list[Callable[[], dict[str, float]]] = [
        lambda: echo(side, n),
        lambda: pipelined(side, n),
        lambda: push(side, 500 if smoke else 5000),
        lambda: push_to_paused_reader(side, 1000 if smoke else 8000),
        lambda: binary(side, sizes, 2 if smoke else 9),
        lambda: kernel_info(side, n),
        lambda: memory(side, 500 if smoke else 10000),
    ]
    figures: dict[str, float] = {}
    for step in steps:
        figures.update(step())
    return figures


def summarize(rounds: list[dict[str, dict[str, float]]]) -> list[dict[str, Any]]:
    rows = []
    for name in rounds[0]["ipycomm"]:
        row: dict[str, Any] = {"figure": name}
        for side in SIDES:
            values = [r[side][name] for r in rounds]
            row[side] = {
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
            }
        ipy, stock = row["ipycomm"]["median"], row["stock"]["median"]
        lower = any(marker in name for marker in LOWER_IS_BETTER)
        if lower:
            row["ratio"] = stock / ipy if ipy else None
        else:
            row["ratio"] = ipy / stock if stock else None
        rows.append(row)
    return rows


def print_table(rows: list[dict[str, Any]], floor: dict[str, float]) -> None:
    print("Headless figures; ratio > 1 means ipycomm is better.")
    print(f"{'figure':42} {'ipycomm median [min-max]':>30} {'stock median [min-max]':>30} "
          f"{'ratio':>7}")  # fmt: skip
    for row in rows:
        cells = [f"{row[s]['median']:.2f} [{row[s]['min']:.2f}-{row[s]['max']:.2f}]" for s in SIDES]
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(f"{row['figure']:42} {cells[0]:>30} {cells[1]:>30} {ratio:>7}")
    for name, value in floor.items():
        print(f"{name:42} {value:30.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ipycomm vs stock comm layer, headless")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="a few iterations, for the tests")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args(argv)
    rounds_count = 1 if args.smoke else args.rounds
    sides = {name: Side(name) for name in SIDES}
    try:
        rounds = []
        for index in range(rounds_count):
            order = SIDES if index % 2 == 0 else SIDES[::-1]
            rounds.append({name: one_round(sides[name], args.smoke) for name in order})
        sizes = [MB, 10 * MB] if args.smoke else [MB, 10 * MB, 100 * MB]
        floor = raw_zmq(sizes, 2 if args.smoke else 3)
    finally:
        for side in sides.values():
            side.stop()
    rows = summarize(rounds)
    print_table(rows, floor)
    args.json.write_text(json.dumps({"rows": rows, "raw_zmq": floor, "rounds": rounds}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
