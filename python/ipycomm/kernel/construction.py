"""While an IPythonKernel is being built, and what runs once it is: the one wrapper around
``IPythonKernel.__init__`` that activation and installation share.

ipykernel's ``__init__`` asks ``comm.get_comm_manager()`` for its manager and requires
ipykernel's own (a traitlets object), so the ``comm`` provider ipycomm installs must hand that
out while a kernel is built (:func:`building`); otherwise a second or restarted kernel in the
same process (an in-process kernel's restart) could not be built.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

_state = threading.local()
#: Run with each kernel once it is built (activation installs ipycomm); empty: nothing.
_after_build: list[Callable[[Any], None]] = []


def building() -> bool:
    """Whether this thread is inside an IPythonKernel.__init__."""
    return bool(getattr(_state, "depth", 0))


def after_build(f: Callable[[Any], None]) -> None:
    """Run ``f(kernel)`` after each IPythonKernel from now on is built."""
    _after_build[:] = [f]


def wrap_kernel_class(cls: Any) -> None:
    """Wrap ``cls.__init__`` once (later calls do nothing)."""
    original = cls.__init__
    if getattr(original, "_ipycomm_wrapped", False):
        return

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        _state.depth = getattr(_state, "depth", 0) + 1
        try:
            original(self, *args, **kwargs)
        finally:
            _state.depth -= 1
        for f in list(_after_build):
            f(self)

    __init__._ipycomm_wrapped = True  # type: ignore[attr-defined]
    cls.__init__ = __init__
