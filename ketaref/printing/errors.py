"""The error a user can cause while printing."""

from __future__ import annotations


class PrintError(Exception):
    """A checklist could not be built or saved; the message is written for the user."""
