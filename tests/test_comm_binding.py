"""Code written against ``ipykernel.comm`` passes kernels around: ``CommManager(kernel=k)``,
``Comm(kernel=k)`` and ``comm.kernel = k`` work, or fail saying what to use instead; and the
handler dispatch rules (one comm's handlers under one lock, main-thread comms) over fakes."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from fakes import RecordingTransport, message
from ipycomm import Comm, CommManager, on_main_thread
from jupyter_client.session import Session


class StandInKernel:
    """A kernel ipycomm does not run in, as libraries make them (Panel's, a test's): a real
    Session and an iopub socket that records what is sent on it."""

    def __init__(self) -> None:
        self.session = Session(key=b"stand-in")
        self.frames: list[list[bytes]] = []
        self.iopub_socket = self

    def send_multipart(self, frames: list[Any], **kwargs: Any) -> None:
        self.frames.append([bytes(f) for f in frames])

    def get_parent(self) -> dict[str, Any]:
        return {}

    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        """(msg_type, content) of each message sent, read back with the kernel's session."""
        out, reader = [], Session(key=self.session.key)
        for frames in self.frames:
            _, parts = reader.feed_identities(frames)
            msg = reader.deserialize(parts)
            out.append((msg["header"]["msg_type"], msg["content"]))
        return out


def test_comm_manager_given_a_kernel_publishes_through_it() -> None:
    """CommManager(kernel=k), as ipykernel's tests write it, sends on k's iopub socket."""
    kernel = StandInKernel()
    manager = CommManager(kernel=kernel)
    comm = Comm("t", data={"a": 1}, manager=manager)
    comm.send({"n": 2})
    comm.close()
    assert [kind for kind, _ in kernel.sent()] == ["comm_open", "comm_msg", "comm_close"]
    assert kernel.sent()[1][1]["data"] == {"n": 2}
    assert manager.kernel is kernel


def test_comm_given_a_kernel_uses_that_kernels_manager() -> None:
    """Comm(kernel=k) registers with k.comm_manager when k runs ipycomm."""
    kernel = StandInKernel()
    kernel.comm_manager = CommManager(kernel=kernel)  # type: ignore[attr-defined]
    comm = Comm("t", kernel=kernel)
    assert kernel.comm_manager.get_comm(comm.comm_id) is comm  # type: ignore[attr-defined]
    assert comm.kernel is kernel
    comm.close()


def test_assigning_a_kernel_moves_the_comm_to_it(manager: CommManager) -> None:
    """comm.kernel = k, as Panel does before open(): later messages go through k."""
    comm = Comm("t", manager=manager)
    kernel = StandInKernel()
    comm.kernel = kernel
    comm.send({"after": True})
    assert comm.kernel is kernel
    assert manager.get_comm(comm.comm_id) is None, "it left its old manager"
    assert kernel.sent() == [("comm_msg", {"comm_id": comm.comm_id, "data": {"after": True}})]
    comm.close()
    assert [kind for kind, _ in kernel.sent()][-1] == "comm_close"


def test_comms_given_one_stand_in_kernel_share_one_manager() -> None:
    """Many comms bound to the same foreign kernel are numbered by one outbox."""
    kernel = StandInKernel()
    first, second = Comm("t", kernel=kernel), Comm("t", kernel=kernel)
    seqs = [json.loads(frames[-2])["ipycomm"]["seq"] for frames in kernel.frames]
    assert seqs == [1, 2]
    first.close()
    second.close()


def test_bad_kernel_arguments_say_what_to_use_instead(manager: CommManager) -> None:
    """Neither or both of transport and kernel, None as a kernel, or a manager and a kernel
    that disagree: each raises TypeError naming the fix."""
    with pytest.raises(TypeError, match="takes a transport, or kernel="):
        CommManager()
    with pytest.raises(TypeError, match="not both"):
        CommManager(RecordingTransport(), kernel=StandInKernel())
    with pytest.raises(TypeError, match="pass only one"):
        Comm("t", manager=manager, kernel=StandInKernel())
    comm = Comm("t", kernel=StandInKernel())
    with pytest.raises(TypeError, match="close the comm instead"):
        comm.kernel = None
    comm.close()


def test_a_huge_unknown_target_name_is_cut_in_the_close_reason(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """A 100 KB target name is not echoed whole into the reason (or the log)."""
    manager.comm_open(None, None, message("comm_open", comm_id="c", target_name="x" * 100_000))
    [closed] = transport.of_type("comm_close")
    assert len(closed["data"]["reason"]) < 300
    assert "100,000 characters" in closed["data"]["reason"]


def test_one_comms_handlers_never_overlap_across_threads(manager: CommManager) -> None:
    """Two threads delivering to one comm: the second handler waits for the first."""
    comm = Comm("t", manager=manager)
    inside, overlapped = threading.Event(), []
    release = threading.Event()

    def on_msg(msg: Any) -> None:
        if msg["content"]["data"].get("first"):
            inside.set()
            release.wait(5)
        else:
            overlapped.append(not release.is_set())

    comm.on_msg(on_msg)
    first = threading.Thread(
        target=manager.comm_msg,
        args=(None, None, message("comm_msg", comm_id=comm.comm_id, data={"first": True})),
    )
    first.start()
    inside.wait(5)
    second = threading.Thread(
        target=manager.comm_msg,
        args=(None, None, message("comm_msg", comm_id=comm.comm_id, data={})),
    )
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second handler waits while the first runs"
    release.set()
    first.join(5)
    second.join(5)
    assert overlapped == [False]
    comm.close()


def test_main_thread_comms_hand_their_handlers_to_the_main_thread(
    manager: CommManager, transport: RecordingTransport
) -> None:
    """Off the main thread, a main-thread comm's message is handed over, not run there; a
    target name covers comms opened later, from either side."""
    seen: list[str] = []
    manager.register_target("plot", lambda c, m: c.on_msg(lambda m: seen.append("msg")))
    on_main_thread("plot", manager)
    worker = threading.Thread(
        target=lambda: (
            manager.comm_open(None, None, message("comm_open", comm_id="p1", target_name="plot")),
            manager.comm_msg(None, None, message("comm_msg", comm_id="p1", data={})),
        )
    )
    worker.start()
    worker.join(5)
    assert seen == [] and len(transport.on_main) == 2
    for run in transport.on_main:
        run()  # the main thread, between cells
    assert seen == ["msg"]
    assert Comm("plot", manager=manager).on_main_thread
    with pytest.raises(TypeError, match="takes an ipycomm Comm"):
        on_main_thread(42)
    for comm in list(manager.comms.values()):
        comm.close()  # type: ignore[attr-defined]
