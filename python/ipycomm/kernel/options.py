"""ipycomm's kernel options, ``c.IPyComm.<name>`` in ipython_kernel_config.py (or
``--IPyComm.<name>=`` on the kernel's command line). A bad value raises TraitError naming it,
which leaves the kernel on the stock comm layer with a log line saying why
(:mod:`.activation`)."""

from __future__ import annotations

import os
from typing import Any

from traitlets import Bool, Float, Int, TraitError, validate
from traitlets.config import Configurable

from ..chunks.limits import (
    CHUNK_SIZE,
    IDLE_TIMEOUT,
    MAX_CHUNK_SIZE,
    MAX_MESSAGE_SIZE,
    MAX_PENDING_BYTES,
    MIN_CHUNK_SIZE,
    Limits,
    describe_size,
)
from ..flow.readers import FORGET_AFTER


class IPyComm(Configurable):
    """ipycomm's kernel options."""

    activate = Bool(
        True,
        help="Make ipycomm the comm layer of the kernel when it starts "
        "(the environment variable IPYCOMM_ACTIVATE=0 turns it off too).",
    ).tag(config=True)

    max_message_size = Int(
        MAX_MESSAGE_SIZE,
        help="The largest comm message payload (data JSON plus buffers), in bytes, that the "
        "kernel sends or accepts (docs/chunking.md).",
    ).tag(config=True)

    chunk_size = Int(
        CHUNK_SIZE,
        help="Comm messages larger than this many bytes travel in chunks; while other messages "
        "move, chunks are at most this size (and 256 KiB), alone they grow up to "
        f"{describe_size(MAX_CHUNK_SIZE)} ({describe_size(MIN_CHUNK_SIZE)} to "
        f"{describe_size(MAX_CHUNK_SIZE)}).",
    ).tag(config=True)

    max_pending_bytes = Int(
        MAX_PENDING_BYTES,
        help="The most bytes the page's partial chunked messages may hold in the kernel, all "
        "together; a chunk that would go past it drops its transfer "
        f"(default {describe_size(MAX_PENDING_BYTES)}, twice the default max_message_size).",
    ).tag(config=True)

    transfer_idle_timeout = Float(
        IDLE_TIMEOUT,
        help="Seconds a partial chunked message from the page may wait for its next chunk "
        "before the kernel drops it.",
    ).tag(config=True)

    forget_reader_after = Float(
        FORGET_AFTER,
        help="Seconds a flow-control reader that stopped crediting while it had messages to "
        "read stays registered before the kernel forgets it (it then no longer keeps the "
        "kernel from chunking or batching).",
    ).tag(config=True)

    @validate("chunk_size")
    def _valid_chunk_size(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if not MIN_CHUNK_SIZE <= value <= MAX_CHUNK_SIZE:
            low, high = MIN_CHUNK_SIZE, MAX_CHUNK_SIZE
            raise TraitError(
                f"c.IPyComm.chunk_size must be from {low} ({describe_size(low)}) "
                f"to {high} ({describe_size(high)}), got {value}"
            )
        return value

    @validate("max_message_size")
    def _valid_max_message_size(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if value < 1:
            raise TraitError(f"c.IPyComm.max_message_size must be at least 1, got {value}")
        return value

    @validate("max_pending_bytes")
    def _valid_max_pending_bytes(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if value < 1:
            raise TraitError(f"c.IPyComm.max_pending_bytes must be at least 1, got {value}")
        return value

    @validate("transfer_idle_timeout", "forget_reader_after")
    def _valid_seconds(self, proposal: Any) -> float:
        value = float(proposal["value"])
        if not value > 0:
            name = proposal["trait"].name
            raise TraitError(f"c.IPyComm.{name} must be a number of seconds > 0, got {value}")
        return value


def options_of(kernel: Any) -> IPyComm:
    """The options in ``kernel``'s config (the defaults for a kernel that has none)."""
    return IPyComm(parent=kernel) if isinstance(kernel, Configurable) else IPyComm()


def limits_of(kernel: Any) -> Limits:
    options = options_of(kernel)
    return Limits(
        chunk_size=options.chunk_size,
        max_message_size=options.max_message_size,
        idle_timeout=options.transfer_idle_timeout,
        max_pending_bytes=options.max_pending_bytes,
    )


#: Values of IPYCOMM_ACTIVATE that turn activation off (as in ``_ipycomm_activate``).
ACTIVATION_OFF = frozenset({"0", "false", "no", "off"})


def activation_on(kernel: Any) -> bool:
    """Whether the user left activation on for ``kernel``: ``IPYCOMM_ACTIVATE`` is not off in
    the environment and ``c.IPyComm.activate`` is not False (a config that does not validate
    counts as off: the kernel's log already said why it stayed on the stock layer)."""
    if os.environ.get("IPYCOMM_ACTIVATE", "1").strip().lower() in ACTIVATION_OFF:
        return False
    try:
        return bool(options_of(kernel).activate)
    except TraitError:
        return False
