"""The page's chunked messages against a real kernel (docs/chunking.md): reassembled byte-exact
and delivered once, in order with the comm's other messages, and dropped, with a log line and
an error notice, however a transfer goes wrong; the kernel keeps answering."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from chunking import page_chunks
from ipycomm.chunks.format import CHUNK_KEY
from kernel_driver import KernelDriver, Msg

KIB = 1 << 10
SETUP = """
import hashlib
from ipycomm import Comm
from ipycomm.chunks.limits import Limits
_t = get_ipython().kernel.comm_manager.transport
got = []
def record(name):
    def on_msg(m):
        digests = [hashlib.sha256(b).hexdigest() for b in m['buffers']]
        got.append((name, m['content']['data'], digests, m['header']['msg_id'], m['metadata']))
    return on_msg
c = Comm(target_name='chunks')
c.on_msg(record('big'))
other = Comm(target_name='chunks')
other.on_msg(record('other'))
"""


@pytest.fixture
def comms(k: KernelDriver) -> Iterator[tuple[str, str]]:
    """Two kernel comms whose on_msg records what arrives; default limits afterwards."""
    opened = k.of_type(k.execute(SETUP), "comm_open")
    yield opened[0]["content"]["comm_id"], opened[1]["content"]["comm_id"]
    k.execute("c.close()\nother.close()\n_t.limits.__init__()")


def send_chunks(
    k: KernelDriver, comm_id: str, chunks: list[tuple[dict[str, Any], Any]]
) -> list[Msg]:
    """Send chunks as a page does; returns the iopub messages they caused, to their idles."""
    sent = []
    for data, piece in chunks:
        buffers = piece if isinstance(piece, list) else [piece]
        sent.append(k.send("comm_msg", {"comm_id": comm_id, "data": data}, buffers=buffers))
    return [m for msg_id in sent for m in k.until_idle(msg_id)]


def got(k: KernelDriver) -> list[Any]:
    """What the comms' on_msg recorded: [name, data, buffer digests, msg_id, metadata]."""
    return list(json.loads(k.output("import json; print(json.dumps(got))")))


def error_notices(messages: list[Msg], comm_id: str) -> list[str]:
    """The errors of the transfer notices on ``comm_id`` among ``messages``."""
    return [
        str(m["content"]["data"][CHUNK_KEY]["error"])
        for m in messages
        if m["msg_type"] == "comm_msg"
        and m["content"]["comm_id"] == comm_id
        and CHUNK_KEY in m["content"]["data"]
    ]


def test_a_chunked_message_reaches_on_msg_once_whole_and_byte_exact(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """3 MB in three buffers over 49 chunks of 64 KiB: one on_msg call, the JSON data intact,
    every buffer's hash equal, the last chunk's msg_id and metadata."""
    buffers = [bytes(range(256)) * 4096, b"", hashlib.sha512(b"x").digest() * 32768]
    chunks = page_chunks({"name": "big", "n": [1, 2]}, buffers, 64 * KIB)
    assert len(chunks) == 49
    last_id = ""
    for index, (data, piece) in enumerate(chunks):
        metadata = {"mine": 1} if index == len(chunks) - 1 else {}
        content = {"comm_id": comms[0], "data": data}
        last_id = k.send("comm_msg", content, buffers=[piece], metadata=metadata)
    k.until_idle(last_id)
    [(name, data, digests, msg_id, metadata)] = got(k)
    assert (name, data) == ("big", {"name": "big", "n": [1, 2]})
    assert digests == [hashlib.sha256(b).hexdigest() for b in buffers]
    assert msg_id == last_id and metadata == {"mine": 1}


def test_a_message_after_a_chunked_one_on_its_comm_is_handled_after_it(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """Chunks, then a small message on the same comm: on_msg sees the big one first."""
    send_chunks(k, comms[0], page_chunks({"i": 1}, [b"a" * 300 * KIB], 64 * KIB))
    k.until_idle(k.send("comm_msg", {"comm_id": comms[0], "data": {"i": 2}}))
    assert [entry[1] for entry in got(k)] == [{"i": 1}, {"i": 2}]


def test_a_message_on_another_comm_mid_transfer_is_handled_before_the_transfer_ends(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """Half the chunks, a small message on another comm, the rest: the small one first."""
    chunks = page_chunks({"i": 1}, [b"a" * 300 * KIB], 64 * KIB)
    send_chunks(k, comms[0], chunks[:3])
    k.until_idle(k.send("comm_msg", {"comm_id": comms[1], "data": {"i": 2}}))
    send_chunks(k, comms[0], chunks[3:])
    assert [entry[:2] for entry in got(k)] == [["other", {"i": 2}], ["big", {"i": 1}]]


def test_a_cancelled_transfer_is_dropped_and_its_later_chunks_ignored(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """The page's cancel notice drops the partial; nothing is delivered, even if the rest
    arrives; the log names the transfer and how far it got."""
    chunks = page_chunks({"i": 1}, [b"a" * 300 * KIB], 64 * KIB, transfer="cx")
    send_chunks(k, comms[0], chunks[:2])
    cancel = {CHUNK_KEY: {"transfer": "cx", "cancel": True}}
    k.until_idle(k.send("comm_msg", {"comm_id": comms[0], "data": cancel}))
    send_chunks(k, comms[0], chunks[2:])
    k.wait_for_log(f"dropped transfer cx on comm {comms[0]} from {k.kc.session.session} after 2")
    k.wait_for_log("the page cancelled it")
    assert got(k) == []


def test_a_comm_closed_mid_transfer_drops_its_partial(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """comm_close from the page mid-transfer: the partial goes, with a log line."""
    chunks = page_chunks({"i": 1}, [b"a" * 300 * KIB], 64 * KIB, transfer="closing")
    send_chunks(k, comms[0], chunks[:2])
    k.until_idle(k.send("comm_close", {"comm_id": comms[0], "data": {}}))
    k.wait_for_log("dropped transfer closing on comm")
    k.wait_for_log("after 2 of 5 chunks (128.0 KiB of 300.0 KiB): the comm closed")
    assert got(k) == []


def test_the_pages_closing_credit_mid_transfer_drops_its_partial(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """A reader's closing credit names the page's session: its partials go."""
    chunks = page_chunks({"i": 1}, [b"a" * 300 * KIB], 64 * KIB, transfer="leaving")
    send_chunks(k, comms[0], chunks[:3])
    credit = {"reader": k.kc.session.session, "seq": 0, "closing": True}
    k.kc.control_channel.send(k.kc.session.msg("ipycomm_credit", credit))
    k.wait_for_log("dropped transfer leaving on comm")
    k.wait_for_log("after 3 of 5 chunks (192.0 KiB of 300.0 KiB): the page went away")
    send_chunks(k, comms[0], chunks[3:])
    assert got(k) == []


def test_chunk_zero_over_the_limit_is_refused_with_an_error_notice(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """max_message_size 256 KiB, a 300 KiB message: refused at chunk 0 (notice and log), the
    rest ignored, nothing delivered."""
    k.execute("_t.limits.max_message_size = 256 * 1024")
    chunks = page_chunks({"i": 1}, [b"a" * 300 * KIB], 64 * KIB, transfer="huge")
    messages = send_chunks(k, comms[0], chunks)
    says = "the message is 300.0 KiB, over the kernel's limit of 256.0 KiB"
    assert [e[: len(says)] for e in error_notices(messages, comms[0])] == [says]
    k.wait_for_log(f"refused transfer huge on comm {comms[0]}")
    k.wait_for_log("ignores the rest of transfer huge")
    assert got(k) == []


def test_comm_send_over_the_limit_raises_value_error_naming_both_sizes(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """Comm.send of 2 MiB under a 1 MiB limit: ValueError in the cell, nothing sent."""
    messages = k.execute(
        "_t.limits.max_message_size = 1 << 20\nc.send({}, buffers=[bytes(2 << 20)])",
        allow_error=True,
    )
    [error] = k.of_type(messages, "error")
    assert error["content"]["ename"] == "ValueError"
    assert error["content"]["evalue"] == (
        f"comm_msg on comm {comms[0]} is 2.0 MiB, over the limit of 1.0 MiB "
        "(c.IPyComm.max_message_size)"
    )
    assert k.of_type(messages, "comm_msg") == []


def _orphan(chunks: list[Any]) -> list[Any]:
    return chunks[2:]


def _skipped(chunks: list[Any]) -> list[Any]:
    return [chunks[0], *chunks[2:]]


def _two_buffers(chunks: list[Any]) -> list[Any]:
    return [chunks[0], (chunks[1][0], [chunks[1][1], b"x"]), *chunks[2:]]


def _truncated(chunks: list[Any]) -> list[Any]:
    return [*chunks[:-1], (chunks[-1][0], chunks[-1][1][:10])]


def _bad_index(chunks: list[Any]) -> list[Any]:
    data = {CHUNK_KEY: {**chunks[1][0][CHUNK_KEY], "index": "1"}}
    return [chunks[0], (data, chunks[1][1]), *chunks[2:]]


@pytest.mark.parametrize(
    ("damage", "logged"),
    [
        (_orphan, "chunk 2 is of an unknown transfer"),
        (_skipped, "chunk 2 of 5 arrived where chunk 1 of 5 was expected"),
        (_two_buffers, "a chunk carries exactly one buffer, this one has 2"),
        (_truncated, "the last chunk ends at byte 262154, short of the announced size 307208"),
        (_bad_index, "ipycomm_chunk.index must be an integer >= 0, got '1'"),
    ],
)
def test_a_malformed_or_missing_chunk_drops_the_transfer_and_the_kernel_goes_on(
    k: KernelDriver, comms: tuple[str, str], damage: Any, logged: str
) -> None:
    """One log line, an error notice naming what is wrong, nothing delivered; then a cell
    runs and a later message on the comm arrives."""
    chunks = damage(page_chunks({"i": 1}, [b"a" * 300 * KIB], 64 * KIB))
    [notice] = error_notices(send_chunks(k, comms[0], chunks), comms[0])
    assert logged in notice
    k.wait_for_log(logged)
    assert k.output("print('alive')").strip() == "alive"
    k.until_idle(k.send("comm_msg", {"comm_id": comms[0], "data": {"after": True}}))
    assert [entry[1] for entry in got(k)] == [{"after": True}]


def test_a_partial_idle_past_the_timeout_is_dropped_with_a_notice(
    k: KernelDriver, comms: tuple[str, str]
) -> None:
    """No chunk for idle_timeout (0.2 s here): the next look (a comm_info) drops it."""
    k.execute("_t.limits.idle_timeout = 0.2")
    chunks = page_chunks({"i": 1}, [b"a" * 300 * KIB], 64 * KIB, transfer="idle")
    send_chunks(k, comms[0], chunks[:1])
    deadline = time.monotonic() + 30
    notices: list[str] = []
    while not notices:  # each comm_info looks; the first after 0.2 s finds it idle
        assert time.monotonic() < deadline, "the idle partial was never dropped"
        msg_id = k.send("comm_info_request", {})
        notices = error_notices(k.until_idle(msg_id), comms[0])
    assert notices == ["no chunk arrived for 0.2 s"]
    k.wait_for_log("dropped transfer idle on comm")
    assert got(k) == []


def test_comm_info_reply_says_what_the_kernel_reassembles(k: KernelDriver) -> None:
    """The ipycomm key: version 1, the adaptive chunk format, the chunk size and the message
    size limit."""
    info = k.comm_info()
    assert info["ipycomm"] == {
        "version": 1,
        "chunk_format": 2,
        "chunk_size": 1 << 20,
        "max_message_size": 1 << 31,
    }
    assert info["status"] == "ok"
