"""What each client of one kernel receives: a plain jupyter_client beside ipycomm's CommReader.

    python -m benchmarks.many_clients [--rounds 3] [--code DIR] [--alone] [--json PATH]

One kernel, two clients over ZMQ: ``plain`` reads iopub as any jupyter_client program does (a
thread, no credit); ``reader`` is ``ipycomm.CommReader(chunks=True, batch_targets=[...])``, as
ipycomm's page. A cell opens a comm, sends 5,000 small messages, one 5 MB message with a buffer,
one more message, and prints. Reported per client: the comm messages that arrived as sent
(whole, not an envelope), the envelopes (batches, chunks), whether the 5 MB message arrived
whole, whether the print came after the comm messages, and the cell's time for the reader.

``--alone`` leaves the plain client out: the reader's figures with no one else on the kernel.
``--code DIR`` runs the kernel on another copy of ipycomm (a ``python/`` folder of an older
checkout), to compare before and after in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from ipycomm import CommReader
from ipycomm.chunks.format import CHUNK_KEY
from ipycomm.flow.wire import BATCH_KEY
from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient

COUNT, BIG = 5000, 5 * 1000 * 1000
SETUP = "from ipycomm import Comm\nc = Comm(target_name='bench')\nc.send({'ready': 1})"
CELL = f"""
for i in range({COUNT}):
    c.send({{'i': i}})
c.send({{'big': 1}}, buffers=[b'\\x05' * {BIG}])
c.send({{'after': 1}})
print('printed-after')
"""
Msg = dict[str, Any]


def plain_reader(kc: BlockingKernelClient, out: queue.Queue[Msg], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            out.put(kc.iopub_channel.get_msg(timeout=0.1))
        except queue.Empty:
            continue


def until_idle(get: Any, msg_id: str) -> list[Msg]:
    messages: list[Msg] = []
    while True:
        msg = get()
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
        messages.append(msg)


def read_as_reader(
    kc: BlockingKernelClient, reader: CommReader, msg_id: str
) -> tuple[list[Msg], list[Msg]]:
    """The reader's raw messages of one cell and what it made of them, crediting as it reads."""
    raw: list[Msg] = []
    delivered: list[Msg] = []
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        taken = reader.receive(msg) if msg["msg_type"].startswith("comm") else [msg]
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return raw, delivered
        raw.append(msg)
        delivered.extend(taken)


def summary(raw: list[Msg], delivered: list[Msg]) -> dict[str, Any]:
    data = [m["content"]["data"] for m in raw if m["msg_type"] == "comm_msg"]
    whole = [m for m in delivered if m["msg_type"] == "comm_msg"]
    big = [m for m in whole if m["content"]["data"] == {"big": 1}]
    kinds = [m["msg_type"] for m in delivered]
    last_comm = max((i for i, k in enumerate(kinds) if k == "comm_msg"), default=-1)
    return {
        "messages as sent": sum(not (BATCH_KEY in d or CHUNK_KEY in d) for d in data),
        "envelopes": sum(BATCH_KEY in d or CHUNK_KEY in d for d in data),
        "messages delivered": len(whole),
        "5 MB arrived whole": bool(big) and [len(b) for b in big[0]["buffers"]] == [BIG],
        "print after the comm messages": "stream" in kinds and kinds.index("stream") > last_comm,
    }


def one_round(km: KernelManager, alone: bool) -> dict[str, Any]:
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    reader = CommReader(kc, chunks=True, batch_targets=["bench"])
    plain = BlockingKernelClient()
    plain.load_connection_info(km.get_connection_info())
    got: queue.Queue[Msg] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=plain_reader, args=(plain, got, stop), daemon=True)
    if not alone:
        plain.start_channels()
        thread.start()
    try:
        # The comm opens, and the reader registers with its first credit, before the cell.
        read_as_reader(kc, reader, kc.execute(SETUP))
        started = time.perf_counter()
        msg_id = kc.execute(CELL)
        raw, delivered = read_as_reader(kc, reader, msg_id)
        seconds = time.perf_counter() - started
        plain_raw = [] if alone else until_idle(lambda: got.get(timeout=120), msg_id)
    finally:
        stop.set()
        if not alone:
            thread.join()
            plain.stop_channels()
        reader.close()
        kc.stop_channels()
    reader_figures = {**summary(raw, delivered), "cell seconds": seconds}
    return (
        {"reader": reader_figures}
        if alone
        else {
            "plain": summary(plain_raw, plain_raw),
            "reader": reader_figures,
        }
    )


def run(rounds: int, code: str | None, alone: bool) -> dict[str, Any]:
    km = KernelManager(kernel_name="python3")
    km.ip = "127.0.0.1"
    env = {**os.environ, **({"PYTHONPATH": code} if code else {})}
    km.start_kernel(env=env)
    try:
        results = [one_round(km, alone) for _ in range(rounds)]
    finally:
        km.shutdown_kernel(now=True)
    table = results[-1]
    table["reader"]["cell seconds"] = statistics.median(
        r["reader"]["cell seconds"] for r in results
    )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", help="a python/ folder with another copy of ipycomm")
    parser.add_argument("--alone", action="store_true", help="no plain client")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    table = run(args.rounds, args.code, args.alone)
    for client, figures in table.items():
        for figure, value in figures.items():
            print(f"{client:7} {figure:32} {value}")
    if args.json:
        args.json.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
