"""The page's chunks over fakes: reassembly in place, and every way a transfer is dropped
(one log line, an error notice, nothing delivered)."""

from __future__ import annotations

import hashlib
import logging
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from chunking import page_chunks
from ipycomm.chunks.format import CHUNK_KEY, chunk_data
from ipycomm.chunks.incoming import Incoming
from ipycomm.chunks.limits import Limits
from ipycomm.protocol import Message


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Own:
    """The kernel's own transfers, as a fake: one named 'k1' is under way."""

    def __init__(self) -> None:
        self.cancelled: list[str] = []
        self.closed: list[str] = []

    def cancel(self, transfer_id: str) -> bool:
        self.cancelled.append(transfer_id)
        return transfer_id == "k1"

    def comm_closed(self, comm_id: str) -> None:
        self.closed.append(comm_id)


class Page:
    """An Incoming, what it notifies, and helpers that send chunks as a page would."""

    def __init__(self, **limits: Any) -> None:
        self.notices: list[tuple[str, dict[str, Any]]] = []
        self.own = Own()
        self.clock = Clock()
        #: The timers the incoming side started, as (delay, what it runs then).
        self.timers: list[tuple[float, Callable[[], None]]] = []
        self.incoming = Incoming(
            Limits(**limits),
            lambda c, d: self.notices.append((c, d)),
            self.own,
            lambda delay, f: self.timers.append((delay, f)),
        )
        self.incoming.assembler._clock = self.clock

    def msg(self, data: dict[str, Any], buffers: list[Any], session: str = "page-1") -> Message:
        return {
            "header": {"msg_id": f"m{len(data)}", "session": session},
            "parent_header": {},
            "metadata": {"last": True},
            "content": {"comm_id": "c1", "data": data},
            "buffers": buffers,
        }

    def send(self, chunks: list[tuple[dict[str, Any], Any]], **kw: Any) -> list[Message | None]:
        return [self.incoming.take("c1", self.msg(d, [b], **kw)) for d, b in chunks]

    def errors(self) -> list[str]:
        return [d[CHUNK_KEY]["error"] for _, d in self.notices]


def test_a_chunked_message_comes_out_whole_once_with_views_of_one_buffer() -> None:
    """Three buffers over 40 chunks: one message, byte-exact, after the last chunk only."""
    page = Page()
    buffers = [bytes(range(256)) * 400, b"", b"z" * 5000]
    out = page.send(page_chunks({"big": "x" * 3000}, buffers, chunk_size=2700))
    assert out[:-1] == [None] * (len(out) - 1)
    whole = out[-1]
    assert whole is not None
    assert whole["content"] == {"comm_id": "c1", "data": {"big": "x" * 3000}}
    assert whole["metadata"] == {"last": True}
    assert [hashlib.sha1(b).digest() for b in whole["buffers"]] == [
        hashlib.sha1(b).digest() for b in buffers
    ]
    assert len({id(b.obj) for b in whole["buffers"]}) == 1, "views of one reassembled buffer"
    assert page.notices == []


def test_an_ordinary_message_passes_untouched() -> None:
    page = Page()
    msg = page.msg({"a": 1}, [])
    assert page.incoming.take("c1", msg) is msg


def test_chunk_zero_over_the_limit_is_refused_and_its_later_chunks_ignored(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An error notice naming size and limit, one warning, and the rest ignored (logged once)."""
    page = Page(max_message_size=1000)
    caplog.set_level(logging.INFO, "ipycomm")
    assert page.send(page_chunks({}, [b"a" * 3070], 1024)) == [None, None, None]
    assert page.errors() == [
        "the message is 3.0 KiB, over the kernel's limit of 1000 bytes (c.IPyComm.max_message_size)"
    ]
    assert "refused transfer t1 on comm c1 from page-1: the message is 3.0 KiB" in caplog.text
    assert caplog.text.count("ignores the rest of transfer t1") == 1


def _skip(chunks: list[Any]) -> list[Any]:
    return [chunks[0], chunks[2]]


def _swap(chunks: list[Any]) -> list[Any]:
    return [chunks[0], chunks[2], chunks[1], chunks[3]]


def _short_last(chunks: list[Any]) -> list[Any]:
    return [*chunks[:-1], (chunks[-1][0], chunks[-1][1][:-1])]


def _long_middle(chunks: list[Any]) -> list[Any]:
    return [chunks[0], (chunks[1][0], bytes(chunks[1][1]) * 3), *chunks[2:]]


def _orphan(chunks: list[Any]) -> list[Any]:
    return chunks[1:]


def _count_changes(chunks: list[Any]) -> list[Any]:
    data = {CHUNK_KEY: {**chunks[1][0][CHUNK_KEY], "count": 9}}
    return [chunks[0], (data, chunks[1][1])]


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (_skip, "chunk 2 of 4 arrived where chunk 1 of 4 was expected"),
        (_swap, "chunk 2 of 4 arrived where chunk 1 of 4 was expected"),
        (_short_last, "the last chunk ends at byte 3499, short of the announced size 3500"),
        (_long_middle, "chunk 1 ends at byte 4096, past the announced size 3500"),
        (_orphan, "chunk 1 is of an unknown transfer"),
        (_count_changes, "chunk 1 of 9 arrived where chunk 1 of 4 was expected"),
    ],
)
def test_a_transfer_that_goes_wrong_is_dropped_with_a_notice_and_never_delivered(
    damage: Any, says: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Out of order, missing, overflowing, short, orphaned: one warning, one notice."""
    page = Page()
    chunks = page_chunks({"a": "b"}, [b"q" * 3490], 1024)
    assert all(m is None for m in page.send(damage(chunks)))
    assert page.errors() == [says]
    assert caplog.text.count("dropped transfer t1 on comm c1 from page-1 ") == 1


def test_a_json_part_that_is_not_an_object_is_not_delivered() -> None:
    """A payload whose JSON part is a list: an error notice, nothing delivered."""
    page = Page()
    chunks = page_chunks({"k": 1}, [], 5)  # {"k": 1}: 8 bytes in two chunks
    assert page.send([(chunks[0][0], b"[1, 2"), (chunks[1][0], b",3]")]) == [None, None]
    assert page.errors() == ["the message's data is not a JSON object: [1, 2, 3]"]


def test_a_cancel_drops_the_partial_and_a_cancel_of_the_kernels_own_transfer_cancels_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The page's cancel drops its partial (later chunks ignored); a cancel naming one of the
    kernel's transfers cancels that one."""
    page = Page()
    chunks = page_chunks({}, [b"x" * 3000], 1024)
    page.send(chunks[:1])
    page.incoming.take("c1", page.msg({CHUNK_KEY: {"transfer": "t1", "cancel": True}}, []))
    assert page.send(chunks[1:]) == [None, None]
    assert "dropped transfer t1 on comm c1 from page-1 after 1 of 3 chunks" in caplog.text
    assert page.notices == []
    page.incoming.take("c1", page.msg({CHUNK_KEY: {"transfer": "k1", "cancel": True}}, []))
    assert page.own.cancelled == ["k1"]
    assert "cancelled its transfer k1 on comm c1: the page cancelled it" in caplog.text


def test_a_closed_comm_or_a_departed_page_drops_its_partials(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """comm_close drops the comm's partials; a closing credit drops that session's."""
    page = Page()
    chunks = page_chunks({}, [b"x" * 3000], 1024)
    page.send(chunks[:1], session="page-1")
    page.send(chunks[:1], session="page-2")
    page.incoming.reader_left("page-2")
    assert "from page-2 after 1 of 3 chunks (1.0 KiB of 2.9 KiB): the page went" in caplog.text
    assert "page-1 after" not in caplog.text
    page.incoming.comm_closed("c1")
    assert "from page-1 after 1 of 3 chunks (1.0 KiB of 2.9 KiB): the comm closed" in caplog.text
    assert page.own.closed == ["c1"]
    assert page.notices == []


def test_a_partial_idle_past_the_timeout_is_dropped_on_the_next_sweep(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No chunk for idle_timeout: dropped with a notice when anything next looks."""
    page = Page(idle_timeout=60)
    chunks = page_chunks({}, [b"x" * 3000], 1024)
    page.send(chunks[:2])
    page.clock.now += 59
    page.incoming.sweep()
    assert page.notices == []
    page.clock.now += 2
    page.incoming.info()
    assert page.errors() == ["no chunk arrived for 60 s"]
    assert "after 2 of 3 chunks (2.0 KiB of 2.9 KiB): no chunk arrived for 60 s" in caplog.text


def test_an_idle_partial_is_dropped_by_a_timer_though_nothing_else_arrives(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Chunk 0 starts one timer, due when the partial would be idle past the timeout; it drops
    the partial with a notice, and starts no other while nothing is under way."""
    page = Page(idle_timeout=60)
    chunks = page_chunks({}, [b"x" * 3000], 1024)
    page.send(chunks[:1])
    page.clock.now += 30
    page.send(chunks[1:2])  # a timer is already on its way: no second one
    [(delay, fire)] = page.timers
    assert delay == pytest.approx(60, abs=0.1)
    page.timers.clear()
    page.clock.now += delay - 30  # the timer fires early for the partial, idle only 30 s
    fire()
    assert page.notices == []
    [(delay, fire)] = page.timers
    assert delay == pytest.approx(30, abs=0.1)
    page.timers.clear()
    page.clock.now += delay
    fire()
    assert page.errors() == ["no chunk arrived for 60 s"]
    assert "after 2 of 3 chunks (2.0 KiB of 2.9 KiB): no chunk arrived for 60 s" in caplog.text
    assert page.timers == []


def test_chunk_zero_commits_only_the_bytes_it_carries() -> None:
    """A chunk 0 announcing 1 GiB allocates about its own 64 KiB, not the announced size."""
    page = Page()
    data = chunk_data("big", 0, 16384, [2, (1 << 30) - 2])
    tracemalloc.start()
    try:
        page.send([(data, b"{}" + bytes(64 * 1024 - 2))])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert page.notices == []
    assert peak < 1 << 20


def test_a_chunk_that_would_take_the_partials_past_the_cap_drops_only_its_transfer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two transfers of 3000 bytes under a 3000-byte cap: the one whose chunk goes past it is
    dropped, with a notice naming the cap; the other then fits and arrives whole."""
    page = Page(max_pending_bytes=3000)
    first = page_chunks({}, [b"a" * 2998], 1024, transfer="first")
    second = page_chunks({}, [b"b" * 2998], 1024, transfer="second")
    page.send([first[0], second[0], first[1]])
    assert page.errors() == [
        "the page's partial messages would hold 3.0 KiB, over the kernel's cap of 2.9 KiB "
        "(c.IPyComm.max_pending_bytes)"
    ]
    assert [d[CHUNK_KEY]["transfer"] for _, d in page.notices] == ["first"]
    assert "dropped transfer first on comm c1 from page-1 after 1 of 3 chunks" in caplog.text
    *_, whole = page.send(second[1:])
    assert whole is not None and bytes(whole["buffers"][0]) == b"b" * 2998
    assert page.send(first[2:]) == [None], "the dropped transfer's rest is ignored"
