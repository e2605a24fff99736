"""The stated version range (README "Versions") agrees with what declares and tests it:
package.json's ranges, pyproject's bounds and the two ends scripts/ui-test-matrix installs."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from ipycomm.kernel.leanflush import request_type
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
ENDS = ("lab44", "lab47")


def _pins(end: str) -> dict[str, str]:
    lines = (ROOT / "ui-tests" / f"requirements-{end}.txt").read_text().splitlines()
    pairs = (line.split("==") for line in lines if "==" in line and not line.startswith("#"))
    return {name.strip().replace("_", "-"): version.strip() for name, version in pairs}


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    strings = [*project["dependencies"], *extras["lab"], *extras["notebook"]]
    return {Requirement(s).name.replace("_", "-"): Requirement(s) for s in strings}


@pytest.mark.parametrize("end", ENDS)
def test_pyproject_admits_each_end_of_the_matrix(end: str) -> None:
    """Every package pyproject bounds (ipykernel, jupyter_server, jupyterlab, notebook) admits
    the version the matrix pins at that end."""
    declared = _declared()
    pins = {name: v for name, v in _pins(end).items() if name in declared}
    assert {"ipykernel", "jupyter-server", "jupyterlab"} <= pins.keys()
    for name, version in pins.items():
        assert declared[name].specifier.contains(version, prereleases=True), (name, version)


def test_the_ends_are_the_oldest_and_newest_jupyterlab_of_the_range() -> None:
    """lab44 pins JupyterLab 4.4 with ipykernel 7.0; lab47 pins 4.7 with ipykernel 7.4."""
    old, new = _pins("lab44"), _pins("lab47")
    assert old["jupyterlab"].startswith("4.4.") and old["ipykernel"].startswith("7.0.")
    assert new["jupyterlab"].startswith("4.7.") and new["ipykernel"].startswith("7.4.")


def test_every_jupyterlab_package_is_shared_at_the_range_it_declares() -> None:
    """The builder would take the shared requiredVersion from its own JupyterLab (4.6):
    sharedPackages gives each @jupyterlab dependency its declared range, as a singleton."""
    package: dict[str, Any] = json.loads((ROOT / "package.json").read_text())
    shared = package["jupyterlab"]["sharedPackages"]
    ours = {k: v for k, v in package["dependencies"].items() if k.startswith("@jupyterlab/")}
    assert ours.keys() == shared.keys()
    for name, declared in ours.items():
        assert shared[name] == {"bundled": False, "singleton": True, "requiredVersion": declared}


class _Ipykernel70:
    """get_parent as ipykernel 7.0 has it: a thread that never handled a shell request raises."""

    def get_parent(self, channel: str = "shell") -> dict[str, Any]:
        raise LookupError("shell_parent")


def test_a_thread_with_no_shell_request_is_handling_none_on_ipykernel_70() -> None:
    """The control thread's flush asks which request it is in: None, not LookupError."""
    assert request_type(_Ipykernel70()) is None
