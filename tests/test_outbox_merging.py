"""The outbox over fakes: state updates waiting for credit merge (latest value wins), the
kernel's other output waits behind held comm messages, and readers that can't hold others."""

from __future__ import annotations

import json
from typing import Any

from ipycomm.flow.batch import unpack
from ipycomm.flow.coalesce import update_keys
from ipycomm.flow.wire import Queued
from test_outbox import PARENT, Harness

WIDGET = "jupyter.widget"


def put_data(h: Harness, data: dict[str, Any], comm_id: str = "w1", **kw: Any) -> None:
    """Queue a comm_msg with ``data`` as KernelTransport does (update keys included)."""
    target = kw.pop("target_name", WIDGET)
    buffers = kw.pop("buffers", [])
    packed = json.dumps(data).encode()
    content = b'{"data":%s,"comm_id":"%s"}' % (packed, comm_id.encode())
    keys = update_keys(target, data, len(buffers))
    h.outbox.put(
        Queued(
            kw.pop("msg_type", "comm_msg"),
            f"comm-{comm_id}".encode(),
            content,
            kw.pop("metadata", {}),
            buffers,
            kw.pop("parent", PARENT),
            comm_id=comm_id,
            data=packed,
            target_name=target,
            update_keys=keys,
        )
    )


def update(**state: Any) -> dict[str, Any]:
    return {"method": "update", "state": state, "buffer_paths": []}


def sent_messages(h: Harness) -> list[Any]:
    """What was sent, in order: comm data (batches unpacked) and 'output' for passthroughs."""
    out: list[Any] = []
    for wire in h.sent:
        if isinstance(wire, str):
            out.append(wire)
            continue
        msg = {"msg_type": wire.msg_type, "content": json.loads(wire.content)}
        msg |= {"metadata": wire.metadata, "buffers": wire.buffers}
        out += [(m["content"]["data"], [bytes(b) for b in m["buffers"]]) for m in unpack(msg)]
    return out


def held(h: Harness, window: int = 1) -> None:
    """A reader that has taken nothing yet and lets one message through."""
    h.credit(seq=0, window=window)
    put_data(h, {"first": True}, comm_id="other", target_name="t")
    h.run_sender()


def release(h: Harness) -> None:
    h.credit(seq=10_000, window=10_000)
    h.run_sender()


def test_updates_held_for_credit_merge_so_the_reader_gets_the_final_value_at_once() -> None:
    """20 updates of one key waiting for credit leave one message: the last value."""
    h = Harness()
    held(h)
    for i in range(20):
        put_data(h, update(value=i))
    release(h)
    assert sent_messages(h)[1:] == [(update(value=19), [])]


def test_echo_updates_are_never_merged() -> None:
    """ipywidgets matches an echo_update to the request that caused it: it passes untouched,
    and an update before it is not merged past it."""
    h = Harness()
    held(h)
    put_data(h, update(value=1))
    put_data(h, {"method": "echo_update", "state": {"value": 2}, "buffer_paths": []})
    put_data(h, update(value=3))
    release(h)
    methods = [(d["method"], d["state"]["value"]) for d, _ in sent_messages(h)[1:]]
    assert methods == [("update", 1), ("echo_update", 2), ("update", 3)]


def test_output_between_two_updates_stops_them_merging() -> None:
    """The Output widget sets msg_id, output is captured, msg_id is cleared: both updates
    reach the reader, with the output between them."""
    h = Harness()
    held(h)
    put_data(h, update(msg_id="cell-1"))
    assert h.outbox.hold_behind(lambda: h.sent.append("output"), 10)  # type: ignore[arg-type]
    put_data(h, update(msg_id=""))
    release(h)
    captured, cleared = (update(msg_id="cell-1"), []), (update(msg_id=""), [])
    assert sent_messages(h)[1:] == [captured, "output", cleared]


def test_a_custom_message_on_the_comm_stops_merging_but_other_comms_do_not() -> None:
    """A custom message may depend on the state before it; another comm's update does not."""
    h = Harness()
    held(h)
    put_data(h, update(v=1))
    put_data(h, update(v=10), comm_id="w2")
    put_data(h, update(v=2))
    put_data(h, {"method": "custom", "content": {"draw": 1}})
    put_data(h, update(v=3))
    release(h)
    assert [d.get("state") for d, _ in sent_messages(h)[1:]] == [
        {"v": 10},
        {"v": 2},
        None,
        {"v": 3},
    ]


def test_the_sliders_value_updates_merge_and_other_messages_are_untouched() -> None:
    """simple_slider's update_value keeps the latest value; its other actions stay whole."""
    h = Harness()
    held(h)
    for value in (1, 2, 3):
        put_data(h, {"action": "update_value", "value": value}, target_name="simple_slider")
    put_data(h, {"action": "config", "max": 9}, target_name="simple_slider")
    put_data(h, {"action": "config", "max": 10}, target_name="simple_slider")
    release(h)
    assert [d for d, _ in sent_messages(h)[1:]] == [
        {"action": "update_value", "value": 3},
        {"action": "config", "max": 9},
        {"action": "config", "max": 10},
    ]


def test_other_targets_are_never_merged() -> None:
    """A comm that is not a widget keeps every message, even update-shaped ones."""
    h = Harness()
    held(h)
    for i in range(3):
        put_data(h, update(value=i), target_name="my_target")
    release(h)
    assert len(sent_messages(h)) == 4


def test_drain_counts_merged_messages_as_sent() -> None:
    """A request that queued updates ends once what is left of them is on the wire."""
    h = Harness()
    held(h)
    for i in range(5):
        put_data(h, update(value=i))
    release(h)
    h.outbox.drain()  # returns at once: nothing it waits for is left
    assert sent_messages(h)[-1] == (update(value=4), [])


def test_output_waits_behind_held_messages_and_takes_no_credit() -> None:
    """A print after comm messages waiting for credit goes right after them, not before."""
    h = Harness()
    assert not h.outbox.hold_behind(lambda: None, 1), "nothing waits: the caller sends at once"
    held(h)
    put_data(h, {"n": 1}, target_name="t")
    assert h.outbox.hold_behind(lambda: h.sent.append("output"), 10)  # type: ignore[arg-type]
    h.run_sender()
    assert sent_messages(h)[1:] == [], "still held, output included"
    h.credit(seq=1, window=1)
    h.run_sender()
    assert sent_messages(h)[1:] == [({"n": 1}, []), "output"]
    assert [w.metadata["ipycomm"]["seq"] for w in h.sent if not isinstance(w, str)] == [1, 2]


def test_a_reader_behind_what_was_sent_does_not_hold_a_caught_up_one() -> None:
    """A page that wakes up and credits for its backlog lets the others go on; alone, it sets
    the pace again."""
    h = Harness()
    h.credit(reader="awake", seq=0, window=4)
    for i in range(8):
        put_data(h, {"i": i}, target_name="t")
    h.run_sender()
    h.credit(reader="awake", seq=4, window=4)
    h.run_sender()
    assert len(h.sent) == 8
    h.credit(reader="awake", seq=8, window=4)
    h.credit(reader="woken", seq=1, window=4)  # 1 + 4 < 8 sent: it is behind
    for i in range(8, 12):
        put_data(h, {"i": i}, target_name="t")
    h.run_sender()
    assert len(h.sent) == 12, "the caught-up reader's credit alone sets the pace"
    h.credit(reader="awake", closing=True)
    for i in range(12, 20):
        put_data(h, {"i": i}, target_name="t")
    h.run_sender()
    assert h.seqs()[-1] == 12, "alone, the reader that is behind holds the rest"


def test_a_silent_reader_stops_holding_the_kernel_and_gates_again_when_it_credits() -> None:
    """After stale_after of silence the others go on; its next credit counts again."""
    h = Harness()
    h.outbox.readers.stale_after = 2.0
    h.credit(reader="frozen", seq=0, window=1)
    h.credit(reader="live", seq=0, window=100)
    for i in range(3):
        put_data(h, {"i": i}, target_name="t")
    h.run_sender()
    assert h.seqs() == [1]
    h.clock.now += 2.0
    h.run_sender()
    assert h.seqs() == [1, 2, 3]
    h.credit(reader="frozen", seq=3, window=1)
    for i in range(3, 6):
        put_data(h, {"i": i}, target_name="t")
    h.run_sender()
    assert h.seqs() == [1, 2, 3, 4], "caught up, it sets the pace again"
