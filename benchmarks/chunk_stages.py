"""Where a big kernel → page message spends its time without a browser: the kernel and zmq
stage alone, through jupyter_client, for the same payload sent three ways.

    python -m benchmarks.chunk_stages [--rounds 5] [--mb 50]

- stock: ipykernel's comm layer, one whole message;
- ipycomm whole: ipycomm's kernel, to a reader that does not reassemble (one whole message);
- ipycomm chunked: to a reader that reassembles the adaptive format and credits each chunk at
  once, as a page does (docs/chunking.md §3).

Each figure is the median MB/s over rounds, from the ask to the whole message in the client.
Set beside the browser figures (benchmarks/browser.py, group ``large``), it says how much of
a browser transfer's time is the kernel's, and how much the server's and the page's.
"""

from __future__ import annotations

import argparse
import statistics
import time

from ipycomm.client import CommReader

from .headless import Side

WAYS = ("stock", "ipycomm whole", "ipycomm chunked")


class Way(Side):
    """A side whose reader reassembles chunks (``chunked``) or not."""

    def __init__(self, way: str) -> None:
        super().__init__("stock" if way == "stock" else "ipycomm")
        if way == "ipycomm chunked":
            self.reader = CommReader(self.kc, batch_targets=["bench"], chunks=True)
            self.run("pass")  # its first credit: from now on the kernel chunks for it


def rate(way: Way, size: int) -> float:
    """MB/s of one kernel → client message of ``size`` bytes, ask to whole."""
    t0 = time.perf_counter()
    way.send({"send": size})
    msg = way.next_comm_msg()
    elapsed = time.perf_counter() - t0
    assert sum(len(b) for b in msg["buffers"]) == size, "the message did not arrive whole"
    return size / 1e6 / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mb", type=int, default=50)
    args = parser.parse_args(argv)
    size = args.mb * 1_000_000
    results: dict[str, list[float]] = {way: [] for way in WAYS}
    for way_name in WAYS:
        way = Way(way_name)
        try:
            rate(way, size)  # warm: the payload is built once in the kernel
            results[way_name] = [rate(way, size) for _ in range(args.rounds)]
        finally:
            way.stop()
    print(f"{args.mb} MB kernel -> client over zmq, MB/s, median [min-max] of {args.rounds}")
    for way_name, rates in results.items():
        print(
            f"  {way_name:16} {statistics.median(rates):8.1f} [{min(rates):.1f}-{max(rates):.1f}]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
