"""The ipykernel adapter: the only package that imports ipykernel or knows its privates.

- :mod:`.iopub`: sending on the kernel's iopub channel, from its IOPub thread;
- :mod:`.transport`: ipycomm's :class:`~ipycomm.transport.Transport` on a kernel;
- :mod:`.errors`: the error output of a handler that raised;
- :mod:`.install`: the shell and control handlers and the ``comm`` package's provider (the
  running kernel's manager);
- :mod:`.construction`: the wrapper around ``IPythonKernel.__init__`` (kernels built again in
  one process, such as an in-process kernel's restart);
- :mod:`.activation`: ipycomm in every kernel on start-up, and its opt-outs
  (``IPYCOMM_ACTIVATE=0``, ``c.IPyComm.activate = False``);
- :mod:`.binding`: ``Comm(kernel=k)`` and ``CommManager(kernel=k)``.
"""

from . import binding  # noqa: F401  (Comm(kernel=k) and CommManager(kernel=k))
from .install import install, install_if_in_kernel, load_ipython_extension, running_kernel
from .transport import KernelTransport

__all__ = [
    "KernelTransport",
    "install",
    "install_if_in_kernel",
    "load_ipython_extension",
    "running_kernel",
]
