"""Real kernels whose ipykernel lacks a private ipycomm uses (renamed at start-up by a
sitecustomize, as a new ipykernel release might): the kernel still runs on ipycomm, comms work
both ways, only the feature that needs the private is off, and the kernel's log says so in one
line. An ipykernel older than 7.0 keeps the stock layer, with one line saying so."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_driver import KernelDriver

#: Renames IOPubThread._really_send, and makes ipykernel's own sends call the new name.
RENAME_REALLY_SEND = """
from ipykernel.iostream import IOPubThread
IOPubThread._really_send_v2 = IOPubThread._really_send
del IOPubThread._really_send
def send_multipart(self, *args, **kwargs):
    self.schedule(lambda: self._really_send_v2(*args, **kwargs))
IOPubThread.send_multipart = send_multipart
"""

#: Renames IOPubThread._setup_xpub_listener: ipykernel's __init__ still sets its listener up.
RENAME_XPUB_SETUP = """
from ipykernel.iostream import IOPubThread
_setup = IOPubThread._setup_xpub_listener
del IOPubThread._setup_xpub_listener
_init = IOPubThread.__init__
def __init__(self, *args, **kwargs):
    self._setup_xpub_listener = lambda: _setup(self)
    _init(self, *args, **kwargs)
    del self._setup_xpub_listener
IOPubThread.__init__ = __init__
"""

#: Renames the IOPub thread's XPUB event stream (its set-up keeps its name).
RENAME_XPUB_STREAM = """
from ipykernel.iostream import IOPubThread
_setup = IOPubThread._setup_xpub_listener
def _setup_xpub_listener(self):
    _setup(self)
    self._xpub_events = self.__dict__.pop('_xpub_stream', None)
IOPubThread._setup_xpub_listener = _setup_xpub_listener
"""

OLD_IPYKERNEL = """
import ipykernel
ipykernel.__version__ = "6.29.5"
"""

ECHO = """
def echo_target(comm, msg):
    comm.on_msg(lambda m: comm.send({'echo': m['content']['data']}))
get_ipython().kernel.comm_manager.register_target('echo', echo_target)
"""

MANAGER_TYPE = "print(type(get_ipython().kernel.comm_manager).__module__)"


def renamed_kernel(tmp_path: Path, site: str) -> KernelDriver:
    """A kernel whose Python runs ``site`` at start-up, before ipykernel builds anything."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(site)
    path = os.pathsep.join(p for p in (str(tmp_path / "site"), os.environ.get("PYTHONPATH")) if p)
    return KernelDriver(tmp_path / "kernel.log", env={"PYTHONPATH": path})


@pytest.fixture
def no_really_send(tmp_path: Path) -> Iterator[KernelDriver]:
    driver = renamed_kernel(tmp_path, RENAME_REALLY_SEND)
    try:
        yield driver
    finally:
        driver.stop()


def ipycomm_lines(driver: KernelDriver) -> list[str]:
    return [line for line in driver.kernel_log().splitlines() if "ipycomm" in line]


def assert_comms_work(k: KernelDriver, output_in_order: bool = True) -> None:
    """A page-opened comm gets its echo, and a burst the kernel sends arrives whole and in
    order, with the print that follows it (after it, unless output order is off)."""
    k.execute(ECHO)
    k.until_idle(k.send("comm_open", {"comm_id": "e1", "target_name": "echo", "data": {}}))
    sent = k.send("comm_msg", {"comm_id": "e1", "data": {"n": 1}})
    echoed = k.of_type(k.until_idle(sent), "comm_msg")
    assert [m["content"]["data"] for m in echoed] == [{"echo": {"n": 1}}]
    k.until_idle(k.send("comm_close", {"comm_id": "e1", "data": {}}))
    with k.reading():
        messages = k.execute(
            "import comm\nc = comm.create_comm(target_name='t')\n"
            "for i in range(300): c.send({'i': i})\nc.close()\nprint('after')"
        )
    data = [m["content"]["data"] for m in k.of_type(messages, "comm_msg")]
    assert data == [{"i": i} for i in range(300)]
    assert k.stream_text(messages) == "after\n"
    if output_in_order:
        assert messages[-1]["msg_type"] == "stream"


def test_without_the_iopub_threads_own_send_comms_go_the_stock_way(
    no_really_send: KernelDriver,
) -> None:
    """IOPubThread._really_send renamed: ipycomm runs, every message arrives, and the log has
    one line naming the feature off and the private missing, and no error."""
    k = no_really_send
    assert k.output(MANAGER_TYPE).strip() == "ipycomm.manager"
    assert_comms_work(k, output_in_order=False)
    lines = ipycomm_lines(k)
    assert len(lines) == 1, lines
    assert "output order is off (IOPubThread._really_send is missing" in lines[0]
    assert "Traceback" not in k.kernel_log()


@pytest.mark.parametrize(
    ("site", "missing"),
    [
        (RENAME_XPUB_SETUP, "IOPubThread._setup_xpub_listener"),
        (RENAME_XPUB_STREAM, "IOPubThread._xpub_stream"),
    ],
)
def test_without_the_xpub_listener_the_kernel_speaks_the_plain_protocol(
    tmp_path: Path, site: str, missing: str
) -> None:
    """The XPUB listener's set-up or stream renamed: subscribers are not counted, so the
    kernel sends no envelopes (its scope is not private), comms work, and the log says so
    once, naming the private."""
    k = renamed_kernel(tmp_path, site)
    try:
        assert_comms_work(k)
        scope = "__import__('ipycomm.kernel.xpub').kernel.xpub.scope_of(get_ipython().kernel)"
        assert k.output(f"print({scope}.private())").strip() == "False"
        lines = ipycomm_lines(k)
        assert len(lines) == 1, lines
        assert f"iopub subscriber count is off ({missing} is missing" in lines[0]
    finally:
        k.stop()


def test_an_ipykernel_older_than_7_keeps_the_stock_layer_and_says_so_once(tmp_path: Path) -> None:
    """ipykernel reporting 6.29.5: the kernel runs on the stock comm layer, importing ipycomm
    changes nothing and raises nothing, and the log has one line naming the version."""
    k = renamed_kernel(tmp_path, OLD_IPYKERNEL)
    try:
        assert k.output(MANAGER_TYPE).strip() == "ipykernel.comm.manager"
        k.execute("import ipycomm")
        assert k.output(MANAGER_TYPE).strip() == "ipykernel.comm.manager"
        lines = ipycomm_lines(k)
        assert len(lines) == 1, lines
        assert (
            "ipykernel 6.29.5 is older than 7.0; the kernel keeps the stock comm layer"
            in (lines[0])
        )
    finally:
        k.stop()


def test_a_kernel_with_every_private_logs_nothing(own_kernel: KernelDriver) -> None:
    """The ipykernel this environment runs has every private: no ipycomm line in its log."""
    assert_comms_work(own_kernel)
    assert ipycomm_lines(own_kernel) == []
