"""The error a user can cause while printing."""

from __future__ import annotations


class PrintError(Exception):
    """A checklist could not be built or saved; the message is written for the user.

    ``reason`` is what is wrong on its own, without the advice the message goes on to give
    ("the clinic name contains right-to-left writing (U+05D0, character 1), which the printout
    would show reversed"), for whoever words the problem differently (the print defaults tell IT);
    it is the whole message when the message gives no separate advice.
    """

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message
