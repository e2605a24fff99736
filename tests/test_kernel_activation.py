"""ipycomm in every kernel started from this environment, without an import: on by default,
off by environment variable or config, never a reason for a kernel not to start; and kernels
built again in one process (in-process restarts) work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
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


# The hash seed orders the members a protocol isinstance check reads: with seed 5, it reads
# the stock CommManager's unset ``kernel`` first, which raises a TraitError (not an
# AttributeError); with seed 0 it does not. Both must give ipycomm's clear error.
@pytest.mark.parametrize("hash_seed", ["5", "0"])
def test_the_environment_variable_turns_activation_off(tmp_path: Path, hash_seed: str) -> None:
    """IPYCOMM_ACTIVATE=off: the kernel runs on the stock comm layer, an import of ipycomm (a
    library's, say) keeps it there, and %load_ext ipycomm switches it."""
    env = {"IPYCOMM_ACTIVATE": "off", "PYTHONHASHSEED": hash_seed}
    driver = KernelDriver(tmp_path / "kernel.log", env=env)
    try:
        assert "targets" not in driver.comm_info()
        assert driver.output(MANAGER_TYPE).strip() != "ipycomm.manager"
        define = "import ipycomm\nipycomm.frontend_target('t', 'export function render() {}')"
        [error] = driver.of_type(driver.execute(define, allow_error=True), "error")
        assert "then call ipycomm.install() or run %load_ext ipycomm" in error["content"]["evalue"]
        assert driver.output(MANAGER_TYPE).strip() != "ipycomm.manager"
        assert "targets" not in driver.comm_info()
        driver.execute("%load_ext ipycomm")
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
        driver.execute("from ipycomm import Comm")  # as a library would: no switch
        assert driver.output(MANAGER_TYPE).strip() != "ipycomm.manager"
        driver.execute("import ipycomm\nipycomm.install()")
        assert driver.output(MANAGER_TYPE).strip() == "ipycomm.manager"
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


def run_python(code: str, **env: str) -> list[str]:
    """Run code in a fresh Python of this environment; the words it printed."""
    done = subprocess.run(
        [sys.executable, "-Xfrozen_modules=off", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


RESTART_IN_PROCESS = """
import comm, os
print_open = os.environ["IPYCOMM_ACTIVATE"] == "1"
from ipykernel.inprocess.manager import InProcessKernelManager
km = InProcessKernelManager()
km.start_kernel()
km.kernel.shell.run_line_magic('load_ext', 'ipycomm')
print(type(km.kernel.comm_manager).__module__)
km.restart_kernel()
print(type(km.kernel.comm_manager).__module__, comm.get_comm_manager() is km.kernel.comm_manager)
kc = km.client()
kc.start_channels()
kc.execute("import comm; c = comm.create_comm(target_name='t', data={'x': 1})")
print(type(km.kernel.shell.user_ns['c']).__module__)
# ipykernel's own comms publish nothing in an in-process kernel (they need Kernel.instance()).
while print_open and (msg := kc.get_iopub_msg(timeout=30))["msg_type"] != "comm_open":
    pass
print_open and print(msg["content"]["target_name"], msg["content"]["data"]["x"])
kc.stop_channels()
km.shutdown_kernel()
"""


def test_an_in_process_kernel_restarts_after_load_ext_and_runs_on_ipycomm_again() -> None:
    """%load_ext ipycomm, then restart_kernel(): the new kernel builds, runs on ipycomm, and a
    comm made through the comm package reaches its client."""
    assert run_python(RESTART_IN_PROCESS, IPYCOMM_ACTIVATE="1") == [
        *["ipycomm.manager", "ipycomm.manager", "True"],
        *["ipycomm.comm", "t", "1"],
    ]


def test_an_in_process_restart_with_activation_off_gives_a_stock_kernel() -> None:
    """With IPYCOMM_ACTIVATE=0, a kernel restarted after %load_ext builds on the stock layer, and
    the comm package serves ipykernel's objects to it."""
    assert run_python(RESTART_IN_PROCESS, IPYCOMM_ACTIVATE="0") == [
        *["ipycomm.manager", "ipykernel.comm.manager", "True"],
        "ipykernel.comm.comm",
    ]


def test_install_switches_an_in_process_kernel_when_activation_is_off() -> None:
    """Inside an in-process kernel with activation off, `import ipycomm` keeps the stock layer
    and `ipycomm.install()` makes ipycomm that kernel's comm layer."""
    code = (
        "from ipykernel.inprocess.manager import InProcessKernelManager\n"
        "km = InProcessKernelManager(); km.start_kernel()\n"
        "km.kernel.shell.run_cell('import ipycomm')\n"
        "print(type(km.kernel.comm_manager).__module__)\n"
        "km.kernel.shell.run_cell('ipycomm.install()')\n"
        "print(type(km.kernel.comm_manager).__module__)\nkm.shutdown_kernel()\n"
    )
    assert run_python(code, IPYCOMM_ACTIVATE="0") == ["ipykernel.comm.manager", "ipycomm.manager"]


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


def test_the_start_up_finder_waits_for_ipykernel_and_then_leaves() -> None:
    """The finder is on sys.meta_path until ipykernel.ipkernel is imported, and gone after."""
    code = (
        "import sys\n"
        "def watching(): return any(type(f).__name__ == '_KernelModuleFinder' "
        "for f in sys.meta_path)\n"
        "print(watching())\n"
        "import ipykernel.ipkernel\n"
        "print(watching(), 'ipycomm.kernel.activation' in sys.modules)\n"
    )
    assert run_python(code) == ["True", "False", "True"]
    assert run_python(code, IPYCOMM_ACTIVATE="No") == ["False", "False", "False"]


FAILING_INSTALL = """
import ipycomm
from ipykernel.inprocess.manager import InProcessKernelManager
km = InProcessKernelManager()
km.start_kernel()
k = km.kernel

class Refusing(dict):
    def __setitem__(self, key, value):
        raise RuntimeError("refused " + key)

k.control_handlers = Refusing(k.control_handlers)  # the last step of install() fails
before = (k.comm_manager, dict(k.shell_handlers), k.iopub_thread._really_send)
try:
    ipycomm.install(k)
except RuntimeError as err:
    print(err)
after = (k.comm_manager, dict(k.shell_handlers), k.iopub_thread._really_send)
print(after == before, "_publish_status_and_flush" in vars(k))
km.shutdown_kernel()
"""


def test_an_install_that_fails_half_way_leaves_the_kernel_as_it_was() -> None:
    """install() puts back the manager, handlers and wrapped methods it changed before failing."""
    words = run_python(FAILING_INSTALL, IPYCOMM_ACTIVATE="0")
    assert words[0] == "refused"  # after the shell handlers and the idle drain were hooked
    assert words[2:] == ["True", "False"]
