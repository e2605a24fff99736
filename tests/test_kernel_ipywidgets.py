"""ipywidgets 8 runs unchanged on ipycomm, whether imported before or after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_driver import KernelDriver


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[KernelDriver]:
    driver = KernelDriver(tmp_path / "kernel.log", env={"IPYCOMM_ACTIVATE": "0"})
    yield driver
    driver.stop()


def _update(comm_id: str, value: int) -> dict[str, object]:
    return {
        "comm_id": comm_id,
        "data": {"method": "update", "state": {"value": value}, "buffer_paths": []},
    }


def test_intslider_created_after_install_syncs_both_ways(bare: KernelDriver) -> None:
    """A frontend update sets slider.value; setting value in the kernel reaches the client."""
    bare.execute("import ipycomm\nipycomm.install()\nimport ipywidgets as w")
    messages = bare.execute("s = w.IntSlider()")
    opened = [
        m
        for m in bare.of_type(messages, "comm_open")
        if m["content"]["data"]["state"]["_model_name"] == "IntSliderModel"
    ]
    comm_id = opened[0]["content"]["comm_id"]
    assert bare.output("print(type(s.comm).__module__)").strip() == "ipycomm.comm"

    replies = bare.until_idle(bare.send("comm_msg", _update(comm_id, 42)))
    assert bare.output("print(s.value)").strip() == "42"
    echoes = [m["content"]["data"] for m in bare.of_type(replies, "comm_msg")]
    assert {"method": "echo_update", "state": {"value": 42}, "buffer_paths": []} in echoes

    [sent] = bare.of_type(bare.execute("s.value = 9"), "comm_msg")
    assert sent["content"]["data"]["state"] == {"value": 9}
    closing = bare.execute("w.Widget.close_all()")
    assert bare.of_type(closing, "comm_close")
    assert bare.comm_info()["comms"] == {}


def test_widgets_made_before_install_keep_working(bare: KernelDriver) -> None:
    """ipywidgets imported first: its target and existing widgets are carried over."""
    messages = bare.execute("import ipywidgets as w\nold = w.IntSlider()")
    old_id = [
        m["content"]["comm_id"]
        for m in bare.of_type(messages, "comm_open")
        if m["content"]["data"]["state"]["_model_name"] == "IntSliderModel"
    ][0]
    bare.execute("import ipycomm\nipycomm.install()")
    assert "jupyter.widget" in bare.comm_info()["targets"]
    bare.until_idle(bare.send("comm_msg", _update(old_id, 17)))
    assert bare.output("print(old.value)").strip() == "17"
    [sent] = bare.of_type(bare.execute("old.value = 3"), "comm_msg")
    assert sent["content"]["data"]["state"] == {"value": 3}
    bare.execute("w.Widget.close_all()")
    assert bare.comm_info()["comms"] == {}


def test_frontend_opened_widget_uses_the_carried_over_target(bare: KernelDriver) -> None:
    """A comm_open to 'jupyter.widget' from the frontend creates a widget in the kernel."""
    bare.execute("import ipywidgets as w\nimport ipycomm\nipycomm.install()")
    state = {
        "_model_name": "IntSliderModel",
        "_model_module": "@jupyter-widgets/controls",
        "_model_module_version": "2.0.0",
        "_view_name": "IntSliderView",
        "_view_module": "@jupyter-widgets/controls",
        "_view_module_version": "2.0.0",
        "value": 5,
    }
    content = {
        "comm_id": "fw1",
        "target_name": "jupyter.widget",
        "data": {"state": state, "buffer_paths": []},
    }
    bare.until_idle(bare.send("comm_open", content, metadata={"version": "2.1.0"}))
    instances = "from ipywidgets.widgets.widget import _instances\n"
    assert bare.output(instances + "print(_instances['fw1'].value)").strip() == "5"
    bare.execute("w.Widget.close_all()")
    assert bare.comm_info()["comms"] == {}
