"""The page's chunked messages as the kernel's comm manager sees them: chunks are taken in,
never delivered, and the message they carry comes out whole, once (docs/chunking.md §2, §5).

Every failure is one log line naming the transfer, its comm and how far it got; a transfer
dropped while its comm is open is answered with an ``error`` notice, so the page can say why.
A partial message idle past the timeout is dropped on a timer, even if nothing else arrives.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from ..protocol import Message, ProtocolError
from .assembler import Assembled, Assembler, ChunkError, Key, Partial, TooLarge, whole_message
from .format import CHUNK_KEY, Notice, error_data, parse
from .limits import Limits

log = logging.getLogger("ipycomm")

#: Publishes comm data on a comm (an error notice), through the comm's usual send path.
Notify = Callable[[str, dict[str, Any]], None]
#: Runs a function once, from another thread, after some seconds.
StartTimer = Callable[[float, Callable[[], None]], None]
#: Timers fire this much after a partial is due, so that it is past the timeout.
_SLACK = 0.01


def daemon_timer(delay: float, f: Callable[[], None]) -> None:
    """A daemon thread that runs ``f`` after ``delay`` seconds (it never keeps the process up)."""
    timer = threading.Timer(delay, f)
    timer.daemon = True
    timer.name = "ipycomm-transfer-timeout"
    timer.start()


class OwnTransfers(Protocol):
    """The kernel's own transfers to the page (:class:`.pacer.Pacer`)."""

    def cancel(self, transfer_id: str) -> bool:
        """Cancel one, telling every page; False when none has that id."""
        ...

    def comm_closed(self, comm_id: str) -> None: ...


class Incoming:
    """What :class:`ipycomm.CommManager` hands a page's comm_msg, its comm_close and a
    reader's closing credit to (``manager.chunks``)."""

    def __init__(
        self,
        limits: Limits,
        notify: Notify,
        own: OwnTransfers,
        start_timer: StartTimer = daemon_timer,
    ) -> None:
        self.limits = limits
        self.assembler = Assembler(limits)
        self._notify = notify
        self._own = own
        self._start_timer = start_timer
        self._timer_lock = threading.Lock()
        #: A timer will sweep: one at a time, for the partial due first.
        self._timer_armed = False

    def take(self, comm_id: str, msg: Message) -> Message | None:
        """``msg`` itself when it is no chunk; None for a chunk or a notice (taken in); the
        whole message when ``msg`` is the last chunk of one."""
        data = (msg.get("content") or {}).get("data")
        if not isinstance(data, dict) or CHUNK_KEY not in data:
            return msg
        self.sweep()
        buffers = msg.get("buffers") or []
        session = str((msg.get("header") or {}).get("session", ""))
        try:
            item = parse(data, len(buffers))
        except ProtocolError as err:
            self._malformed(session, comm_id, data, str(err))
            return None
        if isinstance(item, Notice):
            self._notice((session, comm_id, item.transfer), item)
            return None
        key = (session, comm_id, item.transfer)
        if item.index > 0 and self._ignored(key):
            return None
        try:
            done = self.assembler.add(key, item, memoryview(buffers[0]).cast("B"))
        except ChunkError as err:
            self._refused(key, err)
            return None
        if done is None:
            self._arm()
            return None
        return self._whole(key, msg, done)

    def comm_closed(self, comm_id: str) -> None:
        """The page closed the comm: its partial messages go, and the kernel's transfers on it
        stop."""
        self._dropped_all(lambda k: k[1] == comm_id, "the comm closed")
        self._own.comm_closed(comm_id)

    def reader_left(self, reader: str) -> None:
        """A reader's closing credit: that page is gone, and so are its partial messages
        (its reader id is its session, which its chunks carry)."""
        self._dropped_all(lambda k: k[0] == reader, "the page went away (its closing credit)")

    def info(self) -> dict[str, int]:
        self.sweep()
        return self.limits.info()

    def sweep(self) -> None:
        """Drop the partials idle for longer than the idle timeout, and tell their pages."""
        for key, partial in self.assembler.expire():
            reason = f"no chunk arrived for {self.limits.idle_timeout:g} s"
            _log_drop(key, partial.progress(), reason)
            self._notify(key[1], error_data(key[2], reason))

    def _arm(self) -> None:
        """Sweep when the first partial is due, even if no chunk, credit or comm_info comes."""
        with self._timer_lock:
            delay = None if self._timer_armed else self.assembler.seconds_until_idle()
            self._timer_armed = self._timer_armed or delay is not None
        if delay is not None:
            self._start_timer(delay + _SLACK, self._timer_fired)

    def _timer_fired(self) -> None:
        with self._timer_lock:
            self._timer_armed = False
        try:
            self.sweep()
        except Exception:  # on a timer thread: nobody else would see it
            log.exception("ipycomm could not drop the idle partial messages")
        self._arm()  # for the partials still under way

    # -- failures ----------------------------------------------------------------------------

    def _malformed(self, session: str, comm_id: str, data: dict[str, Any], reason: str) -> None:
        header = data.get(CHUNK_KEY)
        transfer = header.get("transfer") if isinstance(header, dict) else None
        if not isinstance(transfer, str) or not transfer:
            log.warning("ipycomm ignored a malformed chunk on comm %s: %s", comm_id, reason)
            return
        key = (session, comm_id, transfer)
        partial = self.assembler.drop(key, reason)
        self._refused(key, ChunkError(reason, _how_far(partial)))

    def _refused(self, key: Key, err: ChunkError) -> None:
        if isinstance(err, TooLarge):
            log.warning(
                "ipycomm refused transfer %s on comm %s from %s: %s", key[2], key[1], key[0], err
            )
        else:
            _log_drop(key, err.progress, str(err))
        self._notify(key[1], error_data(key[2], str(err)))

    def _ignored(self, key: Key) -> bool:
        tomb = self.assembler.tomb(key)
        if tomb is None:
            return False
        if not tomb.reported:
            tomb.reported = True
            log.warning(
                "ipycomm ignores the rest of transfer %s on comm %s from %s: it was dropped (%s)",
                key[2],
                key[1],
                key[0],
                tomb.reason,
            )
        return True

    def _notice(self, key: Key, notice: Notice) -> None:
        why = "the page cancelled it" if notice.cancel else f"the page said: {notice.error}"
        partial = self.assembler.drop(key, why)
        if partial is not None:
            _log_drop(key, partial.progress(), why)
        elif self._own.cancel(key[2]):
            log.warning("ipycomm cancelled its transfer %s on comm %s: %s", key[2], key[1], why)
        else:
            log.info("ipycomm ignored a notice for unknown transfer %s on comm %s", key[2], key[1])

    def _dropped_all(self, match: Callable[[Key], bool], reason: str) -> None:
        for key, partial in self.assembler.drop_where(match, reason):
            _log_drop(key, partial.progress(), reason)

    # -- delivery ----------------------------------------------------------------------------

    def _whole(self, key: Key, last: Message, done: Assembled) -> Message | None:
        try:
            return whole_message(last, done)
        except ProtocolError as err:
            self._refused(key, ChunkError(str(err), "after its last chunk"))
            return None


def _how_far(partial: Partial | None) -> str:
    return partial.progress() if partial is not None else "before it started"


def _log_drop(key: Key, progress: str, reason: str) -> None:
    session, comm_id, transfer = key
    log.warning(
        "ipycomm dropped transfer %s on comm %s from %s %s: %s",
        transfer,
        comm_id,
        session,
        progress,
        reason,
    )
