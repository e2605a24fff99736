"""The seed's examples, run in a real kernel with ``from ipycomm import ...``, checked from the
client's side of the wire."""

from __future__ import annotations

from pathlib import Path

from kernel_driver import KernelDriver

SEEDS = Path(__file__).parent
ECHO_WIDGET = (SEEDS / "seed_echo.py").read_text()
WIDGET_TARGET = (SEEDS / "seed_target.py").read_text()


def test_kernel_opened_comm_publishes_open_and_update_parented_to_the_cell(k: KernelDriver) -> None:
    """Seed example 1: comm_open and the first comm_msg carry the cell's execute request."""
    msg_id = k.kc.execute(ECHO_WIDGET)
    messages = k.until_idle(msg_id)
    [opened] = k.of_type(messages, "comm_open")
    assert opened["content"]["target_name"] == "my_widget"
    assert opened["parent_header"]["msg_id"] == msg_id
    [update] = k.of_type(messages, "comm_msg")
    assert update["content"]["data"] == {
        "action": "update",
        "value": 42,
        "timestamp": "2023-01-01T00:00:00Z",
    }
    assert update["content"]["comm_id"] == opened["content"]["comm_id"]
    k.execute("comm.close({'action': 'cleanup'})")


def test_frontend_message_is_echoed_with_the_message_as_parent(k: KernelDriver) -> None:
    """Seed example 1: the on_msg handler prints and echoes; both are parented to our comm_msg."""
    messages = k.execute(ECHO_WIDGET)
    comm_id = k.of_type(messages, "comm_open")[0]["content"]["comm_id"]
    msg_id = k.send("comm_msg", {"comm_id": comm_id, "data": {"hello": "kernel"}})
    replies = k.until_idle(msg_id)
    [echo] = k.of_type(replies, "comm_msg")
    assert echo["content"]["data"] == {"action": "echo", "original": {"hello": "kernel"}}
    assert "Received: {'hello': 'kernel'}" in k.stream_text(replies)
    closing = k.execute("comm.close({'action': 'cleanup'})")
    [closed] = k.of_type(closing, "comm_close")
    assert closed["content"] == {"comm_id": comm_id, "data": {"action": "cleanup"}}


def test_frontend_opened_comm_reaches_registered_target(k: KernelDriver) -> None:
    """Seed example 2: a frontend-opened comm is answered with 'initialized', state and updates."""
    k.execute(WIDGET_TARGET)
    open_id = k.send("comm_open", {"comm_id": "w1", "target_name": "my_widget", "data": {}})
    opened = k.until_idle(open_id)
    assert "New comm opened: w1" in k.stream_text(opened)
    [init] = k.of_type(opened, "comm_msg")
    assert init["content"]["data"] == {"action": "initialized", "widget_id": "w1"}

    state_id = k.send("comm_msg", {"comm_id": "w1", "data": {"action": "get_state"}})
    [state] = k.of_type(k.until_idle(state_id), "comm_msg")
    assert state["content"]["data"]["state"] == {"value": 100, "enabled": True}

    set_id = k.send("comm_msg", {"comm_id": "w1", "data": {"action": "set_value", "value": 7}})
    updated = k.until_idle(set_id)
    assert k.of_type(updated, "comm_msg")[0]["content"]["data"] == {
        "action": "value_updated",
        "value": 7,
    }
    assert "Widget value updated to: 7" in k.stream_text(updated)
    assert k.comm_info("my_widget")["comms"] == {"w1": {"target_name": "my_widget"}}
    k.send("comm_close", {"comm_id": "w1", "data": {}})
    assert k.comm_info()["comms"] == {}
    k.execute("comm_manager.unregister_target('my_widget', handle_widget_comm)")


def test_slider_example_tracks_frontend_values_and_sets_value(k: KernelDriver) -> None:
    """Seed example 3: value_change from the frontend updates the value and calls observers."""
    source = (SEEDS / "seed_slider.py").read_text()
    messages = k.execute(source)
    [opened] = k.of_type(messages, "comm_open")
    assert opened["content"]["target_name"] == "simple_slider"
    [create] = k.of_type(messages, "comm_msg")
    assert create["content"]["data"] == {
        "action": "create",
        "config": {"min": 0, "max": 255, "value": 128},
    }
    comm_id = opened["content"]["comm_id"]
    change = k.send(
        "comm_msg", {"comm_id": comm_id, "data": {"action": "value_change", "value": 200}}
    )
    assert "Slider changed from 128 to 200" in k.stream_text(k.until_idle(change))
    assert k.output("print(slider.value)").strip() == "200"
    [update] = k.of_type(k.execute("slider.set_value(3)"), "comm_msg")
    assert update["content"]["data"] == {"action": "update_value", "value": 3}
    k.execute("slider.comm.close()")


def test_comm_manager_walkthrough_lists_gets_and_closes_everything(k: KernelDriver) -> None:
    """Seed example 4: list comms, get one, close all, unregister the target."""
    k.execute(WIDGET_TARGET)
    k.execute("a = Comm(target_name='my_widget'); b = Comm(target_name='other')")
    listing = k.output(
        "active = list(comm_manager.comms.keys())\n"
        "print(len(active), comm_manager.get_comm(a.comm_id).target_name)"
    )
    assert listing.strip() == "2 my_widget"
    closing = k.execute(
        "for comm_id, c in list(comm_manager.comms.items()):\n"
        "    c.close({'action': 'shutdown'})\n"
        "comm_manager.unregister_target('my_widget', handle_widget_comm)"
    )
    assert len(k.of_type(closing, "comm_close")) == 2
    info = k.comm_info()
    assert (info["status"], info["comms"], info["targets"]) == ("ok", {}, [])
