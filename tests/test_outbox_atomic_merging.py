"""The outbox over fakes: merging is atomic. An update that sets a key again replaces the
waiting updates of its comm from the one that set it on, carrying their keys (and buffers) in
its own place, so a reader that lags only ever holds states the kernel held."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from ipycomm.flow.batch import unpack
from test_outbox import Harness
from test_outbox_merging import held, put_data, release, sent_messages, update


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
