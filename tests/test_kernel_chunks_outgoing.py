"""The kernel's chunked messages to a reader that reassembles (docs/chunking.md §1-3), against
a real kernel: byte-exact, paced by the reader's credit, the comm's later messages behind the
transfer and other comms' messages between its chunks; and sent whole to readers that don't
reassemble."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ipycomm import CommReader
from ipycomm.chunks.format import CHUNK_KEY, MAX_AHEAD
from kernel_driver import KernelDriver, Msg

SETUP = """
from ipycomm import Comm
_t = get_ipython().kernel.comm_manager.transport
_t.limits.chunk_size = 64 * 1024
_t.limits.max_chunk_size = 64 * 1024  # adaptive chunks as small as fixed ones: many of them
_t.outbox.readers.stale_after = 60
c = Comm(target_name='big')
other = Comm(target_name='big')
"""
#: 1 MiB and a bit, in two buffers: 17 chunks of 64 KiB.
BUFFERS = [bytes(range(256)) * 2048, b"\x07" * (512 * 1024 + 100)]
SEND = (
    "c.send({'big': True}, {'m': 1},\n"
    "       buffers=[bytes(range(256)) * 2048, b'\\x07' * (512 * 1024 + 100)])\n"
    "other.send({'other': True})\n"
    "c.send({'after': True})\n"
)


@pytest.fixture
def reader(k: KernelDriver) -> Iterator[CommReader]:
    """A reader that reassembles, registered with the kernel (its credit taken)."""
    reader = CommReader(k.kc, chunks=True)
    for msg in k.execute(SETUP):
        reader.receive(msg)
    assert reader.last_credit_id is not None
    k.credits_taken()
    yield reader
    reader.close()
    k.credits_taken()
    k.drain()
    k.execute(
        "c.close()\nother.close()\n_t.limits.__init__()\n"
        "from ipycomm.flow.readers import STALE_AFTER\n_t.outbox.readers.stale_after = STALE_AFTER"
    )


def raw_until(k: KernelDriver, done: Any, timeout: float = 30) -> list[Msg]:
    messages = []
    while not messages or not done(messages[-1]):
        messages.append(k.kc.get_iopub_msg(timeout=timeout))
    return messages


def is_idle_of(msg_id: str) -> Any:
    return lambda m: (
        m["msg_type"] == "status"
        and m["parent_header"].get("msg_id") == msg_id
        and m["content"]["execution_state"] == "idle"
    )


def held_back(k: KernelDriver) -> list[Msg]:
    """What a reader that withholds credit gets of SEND: read up to the other comm's message,
    then up to the idle of a control round trip sent after it (a status of another request
    waits for no transfer), so that anything more that were coming would be here."""
    held = raw_until(k, lambda m: m["msg_type"] == "comm_msg" and data_of(m) == {"other": True})
    return held + raw_until(k, is_idle_of(k.credits_taken()))


def is_chunk(m: Msg) -> bool:
    return m["msg_type"] == "comm_msg" and CHUNK_KEY in m["content"]["data"]


def data_of(m: Msg) -> dict[str, Any]:
    return dict(m["content"]["data"])


def test_a_reader_that_withholds_credit_gets_max_ahead_chunks_and_other_comms_pass(
    k: KernelDriver, reader: CommReader
) -> None:
    """Without credit: MAX_AHEAD chunks, and the other comm's message sent after the big one; the
    comm's own later message waits. With credit as it reads: the rest, reassembled
    byte-exact with the send's metadata, then the comm's later message."""
    msg_id = k.kc.execute(SEND)
    held = held_back(k)
    comm_msgs = [m for m in held if m["msg_type"] == "comm_msg"]
    assert not any(is_idle_of(msg_id)(m) for m in held), "the idle overtook the transfer"
    assert [is_chunk(m) for m in comm_msgs] == [True] * MAX_AHEAD + [False]
    assert data_of(comm_msgs[MAX_AHEAD]) == {"other": True}
    received = [w for m in held for w in reader.receive(m)]  # credits each chunk at once
    while not any(is_idle_of(msg_id)(m) for m in received):
        received += reader.receive(k.kc.get_iopub_msg(timeout=30))
    whole = [m for m in received if m["msg_type"] == "comm_msg"]
    assert [data_of(m) for m in whole] == [{"other": True}, {"big": True}, {"after": True}]
    big = whole[1]
    assert [hashlib.sha256(b).digest() for b in big["buffers"]] == [
        hashlib.sha256(b).digest() for b in BUFFERS
    ]
    assert big["metadata"]["m"] == 1
    assert reader.lost == 0


def test_the_pages_cancel_stops_the_kernels_transfer_and_every_page_is_told(
    k: KernelDriver, reader: CommReader
) -> None:
    """A cancel notice naming the kernel's transfer: its unsent chunks are dropped, a cancel
    notice follows the chunks already sent, then the comm's later message."""
    k.kc.execute(SEND)
    held = held_back(k)
    chunks = [m for m in held if is_chunk(m)]
    assert len(chunks) == MAX_AHEAD
    transfer = data_of(chunks[0])[CHUNK_KEY]["transfer"]
    comm_id = chunks[0]["content"]["comm_id"]
    cancel = {CHUNK_KEY: {"transfer": transfer, "cancel": True}}
    k.send("comm_msg", {"comm_id": comm_id, "data": cancel})
    later = raw_until(k, lambda m: m["msg_type"] == "comm_msg" and "after" in data_of(m))
    assert [data_of(m) for m in later if m["msg_type"] == "comm_msg"] == [cancel, {"after": True}]
    received = [w for m in held + later for w in reader.receive(m)]
    assert [data_of(m) for m in received if m["msg_type"] == "comm_msg"] == [
        {"other": True},
        {"after": True},
    ]
    k.wait_for_log(f"cancelled its transfer {transfer} on comm {comm_id}: the page cancelled it")


def test_a_reader_that_does_not_reassemble_gets_the_message_whole(
    k: KernelDriver, reader: CommReader
) -> None:
    """A second reader whose credit lacks chunks: true: the kernel sends plain messages."""
    plain = CommReader(k.kc)
    for msg in k.execute("other.send({'hello': 1})"):
        plain.receive(msg)  # registers
    k.credits_taken()
    try:
        messages = k.execute(SEND)
        sends = [m for m in messages if m["msg_type"] == "comm_msg"]
        assert [data_of(m) for m in sends] == [{"big": True}, {"other": True}, {"after": True}]
        assert [bytes(b) for b in sends[0]["buffers"]] == BUFFERS
    finally:
        plain.close()
        k.credits_taken()


def test_a_small_message_is_never_chunked(k: KernelDriver, reader: CommReader) -> None:
    """At or under the chunk size a message goes whole, even to a reader that reassembles."""
    messages = k.execute("c.send({'s': 1}, buffers=[bytes(60 * 1024)])")
    [send] = [m for m in messages if m["msg_type"] == "comm_msg"]
    assert data_of(send) == {"s": 1} and len(send["buffers"][0]) == 60 * 1024


def test_the_configured_sizes_reach_the_comm_info_reply(tmp_path: Path) -> None:
    """c.IPyComm.chunk_size and max_message_size from the kernel's config; a chunk size out
    of bounds leaves the stock comm layer and a log line naming the option."""
    from test_kernel_activation import kernel_with_config

    driver = kernel_with_config(
        tmp_path / "good", "c.IPyComm.chunk_size = 65536\nc.IPyComm.max_message_size = 10**7"
    )
    try:
        info = driver.comm_info()["ipycomm"]
        assert info == {
            "version": 1,
            "chunk_format": 2,
            "chunk_size": 65536,
            "max_message_size": 10**7,
        }
    finally:
        driver.stop()
    driver = kernel_with_config(tmp_path / "bad", "c.IPyComm.chunk_size = 16 << 20")
    try:
        assert "ipycomm" not in driver.comm_info()
        driver.wait_for_log("c.IPyComm.chunk_size must be from 65536 (64.0 KiB) to 8388608")
    finally:
        driver.stop()
