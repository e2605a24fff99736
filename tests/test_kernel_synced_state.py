"""A synced state (``Comm(state=...)``) against a real kernel, with two pages played by
jupyter_client clients that take part in flow control, and a plain client beside them: the
kernel orders every change, and every page ends on the kernel's state."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kernel_driver import KernelDriver
from state_pages import StatePage

OPEN = (
    "import ipycomm, json\n"
    "c = ipycomm.Comm(target_name='counter', state={'count': 0, 'label': 'start'})\n"
    "print(c.comm_id)"
)


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[tuple[KernelDriver, str]]:
    driver = KernelDriver(tmp_path / "kernel.log")
    try:
        comm_id = driver.output(OPEN).strip()
        yield driver, comm_id
    finally:
        driver.stop()


@pytest.fixture
def pages(kernel: tuple[KernelDriver, str]) -> Iterator[tuple[StatePage, StatePage, StatePage]]:
    driver, comm_id = kernel
    made = [
        StatePage(driver.km, "page-a", comm_id),
        StatePage(driver.km, "page-b", comm_id),
        StatePage(driver.km, "plain", comm_id, reader=False),
    ]
    try:
        for page in made:
            page.sync()
            page.read_until(lambda p=page: p.version >= 0)  # type: ignore[misc]
        yield made[0], made[1], made[2]
    finally:
        for page in made:
            page.close()


def kernel_state(driver: KernelDriver) -> tuple[int, dict[str, Any]]:
    out = driver.output("print(json.dumps([c.state.version, dict(c.state)]))")
    version, state = json.loads(out)
    return version, state


def test_sets_from_two_pages_at_once_end_on_the_kernels_state_everywhere(
    kernel: tuple[KernelDriver, str], pages: tuple[StatePage, StatePage, StatePage]
) -> None:
    driver, _ = kernel
    a, b, plain = pages
    for i in range(40):
        a.set(count=2 * i, label=f"a{i}")
        b.set(count=2 * i + 1)
    last = {"page-a": 40, "page-b": 40}

    def all_acked(page: StatePage) -> bool:
        return all(page.acks.get(view, 0) >= seq for view, seq in last.items())

    for page in pages:
        page.read_until(lambda p=page: all_acked(p))  # type: ignore[misc]
    version, state = kernel_state(driver)
    assert a.values == b.values == plain.values == state
    assert a.version == b.version == plain.version == version == 80
    assert state["label"] == "a39"


def test_versions_only_grow_and_each_page_sees_every_change_in_the_kernels_order(
    kernel: tuple[KernelDriver, str], pages: tuple[StatePage, StatePage, StatePage]
) -> None:
    driver, _ = kernel
    driver.execute("for i in range(1, 201):\n    c.state['count'] = i")
    for page in pages:
        page.read_until(lambda p=page: p.values.get("count") == 200)  # type: ignore[misc]
        # First the fulls the pages' syncs brought, at version 0 (how many reached this page
        # depends on when each sync was taken), then every change once, in order.
        versions = page.versions
        assert versions[0] == 0 and versions == sorted(versions), page.view
        changes = [v for v in versions if v > 0]
        assert changes == sorted(set(changes)) and changes[-1] == 200, page.view
        assert page.values == {"count": 200, "label": "start"}


def test_one_update_is_one_change_that_every_page_sees_whole(
    kernel: tuple[KernelDriver, str], pages: tuple[StatePage, StatePage, StatePage]
) -> None:
    driver, _ = kernel
    driver.execute("c.state.update({'count': 5}, label='five')")
    for page in pages:
        page.read_until(lambda p=page: p.version == 1)  # type: ignore[misc]
        assert page.changes == [{"count": 5, "label": "five"}]


def test_binary_values_keep_their_bytes_both_ways(
    kernel: tuple[KernelDriver, str], pages: tuple[StatePage, StatePage, StatePage]
) -> None:
    driver, _ = kernel
    a, b, _ = pages
    blob = os.urandom(1 << 20)
    seq = a.set(image=blob, meta={"parts": [b"\x00\x01", 3]})
    b.read_until(lambda: b.acks.get("page-a", 0) >= seq)
    assert b.values["image"] == blob and b.values["meta"] == {"parts": [b"\x00\x01", 3]}
    out = driver.output(
        "import hashlib\nprint(hashlib.sha256(c.state['image']).hexdigest(), "
        "c.state['meta']['parts'][0])"
    )
    assert out.split() == [__import__("hashlib").sha256(blob).hexdigest(), "b'\\x00\\x01'"]
    driver.execute("import numpy\nc.state['grid'] = numpy.arange(6, dtype='uint8')")
    for page in pages:
        page.read_until(lambda p=page: "grid" in p.values)  # type: ignore[misc]
        assert page.values["grid"] == bytes(range(6))


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("c.state['tags'] = {1, 2}", "comm.state['tags']: a value of type builtins.set"),
        ("c.state.update(ok=1, bad={'a': [1, object()]})", "comm.state['bad']: a value of type"),
        ("c.state['x'] = float('nan')", "comm.state['x']: the float nan"),
        ("c.state[3] = 1", "comm.state: keys are strings, got 3"),
    ],
)
def test_a_value_that_is_not_json_or_binary_raises_at_once_naming_its_key(
    kernel: tuple[KernelDriver, str], code: str, named: str
) -> None:
    driver, _ = kernel
    messages = driver.execute(code, allow_error=True)
    error = [m for m in messages if m["msg_type"] == "error"]
    assert error and error[0]["content"]["ename"] == "TypeError"
    assert named in error[0]["content"]["evalue"]
    assert kernel_state(driver) == (0, {"count": 0, "label": "start"})


def test_the_bad_value_is_located_inside_its_key(kernel: tuple[KernelDriver, str]) -> None:
    driver, _ = kernel
    messages = driver.execute("c.state['bad'] = {'a': [1, object()]}", allow_error=True)
    evalue = [m for m in messages if m["msg_type"] == "error"][0]["content"]["evalue"]
    assert "at ['a'][1]" in evalue


def test_on_change_sees_what_a_view_set_after_the_state_holds_it(
    kernel: tuple[KernelDriver, str], pages: tuple[StatePage, StatePage, StatePage]
) -> None:
    driver, _ = kernel
    a, _, _ = pages
    driver.execute(
        "seen = []\nc.on_change(lambda changes: seen.append((changes, c.state['count'])))"
    )
    seq = a.set(count=7)
    a.read_until(lambda: a.acks.get("page-a", 0) >= seq)
    driver.execute("c.state['count'] = 8")  # the kernel's own change: not reported
    assert driver.output("print(seen)").strip() == "[({'count': 7}, 7)]"


def test_a_page_that_connects_late_gets_the_current_state_and_version(
    kernel: tuple[KernelDriver, str],
) -> None:
    driver, comm_id = kernel
    driver.execute("c.state.update(count=41)\nc.state['count'] += 1\ndel c.state['label']")
    late = StatePage(driver.km, "late", comm_id)
    try:
        late.sync()
        late.read_until(lambda: late.version >= 0)
        assert (late.version, late.values) == (3, {"count": 42})
    finally:
        late.close()


def test_a_comm_without_state_says_how_to_get_one(kernel: tuple[KernelDriver, str]) -> None:
    driver, _ = kernel
    messages = driver.execute("ipycomm.Comm(target_name='plain').state", allow_error=True)
    evalue = [m for m in messages if m["msg_type"] == "error"][0]["content"]["evalue"]
    assert "has no synced state: open it with ipycomm.Comm(..., state={...})" in evalue
