"""Unit tests of CommManager's registry and message handlers over a recording transport."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fakes import RecordingTransport, message
from ipycomm import Comm, CommManager


def _open(manager: CommManager, target: str = "t", comm_id: str = "c1", **extra: Any) -> None:
    content = {"comm_id": comm_id, "target_name": target, "data": {"hello": 1}, **extra}
    manager.comm_open(None, None, message("comm_open", **content))


def test_frontend_open_calls_target_with_comm_and_message(manager: CommManager) -> None:
    """comm_open for a registered target hands the new comm and the message to the handler."""
    calls: list[tuple[Comm, dict[str, Any]]] = []
    manager.register_target("t", lambda comm, msg: calls.append((comm, msg)))
    _open(manager)
    comm, msg = calls[0]
    assert comm.comm_id == "c1" and comm.target_name == "t" and not comm.primary
    assert msg["content"]["data"] == {"hello": 1}
    assert manager.get_comm("c1") is comm
    comm.close()


def test_unknown_target_is_answered_with_close_and_reason(
    manager: CommManager, transport: RecordingTransport, caplog: pytest.LogCaptureFixture
) -> None:
    """An unregistered target gets a comm_close back that says why, and a log warning."""
    manager.register_target("known", lambda comm, msg: None)
    _open(manager, target="nope")
    [close] = transport.of_type("comm_close")
    assert close["comm_id"] == "c1"
    assert "no comm target 'nope'" in close["data"]["reason"]
    assert "'known'" in close["data"]["reason"]
    assert "no comm target 'nope'" in caplog.text
    assert manager.comms == {}


def test_failing_target_handler_closes_comm_with_reason(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """A target handler that raises is reported, and its comm is closed with the reason."""

    def broken(comm: Comm, msg: dict[str, Any]) -> None:
        raise ValueError("bad config")

    manager.register_target("t", broken)
    _open(manager)
    [(summary, exc)] = transport.errors
    assert "handler for comm target 't' raised ValueError: bad config" in summary
    assert isinstance(exc, ValueError)
    [close] = transport.of_type("comm_close")
    assert "ValueError: bad config" in close["data"]["reason"]
    assert manager.comms == {}


def test_failing_on_msg_is_reported_and_comm_stays_usable(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """on_msg raising is reported; later messages are still delivered."""
    comm = Comm("t", manager=manager)
    received: list[int] = []

    def handler(msg: dict[str, Any]) -> None:
        value = msg["content"]["data"]["v"]
        if value == 0:
            raise ZeroDivisionError("boom")
        received.append(value)

    comm.on_msg(handler)
    for value in (0, 1):
        manager.comm_msg(None, None, message("comm_msg", comm_id=comm.comm_id, data={"v": value}))
    assert received == [1]
    assert "on_msg callback of comm" in transport.errors[0][0]
    assert not comm.closed
    comm.close()


def test_frontend_close_calls_on_close_and_unregisters(manager: CommManager) -> None:
    """comm_close from the frontend runs on_close and removes the comm, without echoing."""
    comm = Comm("t", manager=manager)
    closed: list[dict[str, Any]] = []
    comm.on_close(closed.append)
    manager.comm_close(None, None, message("comm_close", comm_id=comm.comm_id, data=None))
    assert len(closed) == 1 and comm.closed
    assert manager.get_comm(comm.comm_id) is None


def test_failing_on_close_is_reported(manager: CommManager, transport: RecordingTransport) -> None:
    """on_close raising is reported; the comm is still closed and unregistered."""
    comm = Comm("t", manager=manager)
    comm.on_close(lambda msg: 1 / 0)
    manager.comm_close(None, None, message("comm_close", comm_id=comm.comm_id, data={}))
    assert "on_close callback" in transport.errors[0][0]
    assert manager.comms == {}


def test_send_after_frontend_close_warns_with_its_reason(manager: CommManager) -> None:
    """The warning for a late send names the frontend's close reason."""
    comm = Comm("t", manager=manager)
    data = {"reason": "view removed"}
    manager.comm_close(None, None, message("comm_close", comm_id=comm.comm_id, data=data))
    with pytest.warns(UserWarning, match=r"frontend closed it \(view removed\)"):
        comm.send({"x": 1})


@pytest.mark.parametrize("msg_type", ["comm_msg", "comm_close"])
def test_message_for_unknown_comm_is_logged_and_ignored(
    manager: CommManager, caplog: pytest.LogCaptureFixture, msg_type: str
) -> None:
    """comm_msg/comm_close for an unknown id logs a warning and changes nothing."""
    handler = getattr(manager, msg_type)
    handler(None, None, message(msg_type, comm_id="ghost", data={}))
    assert "no such comm is open" in caplog.text and "ghost" in caplog.text


@pytest.mark.parametrize(
    ("msg_type", "content", "text"),
    [
        ("comm_open", {"target_name": "t"}, "comm_id must be a non-empty string"),
        ("comm_open", {"comm_id": "x", "target_name": 3}, "target_name must be"),
        ("comm_open", {"comm_id": "x", "target_name": "t", "data": [1]}, "data must be a dict"),
        ("comm_msg", {"comm_id": 5, "data": {}}, "comm_id must be"),
        ("comm_msg", {"comm_id": "x", "data": "s"}, "data must be a dict"),
        ("comm_close", {}, "comm_id must be"),
    ],
)
def test_malformed_messages_are_logged_with_the_bad_field(
    manager: CommManager, caplog: pytest.LogCaptureFixture, msg_type: str, content: Any, text: str
) -> None:
    """Malformed content never raises out of a handler; the log names the bad field."""
    manager.register_target("t", lambda comm, msg: None)
    getattr(manager, msg_type)(None, None, message(msg_type, **content))
    assert text in caplog.text
    assert manager.comms == {}


def test_malformed_open_with_usable_id_is_refused(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """A malformed comm_open that has a comm_id is closed back, so the frontend is not left open."""
    manager.comm_open(None, None, message("comm_open", comm_id="x", target_name=""))
    [close] = transport.of_type("comm_close")
    assert close["comm_id"] == "x" and "malformed comm_open" in close["data"]["reason"]


def test_content_that_is_not_a_dict_is_logged(
    manager: CommManager, caplog: pytest.LogCaptureFixture
) -> None:
    """A message whose content is not a dict is rejected clearly."""
    msg = message("comm_msg")
    msg["content"] = ["not", "a", "dict"]
    manager.comm_msg(None, None, msg)
    assert "content must be a dict" in caplog.text


def test_comm_info_lists_comms_with_filter_and_all_targets(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """comm_info honours target_name and always lists the registered target names."""
    manager.register_target("b", lambda comm, msg: None)
    manager.register_target("a", lambda comm, msg: None)
    first, second = Comm("a", manager=manager), Comm("b", manager=manager)
    manager.comm_info_request(None, None, message("comm_info_request"))
    manager.comm_info_request(None, None, message("comm_info_request", target_name="a"))
    (_, everything), (_, filtered) = transport.replies
    assert everything["comms"] == {
        first.comm_id: {"target_name": "a"},
        second.comm_id: {"target_name": "b"},
    }
    assert filtered["comms"] == {first.comm_id: {"target_name": "a"}}
    assert everything["targets"] == ["a", "b"] and everything["status"] == "ok"
    first.close()
    second.close()


def test_comm_info_with_bad_filter_replies_error(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """A non-string target_name filter gets an error reply, not silence."""
    manager.comm_info_request(None, None, message("comm_info_request", target_name=7))
    [(kind, reply)] = transport.replies
    assert kind == "comm_info_reply" and reply["status"] == "error"
    assert "target_name must be a string" in reply["evalue"]


def test_unregister_target_checks_the_handler(manager: CommManager) -> None:
    """unregister_target refuses to remove another library's handler, and names a missing one."""

    def mine(comm: Comm, msg: dict[str, Any]) -> None: ...
    def theirs(comm: Comm, msg: dict[str, Any]) -> None: ...

    manager.register_target("t", mine)
    with pytest.raises(ValueError, match="registered to"):
        manager.unregister_target("t", theirs)
    assert manager.unregister_target("t", mine) is mine
    with pytest.raises(KeyError, match="no comm target 't'"):
        manager.unregister_target("t", mine)


def test_register_target_accepts_import_string(manager: CommManager) -> None:
    """A dotted import string is resolved to the handler, as in the comm package."""
    manager.register_target("t", "json.dumps")
    import json

    assert manager.targets["t"] is json.dumps
    with pytest.raises(TypeError, match="non-empty string"):
        manager.register_target("", lambda comm, msg: None)


def test_register_comm_rejects_a_different_comm_with_same_id(manager: CommManager) -> None:
    """Two comms may not share an id: the second registration raises."""
    comm = Comm("t", manager=manager)
    other = Comm("t", comm_id=comm.comm_id, primary=False, manager=manager)
    with pytest.raises(ValueError, match="already open"):
        manager.register_comm(other)
    comm.close()


def test_duplicate_open_from_frontend_is_ignored(
    manager: CommManager, caplog: pytest.LogCaptureFixture
) -> None:
    """A second comm_open for a live comm id does not replace the live comm."""
    manager.register_target("t", lambda comm, msg: None)
    _open(manager)
    first = manager.get_comm("c1")
    _open(manager)
    assert manager.get_comm("c1") is first
    assert "a comm with that id is open" in caplog.text
    assert first is not None
    first.close()  # type: ignore[attr-defined]


def test_snapshots_are_safe_to_iterate_while_other_threads_mutate(manager: CommManager) -> None:
    """Iterating comms while threads open and close comms never raises."""
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            Comm("t", manager=manager).close()

    workers = [threading.Thread(target=churn) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        for _ in range(2000):
            for comm_id in manager.comms:
                assert isinstance(comm_id, str)
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def test_take_over_adopts_targets_and_comms(manager: CommManager) -> None:
    """Targets and comms of a previous manager are carried over, routed by the new one."""

    class Foreign:
        comm_id, target_name, _closed = "old", "jupyter.widget", False
        seen: list[dict[str, Any]] = []

        def handle_msg(self, msg: dict[str, Any]) -> None:
            self.seen.append(msg)

        def handle_close(self, msg: dict[str, Any]) -> None: ...

    class Previous:
        targets = {"jupyter.widget": lambda comm, msg: None}
        comms = {"old": Foreign()}

    manager.take_over(Previous())
    assert "jupyter.widget" in manager.targets
    manager.comm_msg(None, None, message("comm_msg", comm_id="old", data={"x": 1}))
    assert len(Foreign.seen) == 1
    manager.comm_close(None, None, message("comm_close", comm_id="old", data={}))
    assert Previous.comms["old"]._closed is True
    assert manager.comms == {}
