"""The comm wire format: message shapes, callback types, and validation of incoming content.

Everything the kernel receives from a frontend passes through ``parse_*`` before any handler
sees it, so a malformed message becomes one clear :class:`ProtocolError` instead of a
``KeyError`` deep inside a handler.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

if TYPE_CHECKING:
    from .comm import Comm

#: A message dict as jupyter_client's Session produces it (header, content, buffers, ...).
Message = dict[str, Any]

#: Binary buffers: anything that exposes the buffer protocol (bytes, bytearray, memoryview,
#: numpy arrays). They are handed to zmq as they are, without a copy.
Buffer = bytes | bytearray | memoryview
Buffers = Sequence[Any] | None

#: ``on_msg`` / ``on_close`` callbacks receive the whole message.
CommCallback = Callable[[Message], None]
#: Target handlers receive the new comm and the comm_open message.
CommTargetCallback = Callable[["Comm", Message], None]


class CommOpenContent(TypedDict):
    comm_id: str
    target_name: str
    data: dict[str, Any]
    target_module: NotRequired[str | None]


class CommMsgContent(TypedDict):
    comm_id: str
    data: dict[str, Any]


class CommInfoEntry(TypedDict):
    target_name: str


class CommInfoReplyContent(TypedDict):
    status: str
    comms: dict[str, CommInfoEntry]
    #: ipycomm's extension to the spec: the target names registered in the kernel.
    targets: list[str]
    #: What the kernel reassembles (docs/chunking.md §1): version, chunk_size, max_message_size.
    ipycomm: NotRequired[dict[str, int]]


#: The mime type of a view of a comm in an output area: ``display(comm)`` publishes it, and the
#: frontend renders a view of that comm (``{"comm_id": ..., "target_name": ...}``).
VIEW_MIME_TYPE = "application/vnd.ipycomm.view+json"

#: The comm data key of synced-state messages (STATE_KEY in src/kernel/protocol.ts;
#: docs/frontend-targets.md §6).
STATE_KEY = "ipycomm_state"


class ProtocolError(ValueError):
    """A comm message from the frontend does not have the shape the protocol requires."""


# -- validation of incoming content ------------------------------------------------------------


def _content(msg: Message, msg_type: str) -> Mapping[str, Any]:
    content = msg.get("content")
    if not isinstance(content, Mapping):
        raise ProtocolError(f"{msg_type}: content must be a dict, got {type(content).__name__}")
    return content


def _comm_id(content: Mapping[str, Any], msg_type: str) -> str:
    comm_id = content.get("comm_id")
    if not isinstance(comm_id, str) or not comm_id:
        raise ProtocolError(
            f"{msg_type}: content.comm_id must be a non-empty string, got {comm_id!r}"
        )
    return comm_id


def _data(content: Mapping[str, Any], msg_type: str) -> dict[str, Any]:
    data = content.get("data")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ProtocolError(f"{msg_type}: content.data must be a dict, got {type(data).__name__}")
    return data


def comm_id_of(msg: Message) -> str | None:
    """The comm_id of a message if it has a usable one, else None (never raises)."""
    content = msg.get("content")
    comm_id = content.get("comm_id") if isinstance(content, Mapping) else None
    return comm_id if isinstance(comm_id, str) and comm_id else None


def parse_open(msg: Message) -> CommOpenContent:
    """Validate a comm_open message; raises ProtocolError naming the first bad field."""
    content = _content(msg, "comm_open")
    comm_id = _comm_id(content, "comm_open")
    target_name = content.get("target_name")
    if not isinstance(target_name, str) or not target_name:
        raise ProtocolError(
            f"comm_open: content.target_name must be a non-empty string, got {target_name!r}"
        )
    parsed = CommOpenContent(
        comm_id=comm_id, target_name=target_name, data=_data(content, "comm_open")
    )
    target_module = content.get("target_module")
    if target_module is not None and not isinstance(target_module, str):
        raise ProtocolError(
            f"comm_open: content.target_module must be a string or null, got {target_module!r}"
        )
    parsed["target_module"] = target_module
    return parsed


def parse_msg(msg: Message, msg_type: str = "comm_msg") -> CommMsgContent:
    """Validate a comm_msg or comm_close message; raises ProtocolError naming the bad field."""
    content = _content(msg, msg_type)
    return CommMsgContent(comm_id=_comm_id(content, msg_type), data=_data(content, msg_type))


def parse_info_request(msg: Message) -> str | None:
    """The optional target_name filter of a comm_info_request."""
    content = _content(msg, "comm_info_request")
    target_name = content.get("target_name")
    if target_name is not None and not isinstance(target_name, str):
        raise ProtocolError(
            f"comm_info_request: content.target_name must be a string, got {target_name!r}"
        )
    return target_name


# -- validation of outgoing payloads -------------------------------------------------------------


def check_payload(
    method: str, data: Any, metadata: Any, buffers: Buffers
) -> tuple[dict[str, Any], dict[str, Any], list[Any] | None]:
    """Check what a kernel-side caller passes to send/close/open.

    Raises TypeError or ValueError that names the method and the argument. Buffers are checked,
    not copied: each must expose a C-contiguous buffer.
    """
    if data is None:
        data = {}
    elif not isinstance(data, Mapping):
        raise TypeError(f"Comm.{method}: data must be a dict or None, got {type(data).__name__}")
    if metadata is None:
        metadata = {}
    elif not isinstance(metadata, Mapping):
        raise TypeError(
            f"Comm.{method}: metadata must be a dict or None, got {type(metadata).__name__}"
        )
    data = data if isinstance(data, dict) else dict(data)
    metadata = metadata if isinstance(metadata, dict) else dict(metadata)
    if not buffers:
        return data, metadata, None
    if isinstance(buffers, bytes | bytearray | memoryview | str):
        raise TypeError(f"Comm.{method}: buffers must be a list of buffers, not a single buffer")
    checked = list(buffers)
    for index, buf in enumerate(checked):
        try:
            view = memoryview(buf)
        except TypeError:
            raise TypeError(
                f"Comm.{method}: buffers[{index}] is a {type(buf).__name__}, which does not "
                "support the buffer protocol (use bytes, bytearray, memoryview or a numpy array)"
            ) from None
        if not view.c_contiguous:
            raise ValueError(
                f"Comm.{method}: buffers[{index}] is not C-contiguous; "
                "pass numpy.ascontiguousarray(x) instead"
            )
    return data, metadata, checked


def checked_callback(method: str, callback: Any) -> Any:
    """``callback`` if it is callable or None; else TypeError naming ``Comm.<method>``."""
    if callback is not None and not callable(callback):
        raise TypeError(f"Comm.{method}: callback must be callable or None, got {callback!r}")
    return callback


# Keyword arguments that ipykernel's Comm accepts but that mean nothing here: the topic comes
# from the comm id, and ipykernel's traitlets plumbing does not exist. Accepting them keeps code
# written against ipykernel.comm.Comm working unchanged.
_IGNORED_KWARGS = frozenset({"show_warning", "topic", "parent", "log", "config"})


def comm_options(target_name: Any, kwargs: dict[str, Any]) -> tuple[str, str, bool, str | None]:
    """Check ``Comm()``'s arguments: its target, comm id, primary flag and target module.

    ``manager`` and ``kernel`` are left in ``kwargs``; an unknown keyword or a bad value
    raises TypeError."""
    comm_id = kwargs.pop("comm_id", None) or uuid.uuid4().hex
    primary = bool(kwargs.pop("primary", True))
    target_module = kwargs.pop("target_module", None)
    unknown = sorted(set(kwargs) - _IGNORED_KWARGS - {"manager", "kernel"})
    if unknown:
        raise TypeError(f"Comm() got unexpected keyword arguments: {', '.join(unknown)}")
    if target_name is None:
        target_name = "comm"
    if not isinstance(target_name, str) or not target_name:
        raise TypeError(f"Comm: target_name must be a non-empty string, got {target_name!r}")
    if not isinstance(comm_id, str):
        raise TypeError(f"Comm: comm_id must be a string, got {type(comm_id).__name__}")
    return target_name, comm_id, primary, target_module
