"""The reasons the kernel gives in words: why it refused a comm the frontend asked to open for
a target it does not have, and how a handler's exception reads in a close reason or a report."""

from __future__ import annotations

from collections.abc import Iterable


def unknown_target_reason(target_name: str, targets: Iterable[str]) -> str:
    known = ", ".join(repr(name) for name in sorted(targets)) or "none"
    return (
        f"no comm target {_shorten(target_name)} is registered in the kernel "
        f"(registered targets: {known})"
    )


def _shorten(name: str, limit: int = 80) -> str:
    """``repr(name)``, cut to about ``limit`` characters: a target name comes from the
    frontend, and a huge one must not be echoed whole into close reasons and logs."""
    if len(name) <= limit:
        return repr(name)
    return f"{name[:limit]!r}... ({len(name):,} characters)"


def describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
