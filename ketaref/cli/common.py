"""What every command shares: exit codes, error reporting, JSON output, safe output streams."""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import argparse

    #: What ``add_subparsers`` returns, the type every command module's ``register`` takes.
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2

#: The name of the error handler that writes what a console cannot show in plain ASCII.
PLAIN_ERRORS = "ketaref-plain"
#: Plain stand-ins for the typography our output uses, so ``≥ 5`` never becomes ``? 5``.
PLAIN_STAND_INS = {
    "•": "*", "·": "-", "–": "-", "—": "-", "−": "-", "…": "...", "→": "->", "←": "<-",
    "×": "x", "÷": "/", "≥": ">=", "≤": "<=", "±": "+/-", "≈": "~", "“": '"', "”": '"',
    "‘": "'", "’": "'", "§": "sect. ", "°": " deg", "\u00a0": " ", "\u202f": " ",
}  # fmt: skip


class CliError(Exception):
    """An error to report as one line on stderr, with the exit code it maps to."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class OutputLost(Exception):
    """Standard output could not be written (a full disk, a closed pipe)."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or str(error))
        self.error = error


def output_file(text: str) -> Path:
    """The file a user named with --out, or CliError (exit 2) when the name is empty."""
    if not text.strip():
        raise CliError("--out needs a file name")
    return Path(text)


def existing_folder(text: str, context: str = "") -> Path:
    """The folder a user named on the command line, or CliError (exit 2) saying in plain words
    why it is not one (missing, a file, a name too long, a loop of links, no permission)."""
    from ketaref.safe_read import folder_trouble

    if trouble := folder_trouble(Path(text)):
        raise CliError(f"{text}: {context + ': ' if context else ''}{trouble}")
    return Path(text)


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
    """Tell the user something on stderr without failing (control characters shown escaped)."""
    print(f"ketaref: {shown_safely(message)}", file=sys.stderr)


def shown_safely(text: str) -> str:
    """``text`` with each control character written as its escape, e.g. a backslash and x1b.

    A message may quote what was typed; an escape sequence or a bidi override in it must not
    act on the terminal.
    """
    from ketaref.glyphs import REFUSED_CATEGORIES

    return "".join(
        c.encode("unicode_escape").decode("ascii")
        if unicodedata.category(c) in REFUSED_CATEGORIES
        else c
        for c in text
    )


def print_json(document: Any) -> None:
    """Print exactly one JSON document on stdout; escaped ASCII if stdout cannot take UTF-8."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(document, indent=2, ensure_ascii=True)
    print(text)


def _plain(error: UnicodeError) -> tuple[str, int]:
    """Stand in for characters the stream cannot encode: a plain equivalent, else ``\\uXXXX``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    replacement = []
    for character in error.object[error.start : error.end]:
        if character in PLAIN_STAND_INS:
            replacement.append(PLAIN_STAND_INS[character])
            continue
        letters = "".join(
            c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
        )
        if letters and letters.isascii() and letters.isprintable():
            replacement.append(letters)  # é → e
        else:
            replacement.append(character.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(replacement), error.end


class _GuardedOutput:
    """Standard output that turns a failed write into :class:`OutputLost` (no traceback)."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise OutputLost(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputLost(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded_output() -> Iterator[None]:
    """Make stdout and stderr survive any console encoding, and stdout's failures reportable.

    Characters the console's encoding lacks are written as plain stand-ins (see
    :data:`PLAIN_STAND_INS`); a failed write to stdout raises :class:`OutputLost`. The block
    ends by flushing stdout, so a full disk is met here, not at the interpreter's exit.
    """
    if not _registered():
        codecs.register_error(PLAIN_ERRORS, _plain)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors=PLAIN_ERRORS)
    original = sys.stdout
    sys.stdout = _GuardedOutput(original)
    try:
        yield
        sys.stdout.flush()
    finally:
        sys.stdout = original


def _registered() -> bool:
    try:
        codecs.lookup_error(PLAIN_ERRORS)
    except LookupError:
        return False
    return True


def output_lost(error: OutputLost) -> int:
    """Say why stdout failed (a closed pipe quietly) and stop writing to it; return the code."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        # Whatever is still buffered goes nowhere, so the interpreter's exit cannot fail on it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    if isinstance(error.error, BrokenPipeError):
        return EXIT_OK  # the reader had enough (`| head`)
    from ketaref.safe_read import path_trouble

    notice(f"cannot write the output: {path_trouble(error.error, Path('standard output'))}")
    return EXIT_USAGE
