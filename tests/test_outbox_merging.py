"""The outbox over fakes: state updates waiting for credit merge (latest value wins), the
kernel's other output waits behind held comm messages, and readers that can't hold others."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest
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


def test_an_update_that_sets_a_key_again_carries_the_earlier_keys_in_its_place() -> None:
    """{x, y} then {x}: one update, x=2 and the old y, in the place of {x} (after another comm's
    update queued in between); never {y} then {x}, which shows y=1 beside the x from before
    both, a state the kernel never held."""
    h = Harness()
    held(h)
    put_data(h, update(x=1, y="ünï ✓"))
    put_data(h, update(v=10), comm_id="w2")
    put_data(h, update(x=2))
    release(h)
    assert sent_messages(h)[1:] == [(update(v=10), []), (update(x=2, y="ünï ✓"), [])]


def test_a_keys_buffers_move_with_it_into_the_later_update() -> None:
    """buffer_paths and buffers stay paired: the carried key's buffer comes along, the buffer
    of the key set again is the later one."""
    h = Harness()
    held(h)
    state = {"a": None, "b": {"shape": [2], "data": None}, "n": 1}
    first = {"method": "update", "state": state, "buffer_paths": [["a"], ["b", "data"]]}
    put_data(h, first, buffers=[b"A1", b"B1"])
    put_data(h, update(a=None) | {"buffer_paths": [["a"]]}, buffers=[b"A2"])
    release(h)
    [(data, buffers)] = sent_messages(h)[1:]
    assert data["state"] == {"a": None, "b": {"shape": [2], "data": None}, "n": 1}
    paths = [tuple(path) for path in data["buffer_paths"]]
    assert dict(zip(paths, buffers, strict=True)) == {("a",): b"A2", ("b", "data"): b"B1"}


def test_a_bytes_trait_sent_as_a_buffer_outside_the_state_is_a_key_like_any_other() -> None:
    """ipywidgets sends a bytes trait as a buffer at [key], the key out of the state (an
    Image's value): frames replace each other, and a carried frame keeps its buffer."""
    h = Harness()
    held(h)
    frame = {"method": "update", "state": {}, "buffer_paths": [["value"]]}
    put_data(h, frame | {"state": {"width": "10"}}, buffers=[b"F1"])
    put_data(h, frame, buffers=[b"F2"])
    put_data(h, update(width="20"))
    release(h)
    merged = {"method": "update", "state": {"width": "20"}, "buffer_paths": [["value"]]}
    assert sent_messages(h)[1:] == [(merged, [b"F2"])]


def test_a_chain_of_overlapping_updates_becomes_one_update_at_latest_values() -> None:
    """{x, y}, {y, z}, {x}: one update {x, y, z}, each key at the value it was set to last."""
    h = Harness()
    held(h)
    put_data(h, update(x=1, y=1))
    put_data(h, update(y=2, z=2))
    put_data(h, update(x=3))
    release(h)
    assert sent_messages(h)[1:] == [(update(x=3, y=2, z=2), [])]


def test_updates_between_the_replaced_one_and_its_override_merge_too() -> None:
    """{x}, {y}, {x}: sending {y} first would show the new y with the old x, which the kernel
    never held, so all three become one; an update queued before the first overlap stays."""
    h = Harness()
    held(h)
    put_data(h, update(z=0))
    put_data(h, update(x=1))
    put_data(h, update(y=2))
    put_data(h, update(x=3))
    release(h)
    assert sent_messages(h)[1:] == [(update(z=0), []), (update(x=3, y=2), [])]


def test_updates_that_set_no_key_again_are_left_alone() -> None:
    """{x} then {y}: each state the reader sees is one the kernel held, so both stay whole."""
    h = Harness()
    held(h)
    put_data(h, update(x=1))
    put_data(h, update(y=2))
    release(h)
    assert sent_messages(h)[1:] == [(update(x=1), []), (update(y=2), [])]


BARRIERS: dict[str, Callable[[Harness], None]] = {
    "output": lambda h: h.outbox.hold_behind(lambda: h.sent.append("output"), 1),  # type: ignore[arg-type]
    "custom message": lambda h: put_data(h, {"method": "custom", "content": {}}),
    "echo_update": lambda h: put_data(
        h, {"method": "echo_update", "state": {"y": 5}, "buffer_paths": []}
    ),
}


@pytest.mark.parametrize("barrier", BARRIERS)
def test_nothing_is_carried_past_a_barrier(barrier: str) -> None:
    """{x, y}, then output or another message on the comm, then {x}: all stay whole, since
    what lies between may show or depend on the state after {x, y}."""
    h = Harness()
    held(h)
    put_data(h, update(x=1, y=1))
    BARRIERS[barrier](h)
    put_data(h, update(x=2))
    release(h)
    sent = sent_messages(h)[1:]
    assert (sent[0], sent[-1]) == ((update(x=1, y=1), []), (update(x=2), []))
    assert len(sent) == 3


def test_a_lagging_reader_only_ever_sees_states_the_kernel_held() -> None:
    """Random runs of updates on two comms, some keys sent as buffers (a bytes trait), with
    output between some: after each message the reader gets, each comm's state is one the
    kernel held, in order, ending at the last."""
    for seed in range(300):
        rng = random.Random(seed)
        h = Harness()
        held(h)
        history: dict[str, list[dict[str, int]]] = {"w1": [{}], "w2": [{}]}
        for step in range(rng.randint(1, 12)):
            if rng.random() < 0.1:
                h.outbox.hold_behind(lambda: None, 1)
            comm_id = rng.choice(["w1", "w2"])
            keys = rng.sample("xyz", rng.randint(1, 3))
            as_buffers = [key for key in keys if rng.random() < 0.3]
            data = update(**{key: step for key in keys if key not in as_buffers})
            data["buffer_paths"] = [[key] for key in as_buffers]
            put_data(h, data, comm_id=comm_id, buffers=[b"%d" % step for _ in as_buffers])
            history[comm_id].append(history[comm_id][-1] | dict.fromkeys(keys, step))
        release(h)
        seen = {comm_id: 0 for comm_id in history}  # where in its history each comm is
        reader: dict[str, dict[str, int]] = {"w1": {}, "w2": {}}
        for comm_id, state in comm_states(h):
            reader[comm_id] = reader[comm_id] | state
            held_at = history[comm_id].index(reader[comm_id], seen[comm_id])  # else ValueError
            seen[comm_id] = held_at
        assert reader == {comm_id: states[-1] for comm_id, states in history.items()}, seed


def comm_states(h: Harness) -> list[tuple[str, dict[str, Any]]]:
    """The comm_id and state of every update sent after ``held``'s (batches unpacked), each
    buffer put back at its path, as ipywidgets does (here: a number)."""
    out = []
    for wire in h.sent[1:]:
        if isinstance(wire, str):
            continue
        msg = {"msg_type": wire.msg_type, "content": json.loads(wire.content)}
        msg |= {"metadata": wire.metadata, "buffers": wire.buffers}
        for m in unpack(msg):
            data = m["content"]["data"]
            paths = [path for [path] in data["buffer_paths"]]
            state = data["state"] | {p: int(b) for p, b in zip(paths, m["buffers"], strict=True)}
            out.append((m["content"]["comm_id"], state))
    return out


def test_updates_with_other_metadata_are_not_merged() -> None:
    """Metadata belongs to one message: updates that carry different metadata stay whole."""
    h = Harness()
    held(h)
    put_data(h, update(x=1, y=1))
    put_data(h, update(x=2), metadata={"tag": 1})
    put_data(h, update(x=3), metadata={"tag": 1})
    release(h)
    assert sent_messages(h)[1:] == [(update(x=1, y=1), []), (update(x=3), [])]


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
