"""The stable import path of :class:`CommReader`, the reader for jupyter_client programs; it
lives in :mod:`ipycomm.edges.reader`."""

from .edges.reader import CommReader

__all__ = ["CommReader"]
