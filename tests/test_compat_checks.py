"""The kernel check on stand-in kernels (the real-kernel side is test_kernel_compat.py): each
missing private turns off its own feature with one log line, once per kernel; a kernel without
a shell dispatch table, or an ipykernel older than 7.0, is not run on at all."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from ipycomm.compat import ipykernel as compat
from ipycomm.compat import kernelcheck
from ipycomm.compat.kernelcheck import Unsupported, check

LOGGER = "test.kernel"


class WithoutStatusPublisher:
    """A kernel with the privates the check looks at on the kernel itself but one (no IOPub
    thread: the thread's privates do not apply, as in an in-process kernel)."""

    def __init__(self) -> None:
        self.log = logging.getLogger(LOGGER)
        self.shell_handlers: dict[str, Any] = {}
        self.control_handlers: dict[str, Any] = {}
        self.iopub_thread = None
        self.comm_manager = None

    async def process_control(self, msg: Any) -> None: ...


class StandIn(WithoutStatusPublisher):
    """Every private the check looks at on the kernel itself."""

    def _publish_status_and_flush(self, *args: Any) -> None: ...


@pytest.fixture(autouse=True)
def version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kernelcheck, "ipykernel_version", lambda: "7.4.0")


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_a_kernel_with_every_private_has_every_feature_and_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing off, no line."""
    assert check(StandIn()) == frozenset()
    assert lines(caplog) == []


def test_a_missing_private_turns_off_its_feature_with_one_line_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No status publisher: 'idle after comm messages' is off, said once, naming the private;
    a second check of the same kernel says nothing."""
    kernel = WithoutStatusPublisher()
    assert check(kernel) == {"idle after comm messages"}
    assert check(kernel) == {"idle after comm messages"}
    [line] = lines(caplog)
    assert line.startswith("ipycomm: idle after comm messages is off")
    assert "Kernel._publish_status_and_flush is missing in ipykernel 7.4.0" in line


def test_every_feature_off_names_all_its_missing_privates_in_one_line(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feature resting on three privates, all missing: one line naming the three."""
    feature = next(f for f in kernelcheck.FEATURES if f.name == "iopub subscriber count")
    for label in feature.privates:
        monkeypatch.setitem(kernelcheck._PROBES, label, lambda k: False)
    assert check(StandIn()) == {"iopub subscriber count"}
    [line] = lines(caplog)
    assert " and ".join(feature.privates) + " are missing" in line


def test_a_kernel_without_a_shell_dispatch_table_keeps_the_stock_layer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unsupported is raised each time, and the line is written once."""
    kernel = StandIn()
    del kernel.shell_handlers
    for _ in range(2):
        with pytest.raises(Unsupported):
            check(kernel)
    [line] = lines(caplog)
    assert "the comm layer is off (Kernel.shell_handlers is missing" in line
    assert line.endswith("the kernel keeps the stock comm layer")


def test_an_ipykernel_older_than_7_is_refused_with_one_line_naming_it(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """6.29.5: Unsupported, and only the version line (no line per private)."""
    monkeypatch.setattr(kernelcheck, "ipykernel_version", lambda: "6.29.5")
    assert not kernelcheck.supported()
    with pytest.raises(Unsupported):
        check(StandIn())
    assert lines(caplog) == [
        "ipycomm: ipykernel 6.29.5 is older than 7.0; the kernel keeps the stock comm layer"
    ]


@pytest.mark.parametrize(
    ("version", "ok"), [("7.0.0", True), ("7.4.0", True), ("7.0.0a1", True), ("6.29.5", False)]
)
def test_the_version_gate_reads_major_and_minor(
    monkeypatch: pytest.MonkeyPatch, version: str, ok: bool
) -> None:
    """Pre-releases of 7.0 count as 7.0."""
    monkeypatch.setattr(kernelcheck, "ipykernel_version", lambda: version)
    assert kernelcheck.supported() is ok


def test_missing_privates_make_their_accessors_say_so_instead_of_raising() -> None:
    """Patches report False, accessors None: the feature's code takes its fallback."""
    bare = type("Bare", (), {})()
    assert compat.shell_dispatch(bare) is None
    assert compat.wrap_publish_status(bare, lambda f: f) is False
    assert compat.wrap_process_control(bare, lambda f: f) is False
    assert compat.really_send(bare) is None
    assert compat.xpub_listener(bare) is None
    assert compat.wrap_xpub_setup(type("Thread", (), {}), lambda t: None) is False
    assert not compat.is_outstream(bare)
    compat.mark_stock_comm_closed(bare)  # no mark to set: left alone
    assert not hasattr(bare, "_closed")
