"""Run at every Python start-up by ``ipycomm.pth``: makes ipycomm the comm layer of every
IPython kernel started from this environment (docs/architecture.md, "Activation"), and joins
every kernel gateway's server started from it (docs/remote-kernels.md).

It costs one environment lookup and, unless ``IPYCOMM_ACTIVATE`` turns it off, a finder that
looks up the names of imported modules in a dict of two until one of them is imported, then
leaves ``sys.meta_path``. It imports neither ipycomm nor ipykernel itself (nor typing or
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
#: The module whose import is hooked, and the function of ipycomm that takes it once it ran.
_WATCHED = {
    "ipykernel.ipkernel": "ipycomm.kernel.activation",
    "kernel_gateway.gatewayapp": "ipycomm.edges.gatewayapp",
}


class _KernelModuleFinder:
    """Finds nothing itself; when a watched module is imported, wraps its loader so that
    ipycomm can hook the module's class once the module has run. A process is a kernel or a
    gateway, not both: the first watched module ends the watch."""

    def __init__(self) -> None:
        self.done = False

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in _WATCHED or self.done:
            return None
        self.done = True  # from here on, and for the lookup below, this finder is inert
        try:
            import importlib.util

            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return None
            spec.loader = _HookedLoader(spec.loader, _WATCHED[name])  # type: ignore[assignment]
            # Safe to leave now: returning a spec ends the import system's walk of meta_path.
            sys.meta_path.remove(self)
            return spec
        except Exception:
            return None


class _HookedLoader:
    """A watched module's own loader, followed by ipycomm's activation."""

    def __init__(self, loader: Any, activation: str) -> None:
        self._loader = loader
        self._activation = activation

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        try:
            import importlib

            importlib.import_module(self._activation).activate(module)
        except Exception as err:  # the process starts without ipycomm; its log says why
            print(f"ipycomm: not activated ({type(err).__name__}: {err})", file=sys.stderr)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


def _watch() -> None:
    if os.environ.get("IPYCOMM_ACTIVATE", "1").strip().lower() in _OFF:
        return
    if any(isinstance(f, _KernelModuleFinder) for f in sys.meta_path):
        return  # a venv may run the same .pth twice (lib64 -> lib)
    if any(name in sys.modules for name in _WATCHED):
        return
    sys.meta_path.insert(0, _KernelModuleFinder())


try:  # noqa: SIM105 (contextlib is one more import in every Python)
    _watch()
except Exception:
    pass
