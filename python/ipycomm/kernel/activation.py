"""Activation: ipycomm becomes the comm layer of every IPython kernel, as soon as the kernel is
built, without an import (docs/architecture.md, "Activation").

``_ipycomm_activate`` (run by ``ipycomm.pth`` at start-up) calls :func:`activate` once
``ipykernel.ipkernel`` is imported. Each IPythonKernel built from then on gets ipycomm as soon
as its ``__init__`` returns (:mod:`.construction`), unless turned off by ``IPYCOMM_ACTIVATE=0``
in the environment or ``c.IPyComm.activate = False`` in the kernel's config. If installing
fails, or the kernel's ipykernel is older than 7.0, the kernel keeps the stock comm layer and
its log says why, in one line (docs/compat.md).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from ..compat.ipykernel import iopub_thread_class
from ..compat.kernelcheck import Unsupported, supported
from .construction import after_build, wrap_kernel_class
from .install import install
from .options import IPyComm, options_of
from .xpub import hook_iopub_class

log = logging.getLogger("ipycomm")

_OFF = {"0", "false", "no", "off"}


__all__ = ["IPyComm", "activate"]


def activate(ipkernel_module: Any) -> None:
    """Called once ipykernel.ipkernel is imported: kernels built from now on run on ipycomm."""
    if os.environ.get("IPYCOMM_ACTIVATE", "1").strip().lower() in _OFF:
        return
    after_build(_activate_in)
    wrap_kernel_class(ipkernel_module.IPythonKernel)
    # Before the kernel app builds its IOPub thread: count who subscribes to iopub from the
    # first subscriber on (docs/flow-control.md §6).
    if supported():
        hook_iopub_class(iopub_thread_class())


def _activate_in(kernel: Any) -> None:
    logger = getattr(kernel, "log", None) or log
    try:
        if not options_of(kernel).activate:
            logger.info("ipycomm: not activated (c.IPyComm.activate = False)")
            return
        install(kernel)
    except Unsupported:
        pass  # the check said why in the kernel's log
    except Exception as err:
        logger.warning(
            "ipycomm: not activated, the kernel runs on the stock comm layer (%s: %s)",
            type(err).__name__,
            err,
        )
