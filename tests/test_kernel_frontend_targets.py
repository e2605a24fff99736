"""ipycomm.frontend_target on a real kernel, with this test playing the page: the definitions
comm carries each target's module, redefinitions and the answer to a late page's ``sync``; a
watched file is sent again when saved; bad input is refused with a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ipycomm.widgets import DEFINITIONS_TARGET
from kernel_driver import KernelDriver, Msg

CLOSE_ALL = "for _c in list(get_ipython().kernel.comm_manager.comms.values()): _c.close()"


@pytest.fixture
def d(k: KernelDriver) -> Iterator[KernelDriver]:
    k.execute("import ipycomm")
    yield k
    k.execute(CLOSE_ALL)  # the definitions comm too: the next definition opens a new one


def definitions_open(messages: list[Msg]) -> Msg:
    [opened] = [
        m
        for m in messages
        if m["msg_type"] == "comm_open" and m["content"]["target_name"] == DEFINITIONS_TARGET
    ]
    return opened


def sent_on(messages: list[Msg], comm_id: str) -> list[dict[str, Any]]:
    return [
        m["content"]["data"]
        for m in messages
        if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id
    ]


def test_the_first_definition_opens_the_definitions_comm_and_a_redefinition_sends_it_again(
    d: KernelDriver,
) -> None:
    opened = definitions_open(d.execute("ipycomm.frontend_target('counter', 'export const x = 1')"))
    # The kernel is shared by this module's tests: other definitions may be there too.
    [target] = [t for t in opened["content"]["data"]["targets"] if t["name"] == "counter"]
    assert target == {"name": "counter", "esm": "export const x = 1", "css": None, "version": 1}
    comm_id = opened["content"]["comm_id"]
    again = d.execute("ipycomm.frontend_target('counter', 'export const x = 2', css='b {}')")
    assert sent_on(again, comm_id) == [
        {
            "action": "define",
            "target": {"name": "counter", "esm": "export const x = 2", "css": "b {}", "version": 2},
        }
    ]
    assert "'counter'" in d.output("print(ipycomm.frontend_targets())")


def test_a_page_that_connects_later_finds_the_comm_and_gets_every_definition_on_sync(
    d: KernelDriver,
) -> None:
    d.execute("ipycomm.frontend_target('a', 'export const a = 1')")
    d.execute("ipycomm.frontend_target('b', 'export const b = 1')")
    [comm_id] = d.comm_info(DEFINITIONS_TARGET)["comms"]
    msg_id = d.send("comm_msg", {"comm_id": comm_id, "data": {"action": "sync"}})
    [answer] = sent_on(d.until_idle(msg_id), comm_id)
    assert answer["action"] == "targets"
    versions = {t["name"]: t["version"] for t in answer["targets"]}
    assert versions.items() >= {"a": 1, "b": 1}.items()


def test_saving_a_watched_module_file_sends_the_new_source(d: KernelDriver, tmp_path: Path) -> None:
    module = tmp_path / "w.js"
    module.write_text("export const v = 1")
    opened = definitions_open(
        d.execute(
            f"ipycomm.frontend_target('w', __import__('pathlib').Path({str(module)!r}), watch=True)"
        )
    )
    module.write_text("export const v = 22")  # another size: a change even within one mtime tick
    define = d.next_iopub(
        lambda m: (
            m["msg_type"] == "comm_msg"
            and m["content"]["comm_id"] == opened["content"]["comm_id"]
            and m["content"]["data"].get("action") == "define"
        )
    )
    assert define["content"]["data"]["target"]["esm"] == "export const v = 22"
    d.execute("ipycomm.frontend_target('w', 'export const v = 3')")  # stops the watching


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ("ipycomm.frontend_target(3, 'x')", "TypeError: frontend_target: name must be a str"),
        ("ipycomm.frontend_target('', 'x')", "ValueError: frontend_target: name must not be empty"),
        ("ipycomm.frontend_target('t', b'x')", "TypeError: frontend_target: esm must be a str"),
        ("ipycomm.frontend_target('t', '  ')", "ValueError: frontend_target: the module source"),
        (
            "ipycomm.frontend_target('t', 'x', watch=True)",
            "ValueError: frontend_target: watch=True",
        ),
        (
            "import pathlib; ipycomm.frontend_target('t', pathlib.Path('/nowhere/m.js'))",
            "FileNotFoundError: frontend_target: esm file '/nowhere/m.js' does not exist",
        ),
        (
            "ipycomm.frontend_target('simple_slider', 'x')",
            "ValueError: frontend_target: 'simple_slider' is built into ipycomm",
        ),
    ],
)
def test_bad_input_is_refused_with_an_error_that_says_what_was_wrong(
    d: KernelDriver, call: str, error: str
) -> None:
    out = d.output(
        f"try:\n    {call}\nexcept Exception as e:\n    print(f'{{type(e).__name__}}: {{e}}')"
    )
    assert out.startswith(error)
    assert d.comm_info(DEFINITIONS_TARGET)["comms"] == {}
