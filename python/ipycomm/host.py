"""Where a comm finds its manager: what a :class:`~ipycomm.Comm` needs of one, and the manager
installed in this kernel, which the ``comm`` package hands out."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeGuard, runtime_checkable

import comm as comm_package

from .protocol import Message
from .transport import Outgoing


@runtime_checkable
class CommHost(Protocol):
    """What a comm needs of its manager (:class:`ipycomm.CommManager` is one)."""

    @property
    def kernel(self) -> Any: ...
    def register_comm(self, comm: Any) -> str: ...
    def unregister_comm(self, comm: Any) -> None: ...
    def publish(self, message: Outgoing) -> None: ...
    def handling(self, msg: Message) -> AbstractContextManager[None]: ...
    def reply_route(self, sender: threading.Thread | None, default: Any) -> Any: ...
    def replies_reach(self, thread: threading.Thread) -> bool: ...
    def report_exception(self, summary: str) -> None: ...


def installed_manager() -> CommHost:
    """The manager ipycomm installed in this kernel: the ``comm`` package's provider.

    Raises RuntimeError when ipycomm is not this process's comm layer (outside a kernel, or
    in one where activation is off and nothing installed it).
    """
    manager = comm_package.get_comm_manager()
    if not _is_host(manager):
        raise RuntimeError(
            "ipycomm is not the comm layer of this process. In an IPython kernel it installs "
            "itself unless activation is off (IPYCOMM_ACTIVATE=0, c.IPyComm.activate = False): "
            "then call ipycomm.install() or run %load_ext ipycomm first. Outside a kernel, pass "
            "manager=CommManager(transport)."
        )
    return manager


def _is_host(manager: Any) -> TypeGuard[CommHost]:
    """Whether ``manager`` is ipycomm's. Not a bare ``isinstance``: the protocol check reads
    each member in a per-process (hash-seeded) order, and ipykernel's own CommManager raises
    a TraitError, not an AttributeError, when its unset ``kernel`` is read first."""
    try:
        return isinstance(manager, CommHost)
    except Exception:
        return False


def host_of(
    manager: CommHost | None, kernel: Any, for_kernel: Callable[[Any], CommHost] | None
) -> CommHost:
    """The manager a new comm talks through: ``manager``, the manager of ``kernel``, or the
    kernel's installed one; TypeError when ``manager`` and ``kernel`` disagree."""
    if kernel is None:
        return manager or installed_manager()
    if manager is not None:
        if manager.kernel is not kernel:
            raise TypeError(
                "Comm(): manager= talks to another kernel than kernel=; pass only one of them"
            )
        return manager
    if for_kernel is None:
        raise TypeError("Comm(kernel=...) needs ipykernel, which is not loaded; pass manager=")
    return for_kernel(kernel)
