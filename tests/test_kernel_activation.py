"""ipycomm in every kernel started from this environment, without an import: on by default,
off by environment variable or config, never a reason for a kernel not to start; and kernels
built again in one process (in-process restarts) work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kernel_driver import KernelDriver

MANAGER_TYPE = "print(type(get_ipython().kernel.comm_manager).__module__)"


def test_a_new_kernel_runs_on_ipycomm_before_its_first_cell(tmp_path: Path) -> None:
    """comm_info before any cell already lists targets, which only ipycomm adds."""
    driver = KernelDriver(tmp_path / "kernel.log")
    try:
        assert "targets" in driver.comm_info()
        assert driver.output(MANAGER_TYPE).strip() == "ipycomm.manager"
        assert driver.output("import sys; print('ipycomm' in sys.modules)").strip() == "True"
    finally:
        driver.stop()


def test_the_environment_variable_turns_activation_off(tmp_path: Path) -> None:
    """IPYCOMM_ACTIVATE=0: the kernel runs on the stock comm layer until ipycomm is imported."""
    driver = KernelDriver(tmp_path / "kernel.log", env={"IPYCOMM_ACTIVATE": "off"})
    try:
        assert "targets" not in driver.comm_info()
        assert driver.output(MANAGER_TYPE).strip() != "ipycomm.manager"
        driver.execute("import ipycomm")
        assert driver.output(MANAGER_TYPE).strip() == "ipycomm.manager"
    finally:
        driver.stop()


def kernel_with_config(tmp_path: Path, line: str) -> KernelDriver:
    profile = tmp_path / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.py").write_text(f"c = get_config()\n{line}\n")
    return KernelDriver(tmp_path / "kernel.log", env={"IPYTHONDIR": str(tmp_path / "ipython")})


def test_the_config_option_turns_activation_off(tmp_path: Path) -> None:
    """c.IPyComm.activate = False in ipython_kernel_config.py keeps the stock layer."""
    driver = kernel_with_config(tmp_path, "c.IPyComm.activate = False")
    try:
        assert driver.output(MANAGER_TYPE).strip() != "ipycomm.manager"
    finally:
        driver.stop()


def test_a_failing_activation_leaves_a_working_stock_kernel_and_says_why(tmp_path: Path) -> None:
    """A bad config value: the kernel starts, runs cells on the stock layer, and logs why."""
    driver = kernel_with_config(tmp_path, "c.IPyComm.activate = 'bogus'")
    try:
        assert driver.output("print(1 + 1)").strip() == "2"
        assert driver.output(MANAGER_TYPE).strip() != "ipycomm.manager"
        assert "targets" not in driver.comm_info()
        driver.wait_for_log("ipycomm: not activated")
    finally:
        driver.stop()


IN_PROCESS = """
from ipykernel.inprocess.manager import InProcessKernelManager
km = InProcessKernelManager()
km.start_kernel()
print(type(km.kernel.comm_manager).__module__)
km.kernel.shell.run_line_magic('load_ext', 'ipycomm')
km.restart_kernel()
print(type(km.kernel.comm_manager).__module__)
km.kernel.shell.run_cell("import comm; c = comm.create_comm(target_name='t'); c.close()")
print(type(km.kernel.shell.user_ns['c']).__module__)
km.shutdown_kernel()
"""


def test_an_in_process_kernel_restarts_and_runs_on_ipycomm_again() -> None:
    """InProcessKernelManager, %load_ext ipycomm, restart_kernel(): the new kernel builds and
    runs on ipycomm, and comm.create_comm() serves it."""
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ipycomm.manager", "ipycomm.manager", "ipycomm.comm"]


def test_import_installs_into_an_in_process_kernel_when_activation_is_off() -> None:
    """`import ipycomm` inside an in-process kernel makes it that kernel's comm layer."""
    code = (
        "from ipykernel.inprocess.manager import InProcessKernelManager\n"
        "km = InProcessKernelManager(); km.start_kernel()\n"
        "print(type(km.kernel.comm_manager).__module__)\n"
        "km.kernel.shell.run_cell('import ipycomm')\n"
        "print(type(km.kernel.comm_manager).__module__)\nkm.shutdown_kernel()\n"
    )
    env = {"IPYCOMM_ACTIVATE": "0", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.split()
    assert first != "ipycomm.manager"
    assert second == "ipycomm.manager"


def test_python_processes_that_are_not_kernels_import_nothing_of_it() -> None:
    """The start-up hook imports neither ipycomm nor ipykernel into every Python."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; print('ipycomm' in sys.modules, 'ipykernel' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", "False"]
