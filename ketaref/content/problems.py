"""Problems found in content, reported like a linter: ``FILE:LINE:COL: message``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """One thing wrong with a content pack, located as precisely as the file allows."""

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        position = ""
        if self.line is not None:
            position = f"{self.line}:{self.column or 1}:"
        return f"{self.file}:{position} {self.message}"


class ContentError(Exception):
    """A pack that must not be used; ``problems`` lists everything found wrong with it."""

    def __init__(self, problems: Iterable[ContentProblem], summary: str | None = None):
        self.problems = tuple(problems)
        count = len(self.problems)
        self.summary = summary or f"content is invalid: {count} problem{'s' if count != 1 else ''}"
        super().__init__(self.summary)
