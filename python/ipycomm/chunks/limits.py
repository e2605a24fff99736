"""The sizes that bound chunked transfer (docs/chunking.md §6), and the texts that name them.

The kernel reads them from ``c.IPyComm.chunk_size``, ``max_message_size``,
``max_pending_bytes`` and ``transfer_idle_timeout`` (:mod:`ipycomm.kernel.options`); tests
change them on a live kernel, so they are plain attributes read at each use.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Defaults and bounds: a chunk must stay well under jupyter_server's 10 MiB websocket limit.
CHUNK_SIZE = 1 << 20
MIN_CHUNK_SIZE = 64 << 10
MAX_CHUNK_SIZE = 8 << 20
MAX_MESSAGE_SIZE = 1 << 31
#: The most bytes the page's partial messages hold in the kernel, all together: two messages
#: of the largest default size can be on their way at once.
MAX_PENDING_BYTES = 2 * MAX_MESSAGE_SIZE
#: Seconds a partial message may wait for its next chunk before it is dropped.
IDLE_TIMEOUT = 60.0


@dataclass
class Limits:
    chunk_size: int = CHUNK_SIZE
    max_message_size: int = MAX_MESSAGE_SIZE
    idle_timeout: float = IDLE_TIMEOUT
    max_pending_bytes: int = MAX_PENDING_BYTES
    #: The largest chunk of the adaptive format (tests make it small, to see many chunks).
    max_chunk_size: int = MAX_CHUNK_SIZE

    def info(self) -> dict[str, int]:
        """What the kernel announces in its comm_info_reply (docs/chunking.md §1)."""
        return {
            "version": 1,
            # It also reassembles the adaptive format's slices of any size (§2).
            "chunk_format": 2,
            "chunk_size": self.chunk_size,
            "max_message_size": self.max_message_size,
        }

    def check(self, msg_type: str, comm_id: str, size: int) -> None:
        """Raise ValueError when a message the kernel sends is over the limit."""
        if size > self.max_message_size:
            raise ValueError(
                f"{msg_type} on comm {comm_id} is {describe_size(size)}, over the limit of "
                f"{describe_size(self.max_message_size)} (c.IPyComm.max_message_size)"
            )


def describe_size(size: int) -> str:
    """``size`` bytes for a person: "3.0 GiB", "512.0 KiB", "17 bytes"."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            return f"{size / (1 << shift):.1f} {unit}"
    return f"{size} bytes"
