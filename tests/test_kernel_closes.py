"""A frontend's comm_close on a kernel with several clients (ipycomm/peerclose.py): every other
client is told, and comms that only ipycomm's pages can show survive a close from a client that
does not take part (JupyterLab closes every comm whose target it does not know)."""

from __future__ import annotations

import pytest
from ipycomm import CommReader
from kernel_driver import KernelDriver, Msg
from test_kernel_many_clients import PlainClient

OPEN = """
from ipycomm import Comm
closed = []
c = Comm(target_name={target!r})
c.on_close(lambda msg: closed.append(msg['content']['data']))
print(c.comm_id)
"""


@pytest.fixture
def k(own_kernel: KernelDriver) -> KernelDriver:
    return own_kernel


def open_comm(k: KernelDriver, target: str) -> str:
    return k.output(OPEN.format(target=target)).strip()


def close_from(client: PlainClient, comm_id: str) -> str:
    """Send a comm_close from ``client``, as JupyterLab does; returns its msg_id."""
    msg = client.kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}})
    client.kc.shell_channel.send(msg)
    return str(msg["header"]["msg_id"])


def comm_ids(k: KernelDriver) -> set[str]:
    return set(k.comm_info()["comms"])


def closes(messages: list[Msg]) -> list[Msg]:
    return [m for m in messages if m["msg_type"] == "comm_close"]


def test_a_client_that_closes_a_comm_has_every_other_client_told(k: KernelDriver) -> None:
    comm_id = open_comm(k, "wire")
    closer = PlainClient(k)
    try:
        msg_id = close_from(closer, comm_id)
        told = closes(k.until_idle(msg_id))  # the other client
        closer.until_idle(msg_id)
    finally:
        closer.stop()
    assert [m["content"]["comm_id"] for m in told] == [comm_id]
    assert told[0]["content"]["data"]["reason"] == "another client closed it"
    assert comm_id not in comm_ids(k)
    assert k.output("print(closed)").strip() == "[{}]"  # on_close ran, with the closer's data


def test_the_definitions_comm_survives_a_page_that_does_not_know_it(k: KernelDriver) -> None:
    k.execute("import ipycomm\nipycomm.frontend_target('t', 'export function render() {}')")
    [definitions] = k.comm_info("ipycomm.frontend_targets")["comms"]
    stock_page = PlainClient(k)
    try:
        messages = stock_page.until_idle(close_from(stock_page, definitions))
    finally:
        stock_page.stop()
    assert closes(messages) == []
    assert definitions in comm_ids(k)
    k.execute("ipycomm.frontend_target('t', 'export function render() { return; }')")
    assert definitions in comm_ids(k)


@pytest.mark.parametrize("target", ["simple_slider", "t"])
def test_a_page_only_comm_closes_for_a_client_that_takes_part(k: KernelDriver, target: str) -> None:
    k.execute("import ipycomm\nipycomm.frontend_target('t', 'export function render() {}')")
    comm_id = open_comm(k, target)
    stock_page = PlainClient(k)
    page = PlainClient(k)
    # A page's reader id is its clientId, the session of its messages.
    reader = CommReader(page.kc, reader_id=page.kc.session.session)
    try:
        stock_page.until_idle(close_from(stock_page, comm_id))
        assert comm_id in comm_ids(k), "a client that cannot show the comm closed it"
        for msg in k.execute("c.send({'hello': 1})"):
            reader.receive(msg)  # registers the page's reader
        k.credits_taken()
        told = closes(k.until_idle(close_from(page, comm_id)))
    finally:
        stock_page.stop()
        page.stop()
    assert [m["content"]["comm_id"] for m in told] == [comm_id]
    assert comm_id not in comm_ids(k)


def test_every_target_ipycomm_ships_a_browser_side_for_is_page_only() -> None:
    from ipycomm.peerclose import PAGE_ONLY_TARGETS
    from ipycomm.widgets.definitions import BUILTIN_TARGETS

    assert BUILTIN_TARGETS <= PAGE_ONLY_TARGETS


def test_a_comm_a_client_opened_to_a_page_only_target_closes_for_that_client(
    k: KernelDriver,
) -> None:
    k.execute("import ipycomm\nipycomm.frontend_target('t', 'export function render() {}')")
    k.execute("get_ipython().kernel.comm_manager.register_target('t', lambda comm, msg: None)")
    k.until_idle(k.send("comm_open", {"comm_id": "mine", "target_name": "t", "data": {}}))
    assert "mine" in comm_ids(k)
    k.until_idle(k.send("comm_close", {"comm_id": "mine", "data": {}}))
    assert "mine" not in comm_ids(k)
