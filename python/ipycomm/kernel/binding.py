"""Reaching a kernel passed by reference, as ipykernel's comm API allows:
``CommManager(kernel=k)``, ``Comm(kernel=k)`` and ``comm.kernel = k``.

A kernel that runs ipycomm is reached through its own manager (and transport), so its comms
share one outbox. Any other kernel (a stock one, a library's stand-in kernel such as Panel's,
a test's) gets one manager of its own, made on first use, that publishes through that
kernel's session and iopub channel as the stock comm layer does.
"""

from __future__ import annotations

import weakref
from typing import Any

from ..comm import Comm
from ..compat.ipykernel import mark_stock_comm_closed
from ..manager import CommManager
from ..transport import Transport
from .transport import KernelTransport

#: The manager made for each kernel that does not run ipycomm.
_managers: weakref.WeakKeyDictionary[Any, CommManager] = weakref.WeakKeyDictionary()


def _own_manager(kernel: Any) -> CommManager | None:
    manager = getattr(kernel, "comm_manager", None)
    return manager if isinstance(manager, CommManager) and manager.kernel is kernel else None


def transport_for_kernel(kernel: Any) -> Transport:
    """The transport of ``CommManager(kernel=k)``."""
    own = _own_manager(kernel)
    return own.transport if own is not None else KernelTransport(kernel)


def host_for_kernel(kernel: Any) -> CommManager:
    """The manager a comm given ``kernel`` talks through."""
    own = _own_manager(kernel)
    if own is not None:
        return own
    try:
        manager = _managers.get(kernel)
    except TypeError:  # a kernel that can't be weakly referenced: no sharing
        return CommManager(KernelTransport(kernel))
    if manager is None:
        manager = _managers[kernel] = CommManager(KernelTransport(kernel))
    return manager


Comm.host_for_kernel = host_for_kernel
CommManager.transport_for_kernel = transport_for_kernel
CommManager.mark_stock_closed = mark_stock_comm_closed
