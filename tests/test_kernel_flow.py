"""Flow control and batches against a real kernel: readers granting credit over the control
channel, a reader that falls behind, batches, and readers that stop talking."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ipycomm.client import CommReader
from kernel_driver import KernelDriver, Msg

OPEN = "from ipycomm import Comm\nc = Comm(target_name='flow')"


@pytest.fixture
def register(kernel: KernelDriver) -> Iterator[Any]:
    """Makes readers on the test's kernel that have registered, and closes them afterwards."""
    readers: list[CommReader] = []

    def make(client: Any = None, **options: Any) -> CommReader:
        reader = CommReader(client or kernel.kc, **options)
        readers.append(reader)
        for msg in kernel.execute(OPEN):
            reader.receive(msg)  # the comm_open is numbered: the reader credits
        assert reader.last_credit_id is not None
        kernel.credits_taken()
        return reader

    yield make
    for reader in readers:
        reader.close()
    kernel.credits_taken()
    kernel.drain()
    kernel.execute("c.close()")


def read_until(kernel: KernelDriver, predicate: Any, timeout: float = 60) -> list[Msg]:
    """Raw iopub messages up to and including the first one matching predicate."""
    messages = []
    while True:
        msg = kernel.kc.get_iopub_msg(timeout=timeout)
        messages.append(msg)
        if predicate(msg):
            return messages


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def is_idle_of(msg_id: str) -> Any:
    return lambda m: (
        m["msg_type"] == "status"
        and m["parent_header"].get("msg_id") == msg_id
        and m["content"]["execution_state"] == "idle"
    )


def printed(text: str) -> Any:
    return lambda m: m["msg_type"] == "stream" and text in m["content"]["text"]


def comm_data(messages: list[Msg]) -> list[Any]:
    return [m["content"]["data"] for m in messages if m["msg_type"] == "comm_msg"]


@pytest.fixture
def patient(kernel: KernelDriver) -> Iterator[None]:
    """Readers may stay silent for a minute before the kernel stops waiting for them, so a test
    can withhold credit for as long as a loaded machine needs."""
    kernel.execute("get_ipython().kernel.comm_manager.transport.outbox.readers.stale_after = 60")
    yield
    kernel.execute(
        "from ipycomm.flow.readers import STALE_AFTER\n"
        "get_ipython().kernel.comm_manager.transport.outbox.readers.stale_after = STALE_AFTER"
    )


def test_the_kernel_sends_no_more_than_the_credit_allows(
    kernel: KernelDriver, register: Any, patient: None, tmp_path: Path
) -> None:
    """With a window of 8 and no credit, 8 messages arrive and the cell's print waits behind
    the rest; once the reader credits, all arrive in order, and the print after them."""
    reader = register(window=8)
    queued = tmp_path / "queued"
    msg_id = kernel.kc.execute(
        "for i in range(50):\n    c.send({'i': i})\n"
        f"open({str(queued)!r}, 'w').close()\nprint('queued', flush=True)"
    )
    wait_for(queued.exists, timeout=60)
    held = []
    while len(comm_data(held)) < 8:
        held.append(kernel.kc.get_iopub_msg(timeout=30))
    with pytest.raises(queue.Empty):  # nothing more comes while the reader withholds credit
        held.append(kernel.kc.get_iopub_msg(timeout=1))
    received = [m for raw in held for m in reader.receive(raw)]
    while not any(is_idle_of(msg_id)(m) for m in received):
        received += reader.receive(kernel.kc.get_iopub_msg(timeout=30))
    assert comm_data(received) == [{"i": i} for i in range(50)]
    kinds = [m["msg_type"] for m in received if m["msg_type"] in ("comm_msg", "stream")]
    assert kinds == ["comm_msg"] * 50 + ["stream"], "the print never overtakes a comm message"
    assert reader.lost == 0


def test_a_reader_that_falls_behind_loses_nothing(
    kernel: KernelDriver, register: Any, patient: None, tmp_path: Path
) -> None:
    """32 MB pushed while the reader reads nothing: the kernel holds it back instead of letting
    the iopub socket drop it, and the reader gets every message once it reads again."""
    reader = register()
    queued = tmp_path / "queued"
    pad = "x" * 4000
    code = f"for i in range(8000):\n    c.send({{'i': i, 'pad': '{pad}'}})\n"
    code += f"open({str(queued)!r}, 'w').close()"
    msg_id = kernel.kc.execute(code)
    # The loop ends (off iopub, in a file); the reader has not read a single message yet.
    wait_for(queued.exists, timeout=60)
    received: list[Msg] = []
    while not any(is_idle_of(msg_id)(m) for m in received[-3:]):
        received += reader.receive(kernel.kc.get_iopub_msg(timeout=30))
    assert [d["i"] for d in comm_data(received)] == list(range(8000))
    assert reader.lost == 0


def test_bursts_reach_a_reader_that_unpacks_them_as_batches(
    kernel: KernelDriver, register: Any, tmp_path: Path
) -> None:
    """2,000 sends held back by credit go out as full batches, unpacked in order, each with the
    data it had when sent and its own buffers.

    The reader grants no credit until the cell says (in a file, off iopub) that the whole
    burst is queued, so what is batched does not depend on the machine's speed."""
    reader = register(window=8, batch_targets=["flow"])
    queued = tmp_path / "queued"
    code = (
        "d = {'i': 0}\nfor i in range(2000):\n    d['i'] = i\n"
        "    c.send(d, buffers=[bytes([i % 256])] if i % 10 == 0 else None)\n"
        f"open({str(queued)!r}, 'w').close()"
    )
    msg_id = kernel.kc.execute(code)
    wait_for(queued.exists, timeout=60)
    raw: list[Msg] = []
    messages: list[Msg] = []
    while not any(is_idle_of(msg_id)(m) for m in raw[-1:]):
        raw.append(kernel.kc.get_iopub_msg(timeout=30))
        messages += reader.receive(raw[-1])  # credit from now on, as it reads
    comm_msgs = [m for m in messages if m["msg_type"] == "comm_msg"]
    assert [m["content"]["data"] for m in comm_msgs] == [{"i": i} for i in range(2000)]
    assert [bytes(b) for m in comm_msgs[::10] for b in m["buffers"]] == [
        bytes([i % 256]) for i in range(0, 2000, 10)
    ]
    assert all(m["buffers"] == [] for i, m in enumerate(comm_msgs) if i % 10)
    wires = [m for m in raw if m["msg_type"] == "comm_msg"]
    # At most the window's 8 went out before the credit; then 1,000 items fill each batch.
    assert len(wires) <= 8 + 2, "a burst held back by credit goes out in full batches"


def test_a_client_that_takes_no_part_sees_one_plain_message_per_send(kernel: KernelDriver) -> None:
    """Without readers the kernel behaves as the stock comm layer: no batches, nothing held."""
    messages = kernel.execute(OPEN + "\nfor i in range(100):\n    c.send({'i': i})\nc.close()")
    sends = [m for m in messages if m["msg_type"] == "comm_msg"]
    assert [m["content"]["data"] for m in sends] == [{"i": i} for i in range(100)]
    seqs = [m["metadata"]["ipycomm"]["seq"] for m in sends]
    assert seqs == list(range(seqs[0], seqs[0] + 100))
    assert all("batch" not in m["metadata"]["ipycomm"] for m in sends)


def test_a_reader_that_stops_crediting_is_dropped_and_the_kernel_goes_on(
    kernel: KernelDriver, register: Any
) -> None:
    """A reader silent while messages wait for it is dropped after stale_after (0.5 s here),
    with a warning in the kernel log; the cell then finishes and everything is sent."""
    kernel.execute("get_ipython().kernel.comm_manager.transport.outbox.readers.stale_after = 0.5")
    try:
        register(window=4)
        # execute() reads iopub itself, so the reader never sees (or credits) these messages.
        messages = kernel.execute("for i in range(100):\n    c.send({'i': i})")
        assert comm_data(messages) == [{"i": i} for i in range(100)]
        kernel.wait_for_log("sent no credit")
    finally:
        kernel.execute(
            "from ipycomm.flow.readers import STALE_AFTER\n"
            "get_ipython().kernel.comm_manager.transport.outbox.readers.stale_after = STALE_AFTER"
        )


def test_a_malformed_credit_is_logged_and_the_kernel_keeps_answering(kernel: KernelDriver) -> None:
    """A credit with a bad field is refused with a log line naming it; nothing else changes."""
    kernel.kc.control_channel.send(kernel.kc.session.msg("ipycomm_credit", {"reader": 5}))
    kernel.wait_for_log("reader must be a non-empty string")
    assert kernel.output("print(1 + 1)").strip() == "2"


def test_an_empty_iopub_after_the_tests_means_nothing_was_left_queued(kernel: KernelDriver) -> None:
    """After the readers closed, a push arrives whole and nothing is left queued: no reader
    is left holding it back (beyond the 0.5 s the kernel waits for an expected one)."""
    kernel.drain()
    messages = kernel.execute(OPEN + "\nfor i in range(600):\n    c.send({'i': i})\nc.close()")
    assert len(comm_data(messages)) == 600
    with pytest.raises(queue.Empty):
        kernel.kc.get_iopub_msg(timeout=0.2)


@pytest.mark.parametrize("batch_targets", [[], ["flow"]])
def test_five_threads_under_a_small_window_keep_the_wire_in_order(
    kernel: KernelDriver, register: Any, batch_targets: list[str]
) -> None:
    """seq arrives strictly increasing, with no gap, while four threads and the cell send
    through a window of 8, plain or batched; every message arrives once."""
    reader = register(window=8, batch_targets=batch_targets)
    code = (
        "import threading\n"
        "def w(t):\n    for i in range(2000):\n        c.send({'t': t, 'i': i})\n"
        "ts = [threading.Thread(target=w, args=(t,)) for t in range(4)]\n"
        "[t.start() for t in ts]\nw(9)\n[t.join() for t in ts]"
    )
    msg_id = kernel.kc.execute(code)
    seqs: list[int] = []
    messages: list[Msg] = []
    # Until the cell's idle, wherever it lands: the statuses of the reader's own credits
    # (control-channel requests) may come after it.
    idle = False
    while not idle:
        msg = kernel.kc.get_iopub_msg(timeout=30)
        if msg["msg_type"] == "comm_msg":
            seqs.append(msg["metadata"]["ipycomm"]["seq"])
        received = reader.receive(msg)  # credit as it reads, so the window keeps moving
        idle = any(is_idle_of(msg_id)(m) for m in received)
        messages += received
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert reader.lost == 0
    received = comm_data(messages)
    for t in (0, 1, 2, 3, 9):
        assert [d["i"] for d in received if d["t"] == t] == list(range(2000))


def test_a_credit_is_taken_without_a_busy_or_idle_status(
    kernel: KernelDriver, register: Any
) -> None:
    """Credits are bookkeeping no client waits on: statuses around thousands of them would
    crowd the iopub queue of a slow client until it drops other messages."""
    reader = register(window=8)
    kernel.drain()
    for msg in kernel.execute("for i in range(6):\n    c.send({'i': i})"):  # within the window
        reader.receive(msg)
    # iopub is in order, and the round trip's idle comes after whatever the credits published.
    seen = read_until(kernel, is_idle_of(kernel.credits_taken()))
    parents = [m["parent_header"].get("msg_type") for m in seen if m["msg_type"] == "status"]
    assert "comm_info_request" in parents, "the round trip's own statuses came"
    assert "ipycomm_credit" not in parents
    assert reader.last_credit_id is not None
