"""A page's change to a seed slider reaches every other client (ipycomm/relay.py): two clients on
one kernel, one moves the slider, the other is told, and the kernel's handler still runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from kernel_driver import KernelDriver
from test_kernel_many_clients import PlainClient

SLIDER = (Path(__file__).parent / "seed_slider.py").read_text()


@pytest.fixture
def k(own_kernel: KernelDriver) -> KernelDriver:
    return own_kernel


def test_a_slider_moved_in_one_page_moves_in_the_other(k: KernelDriver) -> None:
    k.execute(SLIDER)
    comm_id = k.output("print(slider.comm.comm_id)").strip()
    mover = PlainClient(k)
    try:
        data = {"action": "value_change", "value": 131}
        msg = mover.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        mover.kc.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
        seen_by_other = k.until_idle(msg_id)
        seen_by_mover = mover.until_idle(msg_id)
    finally:
        mover.stop()
    for messages in (seen_by_other, seen_by_mover):
        relayed = [m for m in messages if m["msg_type"] == "comm_msg"]
        assert [m["content"]["data"] for m in relayed] == [{"action": "update_value", "value": 131}]
        # The mover knows its own change by the parent's session, and ignores it.
        assert relayed[0]["parent_header"]["session"] == mover.kc.session.session
    stream = [m["content"]["text"] for m in seen_by_other if m["msg_type"] == "stream"]
    assert stream == ["Slider changed from 128 to 131\n"]
    assert k.output("print(slider.value)").strip() == "131"


def test_other_messages_to_a_slider_are_not_relayed(k: KernelDriver) -> None:
    k.execute(SLIDER)
    comm_id = k.output("print(slider.comm.comm_id)").strip()
    for data in ({"action": "value_change", "value": "x"}, {"action": "other", "value": 1}):
        msg_id = k.send("comm_msg", {"comm_id": comm_id, "data": data})
        assert [m for m in k.until_idle(msg_id) if m["msg_type"] == "comm_msg"] == []


def test_what_the_handler_sends_comes_after_the_relay(k: KernelDriver) -> None:
    """A handler that clamps the value: every page ends on the kernel's value."""
    k.execute(SLIDER + "slider.observe(lambda old, new: new > 200 and slider.set_value(200))")
    comm_id = k.output("print(slider.comm.comm_id)").strip()
    data = {"action": "value_change", "value": 250}
    msg_id = k.send("comm_msg", {"comm_id": comm_id, "data": data})
    updates = [m["content"]["data"] for m in k.until_idle(msg_id) if m["msg_type"] == "comm_msg"]
    assert updates[-1] == {"action": "update_value", "value": 200}
