"""Unit tests of Comm over a recording transport."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest
from fakes import RecordingTransport, message
from ipycomm import Comm, CommClosedWarning, CommManager


def test_primary_comm_publishes_open_with_target_and_data(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """A primary comm opens its peer at once, with target, module and data."""
    comm = Comm("my_widget", data={"a": 1}, metadata={"m": 2}, manager=manager, target_module="mod")
    kind, content, metadata, buffers = transport.published[0]
    assert kind == "comm_open"
    assert content == {
        "comm_id": comm.comm_id,
        "data": {"a": 1},
        "target_name": "my_widget",
        "target_module": "mod",
    }
    assert metadata == {"m": 2}
    assert buffers is None
    assert manager.get_comm(comm.comm_id) is comm
    comm.close()


def test_secondary_comm_is_open_without_publishing(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """A comm opened by the frontend (primary=False) publishes nothing on creation."""
    comm = Comm("t", comm_id="abc", primary=False, manager=manager)
    assert not comm.closed
    assert transport.published == []
    assert comm.comm_id == "abc"


def test_send_publishes_comm_msg_with_buffers_uncopied(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """Buffers reach the transport as the same objects the caller passed."""
    comm = Comm("t", manager=manager)
    array = np.arange(10, dtype="float64")
    raw = bytearray(b"xyz")
    comm.send({"x": 1}, buffers=[array, raw, memoryview(b"ab"), b"cd"])
    kind, content, _, buffers = transport.published[-1]
    assert kind == "comm_msg"
    assert content == {"comm_id": comm.comm_id, "data": {"x": 1}}
    assert buffers is not None
    assert buffers[0] is array and buffers[1] is raw
    comm.close()


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"data": [1, 2]}, TypeError, "data must be a dict"),
        ({"metadata": "m"}, TypeError, "metadata must be a dict"),
        ({"buffers": [object()]}, TypeError, r"buffers\[0\] is a object"),
        ({"buffers": b"raw"}, TypeError, "list of buffers"),
        ({"buffers": [np.arange(10)[::2]]}, ValueError, "not C-contiguous"),
    ],
)
def test_send_with_bad_arguments_names_the_argument(
    manager: CommManager, kwargs: dict[str, object], error: type[Exception], text: str
) -> None:
    """Bad data, metadata or buffers raise at the call, naming what was wrong."""
    comm = Comm("t", manager=manager)
    with pytest.raises(error, match=text):
        comm.send(**kwargs)  # type: ignore[arg-type]
    comm.close()


def test_close_is_idempotent_and_unregisters(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """Closing twice publishes one comm_close and leaves the registry clean."""
    comm = Comm("t", manager=manager)
    comm.close({"bye": True})
    comm.close()
    closes = transport.of_type("comm_close")
    assert closes == [{"comm_id": comm.comm_id, "data": {"bye": True}}]
    assert manager.get_comm(comm.comm_id) is None


def test_send_on_closed_comm_warns_and_sends_nothing(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """send() after close() warns with the reason and publishes nothing."""
    comm = Comm("t", manager=manager)
    comm.close()
    before = len(transport.published)
    with pytest.warns(CommClosedWarning, match="the kernel closed it"):
        comm.send({"late": 1})
    assert len(transport.published) == before


def test_close_data_on_closed_comm_warns(manager: CommManager) -> None:
    """Final data given to an already closed comm is reported as not delivered."""
    comm = Comm("t", manager=manager)
    comm.close()
    with pytest.warns(CommClosedWarning, match="close data not sent"):
        comm.close({"late": 1})


def test_plain_second_close_is_silent(manager: CommManager) -> None:
    """A bare close() on a closed comm is a harmless no-op (no warning)."""
    comm = Comm("t", manager=manager)
    comm.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comm.close()


def test_close_with_unserialisable_data_still_closes_peer(manager: CommManager) -> None:
    """If close()'s data is rejected, the peer is still told the comm is closed."""

    class Failing(RecordingTransport):
        def publish(self, message):  # type: ignore[no-untyped-def]
            if message.data.get("bad"):
                raise TypeError("not JSON")
            super().publish(message)

    transport = Failing()
    local = CommManager(transport)
    comm = Comm("t", manager=local)
    with pytest.raises(TypeError):
        comm.close({"bad": object()})
    assert transport.of_type("comm_close") == [{"comm_id": comm.comm_id, "data": {}}]
    assert local.comms == {}


def test_unknown_keyword_is_rejected(manager: CommManager) -> None:
    """A misspelt keyword argument is an error, not silently ignored."""
    with pytest.raises(TypeError, match="targte_name"):
        Comm(manager=manager, targte_name="x")


def test_ipykernel_keywords_are_accepted(manager: CommManager) -> None:
    """kernel= and show_warning= from ipykernel.comm.Comm are accepted for compatibility."""
    comm = Comm("t", manager=manager, kernel=None, show_warning=False)
    comm.close()


def test_on_msg_rejects_non_callable(manager: CommManager) -> None:
    """on_msg with something that is not callable raises at registration, not at delivery."""
    comm = Comm("t", manager=manager)
    with pytest.raises(TypeError, match="callable"):
        comm.on_msg("handler")  # type: ignore[arg-type]
    comm.close()


def test_callbacks_receive_whole_message_inside_handling_context(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """on_msg gets the full message, run inside the transport's handling context."""
    comm = Comm("t", manager=manager)
    seen: list[object] = []
    comm.on_msg(seen.append)
    msg = message("comm_msg", comm_id=comm.comm_id, data={"v": 1})
    manager.comm_msg(None, None, msg)
    assert seen == [msg]
    assert transport.handled == ["comm_msg"]
    comm.on_msg(None)
    manager.comm_msg(None, None, msg)
    assert len(seen) == 1
    comm.close()


def test_display_publishes_view_mime_bundle(manager: CommManager) -> None:
    """display(comm) describes a view of this comm for the frontend."""
    comm = Comm("simple_slider", manager=manager)
    bundle = comm._repr_mimebundle_()
    assert bundle["application/vnd.ipycomm.view+json"] == {
        "comm_id": comm.comm_id,
        "target_name": "simple_slider",
    }
    comm.close()


def test_concurrent_close_publishes_once(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """Many threads closing the same comm produce exactly one comm_close."""
    comm = Comm("t", manager=manager)
    threads = [threading.Thread(target=comm.close) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(transport.of_type("comm_close")) == 1
