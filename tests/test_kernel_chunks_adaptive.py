"""The adaptive chunk format against a real kernel (docs/chunking.md §2, §3): a lone
transfer goes in the largest chunks; a comm_open over the chunk size comes in chunks to
readers of the adaptive format and arrives whole; a reader of the fixed format (an older page)
gets fixed chunks and the comm_open whole; a plain jupyter_client beside them gets everything
whole."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from ipycomm import CommReader
from ipycomm.chunks.format import CHUNK_KEY
from kernel_driver import KernelDriver, Msg
from test_kernel_chunks_outgoing import reader  # noqa: F401  (a fixture)
from test_kernel_many_clients import PlainClient, read_until_idle, wait_private

#: 12 MiB and a bit, opened with the comm: comm_open is chunked like any comm message.
OPEN = """
big_open = Comm(target_name='big', data={'img': True}, metadata={'m': 2},
                buffers=[bytes(range(256)) * (48 * 1024), b'\\x09' * 1000])
big_open.send({'after': True})
"""
BUFFERS = [bytes(range(256)) * (48 * 1024), b"\x09" * 1000]


@pytest.fixture
def k(own_kernel: KernelDriver) -> KernelDriver:
    """A kernel per test: plain clients and old readers must not outlive it."""
    return own_kernel


@pytest.fixture(autouse=True)
def largest_chunks(k: KernelDriver, reader: CommReader) -> None:  # noqa: F811
    """The reader's setup makes chunks small (for the fixed-format tests): back to 8 MiB."""
    k.execute("_t.limits.max_chunk_size = 8 << 20")


@pytest.fixture(autouse=True)
def close_big_open(k: KernelDriver) -> Iterator[None]:
    yield
    k.execute("big_open.close()")


def older_page(k: KernelDriver, closing: bool) -> None:
    """A reader's credit as an earlier ipycomm page sends it: chunks, no chunk_format. It
    credits far ahead, so that only the test's reader paces the kernel."""
    content = {"reader": "older-page", "seq": 1 << 40, "window": 256, "closing": closing}
    k.kc.control_channel.send(k.kc.session.msg("ipycomm_credit", {**content, "chunks": True}))
    k.credits_taken()


def digests(buffers: list[Any]) -> list[bytes]:
    return [hashlib.sha256(b).digest() for b in buffers]


def chunks_of(raw: list[Msg]) -> list[Msg]:
    return [m for m in raw if CHUNK_KEY in (m["content"].get("data") or {})]


def assert_open_whole(delivered: list[Msg]) -> None:
    """The comm_open, with its target, data, metadata and buffers, then the comm's message."""
    opens = [m for m in delivered if m["msg_type"] == "comm_open"]
    assert len(opens) == 1
    [opened] = opens
    content = opened["content"]
    assert (content["target_name"], content["data"]) == ("big", {"img": True})
    assert opened["metadata"]["m"] == 2
    assert digests(opened["buffers"]) == digests(BUFFERS)
    after = delivered.index(opened) + 1
    assert delivered[after]["content"]["data"] == {"after": True}


def test_a_large_comm_open_comes_in_the_largest_chunks_and_arrives_whole(
    k: KernelDriver,
    reader: CommReader,  # noqa: F811
) -> None:
    """Earlier chunks are comm_msgs, the last is the comm_open itself carrying the last slice;
    no count, the last marked; alone, chunks of the largest size."""
    raw, delivered = read_until_idle(k, reader, k.kc.execute(OPEN))
    chunks = chunks_of(raw)
    assert [m["msg_type"] for m in chunks] == ["comm_msg"] * (len(chunks) - 1) + ["comm_open"]
    headers = [m["content"]["data"][CHUNK_KEY] for m in chunks]
    assert all("count" not in h for h in headers)
    assert [h.get("last", False) for h in headers][-1] is True
    sizes = [len(m["buffers"][0]) for m in chunks]
    assert sizes == [8 << 20, (12 << 20) + 1000 + len(b'{"img": true}') - (8 << 20)], sizes
    assert_open_whole(delivered)


def test_a_reader_of_the_fixed_format_gets_fixed_chunks_and_the_open_whole(
    k: KernelDriver,
    reader: CommReader,  # noqa: F811
) -> None:
    """A second reader whose credit has chunks but no chunk_format (a page of an earlier
    ipycomm): comm_msgs come in chunks of the chunk size with a count, a comm_open whole."""
    older_page(k, closing=False)
    try:
        code = OPEN + "big_open.send({'big': 1}, buffers=[bytes(300 * 1024)])\n"
        raw, delivered = read_until_idle(k, reader, k.kc.execute(code))
    finally:
        older_page(k, closing=True)
    opens = [m for m in raw if m["msg_type"] == "comm_open"]
    assert [CHUNK_KEY in m["content"]["data"] for m in opens] == [False]
    chunks = chunks_of(raw)
    assert [len(m["buffers"][0]) for m in chunks] == [64 * 1024] * 4 + [
        300 * 1024 + 10 - 256 * 1024
    ]
    assert {m["content"]["data"][CHUNK_KEY]["count"] for m in chunks} == {5}
    assert_open_whole(delivered)


def test_a_plain_client_beside_gets_the_comm_open_whole(
    k: KernelDriver,
    reader: CommReader,  # noqa: F811
) -> None:
    """While a plain jupyter_client listens, nobody gets chunks: it sees the spec's comm_open."""
    plain = PlainClient(k)
    try:
        wait_private(k, False)
        msg_id = k.kc.execute(OPEN)
        raw, delivered = read_until_idle(k, reader, msg_id)
        seen = plain.until_idle(msg_id)
    finally:
        plain.stop()
    for messages in (raw, seen):
        assert chunks_of(messages) == []
        assert_open_whole([m for m in messages if m["msg_type"].startswith("comm_")])
    assert_open_whole(delivered)
