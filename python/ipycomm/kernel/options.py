"""ipycomm's kernel options, ``c.IPyComm.<name>`` in ipython_kernel_config.py (or
``--IPyComm.<name>=`` on the kernel's command line). A bad value raises TraitError naming it,
which leaves the kernel on the stock comm layer with a log line saying why
(:mod:`.activation`)."""

from __future__ import annotations

from typing import Any

from traitlets import Bool, Int, TraitError, validate
from traitlets.config import Configurable

from ..chunks.limits import (
    CHUNK_SIZE,
    MAX_CHUNK_SIZE,
    MAX_MESSAGE_SIZE,
    MIN_CHUNK_SIZE,
    Limits,
    describe_size,
)


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
        help="Comm messages larger than this many bytes travel in chunks of this size "
        f"({describe_size(MIN_CHUNK_SIZE)} to {describe_size(MAX_CHUNK_SIZE)}).",
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


def options_of(kernel: Any) -> IPyComm:
    """The options in ``kernel``'s config (the defaults for a kernel that has none)."""
    return IPyComm(parent=kernel) if isinstance(kernel, Configurable) else IPyComm()


def limits_of(kernel: Any) -> Limits:
    options = options_of(kernel)
    return Limits(chunk_size=options.chunk_size, max_message_size=options.max_message_size)
