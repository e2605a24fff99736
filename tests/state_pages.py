"""Pages of a synced state, played by jupyter_client: each is a client of the kernel with its
own view, which sets keys and keeps the state as the page's store does
(src/widgets/statestore.ts): its own pending sets show at once, and a key's value from the kernel
is taken once the kernel has acknowledged the view's last set of that key."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from ipycomm.client import CommReader
from ipycomm.state.values import join, split
from ipycomm.state.wire import STATE_KEY
from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient

Msg = dict[str, Any]


class StatePage:
    """One page with one view of the comm ``comm_id``, with its own session and sockets, which
    reads iopub in a thread as a page does; ``reader=False`` plays a plain client."""

    def __init__(self, km: KernelManager, view: str, comm_id: str, reader: bool = True) -> None:
        self.kc = BlockingKernelClient()
        self.kc.load_connection_info(km.get_connection_info())
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.reader = CommReader(self.kc) if reader else None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.view, self.comm_id = view, comm_id
        self.values: dict[str, Any] = {}
        self.version = -1
        self.versions: list[int] = []
        self.acks: dict[str, int] = {}
        self.changes: list[dict[str, Any]] = []
        self._seq = 0
        self._pending: dict[str, int] = {}
        self._wait_subscribed()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        if self.reader is not None:
            self.reader.close()
        self.kc.stop_channels()

    def set(self, **values: Any) -> int:
        """Set keys as a view does: shown here at once, sent to the kernel; returns the seq."""
        with self._lock:
            return self._set(values)

    def _set(self, values: dict[str, Any]) -> int:
        self._seq += 1
        for key in values:
            self._pending[key] = self._seq
        self.values.update(values)
        state, paths, buffers = split(values)
        header = {"kind": "set", "view": self.view, "seq": self._seq}
        self._comm_msg({STATE_KEY: header, "state": state, "buffer_paths": paths}, buffers)
        return self._seq

    def sync(self) -> None:
        self._comm_msg({STATE_KEY: {"kind": "sync"}}, [])

    def read_until(self, done: Callable[[], bool], timeout: float = 60) -> None:
        """Wait until ``done()`` holds for what this page has read."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if done():
                    return
            assert time.monotonic() < deadline, f"{self.view}: timed out at {self.values}"
            time.sleep(0.01)

    def _wait_subscribed(self) -> None:
        """Until the status of its own kernel_info comes back on iopub: from then on its
        subscription is live, and no state message the kernel publishes can miss it."""
        for _ in range(60):
            msg_id = self.kc.kernel_info()
            try:
                while self._receive(self.kc.iopub_channel.get_msg(timeout=1)) != msg_id:
                    pass
                return
            except queue.Empty:
                continue
        raise AssertionError(f"{self.view}: the iopub subscription never went live")

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                self._receive(self.kc.iopub_channel.get_msg(timeout=0.1))
            except queue.Empty:
                continue

    def _receive(self, msg: Msg) -> str | None:
        """Takes one iopub message in; returns the id of the request it answers."""
        unpacked = self.reader.receive(msg) if self.reader is not None else [msg]
        with self._lock:
            for one in unpacked:
                self._take(one)
        return msg["parent_header"].get("msg_id")

    def _comm_msg(self, data: dict[str, Any], buffers: list[Any]) -> None:
        msg = self.kc.session.msg("comm_msg", {"comm_id": self.comm_id, "data": data})
        self.kc.session.send(self.kc.shell_channel.socket, msg, buffers=buffers)

    def _take(self, msg: Msg) -> None:
        content = msg["content"]
        if msg["msg_type"] not in ("comm_open", "comm_msg"):
            return
        if content.get("comm_id") != self.comm_id or STATE_KEY not in content.get("data", {}):
            return
        data = content["data"]
        header = data[STATE_KEY]
        values = join(dict(data["state"]), data.get("buffer_paths", []), msg.get("buffers", []))
        self.versions.append(header["version"])
        self.version = header["version"]
        if header["kind"] == "full":
            self.values = {**values, **{k: self.values[k] for k in self._pending}}
            return
        self.changes.append(values)
        self._acknowledged(header.get("acks", {}))
        for key in header.get("deleted", []):
            self.values.pop(key, None)
        self.values.update({k: v for k, v in values.items() if k not in self._pending})

    def _acknowledged(self, acks: dict[str, int]) -> None:
        for view, seq in acks.items():
            self.acks[view] = max(seq, self.acks.get(view, 0))
        mine = self.acks.get(self.view, 0)
        self._pending = {k: seq for k, seq in self._pending.items() if seq > mine}
