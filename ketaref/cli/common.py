"""What every command shares: exit codes, error reporting, JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2


class CliError(Exception):
    """An error to report as one line on stderr, with the exit code it maps to."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def fail(error: CliError) -> int:
    """Print ``error`` as one line on stderr and return its exit code."""
    notice(error.message)
    return error.exit_code


def report_invalid(directory: object, error: Any) -> int:
    """Print every problem of a refused pack (stdout, like a linter) and a summary (stderr)."""
    for problem in error.problems:
        print(problem)
    notice(f"{directory}: {error.summary}")
    return EXIT_CHECK_FAILED


def notice(message: str) -> None:
    """Tell the user something on stderr without failing."""
    print(f"ketaref: {message}", file=sys.stderr)


def print_json(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    print(json.dumps(document, indent=2, ensure_ascii=False))
