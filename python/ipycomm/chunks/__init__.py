"""Chunked transfer of large comm messages, both ways (docs/chunking.md).

- :mod:`.format`: the wire format (``CHUNK_KEY``, chunk and notice headers, ``split``);
- :mod:`.limits`: the chunk size and the message size limit, and the texts naming them;
- :mod:`.assembler`: the page's partial messages, reassembled in place;
- :mod:`.incoming`: what the comm manager hands the page's chunks to (``manager.chunks``);
- :mod:`.outgoing` and :mod:`.pacer`: the kernel's own messages, chunked and paced by the
  readers' credit.

Knows no kernel: the ipykernel adapter (:mod:`ipycomm.kernel.transport`) wires it in.
"""

from .format import CHUNK_KEY

__all__ = ["CHUNK_KEY"]
