"""The errors and warnings of ipycomm's comm API, one place for what users catch."""

from __future__ import annotations


class CommClosedWarning(UserWarning):
    """A message was sent on a comm that is closed, so it was not delivered.

    ``send`` warns instead of raising because libraries such as ipywidgets keep sending state on
    a comm that the frontend has closed, and an exception there would break the user's code in
    a trait assignment. Use ``warnings.simplefilter("error", CommClosedWarning)`` to make it raise.
    """


class NoViewError(RuntimeError):
    """``Comm.request`` found no view of the comm connected, so nobody could answer."""


class RequestError(Exception):
    """The other side answered a request with an error: ``name`` is its error's type (a
    browser's ``Error.name``), ``message`` its message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}" if message else name)
        self.name = name
        self.message = message
