"""Widgets from Python: the browser side of a comm target defined in the kernel, as the source
of an ES module (docs/frontend-targets.md). The page's side is ``src/widgets/`` and
``src/kernel/definitionscomm.ts``."""

from .definitions import DEFINITIONS_TARGET, frontend_target, frontend_targets

__all__ = ["DEFINITIONS_TARGET", "frontend_target", "frontend_targets"]
