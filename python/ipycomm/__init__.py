"""ipycomm: Jupyter's comm layer done properly.

Importing ipycomm inside an IPython kernel installs it as the kernel's comm layer (see
:func:`ipycomm.kernel.install`), unless the user turned activation off there
(``IPYCOMM_ACTIVATE=0``, ``c.IPyComm.activate = False``): then only an explicit
``ipycomm.install()`` or ``%load_ext ipycomm`` does. Elsewhere, importing it changes nothing.
"""

from __future__ import annotations

from importlib.metadata import version as _version
from typing import Any

from .comm import Comm
from .dispatch import on_main_thread
from .edges.reader import CommReader
from .errors import CommClosedWarning, NoViewError, RequestError
from .kernel import install, install_if_in_kernel, load_ipython_extension
from .manager import CommManager
from .protocol import ProtocolError
from .widgets import frontend_target, frontend_targets

#: The same version as package.json: hatch reads it from there when building.
__version__ = _version("ipycomm")

__all__ = [
    "Comm",
    "CommClosedWarning",
    "CommManager",
    "CommReader",
    "NoViewError",
    "ProtocolError",
    "RequestError",
    "__version__",
    "frontend_target",
    "frontend_targets",
    "install",
    "load_ipython_extension",
    "on_main_thread",
]


def _jupyter_labextension_paths() -> list[dict[str, Any]]:
    return [{"src": "labextension", "dest": "ipycomm"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    # The server extension lives in its own module so that importing it never needs a kernel.
    return [{"module": "ipycomm.edges.server"}]


install_if_in_kernel()
