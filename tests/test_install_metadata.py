"""The Python package and the labextension are one release."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
