"""Loading a content pack: check every byte against the manifest, parse, validate, cross-check.

A pack is all or nothing. Every problem of every file is collected before the decision, and a pack
with any problem is refused as a whole (``ContentError``); nothing downstream ever sees a
half-loaded pack. What comes out is an immutable ``Library``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from ketaref.content.model import (
    Checklist,
    ContraindicationList,
    Manifest,
    Protocol,
    Source,
    SourceList,
    statements_in,
)
from ketaref.content.problems import ContentError, ContentProblem
from ketaref.content.yaml_source import Document, YamlProblem, parse

MAX_FILE_BYTES = 1024 * 1024
MANIFEST = "manifest.yaml"
SIGNATURE = "manifest.sig"
SOURCES = "sources.yaml"
#: Which model each folder's files follow.
KIND_DIRS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {"protocols": Protocol, "checklists": Checklist, "contraindications": ContraindicationList}
)

ContentItem = Protocol | Checklist | ContraindicationList


def pack_hash(manifest_bytes: bytes) -> str:
    """The pack hash shown on screen and paper: 12 hex digits of sha256(manifest.yaml)."""
    return hashlib.sha256(manifest_bytes).hexdigest()[:12]


@dataclass(frozen=True)
class Library:
    """A validated content pack, immutable; everything the app shows comes from here."""

    directory: Path
    manifest: Manifest
    manifest_bytes: bytes = field(repr=False)
    sources: Mapping[str, Source]
    protocols: Mapping[str, Protocol]
    checklists: Mapping[str, Checklist]
    contraindications: Mapping[str, ContraindicationList]

    @property
    def pack_hash(self) -> str:
        """12 hex digits of sha256(manifest.yaml)."""
        return pack_hash(self.manifest_bytes)

    @property
    def version(self) -> str:
        """The content version, e.g. ``2026.11.0``."""
        return self.manifest.content_version

    @property
    def reviewed(self) -> bool:
        """Whether a named reviewer has signed this content version off."""
        return bool(self.manifest.reviews)

    def items(self) -> list[tuple[str, ContentItem]]:
        """Every item with its kind (``protocol``, ``checklist``, ``contraindications``)."""
        return (
            [("protocol", p) for p in self.protocols.values()]
            + [("checklist", c) for c in self.checklists.values()]
            + [("contraindications", c) for c in self.contraindications.values()]
        )

    def item(self, item_id: str) -> tuple[str, ContentItem] | None:
        """Find an item of any kind by id."""
        for kind, item in self.items():
            if item.id == item_id:
                return kind, item
        return None


# ------------------------------------------------------------------------------------------
# Pydantic errors → problems with lines


def _data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Follow ``loc`` through the data, skipping parts pydantic adds (union tags, ...)."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, (list, tuple)) and isinstance(part, int) and part < len(current)
        ):
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str):
            path.append(part)  # a missing or unknown key: locate its parent, name it
            break
        else:
            continue
        path.append(part)
    return tuple(path)


def _message(error: Any, path: tuple[str | int, ...]) -> str:
    kind = error["type"]
    where = ".".join(str(p) for p in path) or "the file"
    last = path[-1] if path else ""
    if kind == "extra_forbidden":
        return f"unknown key “{last}” (check its spelling; see `ketaref content schema`)"
    if kind == "missing":
        return f"“{where}” is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in ("string_type", "int_type", "bool_type", "tuple_type", "dict_type", "model_type"):
        message = f"{message} (got {type(error['input']).__name__}: {str(error['input'])[:40]!r})"
    return f"{where}: {message}"


def validation_problems(
    error: ValidationError, document: Document, file: str
) -> list[ContentProblem]:
    """Turn a pydantic ValidationError into problems pointing at lines of ``file``."""
    problems = []
    for detail in error.errors():
        path = _data_path(document.data, tuple(detail["loc"]))
        position = document.position(path) or (None, None)
        problems.append(ContentProblem(file, position[0], position[1], _message(detail, path)))
    return problems


# ------------------------------------------------------------------------------------------
# Reading


def read_limited(path: Path, display: str) -> bytes:
    """Read a file of at most MAX_FILE_BYTES; raise ContentError otherwise."""
    try:
        if path.is_symlink():
            raise ContentError(
                [
                    ContentProblem(
                        display, None, None, "is a symbolic link; packs hold plain files only"
                    )
                ]
            )
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ContentError([ContentProblem(display, None, None, "is missing")]) from None
    except IsADirectoryError:
        raise ContentError(
            [ContentProblem(display, None, None, "is a folder, not a file")]
        ) from None
    except OSError as exc:
        raise ContentError(
            [ContentProblem(display, None, None, f"cannot be read: {exc.strerror}")]
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise ContentError(
            [
                ContentProblem(
                    display,
                    None,
                    None,
                    f"is larger than the {MAX_FILE_BYTES // 1024} KiB limit for a content file",
                )
            ]
        )
    return data


def parse_model(
    raw: bytes, model: type[BaseModel], display: str
) -> tuple[Any, list[ContentProblem]]:
    """Parse one file's bytes into ``model``; return (item or None, problems)."""
    try:
        document = parse(raw)
    except YamlProblem as exc:
        return None, [ContentProblem(display, exc.line, exc.column, exc.message)]
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        return None, validation_problems(exc, document, display)


def read_manifest(directory: Path) -> tuple[Manifest, bytes]:
    """Read and validate ``manifest.yaml``; raise ContentError if it cannot be used."""
    raw = read_limited(directory / MANIFEST, MANIFEST)
    manifest, problems = parse_model(raw, Manifest, MANIFEST)
    if problems:
        raise ContentError(problems)
    return manifest, raw


def check_manifest_path(name: str) -> str | None:
    """Why ``name`` may not be a file of a pack, or None when it may."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or name.startswith("./"):
        return "path leaves the pack or is not a plain relative path"
    if name in (MANIFEST, SIGNATURE):
        return "the manifest does not list itself or its signature"
    if name != SOURCES and (len(pure.parts) != 2 or pure.parts[0] not in KIND_DIRS):
        folders = ", ".join(f"{d}/" for d in KIND_DIRS)
        return f"content files are {SOURCES} or YAML files directly in {folders}"
    return None


def pack_files(directory: Path) -> list[str]:
    """Every file in the pack folder except the manifest and its signature, as POSIX paths."""
    found = []
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") or d in (".", ".."))
        for name in sorted(files):
            relative = (Path(root) / name).relative_to(directory).as_posix()
            if relative not in (MANIFEST, SIGNATURE):
                found.append(relative)
    return found


def _verify_files(
    directory: Path, manifest: Manifest
) -> tuple[dict[str, bytes], list[ContentProblem]]:
    problems: list[ContentProblem] = []
    contents: dict[str, bytes] = {}
    for name in pack_files(directory):
        if name not in manifest.files:
            problems.append(
                ContentProblem(
                    name,
                    None,
                    None,
                    f"is not listed in {MANIFEST}; remove it or run `ketaref content seal`",
                )
            )
    for name, entry in manifest.files.items():
        if reason := check_manifest_path(name):
            problems.append(ContentProblem(MANIFEST, None, None, f"lists “{name}”: {reason}"))
            continue
        try:
            raw = read_limited(directory / name, name)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if len(raw) != entry.bytes:
            problems.append(
                ContentProblem(
                    name,
                    None,
                    None,
                    f"has {len(raw)} bytes, the manifest says {entry.bytes}: changed after sealing",
                )
            )
        elif hashlib.sha256(raw).hexdigest() != entry.sha256:
            problems.append(
                ContentProblem(
                    name,
                    None,
                    None,
                    "does not match its sha256 in the manifest: changed after sealing",
                )
            )
        else:
            contents[name] = raw
    return contents, problems


def _line_of(raw: bytes, key: str, value: str) -> int | None:
    """The first line where ``key: value`` is written (for problems found after parsing)."""
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        stripped = line.strip().lstrip("- ")
        if (
            stripped.startswith(f"{key}:")
            and stripped.split(":", 1)[1].strip().strip("\"'") == value
        ):
            return number
    return None


def cited_sources(item: Any) -> list[str]:
    """Every source id an item cites, statements and checklist items alike."""
    cited = [c.source for s in statements_in(item) for c in s.citations()]
    if isinstance(item, Checklist):
        cited += [c.source for s in item.sections for i in s.items for c in i.citations()]
    return cited


def _cross_check(
    sources: Mapping[str, Source],
    items: dict[str, tuple[str, Any]],
    contents: Mapping[str, bytes],
) -> list[ContentProblem]:
    problems: list[ContentProblem] = []
    links = (
        ("checklist", Checklist, "checklist"),
        ("contraindications", ContraindicationList, "contraindications list"),
    )
    for file, item in items.values():
        for source_id in sorted(set(cited_sources(item)) - set(sources)):
            line = _line_of(contents[file], "source", source_id)
            problems.append(
                ContentProblem(
                    file,
                    line,
                    1 if line else None,
                    f"cites the source “{source_id}”, which is not in {SOURCES}",
                )
            )
        if not isinstance(item, Protocol):
            continue
        for field_name, kind, noun in links:
            ref = getattr(item, field_name)
            if ref is not None and not isinstance(items.get(ref, (None, None))[1], kind):
                line = _line_of(contents[file], field_name, ref)
                problems.append(
                    ContentProblem(
                        file,
                        line,
                        1 if line else None,
                        f"{field_name}: there is no {noun} “{ref}” in this pack",
                    )
                )
    return problems


def load_pack(directory: Path) -> Library:
    """Load and fully check the pack in ``directory``; raise ContentError listing every problem."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ContentError(
            [ContentProblem(str(directory), None, None, "is not a folder holding a content pack")]
        )
    manifest, manifest_bytes = read_manifest(directory)
    contents, problems = _verify_files(directory, manifest)
    if SOURCES not in manifest.files:
        problems.append(ContentProblem(MANIFEST, None, None, f"does not list {SOURCES}"))

    sources: dict[str, Source] = {}
    if SOURCES in contents:
        source_list, source_problems = parse_model(contents[SOURCES], SourceList, SOURCES)
        problems += source_problems
        for source in source_list.sources if source_list else ():
            if source.id in sources:
                problems.append(
                    ContentProblem(
                        SOURCES, None, None, f"the source id “{source.id}” appears twice"
                    )
                )
            sources[source.id] = source

    items: dict[str, tuple[str, Any]] = {}
    for name, raw in contents.items():
        folder = PurePosixPath(name).parts[0]
        if folder not in KIND_DIRS:
            continue
        item, item_problems = parse_model(raw, KIND_DIRS[folder], name)
        problems += item_problems
        if item is None:
            continue
        stem = PurePosixPath(name).stem
        if item.id != stem:
            problems.append(
                ContentProblem(name, 1, 1, f"id “{item.id}” must match the file name “{stem}”")
            )
        if item.id in items:
            problems.append(
                ContentProblem(name, 1, 1, f"id “{item.id}” is also used by {items[item.id][0]}")
            )
            continue
        items[item.id] = (name, item)

    problems += _cross_check(sources, items, contents)
    if problems:
        raise ContentError(problems)

    def of(kind: type) -> Mapping[str, Any]:
        chosen = {i: item for i, (_, item) in sorted(items.items()) if isinstance(item, kind)}
        return MappingProxyType(chosen)

    return Library(
        directory=directory,
        manifest=manifest,
        manifest_bytes=manifest_bytes,
        sources=MappingProxyType(dict(sorted(sources.items()))),
        protocols=of(Protocol),
        checklists=of(Checklist),
        contraindications=of(ContraindicationList),
    )
