"""Lifetimes in a real kernel, each bound set by its kernel option: a reader that stops crediting
is forgotten (docs/flow-control.md §2), an idle partial transfer from the page is dropped on
time, and partial transfers hold only the bytes that arrived, under a cap (docs/chunking.md
§5, §6)."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chunking import page_chunks
from ipycomm import CommReader
from ipycomm.chunks.format import CHUNK_KEY, chunk_count, chunk_data
from ipycomm.kernel.options import IPyComm
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.session import Session
from kernel_driver import KernelDriver, Msg
from test_kernel_activation import kernel_with_config
from traitlets import TraitError

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30
COMM = """
from ipycomm import Comm
_t = get_ipython().kernel.comm_manager.transport
_t.limits.chunk_size = 64 * 1024
_t.limits.max_chunk_size = 64 * 1024  # adaptive chunks as small as fixed ones: many of them
c = Comm(target_name='lifetimes')
"""
#: 256 KiB in one buffer: with its JSON, five chunks of 64 KiB when the readers reassemble.
PAYLOAD = bytes(range(256)) * 1024


def big_send(n: int) -> str:
    return f"c.send({{'big': {n}}}, buffers=[bytes(range(256)) * 1024])"


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[str], KernelDriver]]:
    """Starts a kernel with a line of ipython_kernel_config.py; stops it after the test."""
    started: list[KernelDriver] = []

    def start(line: str) -> KernelDriver:
        started.append(kernel_with_config(tmp_path, line))
        return started[-1]

    yield start
    for k in started:
        k.stop()


def comm_id_of(messages: list[Msg]) -> str:
    [opened] = KernelDriver.of_type(messages, "comm_open")
    return str(opened["content"]["comm_id"])


def second_client(k: KernelDriver) -> BlockingKernelClient:
    """Another client of ``k``'s kernel, as another page would be: a session of its own (a
    shared one would give its sockets the first client's identity)."""
    session = k.km.session
    other = k.km.client(session=Session(key=session.key, signature_scheme=session.signature_scheme))
    other.start_channels()
    other.wait_for_ready(timeout=60)
    return other


def next_on(client: BlockingKernelClient, predicate: Callable[[Msg], bool]) -> Msg:
    """The first iopub message of ``client`` matching ``predicate`` (others are dropped)."""
    deadline = time.monotonic() + 30
    while not predicate(msg := client.get_iopub_msg(timeout=deadline - time.monotonic())):
        pass
    return msg


def round_trip(client: BlockingKernelClient) -> None:
    """Wait until the kernel took what ``client`` sent on its control channel (credits)."""
    msg = client.session.msg("comm_info_request", {})
    client.control_channel.send(msg)
    deadline = time.monotonic() + 30
    while True:
        reply = client.control_channel.get_msg(timeout=max(0.01, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            return


def is_chunk(msg: Msg) -> bool:
    return msg["msg_type"] == "comm_msg" and CHUNK_KEY in msg["content"]["data"]


def read_as(reader: CommReader, k: KernelDriver, want: dict[str, Any]) -> tuple[list[Msg], Msg]:
    """Read ``k``'s iopub through ``reader`` until it gives a comm_msg with data ``want``:
    returns the raw messages read, and that message."""
    raw: list[Msg] = []
    while True:
        raw.append(k.kc.get_iopub_msg(timeout=30))
        for msg in reader.receive(raw[-1]):
            if msg["msg_type"] == "comm_msg" and msg["content"]["data"] == want:
                return raw, msg


def test_a_reader_that_stops_crediting_is_forgotten_and_chunking_resumes(
    start: Callable[[str], KernelDriver],
) -> None:
    """A reader that reassembles and one that does not take part: a big message goes whole.
    The second stops reading and crediting (its client stays connected); once it has been
    silent past stale_after plus forget_reader_after, with one log line naming it, the same
    big message reaches the first reader in chunks, byte-exact."""
    k = start("c.IPyComm.forget_reader_after = 1")
    other = second_client(k)
    chunky, plain = CommReader(k.kc, chunks=True), CommReader(other, window=4)
    try:
        for msg in k.execute(COMM):
            chunky.receive(msg)
        plain.receive(next_on(other, lambda m: m["msg_type"] == "comm_open"))
        round_trip(k.kc)
        round_trip(other)
        k.kc.execute(big_send(1))
        before, _ = read_as(chunky, k, {"big": 1})
        assert not any(is_chunk(m) for m in before), "a reader that does not reassemble vetoes"
        # plain reads no more. A burst beyond its window waits for it until it goes silent.
        for msg in k.execute("for i in range(10): c.send({'i': i})"):
            chunky.receive(msg)
        log = k.wait_for_log(f"forgot reader {plain.reader_id}")
        assert log.count("forgot reader") == 1
        k.kc.execute(big_send(2))
        after, whole = read_as(chunky, k, {"big": 2})
        assert sum(is_chunk(m) for m in after) > 1, "the big message did not come in chunks"
        assert hashlib.sha256(whole["buffers"][0]).digest() == hashlib.sha256(PAYLOAD).digest()
        assert chunky.lost == 0
    finally:
        chunky.close()
        round_trip(k.kc)
        other.stop_channels()
        k.execute("c.close()")


def test_an_idle_partial_transfer_is_dropped_on_time_though_nothing_else_arrives(
    start: Callable[[str], KernelDriver],
) -> None:
    """Chunk 0 of 3, then silence: the kernel's error notice arrives on its own, and the log
    names the transfer and how far it got."""
    k = start("c.IPyComm.transfer_idle_timeout = 1")
    comm_id = comm_id_of(k.execute(COMM))
    [(data, piece), *_] = chunks = page_chunks({"x": 1}, [b"a" * 150 * KIB], 64 * KIB, "idle")
    assert len(chunks) == 3
    k.until_idle(k.send("comm_msg", {"comm_id": comm_id, "data": data}, buffers=[piece]))
    notice = k.next_iopub(is_chunk)  # nothing else is sent: only a timer can answer
    assert notice["content"]["comm_id"] == comm_id
    assert notice["content"]["data"][CHUNK_KEY] == {
        "transfer": "idle",
        "error": "no chunk arrived for 1 s",
    }
    k.wait_for_log(f"dropped transfer idle on comm {comm_id} from {k.kc.session.session} after")
    k.execute("c.close()")


def kernel_rss(k: KernelDriver) -> int:
    code = "print(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1])"
    return int(k.output(code)) * KIB


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the kernel's RSS")
def test_announced_sizes_commit_no_memory_and_a_chunk_over_the_cap_drops_its_transfer(
    start: Callable[[str], KernelDriver],
) -> None:
    """Chunk 0 of five transfers, each announcing 1 GiB and carrying 64 KiB: the kernel's
    memory grows by the bytes that arrived, not by 4 GiB; the fifth goes past the 256 KiB cap
    on what partial transfers hold, and only it is dropped, with a notice naming the cap."""
    k = start("c.IPyComm.max_pending_bytes = 256 * 1024")
    comm_id = comm_id_of(k.execute(COMM))
    rss = kernel_rss(k)
    count = chunk_count(GIB, 64 * KIB)
    answers = []
    for i in range(5):
        data = chunk_data(f"t{i}", 0, count, [2, GIB - 2])
        piece = b"{}" + bytes(64 * KIB - 2)
        answers += k.until_idle(k.send("comm_msg", {"comm_id": comm_id, "data": data}, [piece]))
    grown = kernel_rss(k) - rss
    assert grown < 64 * MIB, f"the kernel grew by {grown / MIB:.0f} MiB"
    notices = [m["content"]["data"][CHUNK_KEY] for m in answers if is_chunk(m)]
    assert notices == [
        {
            "transfer": "t4",
            "error": "the page's partial messages would hold 320.0 KiB, over the kernel's cap "
            "of 256.0 KiB (c.IPyComm.max_pending_bytes)",
        }
    ]
    k.wait_for_log("dropped transfer t4 on comm")
    k.execute("c.close()")


@pytest.mark.parametrize("name", ["forget_reader_after", "transfer_idle_timeout"])
def test_a_bound_of_zero_seconds_is_refused_naming_the_option(name: str) -> None:
    """Zero or negative seconds raise TraitError naming the option (the kernel then stays on
    the stock comm layer and logs it)."""
    with pytest.raises(
        TraitError, match=re.escape(f"c.IPyComm.{name} must be a number of seconds > 0")
    ):
        IPyComm(**{name: 0})


def test_a_cap_below_one_byte_is_refused_naming_the_option() -> None:
    with pytest.raises(
        TraitError, match=re.escape("c.IPyComm.max_pending_bytes must be at least 1")
    ):
        IPyComm(max_pending_bytes=0)
