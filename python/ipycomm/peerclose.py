"""What a frontend's ``comm_close`` does beyond closing the comm (docs/flow-control.md §6).

- **Every other client is told.** iopub goes to every client of the kernel; the close came on
  one client's shell channel, so the kernel publishes a ``comm_close`` with a ``reason``, and
  views of the comm in other pages show it closed instead of talking to a comm that is gone.
- **A close from a client that cannot show the comm is ignored** for comms the kernel opened
  whose browser side only ipycomm's pages have (the seed's widgets, frontend targets and the
  definitions comm): JupyterLab closes every kernel-opened comm whose target it does not
  know, so a page without ipycomm's extension, or VS Code, would otherwise close them for
  everyone.
"""

from __future__ import annotations

import logging
from typing import Any

from .protocol import Message
from .transport import Outgoing

log = logging.getLogger("ipycomm")

#: Targets whose browser side only ipycomm's pages have. Frontend targets defined with
#: ``ipycomm.frontend_target`` join them (in their manager's ``page_only_targets``).
PAGE_ONLY_TARGETS = frozenset({"simple_slider", "my_widget", "ipycomm.frontend_targets"})


def ignores_close(manager: Any, comm: Any, msg: Message) -> bool:
    """Whether a frontend's close of ``comm`` comes from a client that does not take part in
    ipycomm and so cannot show it: then the comm stays open. Only for comms the kernel opened
    (JupyterLab closes those when it does not know their target); a comm a frontend opened is
    that frontend's to close."""
    if not getattr(comm, "primary", False) or comm.target_name not in manager.page_only_targets:
        return False
    participates = getattr(manager.transport, "participates", None)
    session = (msg.get("header") or {}).get("session")
    if participates is None or participates(session):
        return False
    log.info(
        "ipycomm kept comm %s (target %r) open: client %s closed it, but it does not take part "
        "in ipycomm, so it cannot show that target (JupyterLab closes comms to unknown targets)",
        comm.comm_id,
        comm.target_name,
        session,
    )
    return True


def tell_other_clients(manager: Any, comm: Any, reason: str | None) -> None:
    """Publish the close on iopub, so that every other client learns the comm is gone."""
    why = "another client closed it" + (f": {reason}" if reason else "")
    data = {"reason": why}
    manager.publish(Outgoing("comm_close", comm.comm_id, data, target_name=comm.target_name))
