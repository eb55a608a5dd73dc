"""Helpers to break copies of the bundled pack the way a clumsy or hostile editor would."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ketaref.content.format.pack import pack_files
from ketaref.content.format.yaml_source import DataPath, Document, parse
from ketaref.content.lifecycle.seal import replace_files_block

PROTOCOL = "protocols/spravato-trd.yaml"
CHECKLIST = "checklists/spravato-session.yaml"
CONTRAINDICATIONS = "contraindications/spravato-contraindications.yaml"
SOURCES = "sources.yaml"
MANIFEST = "manifest.yaml"

#: ``FILE:LINE:COL: message`` or, for problems of a whole file, ``FILE: message``.
PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<column>\d+): (?P<message>\S.*)$"
)


#: Wording of pydantic's own messages, which a nurse or IT admin should never have to read.
PYDANTIC_JARGON = ("Input should", "Value error", "validation error", "type=", "pydantic", "[key]")


@dataclass(frozen=True)
class Reported:
    """One problem as the CLI printed it."""

    file: str
    line: int
    column: int
    message: str


def edit(pack: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in a pack file by ``new`` (which must be there)."""
    path = pack / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _document(pack: Path, name: str) -> Document:
    return parse((pack / name).read_bytes())


def _lines(pack: Path, name: str) -> list[str]:
    return (pack / name).read_text(encoding="utf-8").splitlines(keepends=True)


def _write_lines(pack: Path, name: str, lines: list[str]) -> None:
    (pack / name).write_text("".join(lines), encoding="utf-8")


def value_line(pack: Path, name: str, path: DataPath) -> int:
    """The line the value at ``path`` (``("schedule", 0, "phase")``) is written on."""
    position = _document(pack, name).position(path)
    assert position, path
    return position[0]


def set_value(pack: Path, name: str, path: DataPath, written: str) -> int:
    """Write ``written`` in place of the one-line value at ``path``; return its line.

    Tests edit by structure, not by wording, so the clinical text can change under them.
    """
    document = _document(pack, name)
    assert path in document.value_marks, path
    line, column = document.value_marks[path]
    lines = _lines(pack, name)
    lines[line - 1] = lines[line - 1][: column - 1] + written + "\n"
    _write_lines(pack, name, lines)
    return line


def drop_key(pack: Path, name: str, path: DataPath) -> None:
    """Remove the line of the key at ``path`` (its value must be on that line)."""
    line, _ = _document(pack, name).key_marks[path]
    lines = _lines(pack, name)
    del lines[line - 1]
    _write_lines(pack, name, lines)


def insert_beside(pack: Path, name: str, path: DataPath, key_and_value: str) -> int:
    """Insert ``key: value`` after the line of the key at ``path``, at the same indent."""
    line, column = _document(pack, name).key_marks[path]
    lines = _lines(pack, name)
    lines.insert(line, " " * (column - 1) + key_and_value + "\n")
    _write_lines(pack, name, lines)
    return line + 1


def cut_top_level_block(pack: Path, name: str, key: str) -> str:
    """Remove the top-level ``key`` and everything under it; return what was removed."""
    line, _ = _document(pack, name).key_marks[(key,)]
    lines = _lines(pack, name)
    end = line
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " #"):
        end += 1
    removed = "".join(lines[line - 1 : end])
    _write_lines(pack, name, lines[: line - 1] + lines[end:])
    return removed


def line_of(pack: Path, name: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line holding ``needle``."""
    found = 0
    for number, line in enumerate((pack / name).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {name}")


def force_seal(pack: Path) -> None:
    """Re-record every file's hash without parsing anything, as a hostile editor could.

    ``ketaref content seal`` refuses files that do not parse; this gets such files past the
    hash check so the parser and the model are what must refuse them.
    """
    lines = ["files:"]
    for name in pack_files(pack):
        if (pack / name).is_file() and not (pack / name).is_symlink():
            raw = (pack / name).read_bytes()
            lines += [
                f"  {name}:",
                f"    sha256: {hashlib.sha256(raw).hexdigest()}",
                f"    bytes: {len(raw)}",
            ]
    manifest = pack / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(replace_files_block(text, "\n".join(lines) + "\n"), encoding="utf-8")


def add_manifest_entry(pack: Path, name: str, sha256: str = "a" * 64, size: int = 1) -> int:
    """List ``name`` in the manifest's files block; return the line it is on."""
    manifest = pack / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    entry = f"  {name}:\n    sha256: {sha256}\n    bytes: {size}\n"
    files_line = re.search(r"^files:.*\n", text, re.MULTILINE)
    assert files_line, "the manifest has no files block"
    at = files_line.end()
    manifest.write_text(text[:at] + entry + text[at:], encoding="utf-8")
    return line_of(pack, MANIFEST, "files:") + 1


def snapshot(directory: Path) -> dict[str, bytes | str]:
    """Every file's bytes (a link's target) under ``directory``, to prove nothing changed."""
    found: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = Path(root) / name
            relative = path.relative_to(directory).as_posix()
            if path.is_symlink():
                found[relative] = f"-> {os.readlink(path)}"
            elif path.is_file():
                found[relative] = path.read_bytes()
            elif not path.is_dir():
                found[relative] = "special file"
    return found


def run_cli(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ketaref ARGS`` as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "ketaref", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_cli_in_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``ketaref ARGS`` through the command line's own entry point in this process.

    The same parsing, checks and printed words as ``run_cli`` without starting an interpreter
    and importing pydantic again, which is most of a child's time. An exception that escapes is
    the traceback a user would see, and fails the test.
    """
    from ketaref.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([str(arg) for arg in args])
    return subprocess.CompletedProcess(list(args), code, stdout.getvalue(), stderr.getvalue())


def refused(pack: Path, *command: str, in_a_child: bool = False) -> list[Reported]:
    """Run ``ketaref content validate PACK`` (or ``command``); check it failed like a linter.

    Asserts exit 1, no traceback, every stdout line in ``FILE:LINE:COL: message`` form, one
    summary line on stderr, and the pack left byte for byte as it was. Returns the problems.
    In this process unless ``in_a_child`` (``python -m ketaref``, as a user runs it).
    """
    before = snapshot(pack)
    run = run_cli if in_a_child else run_cli_in_process
    result = run(*(command or ("content", "validate")), pack)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    reported = []
    for text in result.stdout.splitlines():
        match = PROBLEM_LINE.match(text)
        assert match, f"not FILE:LINE:COL: message: {text!r}"
        reported.append(
            Reported(match["file"], int(match["line"]), int(match["column"]), match["message"])
        )
        jargon = [word for word in PYDANTIC_JARGON if word in match["message"]]
        assert not jargon, f"pydantic's words, not ours: {text!r}"
    assert reported, "no problem printed"
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert snapshot(pack) == before, "validating changed the pack"
    return reported


def one_about(reported: list[Reported], fragment: str, file: str | None = None) -> Reported:
    """The problem (of ``file``) whose message holds ``fragment``: exactly one must."""
    matching = [r for r in reported if fragment in r.message and file in (None, r.file)]
    assert len(matching) == 1, f"{fragment!r} in {reported}"
    return matching[0]
