"""Run at every Python start-up by ``ipycomm.pth``: makes ipycomm the comm layer of every
IPython kernel started from this environment (docs/architecture.md, "Activation").

It costs one environment lookup and, unless ``IPYCOMM_ACTIVATE`` turns it off, a finder that
looks at the names of imported modules until ``ipykernel.ipkernel`` is imported. It imports
neither ipycomm nor ipykernel itself, and never raises: a broken ipycomm must not break Python.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

_OFF = {"0", "false", "no", "off"}
_WATCHED = "ipykernel.ipkernel"


class _KernelModuleFinder:
    """Finds nothing itself; when ipykernel.ipkernel is imported, wraps its loader so that
    ipycomm can hook the kernel class once the module has run."""

    def __init__(self) -> None:
        self.done = False

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != _WATCHED or self.done:
            return None
        self.done = True  # from here on, and for the lookup below, this finder is inert
        try:
            import importlib.util

            spec = importlib.util.find_spec(name)
            if spec is not None and spec.loader is not None:
                spec.loader = _HookedLoader(spec.loader)  # type: ignore[assignment]
            return spec
        except Exception:
            return None


class _HookedLoader:
    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        try:
            from ipycomm.kernel.activation import activate

            activate(module)
        except Exception as err:  # the kernel starts on the stock comm layer
            print(f"ipycomm: not activated ({type(err).__name__}: {err})", file=sys.stderr)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


def _watch() -> None:
    if os.environ.get("IPYCOMM_ACTIVATE", "1").strip().lower() in _OFF:
        return
    if any(isinstance(f, _KernelModuleFinder) for f in sys.meta_path):
        return  # a venv may run the same .pth twice (lib64 -> lib)
    if _WATCHED in sys.modules:
        return
    sys.meta_path.insert(0, _KernelModuleFinder())


with contextlib.suppress(Exception):
    _watch()
