"""Shared fixtures. Unit tests get a manager over a recording transport, and fail if they leak
a comm; kernel tests get a real ipykernel driven by jupyter_client (see kernel_driver.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import RecordingTransport, new_manager
from ipycomm import CommManager
from kernel_driver import KernelDriver


@pytest.fixture
def manager_and_transport() -> Iterator[tuple[CommManager, RecordingTransport]]:
    manager, transport = new_manager()
    yield manager, transport
    leaked = manager.comms
    assert not leaked, f"test leaked comms: {sorted(leaked)}"


@pytest.fixture
def manager(manager_and_transport: tuple[CommManager, RecordingTransport]) -> CommManager:
    return manager_and_transport[0]


@pytest.fixture
def transport(manager_and_transport: tuple[CommManager, RecordingTransport]) -> RecordingTransport:
    return manager_and_transport[1]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KernelDriver]:
    """A real ipykernel with ipycomm imported, shared by the tests of one module."""
    driver = KernelDriver(tmp_path_factory.mktemp("kernel") / "kernel.log")
    try:
        driver.execute("import ipycomm")
        yield driver
    finally:
        driver.stop()


@pytest.fixture
def own_kernel(tmp_path: Path) -> Iterator[KernelDriver]:
    """A kernel of the test's own, for tests that attach more clients to it (their
    subscriptions and registrations must not outlive the test)."""
    driver = KernelDriver(tmp_path / "kernel.log")
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture
def k(kernel: KernelDriver) -> Iterator[KernelDriver]:
    """The module's kernel; fails the test if it leaves a comm open in the kernel."""
    kernel.drain()
    yield kernel
    leaked = kernel.comm_info()["comms"]
    if leaked:
        kernel.execute(
            "for _c in list(get_ipython().kernel.comm_manager.comms.values()): _c.close()"
        )
    assert not leaked, f"test leaked comms in the kernel: {leaked}"
