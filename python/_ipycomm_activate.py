"""Run at every Python start-up by ``ipycomm.pth``: makes ipycomm the comm layer of every
IPython kernel started from this environment (docs/architecture.md, "Activation").

It costs one environment lookup and, unless ``IPYCOMM_ACTIVATE`` turns it off, a finder that
compares the names of imported modules with one name until ``ipykernel.ipkernel`` is imported,
then leaves ``sys.meta_path``. It imports neither ipycomm nor ipykernel itself (nor typing or
contextlib: every Python pays for what this module imports), and never raises: a broken ipycomm
must not break Python.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing costs milliseconds at every start-up; mypy knows this name
if TYPE_CHECKING:
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
            if spec is None or spec.loader is None:
                return None
            spec.loader = _HookedLoader(spec.loader)  # type: ignore[assignment]
            # Safe to leave now: returning a spec ends the import system's walk of meta_path.
            sys.meta_path.remove(self)
            return spec
        except Exception:
            return None


class _HookedLoader:
    """ipykernel.ipkernel's own loader, followed by ipycomm's activation."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        try:
            from ipycomm.kernel.activation import activate

            activate(module)
        except Exception as err:  # the kernel starts on the stock comm layer; its log says why
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


try:  # noqa: SIM105 (contextlib is one more import in every Python)
    _watch()
except Exception:
    pass
