"""Sealing a pack: recording every file's sha256 and length in ``manifest.yaml``.

Authors edit content files, then seal. Sealing refuses a pack whose files do not parse, and it
rewrites only the ``files:`` block of the manifest, so the comments and the order of everything
else the author wrote stay as they were.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ketaref.atomic import write_atomically
from ketaref.content.model import Manifest
from ketaref.content.pack import (
    MANIFEST,
    check_manifest_path,
    model_for,
    pack_files,
    parse_model,
    read_limited,
    read_manifest,
)
from ketaref.content.problems import ContentError, ContentProblem


def _files_block(entries: dict[str, bytes]) -> str:
    lines = ["files:"]
    for name in sorted(entries):
        raw = entries[name]
        lines.append(f"  {name}:")
        lines.append(f"    sha256: {hashlib.sha256(raw).hexdigest()}")
        lines.append(f"    bytes: {len(raw)}")
    return "\n".join(lines) + "\n"


def replace_files_block(manifest_text: str, block: str) -> str:
    """Return the manifest text with its top-level ``files:`` block replaced by ``block``."""
    lines = manifest_text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("files:")), None)
    if start is None:
        return manifest_text.rstrip("\n") + "\n" + block
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " #"):
        end += 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


def seal(directory: Path) -> list[str]:
    """Re-compute the digest of every content file into the manifest; return the files sealed.

    Raises ContentError (and leaves the manifest untouched) when any file is not acceptable.
    """
    directory = Path(directory)
    _, manifest_raw = read_manifest(directory)  # it must be valid before it is rewritten
    problems: list[ContentProblem] = []
    entries: dict[str, bytes] = {}
    for name in pack_files(directory):
        if reason := check_manifest_path(name):
            problems.append(ContentProblem(name, None, None, f"cannot be part of a pack: {reason}"))
            continue
        try:
            raw = read_limited(directory / name, name)
        except ContentError as exc:
            problems += exc.problems
            continue
        _, file_problems = parse_model(raw, model_for(name), name)
        problems += file_problems
        entries[name] = raw
    if problems:
        raise ContentError(problems, "not sealed: fix these problems first")
    manifest_path = directory / MANIFEST
    text = manifest_raw.decode("utf-8")
    sealed = replace_files_block(text, _files_block(entries)).encode("utf-8")
    _, manifest_problems = parse_model(sealed, Manifest, MANIFEST)
    if manifest_problems:  # never write a manifest the loader would refuse
        raise ContentError(manifest_problems, "not sealed: the new manifest would not be valid")
    write_atomically(manifest_path, sealed)
    return sorted(entries)
