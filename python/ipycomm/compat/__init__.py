"""The privates of other packages that ipycomm uses, one module per side it runs on, and the
only code that touches them (docs/compat.md):

- :mod:`.ipykernel`: ipykernel's, its IOPub thread's, its OutStream's and the ``comm``
  package's, with one accessor or patch function each;
- :mod:`.kernelcheck`: what each of them serves, checked once per kernel, with one log line
  per feature that is off.

Each module lists its private names in ``PRIVATES``; tests/test_compat_privates.py fails on
any use of them elsewhere in ipycomm.
"""
