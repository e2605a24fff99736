"""Installing ipycomm into a running kernel, and providing the ``comm`` package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_driver import KernelDriver


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[KernelDriver]:
    """A fresh kernel on the stock comm layer (activation off): ipycomm not imported yet."""
    driver = KernelDriver(tmp_path / "kernel.log", env={"IPYCOMM_ACTIVATE": "0"})
    yield driver
    driver.stop()


MANAGER_TYPE = "print(type(get_ipython().kernel.comm_manager).__module__)"


def test_install_makes_ipycomm_the_comm_layer_with_its_handlers(bare: KernelDriver) -> None:
    """With activation off, importing ipycomm (as a library would) changes nothing; an explicit
    ipycomm.install() makes it the kernel's comm layer."""
    assert bare.output(MANAGER_TYPE).strip() != "ipycomm.manager"
    bare.execute("from ipycomm import Comm")
    assert bare.output(MANAGER_TYPE).strip() != "ipycomm.manager"
    assert "targets" not in bare.comm_info()  # the stock reply, without ipycomm's keys
    bare.execute("import ipycomm\nipycomm.install()")
    assert bare.output(MANAGER_TYPE).strip() == "ipycomm.manager"
    handlers = bare.output(
        "k = get_ipython().kernel\n"
        "print(all(k.shell_handlers[t].__self__ is k.comm_manager for t in "
        "('comm_open', 'comm_msg', 'comm_close', 'comm_info_request')))"
    )
    assert handlers.strip() == "True"
    assert "targets" in bare.comm_info()


def test_load_ext_installs_once(bare: KernelDriver) -> None:
    """%load_ext ipycomm and repeated imports keep one manager."""
    bare.execute("%load_ext ipycomm")
    first = bare.output("print(id(get_ipython().kernel.comm_manager))")
    bare.execute("import ipycomm, importlib\n%reload_ext ipycomm\nipycomm.install()")
    assert bare.output("print(id(get_ipython().kernel.comm_manager))") == first


def test_comm_package_returns_ipycomm_objects(bare: KernelDriver) -> None:
    """comm.create_comm and comm.get_comm_manager are served by ipycomm once installed."""
    bare.execute("import ipycomm, comm\nipycomm.install()")
    out = bare.output(
        "c = comm.create_comm(target_name='t')\n"
        "print(type(c).__module__, comm.get_comm_manager() is get_ipython().kernel.comm_manager)\n"
        "c.close()"
    )
    assert out.split() == ["ipycomm.comm", "True"]


def test_targets_and_comms_registered_before_install_are_carried_over(bare: KernelDriver) -> None:
    """A target and a comm made through the stock layer keep working after the switch."""
    bare.execute(
        "import comm\n"
        "seen = []\n"
        "comm.get_comm_manager().register_target('early', lambda c, m: c.on_msg(seen.append))\n"
        "old = comm.create_comm(target_name='old')\n"
        "old.on_msg(seen.append)"
    )
    old_id = bare.output("print(old.comm_id)").strip()
    bare.execute("import ipycomm\nipycomm.install()")
    assert "early" in bare.comm_info()["targets"]
    assert bare.comm_info()["comms"] == {old_id: {"target_name": "old"}}
    bare.until_idle(bare.send("comm_msg", {"comm_id": old_id, "data": {"n": 1}}))
    bare.until_idle(bare.send("comm_open", {"comm_id": "e1", "target_name": "early", "data": {}}))
    bare.until_idle(bare.send("comm_msg", {"comm_id": "e1", "data": {"n": 2}}))
    assert bare.output("print([m['content']['data']['n'] for m in seen])").strip() == "[1, 2]"
    closing = bare.execute("old.close()\nget_ipython().kernel.comm_manager.get_comm('e1').close()")
    assert len(bare.of_type(closing, "comm_close")) == 2
    assert bare.comm_info()["comms"] == {}


def test_comm_info_on_control_channel_is_answered_by_ipycomm(bare: KernelDriver) -> None:
    """comm_info_request sent on the control channel gets the same extended reply."""
    bare.execute("import ipycomm\nipycomm.install()\nipycomm.Comm(target_name='x')")
    msg = bare.kc.session.msg("comm_info_request", {})
    bare.kc.control_channel.send(msg)
    reply = bare.kc.get_control_msg(timeout=10)
    assert reply["content"]["targets"] == []
    assert [c["target_name"] for c in reply["content"]["comms"].values()] == ["x"]
    bare.execute("for c in list(get_ipython().kernel.comm_manager.comms.values()): c.close()")
