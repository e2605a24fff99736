"""The Python package and the labextension are one release."""

from __future__ import annotations

import importlib.metadata
import json
import sys
from pathlib import Path, PurePosixPath

import ipycomm

ROOT = Path(__file__).parent.parent


def test_python_and_javascript_versions_agree() -> None:
    """ipycomm.__version__ is the version in package.json and in the built labextension."""
    package = json.loads((ROOT / "package.json").read_text())
    built = Path(sys.prefix, "share/jupyter/labextensions/ipycomm/package.json")
    assert ipycomm.__version__ == package["version"]
    assert json.loads(built.read_text())["version"] == package["version"]


def test_labextension_is_declared_for_jupyter() -> None:
    """The package tells Jupyter where its prebuilt labextension is."""
    [path] = ipycomm._jupyter_labextension_paths()
    assert path == {"src": "labextension", "dest": "ipycomm"}


def _installed_names() -> list[str]:
    """The installed distribution's RECORD, site-packages-relative ('../../../share/...' for
    data files outside it)."""
    files = importlib.metadata.files("ipycomm")
    assert files is not None, "ipycomm is installed without a RECORD"
    return [str(path) for path in files]


def _ours(name: str) -> bool:
    """Whether an installed path is one only ipycomm can own (no other package's file)."""
    parts = PurePosixPath(name).parts
    if parts[0] == "..":
        data = "/".join(part for part in parts if part != "..")
        return data.startswith("share/jupyter/labextensions/ipycomm/") or data == (
            "etc/jupyter/jupyter_server_config.d/ipycomm.json"
        )
    if parts[0] == "__pycache__":
        return parts[-1].startswith("_ipycomm_activate.")
    return parts[0] in {"ipycomm", "ipycomm.pth", "_ipycomm_activate.py"} or (
        parts[0].startswith("ipycomm-") and parts[0].endswith(".dist-info")
    )


def test_the_activation_hook_is_installed_and_nothing_of_another_package() -> None:
    """RECORD lists ipycomm.pth and _ipycomm_activate.py at the top of site-packages, and no
    file outside ipycomm's own names (no kernelspec, sitecustomize or kernel config)."""
    names = _installed_names()
    assert "ipycomm.pth" in names
    assert "_ipycomm_activate.py" in names
    assert [name for name in names if not _ours(name)] == []


def test_the_pth_line_only_imports_the_activation_module() -> None:
    """The installed .pth is one line that imports _ipycomm_activate and cannot raise."""
    pth = Path(importlib.metadata.distribution("ipycomm").locate_file("ipycomm.pth"))
    [line] = pth.read_text().splitlines()
    assert line.startswith("import ") and "import _ipycomm_activate" in line
    assert "except Exception" in line
