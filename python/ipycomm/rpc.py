"""Request and reply on a comm, both ways (docs/frontend-targets.md §4).

A request, a reply and an error are comm messages whose data holds :data:`RPC_KEY`; so are the
``view`` messages by which a page says that a view of the comm is showing. :class:`CommRequests`
is the rpc state of one comm: its ``on_request`` handler, its requests waiting for an answer and
its attached views.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import NoViewError, RequestError
from .protocol import Message, checked_callback

if TYPE_CHECKING:
    from .comm import Comm
    from .host import CommHost

__all__ = ["RPC_KEY", "CommRequests", "NoViewError", "RequestError", "RequestHandler"]

log = logging.getLogger("ipycomm")

#: The comm data key of request/reply messages (RPC_KEY in src/kernel/protocol.ts).
RPC_KEY = "ipycomm_rpc"

#: ``handler(data, buffers)`` answers a browser's request with a dict or ``(dict, buffers)``.
RequestHandler = Callable[[dict[str, Any], list[Any]], Any]


class _Pending:
    """A request of the kernel's waiting for its first answer."""

    __slots__ = ("answer", "event")

    def __init__(self) -> None:
        self.event = threading.Event()
        #: ("reply", data), ("error", name, message) or ("closed", why).
        self.answer: tuple[Any, ...] | None = None


class CommRequests:
    """The rpc state of one comm. Safe to use from any thread."""

    def __init__(self, comm: Comm, host: CommHost) -> None:
        self._comm = comm
        self._host = host
        self._lock = threading.Lock()
        self._handler: RequestHandler | None = None
        self._pending: dict[str, _Pending] = {}
        self._views: set[str] = set()

    def rebind(self, host: CommHost) -> None:
        """The comm now talks through ``host`` (its kernel was reassigned)."""
        self._host = host

    @property
    def views(self) -> int:
        """How many views of the comm are attached."""
        return len(self._views)

    def set_handler(self, handler: RequestHandler | None) -> None:
        self._handler = checked_callback("on_request", handler)

    # -- the kernel asks -------------------------------------------------------------------------

    def request(self, data: Any, buffers: Any, timeout: Any) -> dict[str, Any]:
        """Send a request to the comm's views and wait for the first answer."""
        comm = self._comm
        _check_request(data, buffers, timeout)
        if comm.closed:
            raise RuntimeError(f"{comm!r}: cannot send a request because the comm is closed")
        if not self._host.replies_reach(threading.current_thread()):
            raise RuntimeError(
                f"{comm!r}: a request from this thread would wait forever: in this kernel the "
                "answer is handled on this same thread, which would be busy waiting for it. "
                "Make the request from another thread."
            )
        if not self._views:
            raise NoViewError(
                f"no view of comm {comm.comm_id} (target {comm.target_name!r}) is showing, so "
                "none can answer the request (display the comm, or wait until its view renders)"
            )
        request_id = uuid.uuid4().hex
        pending = _Pending()
        with self._lock:
            self._pending[request_id] = pending
        try:
            message = {RPC_KEY: {"kind": "request", "id": request_id}, "data": data}
            why = comm._try_send(message, None, buffers)
            if why is not None:
                raise RuntimeError(f"{comm!r}: cannot send a request because {why}")
            if not pending.event.wait(timeout):
                raise TimeoutError(
                    f"no view of comm {comm.comm_id} (target {comm.target_name!r}) answered "
                    f"the request within {timeout:g} s"
                )
        finally:
            with self._lock:
                self._pending.pop(request_id, None)
        return _outcome(comm, pending.answer)

    def closed(self, why: str) -> None:
        """The comm closed: every waiting request fails at once."""
        with self._lock:
            waiting = list(self._pending.values())
            self._views.clear()
        for pending in waiting:
            self._settle(pending, ("closed", why))

    # -- messages from the page ------------------------------------------------------------------

    def route(self, data: Any) -> None:
        """Settle a reply or error as soon as it arrives (on ipykernel's shell-channel thread,
        before the message is queued for a busy shell). Never raises."""
        try:
            rpc = data.get(RPC_KEY) if isinstance(data, dict) else None
            if isinstance(rpc, dict) and rpc.get("kind") in ("reply", "error"):
                self._answer(rpc, data)
        except Exception:  # pragma: no cover - the kernel's thread must never see it
            log.exception("ipycomm could not route an answer on comm %s", self._comm.comm_id)

    def handle(self, msg: Message) -> bool:
        """Handle a comm_msg if it is an rpc message (True), or leave it to on_msg (False)."""
        data = msg["content"].get("data")
        rpc = data.get(RPC_KEY) if isinstance(data, dict) else None
        if rpc is None:
            return False
        kind = rpc.get("kind") if isinstance(rpc, dict) else None
        ident = rpc.get("id") if isinstance(rpc, dict) else None
        if not isinstance(ident, str) or kind not in ("request", "reply", "error", "view"):
            log.error(
                "ipycomm dropped a malformed request/reply message on comm %s (%s): %r",
                self._comm.comm_id,
                "its id is not a string" if kind in _KINDS else f"unknown kind {kind!r}",
                rpc,
            )
        elif kind == "request":
            self._serve(ident, data, msg)
        elif kind == "view":
            self._view(ident, rpc)
        else:
            self._answer(rpc, data)
        return True

    def _answer(self, rpc: dict[str, Any], data: dict[str, Any]) -> None:
        """Settle the request an answer is for; one that is unknown or settled is ignored."""
        with self._lock:
            pending = self._pending.get(rpc.get("id"))  # type: ignore[arg-type]
        if pending is None:
            return
        if rpc["kind"] == "reply":
            reply = data.get("data")
            self._settle(pending, ("reply", reply if isinstance(reply, dict) else {}))
        else:
            name, message = rpc.get("name"), rpc.get("message")
            self._settle(pending, ("error", str(name or "Error"), str(message or "")))

    def _settle(self, pending: _Pending, answer: tuple[Any, ...]) -> None:
        with self._lock:
            if pending.answer is not None:
                return  # a later answer: the first one counts
            pending.answer = answer
        pending.event.set()

    def _view(self, view_id: str, rpc: dict[str, Any]) -> None:
        attached = rpc.get("attached")
        if not isinstance(attached, bool):
            log.error("ipycomm dropped a view message without 'attached' (true/false): %r", rpc)
            return
        with self._lock:
            (self._views.add if attached else self._views.discard)(view_id)

    def _serve(self, request_id: str, data: dict[str, Any], msg: Message) -> None:
        """Answer a page's request with the handler's reply, or with an error."""
        comm, handler = self._comm, self._handler
        where = f"comm {comm.comm_id} (target {comm.target_name!r})"
        if handler is None:
            self._send_error(
                request_id, "RuntimeError", f"{where} has no on_request handler in the kernel"
            )
            return
        request = data.get("data")
        try:
            with self._host.handling(msg):
                result = handler(request if isinstance(request, dict) else {}, msg["buffers"])
            reply, buffers = _reply_of(result)
            why = comm._try_send({RPC_KEY: {"kind": "reply", "id": request_id}, "data": reply},
                                 None, buffers)  # fmt: skip
            if why is not None:
                log.warning("ipycomm could not reply to a request on %s: %s", where, why)
        except Exception as exc:
            self._send_error(request_id, type(exc).__name__, str(exc))
            self._host.report_exception(
                f"ipycomm: the on_request handler of {where} raised {type(exc).__name__}: {exc}"
            )

    def _send_error(self, request_id: str, name: str, message: str) -> None:
        error = {"kind": "error", "id": request_id, "name": name, "message": message}
        why = self._comm._try_send({RPC_KEY: error}, None, None)
        if why is not None:
            log.warning("ipycomm could not answer request %s: %s", request_id, why)


_KINDS = ("request", "reply", "error", "view")


def _check_request(data: Any, buffers: Any, timeout: Any) -> None:
    if not isinstance(data, dict):
        raise TypeError(f"Comm.request: data must be a dict, got {type(data).__name__}")
    if buffers is not None and (
        not isinstance(buffers, Sequence) or isinstance(buffers, str | bytes)
    ):
        raise TypeError(
            f"Comm.request: buffers must be a list of buffers or None, got {type(buffers).__name__}"
        )
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"Comm.request: timeout must be a number, got {type(timeout).__name__}")
    if not (timeout > 0 and math.isfinite(timeout)):
        raise ValueError(
            f"Comm.request: timeout must be a positive number of seconds, got {timeout}"
        )


def _reply_of(result: Any) -> tuple[dict[str, Any], Any]:
    """The reply data and buffers of what a handler returned."""
    if isinstance(result, dict):
        return result, None
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], dict):
        return result[0], result[1]
    raise TypeError(
        "an on_request handler must return a dict or (dict, buffers), "
        f"got {type(result).__name__}: {result!r:.80}"
    )


def _outcome(comm: Comm, answer: tuple[Any, ...] | None) -> dict[str, Any]:
    assert answer is not None
    if answer[0] == "reply":
        reply: dict[str, Any] = answer[1]
        return reply
    if answer[0] == "error":
        raise RequestError(answer[1], answer[2])
    raise RuntimeError(f"{comm!r}: the request got no answer because {answer[1]}")
