"""What one page does to a seed slider, every other page sees (docs/flow-control.md §6).

A slider's ``value_change`` reaches the kernel on the shell channel of the page that moved it;
the other pages on the kernel (a second window, a collaborator) never see that message. The
kernel relays it on iopub as the slider's own ``update_value``, parented to the page's message:
the page that moved the slider knows its own change by the parent's session and ignores it
(``src/widgets/slider.ts``); the others move their slider.
"""

from __future__ import annotations

from typing import Any

from .protocol import Message
from .transport import Outgoing

SLIDER_TARGET = "simple_slider"


def relay_to_other_pages(manager: Any, comm: Any, msg: Message) -> None:
    """Publish a page's slider ``value_change`` as an ``update_value`` for the other pages."""
    if comm.target_name != SLIDER_TARGET or getattr(comm, "closed", False):
        return
    data = (msg.get("content") or {}).get("data")
    if not isinstance(data, dict) or data.get("action") != "value_change" or len(data) != 2:
        return
    value = data.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    update = {"action": "update_value", "value": value}
    manager.publish(Outgoing("comm_msg", comm.comm_id, update, target_name=SLIDER_TARGET))
