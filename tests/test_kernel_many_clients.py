"""One kernel, two clients over ZMQ (docs/flow-control.md §6): a plain jupyter_client that never
heard of ipycomm, and a ``CommReader`` that reassembles chunks and unpacks batches. While the
plain one is subscribed, both get the plain protocol, whole and in order; once it leaves, the
reader gets batches and chunks again."""

from __future__ import annotations

import queue
import threading
from typing import Any

import pytest
from ipycomm import CommReader
from ipycomm.chunks.format import CHUNK_KEY
from ipycomm.flow.wire import BATCH_KEY
from jupyter_client.blocking import BlockingKernelClient
from kernel_driver import KernelDriver, Msg

SETUP = """
from ipycomm import Comm
_t = get_ipython().kernel.comm_manager.transport
_t.limits.chunk_size = 64 * 1024
_t.limits.max_chunk_size = 64 * 1024  # adaptive chunks as small as fixed ones: many of them
c = Comm(target_name='wire')
"""
BIG = 3 * 1024 * 1024 + 7
BIG_THEN_PRINT = f"""
c.send({{'big': 1}}, buffers=[b'\\x05' * {BIG}])
c.send({{'after': 1}})
print('printed-after')
"""
BURST = "for i in range(3000):\n    c.send({'i': i})\n" + BIG_THEN_PRINT
#: Whether the kernel sees every iopub subscriber as one that reads envelopes.
PRIVATE = "__import__('ipycomm.kernel.xpub').kernel.xpub.scope_of(get_ipython().kernel).private()"


class PlainClient:
    """A jupyter_client with its own sockets, reading iopub in a thread as any frontend does."""

    def __init__(self, k: KernelDriver) -> None:
        self.kc = BlockingKernelClient()
        self.kc.load_connection_info(k.km.get_connection_info())
        self.kc.start_channels()
        self.messages: queue.Queue[Msg] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        self._wait_subscribed()

    def _wait_subscribed(self) -> None:
        """Until its own request's status comes back on iopub: from then on its subscription is
        live, and nothing the kernel publishes can miss it."""
        for _ in range(60):
            msg_id = self.kc.kernel_info()
            try:
                while self.messages.get(timeout=1)["parent_header"].get("msg_id") != msg_id:
                    pass
                return
            except queue.Empty:
                continue
        raise AssertionError("the plain client's iopub subscription never went live")

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                self.messages.put(self.kc.iopub_channel.get_msg(timeout=0.1))
            except queue.Empty:
                continue

    def until_idle(self, parent_id: str, timeout: float = 60) -> list[Msg]:
        """Its iopub messages parented to ``parent_id``, up to that request's idle."""
        collected = []
        while True:
            msg = self.messages.get(timeout=timeout)
            if msg["parent_header"].get("msg_id") != parent_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return collected
            collected.append(msg)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.kc.stop_channels()


@pytest.fixture
def k(own_kernel: KernelDriver) -> KernelDriver:
    return own_kernel


def run_as_reader(k: KernelDriver, reader: CommReader, code: str) -> tuple[list[Msg], list[Msg]]:
    """Run ``code`` with ``reader`` reading: the raw iopub messages up to the idle, and the
    messages the reader made of them (batches unpacked, chunks joined)."""
    return read_until_idle(k, reader, k.kc.execute(code))


def read_until_idle(
    k: KernelDriver, reader: CommReader, msg_id: str
) -> tuple[list[Msg], list[Msg]]:
    """What ``reader`` reads up to the idle of ``msg_id``: raw, and delivered."""
    raw: list[Msg] = []
    delivered: list[Msg] = []
    while True:
        msg = k.kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return raw, delivered
        raw.append(msg)
        delivered.extend(reader.receive(msg) if msg["msg_type"].startswith("comm") else [msg])


def wait_private(k: KernelDriver, expected: bool) -> None:
    """Wait until the kernel has counted the subscribers that came or left. Asked in a silent
    request's reply (the shell channel), so it works while iopub output waits for a transfer."""
    for _ in range(200):
        msg_id = k.kc.execute("", silent=True, user_expressions={"p": PRIVATE})
        value = k.shell_reply(msg_id)["content"]["user_expressions"]["p"]
        assert value["status"] == "ok", value
        if value["data"]["text/plain"] == str(expected):
            return
    raise AssertionError(f"the kernel never saw its wire as private={expected}")


def data_of(messages: list[Msg]) -> list[Any]:
    return [m["content"]["data"] for m in messages if m["msg_type"] == "comm_msg"]


def envelopes(messages: list[Msg]) -> list[Msg]:
    return [m for m in data_of(messages) if BATCH_KEY in m or CHUNK_KEY in m]


def assert_burst_whole_in_order(messages: list[Msg]) -> None:
    comm = [m for m in messages if m["msg_type"] == "comm_msg"]
    assert [m["content"]["data"] for m in comm[:3000]] == [{"i": i} for i in range(3000)]
    big, after = comm[3000], comm[3001]
    assert big["content"]["data"] == {"big": 1}
    assert [len(b) for b in big["buffers"]] == [BIG]
    assert bytes(big["buffers"][0][:4]) == b"\x05" * 4
    assert after["content"]["data"] == {"after": 1}
    assert len(comm) == 3002
    kinds = [m["msg_type"] for m in messages]
    stream = kinds.index("stream")
    assert messages[stream]["content"]["text"] == "printed-after\n"
    assert stream > messages.index(after), "the print overtook the comm messages"


def test_a_plain_client_gets_every_message_whole_and_in_order_beside_a_reader(
    k: KernelDriver,
) -> None:
    reader = CommReader(k.kc, chunks=True, batch_targets=["wire"])
    plain = PlainClient(k)
    try:
        wait_private(k, False)
        run_as_reader(k, reader, SETUP)
        msg_id = k.kc.execute(BURST)
        raw, delivered = read_until_idle(k, reader, msg_id)
        plain_messages = plain.until_idle(msg_id)
    finally:
        plain.stop()
    assert envelopes(plain_messages) == []
    assert_burst_whole_in_order(plain_messages)
    assert envelopes(raw) == [], "the reader got envelopes while a plain client listened"
    assert_burst_whole_in_order(delivered)
    reader.close()


def test_a_reader_gets_batches_and_chunks_again_once_the_plain_client_left(
    k: KernelDriver,
) -> None:
    reader = CommReader(k.kc, chunks=True, batch_targets=["wire"])
    plain = PlainClient(k)
    wait_private(k, False)
    plain.stop()
    wait_private(k, True)
    run_as_reader(k, reader, SETUP)
    k.credits_taken()
    raw, delivered = run_as_reader(k, reader, BURST)
    assert_burst_whole_in_order(delivered)
    data = data_of(raw)
    assert any(BATCH_KEY in d for d in data), "no batch reached the reader"
    chunks = [m for m in raw if m["msg_type"] == "comm_msg" and CHUNK_KEY in m["content"]["data"]]
    assert len(chunks) > 1, "the big message did not come in chunks"
    assert sum(len(m["buffers"][0]) for m in chunks) == BIG + len(b'{"big": 1}')
    reader.close()


def test_a_transfer_under_way_goes_whole_when_a_plain_client_subscribes(k: KernelDriver) -> None:
    reader = CommReader(k.kc, chunks=True, batch_targets=["wire"])
    run_as_reader(k, reader, SETUP + "_t.outbox.readers.stale_after = 60\n")
    k.credits_taken()
    msg_id = k.kc.execute(BIG_THEN_PRINT)
    # No credit: the kernel sends two chunks beyond what the reader took, and waits.
    chunks: list[Msg] = []
    while len(chunks) < 2:
        msg = k.kc.get_iopub_msg(timeout=60)
        if msg["msg_type"] == "comm_msg":
            assert CHUNK_KEY in msg["content"]["data"]
            chunks.append(msg)
    plain = PlainClient(k)
    try:
        wait_private(k, False)
        delivered = [m for chunk in chunks for m in reader.receive(chunk)]  # credits: it goes on
        raw, rest = read_until_idle(k, reader, msg_id)
        plain_messages = plain.until_idle(msg_id)
    finally:
        plain.stop()
    delivered += rest
    comm = [m for m in delivered if m["msg_type"] == "comm_msg"]
    assert [m["content"]["data"] for m in comm] == [{"big": 1}, {"after": 1}]
    assert [len(b) for b in comm[0]["buffers"]] == [BIG]
    assert envelopes(raw) == []
    assert [m["msg_type"] for m in delivered][-1] == "stream"
    assert [m["content"]["data"] for m in plain_messages if m["msg_type"] == "comm_msg"] == [
        {"big": 1},
        {"after": 1},
    ]
    assert plain_messages[-1]["content"]["text"] == "printed-after\n"
    reader.close()


def test_a_plain_client_gets_an_ipywidgets_image_over_the_chunk_size_whole(k: KernelDriver) -> None:
    reader = CommReader(k.kc, chunks=True, batch_targets=["jupyter.widget"])
    plain = PlainClient(k)
    try:
        wait_private(k, False)
        run_as_reader(k, reader, SETUP + "import ipywidgets as w\nimg = w.Image(format='png')")
        msg_id = k.kc.execute("img.value = b'\\x09' * (2 * 1024 * 1024)")
        read_until_idle(k, reader, msg_id)
        plain_messages = plain.until_idle(msg_id)
    finally:
        plain.stop()
    updates = [m for m in plain_messages if m["msg_type"] == "comm_msg"]
    assert len(updates) == 1
    assert updates[0]["content"]["data"]["method"] == "update"
    assert updates[0]["content"]["data"]["buffer_paths"] == [["value"]]
    assert [len(b) for b in updates[0]["buffers"]] == [2 * 1024 * 1024]
    reader.close()
