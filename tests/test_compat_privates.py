"""The privates of other packages live in ipycomm.compat only: every name a compat module lists
in ``PRIVATES`` is used nowhere else in python/ipycomm, read from the source with ``ast``.
Adding a private to a compat module's ``PRIVATES`` is all it takes to enforce it."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "ipycomm"
COMPAT = PACKAGE / "compat"
#: Folders that may touch privates: compat itself (and the built labextension, not Python).
EXEMPT = ("compat", "labextension")
#: Our own objects' attributes may share a name with a private of another package.
OWN = {"self", "cls"}


def declared() -> dict[str, str]:
    """Every private name, and the compat module that declares it."""
    names: dict[str, str] = {}
    for path in sorted(COMPAT.glob("*.py")):
        module = importlib.import_module(f"ipycomm.compat.{path.stem}")
        for name in getattr(module, "PRIVATES", ()):
            names[name] = module.__name__
    return names


def uses(source: str, names: set[str]) -> list[tuple[int, str]]:
    """Where ``source`` uses one of ``names``: as an attribute (not of self or cls), a string
    (``getattr(x, "_name")``, ``__dict__.get``) or an imported name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            if not (isinstance(node.value, ast.Name) and node.value.id in OWN):
                found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Constant) and node.value in names:
            found.append((node.lineno, str(node.value)))
        elif isinstance(node, ast.ImportFrom):
            found.extend((node.lineno, a.name) for a in node.names if a.name in names)
    return sorted(found)


def scanned() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in EXEMPT
    ]


def test_no_module_outside_compat_touches_a_private_of_another_package() -> None:
    """Each use of a declared private outside ipycomm.compat is reported as file:line."""
    names = declared()
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name} (use {names[name]})"
        for path in scanned()
        for line, name in uses(path.read_text(), set(names))
    ]
    assert offenders == []


def test_the_scan_sees_every_form_of_use_but_our_own_attributes() -> None:
    """An attribute, a getattr string and an import are found; ``self._name`` is ours."""
    source = (
        "from ipykernel.iostream import IOPubThread\n"
        "t._really_send = f\n"
        "getattr(t, '_really_send', None)\n"
        "self._really_send = None\n"
        "'some text about _really_send'\n"
    )
    assert uses(source, {"IOPubThread", "_really_send"}) == [
        (1, "IOPubThread"),
        (2, "_really_send"),
        (3, "_really_send"),
    ]


def test_the_scan_covers_the_kernel_adapter_and_the_comm_api() -> None:
    """The modules that used privates before compat existed are among those scanned."""
    paths = {str(p.relative_to(PACKAGE)) for p in scanned()}
    assert {"kernel/iopub.py", "kernel/install.py", "kernel/xpub.py", "manager.py"} <= paths


def test_every_private_a_feature_rests_on_is_declared() -> None:
    """Each ``Owner.name`` of the kernel check's features is in PRIVATES, and the privates are
    declared by one compat module each."""
    from ipycomm.compat import ipykernel, kernelcheck

    labels = [label for f in kernelcheck.FEATURES for label in f.privates]
    assert {label.split(".")[-1] for label in labels} <= set(ipykernel.PRIVATES)
    assert len(ipykernel.PRIVATES) == len(set(ipykernel.PRIVATES))
