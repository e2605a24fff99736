"""Against a real kernel with real ipywidgets: merging is atomic. Keys set together reach a
reader that lags together, with their buffers, and a plain jupyter_client beside it sees
well-formed ipywidgets updates, each state one the kernel held."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ipycomm.client import CommReader
from jupyter_client.blocking import BlockingKernelClient
from kernel_driver import KernelDriver, Msg
from test_kernel_coalescing import lagging_reader, read_to_idle, wait_for


@pytest.fixture
def lagging(tmp_path: Path) -> Iterator[tuple[KernelDriver, CommReader]]:
    with lagging_reader(tmp_path) as pair:
        yield pair


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
