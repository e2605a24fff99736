"""Credit-based flow control, the kernel's side (docs/flow-control.md).

- :mod:`.wire`: the constants, the credit a reader grants, and the wire message;
- :mod:`.outbox`: the writer: every message waits there, in order, within the readers' credit;
- :mod:`.readers`: which readers take part and how far each lets the kernel send;
- :mod:`.batch`: bursts on one comm packed into one wire message, and unpacked again.

It knows nothing of ipykernel: the kernel adapter (:mod:`ipycomm.kernel`) gives the outbox its
sending thread. The readers are :mod:`ipycomm.edges.reader` and the page's ``src/kernel/reader.ts``.
"""
