"""Against a real kernel with real ipywidgets: a reader that lags gets the final state at once,
and the kernel's output never overtakes the comm messages published before it."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ipycomm.client import CommReader
from jupyter_client.blocking import BlockingKernelClient
from kernel_driver import KernelDriver, Msg

PATIENT = "get_ipython().kernel.comm_manager.transport.outbox.readers.stale_after = {}"


@pytest.fixture
def lagging(tmp_path: Path) -> Iterator[tuple[KernelDriver, CommReader]]:
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


LINES = """
import traitlets
class Lines(w.DOMWidget):
    x = traitlets.List().tag(sync=True)
    y = traitlets.List().tag(sync=True)
lines = Lines(x=[0], y=[0])
"""
#: Custom messages on the slider's comm, which never merge: more than the reader's window, so
#: what follows waits for credit.
FILL = "for i in range(10):\n    s.send({'fill': i})\n"


def comm_id_of(driver: KernelDriver, reader: CommReader, name: str) -> str:
    messages = driver.execute(f"print({name}.comm.comm_id)")
    for msg in messages:
        reader.receive(msg)
    return driver.stream_text(messages).strip()


def updates_on(messages: list[Msg], comm_id: str) -> list[dict[str, Any]]:
    return [
        m["content"]["data"]["state"]
        for m in messages
        if m["msg_type"] == "comm_msg"
        and m["content"]["comm_id"] == comm_id
        and m["content"]["data"].get("method") == "update"
    ]


def test_an_update_of_x_and_y_then_of_x_reaches_a_lagging_reader_as_one_update(
    lagging: tuple[KernelDriver, CommReader], tmp_path: Path
) -> None:
    """A widget whose x and y must keep one length, as bqplot's marks: x and y set together,
    then x again, while the reader lags, reach it as one update with both keys, so it never
    holds the new y with the old x."""
    driver, reader = lagging
    for msg in driver.execute(LINES):
        reader.receive(msg)
    comm_id = comm_id_of(driver, reader, "lines")
    done = tmp_path / "done"
    msg_id = driver.kc.execute(
        f"{FILL}with lines.hold_sync():\n    lines.x = [1, 2]\n    lines.y = [1, 2]\n"
        f"lines.x = [3, 4]\nopen({str(done)!r}, 'w').close()"
    )
    wait_for(done.exists)  # the cell ended while the reader had credited nothing
    received = read_to_idle(driver, reader, msg_id)
    assert updates_on(received, comm_id) == [{"x": [3, 4], "y": [1, 2]}]
    assert reader.lost == 0


def test_a_carried_keys_buffer_reaches_a_lagging_reader_with_it(
    lagging: tuple[KernelDriver, CommReader], tmp_path: Path
) -> None:
    """An Image's bytes and width set together, then its width again: one update whose
    buffer_paths point at the bytes, which come along as its buffer."""
    driver, reader = lagging
    for msg in driver.execute("img = w.Image(format='png')"):
        reader.receive(msg)
    comm_id = comm_id_of(driver, reader, "img")
    done = tmp_path / "done"
    msg_id = driver.kc.execute(
        f"{FILL}with img.hold_sync():\n    img.value = b'PNG-1'\n    img.width = '10'\n"
        f"img.width = '20'\nopen({str(done)!r}, 'w').close()"
    )
    wait_for(done.exists)
    received = read_to_idle(driver, reader, msg_id)
    [update] = [
        m for m in received if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id
    ]
    assert_well_formed(update)
    data = update["content"]["data"]
    assert data["state"]["width"] == "20" and data["buffer_paths"] == [["value"]]
    assert [bytes(b) for b in update["buffers"]] == [b"PNG-1"]


def test_an_intsliders_max_and_value_stay_consistent_for_a_lagging_and_a_plain_client(
    lagging: tuple[KernelDriver, CommReader], tmp_path: Path
) -> None:
    """An IntSlider's max and value set in one hold_sync(), then max lowered: the lagging
    reader gets one update with both, never a value above the max it holds; a plain
    jupyter_client beside it sees only well-formed ipywidgets updates, each state valid."""
    driver, reader = lagging
    plain = subscribed_client(driver)
    try:
        comm_id = comm_id_of(driver, reader, "s")
        done = tmp_path / "done"
        msg_id = driver.kc.execute(
            f"{FILL}with s.hold_sync():\n    s.max = 500\n    s.value = 300\ns.max = 400\n"
            f"open({str(done)!r}, 'w').close()"
        )
        wait_for(done.exists)
        received = read_to_idle(driver, reader, msg_id)
        assert updates_on(received, comm_id) == [{"max": 400, "value": 300}]
        seen = plain_until_idle(plain, msg_id)
    finally:
        plain.stop_channels()
    ours = [m for m in seen if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id]
    assert [m["content"]["data"]["method"] for m in ours] == ["custom"] * 10 + ["update"]
    for msg in ours:
        assert_well_formed(msg)
    state = {"max": 100, "value": 0}
    for update in updates_on(seen, comm_id):
        state |= update
        assert state["value"] <= state["max"], state
    assert state == {"max": 400, "value": 300}


def subscribed_client(driver: KernelDriver) -> BlockingKernelClient:
    """A second, plain jupyter_client on the kernel (its own session: the driver's client
    holds that session's identity on the shell socket), once its iopub receives: it asks for
    kernel_info until it sees the status of one of its requests."""
    plain = BlockingKernelClient()
    plain.load_connection_info(driver.km.get_connection_info())
    plain.start_channels()
    while True:
        msg_id = plain.kernel_info()
        plain.get_shell_msg(timeout=30)
        try:
            plain_until_idle(plain, msg_id, timeout=1)
            return plain
        except queue.Empty:
            continue  # its subscription was not in place yet: that status went by


def plain_until_idle(plain: BlockingKernelClient, msg_id: str, timeout: float = 30) -> list[Msg]:
    """What a plain client reads from iopub up to the idle status of ``msg_id``."""
    seen: list[Msg] = []
    while True:
        msg = plain.get_iopub_msg(timeout=timeout)
        seen.append(msg)
        if (
            msg["msg_type"] == "status"
            and msg["parent_header"].get("msg_id") == msg_id
            and msg["content"]["execution_state"] == "idle"
        ):
            return seen


def assert_well_formed(msg: Msg) -> None:
    """An ipywidgets comm_msg as the stock comm layer sends it: an update's buffer_paths
    match its buffers, each one a key of its own (a bytes trait) or a place in its state, and
    nothing of ipycomm's envelopes."""
    data = msg["content"]["data"]
    assert set(data) <= {"method", "state", "buffer_paths", "content"}, data
    if data["method"] == "update":
        state, paths = data["state"], data.get("buffer_paths", [])
        assert isinstance(state, dict) and (state or paths)
        assert len(paths) == len(msg["buffers"])
        assert all(len(path) == 1 or path[0] in state for path in paths)
