"""The kernel manager's own iopub readers: each kernel's activity watcher, which reads statuses
only, takes part (docs/flow-control.md §6), so it never keeps the kernel from sending ipycomm's
envelopes to the pages that read them."""

from __future__ import annotations

import functools
from typing import Any

from ..compat import jupyter_server as compat
from .websocket import set_participant


def mark_activity_watchers(kernels: Any, log: Any) -> None:
    """Make every activity-watching iopub socket of the kernel manager a participant: those of
    kernels it starts or restarts from now on, and those already watching."""
    watch = getattr(kernels, "start_watching_activity", None)
    if watch is None or getattr(watch, "_ipycomm", False):
        return  # not a kernel manager that watches, or wrapped already

    @functools.wraps(watch)
    def start_watching_activity(kernel_id: str) -> None:
        watch(kernel_id)
        _mark_activity_stream(kernels, kernel_id, log)

    start_watching_activity._ipycomm = True  # type: ignore[attr-defined]
    kernels.start_watching_activity = start_watching_activity
    for kernel_id in list(kernels.list_kernel_ids()):
        _mark_activity_stream(kernels, kernel_id, log)


def _mark_activity_stream(kernels: Any, kernel_id: str, log: Any) -> None:
    kernel = kernels.get_kernel(kernel_id)
    stream = compat.activity_stream(kernel)
    if stream is None or getattr(stream, "socket", stream).closed:
        return  # a kernel manager that does not watch this way (a gateway's)
    set_participant(stream, True)
    log.debug("ipycomm: the activity watcher of kernel %s takes part", kernel_id)
