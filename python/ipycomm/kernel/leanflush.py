"""No empty stdout/stderr flushes at the end of a comm request.

After every shell request ipykernel flushes ``sys.stdout`` and ``sys.stderr``. Each flush hands
two callbacks to the iopub thread and waits for it, even when nothing was printed: two thread
round trips per comm message, about a third of the main thread's time for a comm echo (a
py-spy profile, benchmarks/RESULTS.md). A comm request has no reply, and everything it sends
on iopub (its messages, the idle status) goes through the iopub thread in order, so an empty
flush orders nothing. The flush is skipped only then: while a comm request is handled, and
the stream holds no text, has no flush pending and echoes to no terminal. Anything printed, by
the handler or a subprocess, is flushed before the idle status exactly as before. Whether a
stream is empty is read from ipykernel's OutStream privates (:mod:`ipycomm.compat.ipykernel`):
without them, every flush runs.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

from ..compat import ipykernel as compat

#: Requests that get no reply on the shell channel: nothing waits for their flush.
_COMM_REQUESTS = frozenset({"comm_open", "comm_msg", "comm_close"})


def skip_empty_flushes(kernel: Any) -> None:
    """Make the kernel's own stdout and stderr streams skip empty flushes in comm requests."""
    for stream in (sys.stdout, sys.stderr):
        if compat.is_outstream(stream) and not getattr(stream.flush, "_ipycomm", False):
            stream.flush = _lean_flush(kernel, stream)  # type: ignore[method-assign]


def _lean_flush(kernel: Any, stream: Any) -> Callable[[], None]:
    flush = stream.flush

    @functools.wraps(flush)
    def flush_unless_empty_in_comm_request() -> None:
        if compat.outstream_empty(stream) and request_type(kernel) in _COMM_REQUESTS:
            return
        flush()

    flush_unless_empty_in_comm_request._ipycomm = True  # type: ignore[attr-defined]
    return flush_unless_empty_in_comm_request


def request_type(kernel: Any) -> str | None:
    """The msg_type of the shell request this thread (or task) is handling, or None.

    ipykernel 7.0 raises LookupError on a thread that never handled a shell request (the
    control thread flushes after every control request); later versions give the main one's.
    """
    try:
        parent = kernel.get_parent("shell")
    except LookupError:
        return None
    header = (parent or {}).get("header") or {}
    msg_type = header.get("msg_type")
    return msg_type if isinstance(msg_type, str) else None
