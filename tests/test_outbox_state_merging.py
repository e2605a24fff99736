"""The outbox over fakes: a synced state's changes made by the kernel merge while they wait for
credit, keeping the later version; a change that acknowledges a view's set, or deletes keys,
is never merged, so every view still sees the acknowledgement of its own set."""

from __future__ import annotations

from typing import Any

from ipycomm.state.wire import STATE_KEY, change_message
from test_outbox import Harness
from test_outbox_merging import held, put_data, release, sent_messages

TARGET = "counter"


def change(version: int, deleted: list[str] | None = None, acks: Any = None, **values: Any) -> Any:
    data, buffers = change_message(version, values, deleted or [], acks or {})
    return data, buffers


def put_change(h: Harness, data: dict[str, Any], buffers: list[Any]) -> None:
    put_data(h, data, comm_id="s1", target_name=TARGET, buffers=buffers)


def test_kernel_changes_held_for_credit_merge_into_one_at_the_later_version() -> None:
    h = Harness()
    held(h)
    put_change(h, *change(1, count=1, label="one"))
    put_change(h, *change(2, count=2))
    put_change(h, *change(3, count=3, image=b"\x01\x02"))
    release(h)
    [(data, buffers)] = sent_messages(h)[1:]
    assert data[STATE_KEY] == {"kind": "change", "version": 3}
    assert data["state"] == {"count": 3, "label": "one", "image": None}
    assert data["buffer_paths"] == [["image"]] and buffers == [b"\x01\x02"]


def test_a_change_that_acknowledges_a_views_set_is_never_merged() -> None:
    h = Harness()
    held(h)
    put_change(h, *change(1, count=1))
    put_change(h, *change(2, acks={"view-a": 7}, count=2))
    put_change(h, *change(3, count=3))
    release(h)
    versions = [data[STATE_KEY]["version"] for data, _ in sent_messages(h)[1:]]
    assert versions == [1, 2, 3]


def test_a_change_that_deletes_keys_is_never_merged() -> None:
    h = Harness()
    held(h)
    put_change(h, *change(1, deleted=["label"]))
    put_change(h, *change(2, count=2))
    release(h)
    datas = [data for data, _ in sent_messages(h)[1:]]
    assert [d[STATE_KEY].get("deleted") for d in datas] == [["label"], None]
