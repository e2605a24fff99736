"""The wire constants have one value on both sides: the page's ``src/kernel/protocol.ts`` and
the kernel's Python modules define the same names with the same values."""

from __future__ import annotations

import re
from pathlib import Path

from ipycomm import protocol, rpc
from ipycomm.chunks import format as chunks
from ipycomm.flow import wire
from ipycomm.widgets import definitions

PROTOCOL_TS = Path(__file__).resolve().parent.parent / "src" / "kernel" / "protocol.ts"
SHARED = {
    "VIEW_MIME_TYPE": protocol.VIEW_MIME_TYPE,
    "FLOW_KEY": wire.FLOW_KEY,
    "CREDIT_MSG_TYPE": wire.CREDIT_MSG_TYPE,
    "BATCH_KEY": wire.BATCH_KEY,
    "CHUNK_KEY": chunks.CHUNK_KEY,
    "RPC_KEY": rpc.RPC_KEY,
    "STATE_KEY": protocol.STATE_KEY,
    "DEFINITIONS_TARGET": definitions.DEFINITIONS_TARGET,
}


def typescript_constants() -> dict[str, str]:
    text = PROTOCOL_TS.read_text()
    return dict(re.findall(r"^export const (\w+) = '([^']*)';$", text, re.M))


def test_every_wire_constant_has_the_same_value_in_python_and_typescript() -> None:
    """A constant renamed or changed on one side only fails here, not in a browser."""
    ts = typescript_constants()
    assert {name: ts.get(name) for name in SHARED} == SHARED


def test_the_page_defines_no_wire_constant_the_kernel_lacks() -> None:
    """Every string constant of the page's wire module is one the kernel knows too."""
    assert set(typescript_constants()) <= set(SHARED)
