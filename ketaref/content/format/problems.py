"""Problems found in content, reported like a linter: ``FILE:LINE:COL: message``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ketaref.text import plural


@dataclass(frozen=True, slots=True)
class ContentProblem:
    """One thing wrong with a content pack, located as precisely as the file allows."""

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        # A problem of the whole file (wrong size, missing) is placed at its start, so every
        # line keeps the FILE:LINE:COL: shape scripts and editors parse.
        return f"{self.file}:{self.line or 1}:{self.column or 1}: {self.message}"


class ContentError(Exception):
    """A pack that must not be used; ``problems`` lists everything found wrong with it."""

    def __init__(self, problems: Iterable[ContentProblem], summary: str | None = None):
        self.problems = tuple(problems)
        self.summary = summary or f"content is invalid: {plural(len(self.problems), 'problem')}"
        super().__init__(self.summary)
