"""The reader side for jupyter_client programs: batch unpacking and when credit is granted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ipycomm import ProtocolError
from ipycomm.client import CommReader
from ipycomm.flow.batch import Packed, pack, unpack


class FakeClient:
    """What CommReader uses of a KernelClient: a session that makes messages, a control channel."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.session = self
        self.control_channel = self

    def msg(self, msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
        return {
            "header": {"msg_type": msg_type, "msg_id": f"m{len(self.sent)}"},
            "content": content,
        }

    def send(self, msg: dict[str, Any]) -> None:
        self.sent.append(msg)


def comm_msg(seq: int, **extra: Any) -> dict[str, Any]:
    return {
        "msg_type": "comm_msg",
        "header": {"msg_type": "comm_msg"},
        "content": {"comm_id": "c", "data": {"seq": seq}},
        "metadata": {"ipycomm": {"seq": seq, **extra}},
        "buffers": [],
    }


def test_a_batch_unpacks_into_its_messages_in_order() -> None:
    """What the kernel packs, unpack gives back: data, metadata and buffers per item."""
    items = [
        Packed(data=b'{"a": 1}', metadata={}, buffers=0),
        Packed(data=b'{"a": 2}', metadata={"k": "v"}, buffers=2),
    ]
    msg = {
        "content": json.loads(pack("c", items)),
        "metadata": {"ipycomm": {"seq": 1, "batch": 2}},
        "buffers": [b"x", b"y"],
    }
    parts = unpack(msg)
    assert [p["content"] for p in parts] == [
        {"comm_id": "c", "data": {"a": 1}},
        {"comm_id": "c", "data": {"a": 2}},
    ]
    assert [p["metadata"] for p in parts] == [{}, {"k": "v"}]
    assert [p["buffers"] for p in parts] == [[], [b"x", b"y"]]


@pytest.mark.parametrize(
    ("data", "buffers", "complaint"),
    [
        ({"ipycomm_batch": "no"}, [], "must be a list"),
        ({"ipycomm_batch": [{"data": 1}]}, [], "item 0"),
        ({"ipycomm_batch": [{"data": {}, "buffers": 2}]}, [b"x"], "claims 2 buffers"),
        ({"ipycomm_batch": [{"data": {}}]}, [b"x"], "belong to no item"),
    ],
)
def test_a_malformed_batch_is_a_protocol_error(
    data: Any, buffers: list[Any], complaint: str
) -> None:
    """A batch that does not add up raises ProtocolError saying what is wrong."""
    msg = {"content": {"comm_id": "c", "data": data}, "metadata": {"ipycomm": {"batch": 1}}}
    with pytest.raises(ProtocolError, match=complaint):
        unpack(msg | {"buffers": buffers})


def test_a_plain_message_unpacks_to_itself() -> None:
    """Messages that are not batches pass through untouched."""
    msg = comm_msg(1)
    assert unpack(msg) == [msg]


def test_the_reader_registers_on_the_first_seq_then_credits_every_quarter_window() -> None:
    """Credit goes out at the first numbered message, then each window/4 messages."""
    client = FakeClient()
    reader = CommReader(client, window=8, batch_targets=["b", "a"])
    for seq in range(1, 10):
        reader.receive(comm_msg(seq))
    credits = [m["content"] for m in client.sent]
    assert [c["seq"] for c in credits] == [1, 3, 5, 7, 9]
    assert credits[0]["batch_targets"] == ["a", "b"] and credits[0]["window"] == 8
    assert all(m["header"]["msg_type"] == "ipycomm_credit" for m in client.sent)


def test_the_reader_counts_gaps_and_starts_over_on_a_new_kernel() -> None:
    """A jump in seq counts as lost messages; seq going down means a new kernel process."""
    client = FakeClient()
    reader = CommReader(client, window=100)
    reader.receive(comm_msg(1))
    reader.receive(comm_msg(5))
    assert reader.lost == 3
    reader.receive(comm_msg(1))
    assert client.sent[-1]["content"]["seq"] == 1, "registers again with the new kernel"
    assert reader.lost == 3


def test_closing_tells_the_kernel_once() -> None:
    """close() sends a closing credit only if the reader had registered."""
    client = FakeClient()
    reader = CommReader(client)
    reader.close()
    assert client.sent == []
    reader.receive(comm_msg(1))
    reader.close()
    reader.close()
    assert [m["content"]["closing"] for m in client.sent] == [False, True]


def test_messages_without_seq_are_passed_through_without_credit() -> None:
    """A stock kernel's messages are returned as they are and never credited."""
    client = FakeClient()
    reader = CommReader(client)
    msg = {"msg_type": "stream", "header": {"msg_type": "stream"}, "metadata": {}}
    assert reader.receive(msg) == [msg]
    assert client.sent == []


def test_a_window_out_of_range_is_refused() -> None:
    """The window must be one the kernel accepts."""
    with pytest.raises(ValueError, match="window"):
        CommReader(FakeClient(), window=0)
