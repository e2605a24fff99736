"""A recording transport, so Comm and CommManager can be unit-tested without a kernel."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ipycomm import CommManager
from ipycomm.transport import Outgoing


class RecordingTransport:
    """Records what the manager publishes, replies and reports."""

    kernel = None

    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any], dict[str, Any], list[Any] | None]] = []
        self.replies: list[tuple[str, dict[str, Any]]] = []
        self.errors: list[tuple[str, BaseException]] = []
        self.handled: list[str] = []
        #: What was handed to the main thread, in order (a test runs it).
        self.on_main: list[Any] = []
        self._lock = threading.Lock()

    def publish(self, message: Outgoing) -> None:
        buffers = message.buffers or None
        with self._lock:
            self.published.append((message.msg_type, message.content, message.metadata, buffers))

    def reply(
        self, stream: Any, ident: Any, parent: Any, msg_type: str, content: Mapping[str, Any]
    ) -> None:
        self.replies.append((msg_type, dict(content)))

    def report_exception(self, summary: str) -> None:
        exc = sys.exc_info()[1]
        assert exc is not None
        self.errors.append((summary, exc))

    @contextmanager
    def handling(self, msg: Any) -> Iterator[None]:
        self.handled.append(msg["header"]["msg_type"])
        yield

    def replies_reach(self, thread: threading.Thread) -> bool:
        return True

    def call_on_main(self, f: Any) -> bool:
        self.on_main.append(f)
        return True

    def reply_route(self, sender: threading.Thread | None, default: Any) -> Any:
        return default if sender is None else sender.name

    def of_type(self, msg_type: str) -> list[dict[str, Any]]:
        return [content for kind, content, _, _ in self.published if kind == msg_type]


def message(msg_type: str, **content: Any) -> dict[str, Any]:
    """A shell message as the kernel hands it to a handler."""
    return {
        "header": {"msg_type": msg_type, "msg_id": f"{msg_type}-1"},
        "parent_header": {},
        "metadata": {},
        "content": content,
        "buffers": [],
    }


def new_manager() -> tuple[CommManager, RecordingTransport]:
    transport = RecordingTransport()
    return CommManager(transport), transport
