"""A comm request that printed nothing ends without ipykernel's two empty stream flushes; one
that printed, or any other request, flushes as before, and its output comes before its idle."""

from __future__ import annotations

from kernel_driver import KernelDriver

COUNTER = """
import sys
flushes = []
for _stream in (sys.stdout, sys.stderr):
    _real = _stream._flush  # the send on the iopub thread, which flush() hands over
    def _counted(_real=_real, _name=_stream.name):
        flushes.append(_name)
        _real()
    _stream._flush = _counted
def target(comm, msg):
    def on_msg(m):
        flushes.clear()  # counted from here to the request's idle status
        what = m['content']['data'].get('print')
        if what == 'stdout':
            print('from the handler')
        elif what == 'stderr':
            print('to stderr', file=sys.stderr)
        comm.send({'echo': what})
    comm.on_msg(on_msg)
get_ipython().kernel.comm_manager.register_target('lean', target)
"""


def _flushes_during(k: KernelDriver, data: dict[str, str]) -> tuple[list[str], list[object]]:
    """Stream flushes in the kernel while it handled one comm_msg, and that request's iopub
    messages up to its idle status."""
    messages = k.until_idle(k.send("comm_msg", {"comm_id": "lean1", "data": data}))
    counted = eval(k.output("print(flushes)"))
    return counted, messages


def _open(k: KernelDriver) -> None:
    k.execute(COUNTER)
    k.until_idle(k.send("comm_open", {"comm_id": "lean1", "target_name": "lean", "data": {}}))


def _close(k: KernelDriver) -> None:
    k.until_idle(k.send("comm_close", {"comm_id": "lean1", "data": {}}))


def test_a_comm_message_that_prints_nothing_ends_without_stream_flushes(k: KernelDriver) -> None:
    _open(k)
    counted, messages = _flushes_during(k, {})
    _close(k)
    assert counted == []
    assert [m["content"]["data"] for m in k.of_type(messages, "comm_msg")] == [{"echo": None}]


def test_what_a_comm_handler_prints_comes_before_its_idle_status(k: KernelDriver) -> None:
    _open(k)
    for stream, text in (("stdout", "from the handler\n"), ("stderr", "to stderr\n")):
        counted, messages = _flushes_during(k, {"print": stream})
        streams = k.of_type(messages, "stream")
        assert [(m["content"]["name"], m["content"]["text"]) for m in streams] == [(stream, text)]
        assert stream in counted
    _close(k)


def test_a_cell_still_flushes_its_streams_after_it_runs(k: KernelDriver) -> None:
    k.execute(COUNTER)
    # Every cell's own end flushes land in the list: clear it inside the cell that is counted.
    k.execute("flushes.clear()\nx = 1")
    assert set(eval(k.output("print(flushes)"))) == {"stdout", "stderr"}
