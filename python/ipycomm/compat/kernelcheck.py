"""What ipycomm needs of a kernel, checked once, when it is installed into that kernel
(docs/compat.md).

ipykernel older than 7.0 is not supported: the kernel keeps the stock comm layer, and its log
says so in one line. On a newer one, each private of :mod:`.ipykernel` serves one feature; a
feature whose private is missing is off, and the kernel's log says so in one line naming the
feature, the missing private and what changes. Only the comm layer itself (the kernel's shell
dispatch table) is required: without it, the kernel keeps the stock layer.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import ipykernel as privates

log = logging.getLogger("ipycomm")

MIN_IPYKERNEL = (7, 0)


class Unsupported(RuntimeError):
    """ipycomm cannot run on this kernel; the kernel's log already says why."""


@dataclass(frozen=True)
class Feature:
    """A part of ipycomm that rests on privates: named, with what happens without it."""

    name: str
    privates: tuple[str, ...]
    off: str
    required: bool = False


FEATURES: tuple[Feature, ...] = (
    Feature(
        "the comm layer",
        ("Kernel.shell_handlers",),
        "the kernel keeps the stock comm layer",
        required=True,
    ),
    Feature(
        "comm_info on the control channel",
        ("Kernel.control_handlers",),
        "a comm_info_request on the control channel is answered by the stock layer",
    ),
    Feature(
        "quiet credits",
        ("Kernel.process_control",),
        "each flow-control credit goes through ipykernel's control dispatch, with a busy "
        "and an idle status on iopub",
    ),
    Feature(
        "idle after comm messages",
        ("Kernel._publish_status_and_flush",),
        "a request's idle status may reach the page before the comm messages it queued",
    ),
    Feature(
        "output order",
        ("IOPubThread._really_send",),
        "comm messages go out through ipykernel's iopub socket, as the stock layer sends them, "
        "and the kernel's own output may overtake those that wait for credit",
    ),
    Feature(
        "iopub subscriber count",
        (
            "IOPubThread._setup_xpub_listener",
            "IOPubThread._xpub_stream",
            "IOPubThread._handle_subscription",
        ),
        "the kernel cannot tell whether every iopub reader takes part, so it publishes the "
        "plain protocol only (no batches, no chunks; ipykernel 7.0 and 7.1 have no XPUB "
        "listener, 7.2 added it)",
    ),
    Feature(
        "lean flushes",
        ("OutStream._buffers", "OutStream._flush_pending", "OutStream._subprocess_flush_pending"),
        "every comm request flushes stdout and stderr, as the stock layer does",
    ),
    Feature(
        "closing carried-over comms",
        ("BaseComm._closed",),
        "a stock comm that the page closed may send a comm_close of its own later",
    ),
)

#: The features off on each kernel checked so far.
_checked: weakref.WeakKeyDictionary[Any, frozenset[str]] = weakref.WeakKeyDictionary()


def check(kernel: Any) -> frozenset[str]:
    """The names of the features that are off on ``kernel``. The first call for a kernel logs
    one line per feature that is off, in the kernel's log; later calls log nothing. Raises
    :class:`Unsupported` when ipycomm cannot run on it at all (the log says why)."""
    try:
        off = _checked.get(kernel)
    except TypeError:  # a kernel that can't be weakly referenced: checked every time
        off = None
    if off is None:
        off = _check(kernel, getattr(kernel, "log", None) or log)
        with contextlib.suppress(TypeError):
            _checked[kernel] = off
    if any(f.required and f.name in off for f in FEATURES):
        raise Unsupported("ipycomm cannot run on this kernel; the kernel log says why")
    return off


#: What is off on a kernel too old to run ipycomm at all.
_UNSUPPORTED: frozenset[str] = frozenset(f.name for f in FEATURES if f.required)


def _check(kernel: Any, logger: logging.Logger) -> frozenset[str]:
    version = ipykernel_version()
    if version is not None and _major_minor(version) < MIN_IPYKERNEL:
        logger.warning(
            "ipycomm: ipykernel %s is older than %d.%d; the kernel keeps the stock comm layer",
            version,
            *MIN_IPYKERNEL,
        )
        return _UNSUPPORTED
    off = set()
    for feature in FEATURES:
        missing = [p for p in feature.privates if _PROBES[p](kernel) is False]
        if missing:
            off.add(feature.name)
            logger.warning(
                "ipycomm: %s is off (%s missing in ipykernel %s): %s",
                feature.name,
                " and ".join(missing) + (" is" if len(missing) == 1 else " are"),
                version,
                feature.off,
            )
    return frozenset(off)


def ipykernel_version() -> str | None:
    """The version of the ipykernel that runs (None outside a kernel process)."""
    module = sys.modules.get("ipykernel")
    version = getattr(module, "__version__", None)
    return version if isinstance(version, str) else None


def supported() -> bool:
    """Whether the ipykernel that runs is one ipycomm supports."""
    version = ipykernel_version()
    return version is None or _major_minor(version) >= MIN_IPYKERNEL


def _major_minor(version: str) -> tuple[int, int]:
    parts = []
    for part in version.split(".")[:2]:
        digits = "".join(c for c in part if c.isdigit()) or "0"
        parts.append(int(digits))
    return parts[0], (parts[1] if len(parts) > 1 else 0)


# -- probes: True when the private is there, False when missing, None when it does not apply ----

Probe = Callable[[Any], "bool | None"]


def _attr(owner: Callable[[Any], Any], name: str) -> Probe:
    def probe(kernel: Any) -> bool | None:
        target = owner(kernel)
        return None if target is None else hasattr(target, name)

    return probe


def _xpub_stream(kernel: Any) -> bool | None:
    thread = privates.iopub_thread_of(kernel)
    if thread is None or not privates.has_xpub_socket(thread):
        return None  # not an XPUB socket (in-process kernels, ipyparallel): nothing to count
    return privates.xpub_listener(thread) is not None


def _stock_comm_closed(kernel: Any) -> bool | None:
    return not privates.stock_comms_lack_closed_mark(kernel)


def _kernel(kernel: Any) -> Any:
    return kernel


_PROBES: dict[str, Probe] = {
    "Kernel.shell_handlers": lambda k: privates.shell_dispatch(k) is not None,
    "Kernel.control_handlers": lambda k: privates.control_dispatch(k) is not None,
    "Kernel.process_control": _attr(_kernel, "process_control"),
    "Kernel._publish_status_and_flush": _attr(_kernel, "_publish_status_and_flush"),
    "IOPubThread._really_send": _attr(privates.iopub_thread_of, "_really_send"),
    "IOPubThread._setup_xpub_listener": _attr(privates.iopub_thread_of, "_setup_xpub_listener"),
    "IOPubThread._xpub_stream": _xpub_stream,
    "IOPubThread._handle_subscription": _attr(privates.iopub_thread_of, "_handle_subscription"),
    **{
        f"OutStream.{name}": _attr(privates.kernel_stdout, name)
        for name in ("_buffers", "_flush_pending", "_subprocess_flush_pending")
    },
    "BaseComm._closed": _stock_comm_closed,
}
