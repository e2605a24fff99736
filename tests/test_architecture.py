"""The kernel side's layers, read from its source: the comm API knows no kernel, flow control
knows neither, only the ipykernel adapter knows ipykernel, and no import cycle hides anywhere,
not even behind an import inside a function."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "ipycomm"

#: The comm API: Comm, CommManager, the wire shapes and the seam to a transport.
API = {
    f"ipycomm.{m}"
    for m in (
        "comm",
        "manager",
        "protocol",
        "registry",
        "host",
        "transport",
        "rpc",
        "errors",
        "dispatch",
        "peerclose",
        "relay",
        "reasons",
        "callbacks",
        "state",
        "state.store",
        "state.values",
        "state.wire",
        "state.incoming",
        "state.opening",
    )
}
KERNEL_PACKAGES = {"ipykernel", "IPython", "zmq", "tornado", "jupyter_server", "jupyter_client"}
#: Names of ipykernel's internals: only the adapter may use them.
PRIVATES = re.compile(
    r"_really_send|_publish_status_and_flush|shell_handlers|control_handlers|iopub_thread"
    r"|\b_comm_manager\b|get_parent\(|iopub_socket"
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(["ipycomm", *(p for p in parts if p != "__init__")])


def modules() -> dict[str, Path]:
    found = {module_name(p): p for p in PACKAGE.rglob("*.py") if "labextension" not in p.parts}
    return {name: path for name, path in found.items() if name != "ipycomm"}  # its __init__ aside


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports_of(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports at run time, at any depth (functions included): full
    names for our own modules, top-level names for others."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                ours = alias.name.startswith("ipycomm.")
                found.add(alias.name if ours else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            found.update(_resolve(node, package))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def _resolve(node: ast.ImportFrom, package: list[str]) -> set[str]:
    if node.level == 0:
        base = node.module or ""
        if base.split(".")[0] != "ipycomm":
            return {base.split(".")[0]}
        base_parts = base.split(".")
    else:
        base_parts = package[: len(package) - node.level + 1] + (node.module or "").split(".")
    base_parts = [p for p in base_parts if p]
    targets = set()
    for alias in node.names:
        candidate = ".".join([*base_parts, alias.name])
        targets.add(candidate if candidate in modules() else ".".join(base_parts))
    return {t for t in targets if t}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path) & set(mods) for name, path in mods.items()}


def test_no_module_is_part_of_an_import_cycle() -> None:
    """Following every import of our own modules, none leads back to where it started."""
    edges = graph()
    state: dict[str, str] = {}

    def walk(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for nxt in sorted(edges[name]):
            assert state.get(nxt) != "open", f"import cycle: {' -> '.join([*trail, nxt])}"
            if nxt not in state:
                walk(nxt, [*trail, nxt])
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            walk(name, [name])


@pytest.mark.parametrize("name", sorted(API))
def test_the_comm_api_imports_no_kernel_and_no_adapter(name: str) -> None:
    """comm, manager, protocol and the seam import nothing of ipykernel, IPython or zmq, and
    nothing of the adapter or the edges (the flow wire constants are plain data)."""
    imported = imports_of(name, modules()[name])
    assert not imported & KERNEL_PACKAGES
    ours = {m for m in imported if m in modules()}
    assert ours <= API | {"ipycomm.flow.wire"}, f"{name} imports {sorted(ours - API)}"
    assert "global " not in modules()[name].read_text(), "the API holds no module state"


@pytest.mark.parametrize("name", sorted(n for n in modules() if n.startswith("ipycomm.flow")))
def test_flow_control_knows_no_kernel(name: str) -> None:
    """The flow-control package depends only on the wire shapes, never on a kernel."""
    imported = imports_of(name, modules()[name])
    assert not imported & KERNEL_PACKAGES
    assert {m for m in imported if m in modules()} <= {"ipycomm.protocol"} | {
        n for n in modules() if n.startswith("ipycomm.flow")
    }


def test_only_the_adapter_imports_ipykernel_or_touches_its_privates() -> None:
    """ipykernel, IPython and the kernel's private attributes appear in ipycomm.kernel and
    ipycomm.compat only (which private is where: test_compat_privates.py)."""
    offenders = []
    for name, path in modules().items():
        if name.startswith(("ipycomm.kernel", "ipycomm.compat")):
            continue
        if imports_of(name, path) & {"ipykernel", "IPython"}:
            offenders.append(f"{name} imports ipykernel or IPython")
        if PRIVATES.search(path.read_text()):
            offenders.append(f"{name} uses {PRIVATES.search(path.read_text())[0]}")  # type: ignore[index]
    assert offenders == []


def test_the_comm_api_works_in_a_process_without_ipykernel() -> None:
    """With ipykernel, IPython and zmq unimportable, a Comm still opens, sends and closes over a
    transport of the caller's."""
    script = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'ipykernel', 'IPython', 'zmq'}:
            raise ImportError(f'blocked: {name}')
sys.meta_path.insert(0, Block())
from contextlib import nullcontext
from ipycomm import Comm, CommManager
class T:
    kernel = None
    def __init__(self): self.sent = []
    def publish(self, message): self.sent.append(message.msg_type)
    def reply(self, *args): pass
    def report_exception(self, summary): pass
    def handling(self, msg): return nullcontext()
    def reply_route(self, sender, default): return default
t = T()
c = Comm('x', manager=CommManager(t))
c.send({'a': 1})
c.close()
print(t.sent)
"""
    env = {"PYTHONPATH": str(PACKAGE.parent)}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['comm_open', 'comm_msg', 'comm_close']"
