"""ipycomm in a kernel gateway's server (jupyter-kernel-gateway, docs/remote-kernels.md).

A kernel gateway runs the kernels and their ZMQ sockets, so the iopub rate limit that pages meet
behind it is the gateway's, and its kernel manager's activity watchers are the iopub readers that
must take part. It loads no jupyter_server extensions, so ipycomm joins it the way it joins a
kernel: ``ipycomm.pth`` hooks the import of ``kernel_gateway.gatewayapp`` in every Python of the
environment ipycomm is installed in, and :func:`activate` wraps the app's ``init_webapp``, after
which the same :func:`~ipycomm.edges.server.install` as the server extension's runs. With
``IPYCOMM_ACTIVATE=0`` in the gateway's environment, nothing of this happens.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

from .server import install

_APP = "KernelGatewayApp"


def activate(module: ModuleType) -> None:
    """Join every gateway app the module will create."""
    app_class = getattr(module, _APP, None)
    init_webapp = getattr(app_class, "init_webapp", None)
    if app_class is None or init_webapp is None or getattr(init_webapp, "_ipycomm", False):
        return

    @functools.wraps(init_webapp)
    def joined_init_webapp(self: Any) -> None:
        init_webapp(self)
        try:
            install(self.web_app.settings, self.kernel_manager, self.log)
        except Exception:  # the gateway serves stock kernels' websockets; its log says why
            self.log.exception("ipycomm: could not join this kernel gateway")

    joined_init_webapp._ipycomm = True  # type: ignore[attr-defined]
    app_class.init_webapp = joined_init_webapp
