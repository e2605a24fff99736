"""Drive a real ipykernel through jupyter_client, the way a frontend does."""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ipycomm import CommReader
from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient

Msg = dict[str, Any]


class KernelDriver:
    """A started kernel plus a client, with helpers that wait on conditions, never on sleeps."""

    def __init__(self, log_path: Path, env: dict[str, str] | None = None) -> None:
        """``env``: variables added to the kernel's environment (e.g. IPYCOMM_ACTIVATE=0)."""
        self.log_path = log_path
        self._log_file = log_path.open("w")
        self.km = KernelManager(kernel_name="python3")
        self.km.ip = "127.0.0.1"
        extra = {"env": {**os.environ, **env}} if env else {}
        self.km.start_kernel(stderr=self._log_file, stdout=self._log_file, **extra)
        self.kc: BlockingKernelClient = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self._pending: list[Msg] = []
        self._reader: CommReader | None = None

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self._log_file.close()

    # -- requests --------------------------------------------------------------------------------

    def execute(self, code: str, timeout: float = 30, allow_error: bool = False) -> list[Msg]:
        """Run code; return its iopub messages up to idle. An error fails unless allowed."""
        msg_id = self.kc.execute(code)
        # iopub first: a cell that publishes a lot must be read while it runs.
        messages = self.until_idle(msg_id, timeout)
        reply = self.shell_reply(msg_id, timeout)
        if not allow_error and reply["content"]["status"] != "ok":
            raise AssertionError(f"cell failed: {reply['content']}\n{self.stream_text(messages)}")
        return messages

    def output(self, code: str) -> str:
        """Run code and return what it printed to stdout."""
        return self.stream_text(self.execute(code))

    def send(
        self,
        msg_type: str,
        content: dict[str, Any],
        buffers: list[Any] | None = None,
        header: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Send a shell message, as a frontend would; returns its msg_id."""
        msg = self.kc.session.msg(msg_type, content, metadata=metadata)
        if header:
            msg["header"].update(header)
        self.kc.shell_channel.send(msg) if not buffers else self.kc.session.send(
            self.kc.shell_channel.socket, msg, buffers=buffers
        )
        return str(msg["header"]["msg_id"])

    def shell_reply(self, msg_id: str, timeout: float = 30) -> Msg:
        deadline = time.monotonic() + timeout
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def comm_info(self, target_name: str | None = None) -> dict[str, Any]:
        content = {} if target_name is None else {"target_name": target_name}
        msg_id = self.send("comm_info_request", content)
        reply = self.shell_reply(msg_id)
        self.until_idle(msg_id)
        return dict(reply["content"])

    def credits_taken(self) -> str:
        """Wait until the kernel has taken the credits sent so far. Credits have no reply and
        no busy/idle status; the control channel is served in order, so the reply to a
        comm_info_request sent after them on that channel says they were taken. Returns that
        request's msg_id (its idle status follows anything the credits published)."""
        msg = self.kc.session.msg("comm_info_request", {})
        self.kc.control_channel.send(msg)
        deadline = time.monotonic() + 30
        while True:
            reply = self.kc.control_channel.get_msg(timeout=max(0.01, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                return str(msg["header"]["msg_id"])

    # -- iopub -----------------------------------------------------------------------------------

    def next_iopub(self, predicate: Callable[[Msg], bool], timeout: float = 30) -> Msg:
        """The first iopub message matching predicate; others are kept for later calls."""
        for index, msg in enumerate(self._pending):
            if predicate(msg):
                return self._pending.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching iopub message arrived")
            try:
                msg = self.kc.get_iopub_msg(timeout=remaining)
            except queue.Empty:
                continue
            if self._reader is not None:
                self._reader.receive(msg)  # credit only: it unpacks no batches
            if predicate(msg):
                return msg
            self._pending.append(msg)

    def until_idle(self, parent_id: str, timeout: float = 30) -> list[Msg]:
        """All iopub messages parented to parent_id, up to its idle status."""
        collected: list[Msg] = []
        while True:
            msg = self.next_iopub(lambda m: m["parent_header"].get("msg_id") == parent_id, timeout)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return collected
            collected.append(msg)

    @contextmanager
    def reading(self) -> Iterator[CommReader]:
        """Read iopub as a flow-control reader that grants credit as it reads, so that a burst
        of thousands of messages cannot overflow the kernel's iopub socket (and lose its tail,
        idle status included) however slow or loaded this machine is."""
        reader = CommReader(self.kc)
        self._reader = reader
        try:
            yield reader
        finally:
            self._reader = None
            reader.close()
            self.credits_taken()

    def drain(self) -> None:
        """Forget iopub messages nobody asked for."""
        self._pending.clear()
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                return

    @staticmethod
    def stream_text(messages: list[Msg]) -> str:
        return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")

    @staticmethod
    def of_type(messages: list[Msg], msg_type: str) -> list[Msg]:
        return [m for m in messages if m["msg_type"] == msg_type]

    def kernel_log(self) -> str:
        self._log_file.flush()
        return self.log_path.read_text()

    def wait_for_log(self, text: str, timeout: float = 10) -> str:
        """Wait until the kernel's log contains text (it is written by another process)."""
        deadline = time.monotonic() + timeout
        while text not in (log := self.kernel_log()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not in kernel log:\n{log}")
            self.comm_info()  # a round trip: lets the kernel run and flush its log
        return log
