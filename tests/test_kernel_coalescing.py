"""Against a real kernel with real ipywidgets: a reader that lags gets the final state at once,
and the kernel's output never overtakes the comm messages published before it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from ipycomm.client import CommReader
from kernel_driver import KernelDriver, Msg

PATIENT = "get_ipython().kernel.comm_manager.transport.outbox.readers.stale_after = {}"


@contextmanager
def lagging_reader(tmp_path: Path) -> Iterator[tuple[KernelDriver, CommReader]]:
    """A kernel with an IntSlider, an Output widget, and a registered reader with a window
    of 4 that credits only what the test feeds it (so it lags for as long as the test wants)."""
    driver = KernelDriver(tmp_path / "kernel.log")
    reader = CommReader(driver.kc, window=4)
    try:
        driver.execute("import ipycomm\n" + PATIENT.format(60))
        setup = "import ipycomm, ipywidgets as w\ns = w.IntSlider()\nout = w.Output()"
        for msg in driver.execute(setup):
            reader.receive(msg)
        assert reader.last_credit_id is not None
        driver.credits_taken()
        yield driver, reader
    finally:
        reader.close()
        driver.stop()


@pytest.fixture
def lagging(tmp_path: Path) -> Iterator[tuple[KernelDriver, CommReader]]:
    with lagging_reader(tmp_path) as pair:
        yield pair


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def read_to_idle(driver: KernelDriver, reader: CommReader, msg_id: str) -> list[Msg]:
    received: list[Msg] = []
    while not any(
        m["msg_type"] == "status"
        and m["parent_header"].get("msg_id") == msg_id
        and m["content"]["execution_state"] == "idle"
        for m in received[-3:]
    ):
        received += reader.receive(driver.kc.get_iopub_msg(timeout=30))
    return received


def states(messages: list[Msg], key: str) -> list[Any]:
    return [
        m["content"]["data"]["state"][key]
        for m in messages
        if m["msg_type"] == "comm_msg" and key in m["content"]["data"].get("state", {})
    ]


def test_a_lagging_reader_gets_the_sliders_final_value_instead_of_every_push(
    lagging: tuple[KernelDriver, CommReader], tmp_path: Path
) -> None:
    """20,000 pushes while the reader lags reach it as a handful of updates ending at 77, and
    the cell's print comes after the last of them."""
    driver, reader = lagging
    done = tmp_path / "done"
    msg_id = driver.kc.execute(
        f"for i in range(20_000):\n    s.value = i % 256\ns.value = 77\nopen({str(done)!r}, 'w')"
        ".close()\nprint('pushed')"
    )
    wait_for(done.exists)  # the loop ended while the reader had credited nothing
    received = read_to_idle(driver, reader, msg_id)
    values = states(received, "value")
    assert values[-1] == 77
    assert len(values) <= 4 + 2, "what waited for credit merged into the latest value"
    kinds = [m["msg_type"] for m in received if m["msg_type"] in ("comm_msg", "stream")]
    assert kinds[-1] == "stream", "the print comes after every update"
    assert reader.lost == 0


def test_the_output_widget_captures_a_print_made_right_after_a_burst(
    lagging: tuple[KernelDriver, CommReader], tmp_path: Path
) -> None:
    """After 5,000 updates that wait for credit, `with out: print(...)` still reaches the
    reader between the Output widget's msg_id update and the one that clears it."""
    driver, reader = lagging
    done = tmp_path / "done"
    msg_id = driver.kc.execute(
        "for i in range(5000):\n    s.value = i % 256\n"
        "with out:\n    print('captured-marker')\n"
        f"open({str(done)!r}, 'w').close()"
    )
    wait_for(done.exists)
    received = read_to_idle(driver, reader, msg_id)
    relevant = [
        ("msg_id", m["content"]["data"]["state"]["msg_id"])
        if m["msg_type"] == "comm_msg"
        else ("stream", m["content"]["text"].strip())
        for m in received
        if m["msg_type"] == "stream"
        or (m["msg_type"] == "comm_msg" and "msg_id" in m["content"]["data"].get("state", {}))
    ]
    assert relevant == [("msg_id", msg_id), ("stream", "captured-marker"), ("msg_id", "")]
    marker = next(m for m in received if m["msg_type"] == "stream")
    assert marker["parent_header"]["msg_id"] == msg_id


def test_echo_updates_reach_a_lagging_reader_unmerged(
    lagging: tuple[KernelDriver, CommReader],
) -> None:
    """Each value the frontend sets is echoed back even when the echoes wait for credit."""
    driver, reader = lagging
    comm_id = driver.output("print(s.comm.comm_id)").strip()
    sent = [
        driver.send(
            "comm_msg",
            {"comm_id": comm_id, "data": {"method": "update", "state": {"value": v}}},
        )
        for v in (5, 6, 7)
    ]
    received: list[Msg] = []
    for msg_id in sent:
        received += read_to_idle(driver, reader, msg_id)
    echoes = [
        m["content"]["data"]["state"]["value"]
        for m in received
        if m["msg_type"] == "comm_msg" and m["content"]["data"]["method"] == "echo_update"
    ]
    assert echoes == [5, 6, 7]
    assert driver.output("print(s.value)").strip() == "7"
