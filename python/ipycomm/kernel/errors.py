"""Error output for a handler that raised: the ``error`` message a cell's traceback would be."""

from __future__ import annotations

import sys
import traceback
from typing import Any


def error_content(summary: str, shell: Any) -> dict[str, Any] | None:
    """The content of an iopub ``error`` for the exception being handled, its traceback led by
    ``summary``; None when no exception is being handled. Formatted by IPython as a cell's
    traceback is (``shell`` may be None: then plain Python formatting)."""
    etype, evalue, tb = sys.exc_info()
    if etype is None or evalue is None:
        return None
    try:
        lines: list[str] = shell.InteractiveTB.structured_traceback(etype, evalue, tb)
    except Exception:
        lines = traceback.format_exception(etype, evalue, tb)
    return {"ename": etype.__name__, "evalue": str(evalue), "traceback": [summary, *lines]}
