"""Sealing a pack: recording every file's sha256 and length in ``manifest.yaml``.

Authors edit content files, then seal. Sealing refuses a pack whose files do not parse, and it
rewrites only the ``files:`` block of the manifest, so the comments and the order of everything
else the author wrote stay as they were.

The ``files:`` line carries the version the hashes were sealed under (``files:  # sealed under
content_version 2026.11.0``). Sealing changed files under that same version is refused: two
different packs must never show the same version on screen and on paper.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from ketaref.atomic import write_atomically
from ketaref.content.format.model import FileEntry, Manifest
from ketaref.content.format.pack import (
    MANIFEST,
    check_manifest_path,
    model_for,
    pack_files,
    parse_model,
    read_limited,
    read_manifest,
)
from ketaref.content.format.problems import ContentError, ContentProblem
from ketaref.content.format.yaml_source import parse

#: The note seal writes on the ``files:`` line, and how it is read back.
_SEALED_UNDER = "# sealed under content_version "
_SEALED_UNDER_LINE = re.compile(rf"^files:[ \t]*{re.escape(_SEALED_UNDER)}(\S+)[ \t]*$", re.M)


def sealed_under(manifest_text: str) -> str | None:
    """The content version the manifest's file hashes were sealed under, if seal recorded it."""
    match = _SEALED_UNDER_LINE.search(manifest_text)
    return match.group(1) if match else None


def next_version(version: str) -> str:
    """The version one step up in its last part: ``2026.11.0`` → ``2026.11.1``."""
    *head, last = version.split(".")
    return ".".join([*head, str(int(last) + 1)])


def _changed_files(listed: Mapping[str, FileEntry], entries: Mapping[str, bytes]) -> list[str]:
    """The files added, removed or changed since the hashes in ``listed`` were recorded."""
    changed = [name for name in listed if name not in entries]
    for name, raw in entries.items():
        entry = listed.get(name)
        if entry is None or (entry.bytes, entry.sha256) != (
            len(raw),
            hashlib.sha256(raw).hexdigest(),
        ):
            changed.append(name)
    return sorted(changed)


def _version_not_raised(manifest: Manifest, raw: bytes, changed: list[str]) -> ContentError:
    version = manifest.content_version
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    message = (
        f"the content changed since it was sealed under content_version “{version}” ({shown});"
        f" raise content_version (e.g. to “{next_version(version)}”) and add a line to changes,"
        " or seal with --same-version to keep this version on purpose"
    )
    line, column = parse(raw).position(("content_version",)) or (None, None)
    return ContentError(
        [ContentProblem(MANIFEST, line, column, message)],
        f"not sealed: raise content_version to {next_version(version)} (or use --same-version)",
    )


def _files_block(entries: dict[str, bytes], version: str) -> str:
    lines = [f"files:  {_SEALED_UNDER}{version}"]
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


def seal(directory: Path, *, same_version: bool = False) -> list[str]:
    """Re-compute the digest of every content file into the manifest; return the files sealed.

    Raises ContentError (and leaves the manifest untouched) when any file is not acceptable, or
    when files changed since they were sealed under the manifest's ``content_version`` (unless
    ``same_version``).
    """
    directory = Path(directory)
    manifest, manifest_raw = read_manifest(directory)  # it must be valid before it is rewritten
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
    under_same_version = sealed_under(text) == manifest.content_version and not same_version
    if under_same_version and (changed := _changed_files(manifest.files, entries)):
        raise _version_not_raised(manifest, manifest_raw, changed)
    block = _files_block(entries, manifest.content_version)
    sealed = replace_files_block(text, block).encode("utf-8")
    _, manifest_problems = parse_model(sealed, Manifest, MANIFEST)
    if manifest_problems:  # never write a manifest the loader would refuse
        raise ContentError(manifest_problems, "not sealed: the new manifest would not be valid")
    write_atomically(manifest_path, sealed)
    return sorted(entries)
