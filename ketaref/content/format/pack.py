"""Loading a content pack: check every byte against the manifest, parse, validate, cross-check.

A pack is all or nothing. Every problem of every file is collected before the decision, and a pack
with any problem is refused as a whole (``ContentError``); nothing downstream ever sees a
half-loaded pack. What comes out is an immutable ``Library``.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, assert_never

from pydantic import BaseModel, ValidationError

from ketaref.content.format.kinds import KINDS, Kind, linked_ids, model_of
from ketaref.content.format.local_rules import LOCAL_RULES, slot_problems
from ketaref.content.format.model import (
    IDENTIFIER_PATTERN,
    Checklist,
    ChecklistItem,
    ContentItem,
    ContraindicationList,
    Glossary,
    GlossaryEntry,
    Manifest,
    Protocol,
    Source,
    SourceList,
    Statement,
    statements_in,
)
from ketaref.content.format.model_errors import identifier_problem, validation_problems
from ketaref.content.format.problems import ContentError, ContentProblem
from ketaref.content.format.yaml_source import DataPath, YamlProblem, parse
from ketaref.safe_read import FileRefused, folder_trouble, read_file

MAX_FILE_BYTES = 1024 * 1024
MANIFEST = "manifest.yaml"
SIGNATURE = "manifest.sig"
SOURCES = "sources.yaml"
GLOSSARY = "glossary.yaml"
#: The files at the top of a pack (besides the manifest) and the model each follows; the glossary
#: is optional, so packs made before it stay valid.
TOP_FILES: Mapping[str, type[BaseModel]] = MappingProxyType(
    {SOURCES: SourceList, GLOSSARY: Glossary}
)
#: Which model each folder's files follow (the folders of ``ketaref.content.format.kinds``).
KIND_DIRS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {info.folder: model_of(kind) for kind, info in KINDS.items()}
)
_FILE_STEM = re.compile(IDENTIFIER_PATTERN)


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
    glossary: tuple[GlossaryEntry, ...] = ()

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

    def of_kind(self, kind: Kind) -> Mapping[str, ContentItem]:
        """The items of one kind, by id."""
        match kind:
            case Kind.PROTOCOL:
                return self.protocols
            case Kind.CHECKLIST:
                return self.checklists
            case Kind.CONTRAINDICATIONS:
                return self.contraindications
            case _:
                assert_never(kind)

    def items(self) -> list[tuple[Kind, ContentItem]]:
        """Every item with its kind, kind by kind in ``Kind`` order."""
        return [(kind, item) for kind in Kind for item in self.of_kind(kind).values()]

    def item(self, item_id: str) -> tuple[Kind, ContentItem] | None:
        """Find an item of any kind by id."""
        for kind, item in self.items():
            if item.id == item_id:
                return kind, item
        return None


# ------------------------------------------------------------------------------------------
# Reading


def _refuse(display: str, message: str) -> ContentError:
    return ContentError([ContentProblem(display, None, None, message)])


def _link_inside(path: Path, display: str) -> Path | None:
    """The first symbolic link among the parts of ``path`` named by ``display``, if any."""
    current = path
    for _ in PurePosixPath(display).parts:
        if current.is_symlink():
            return current
        current = current.parent
    return None


def read_limited(path: Path, display: str) -> bytes:
    """Read the regular file ``path`` of at most MAX_FILE_BYTES; raise ContentError otherwise.

    ``display`` is the file's name inside the pack; no part of it may be a symbolic link (a
    linked file or folder could pull in anything on the machine). The bytes come through
    ``safe_read``: FIFOs and devices are refused without waiting, and the file opened must be
    the one looked at.
    """
    try:
        # Inside the try: looking for links can meet a folder this user may not read.
        link = _link_inside(path, display)
    except OSError as exc:
        raise _refuse(display, f"cannot be read: {exc.strerror}") from None
    if link is not None:
        where = "is" if link == path else "lies in a folder that is"
        raise _refuse(display, f"{where} a symbolic link; packs hold plain files only")
    try:
        return read_file(path, MAX_FILE_BYTES, follow_links=False, what="a content file")
    except FileRefused as refused:
        raise _refuse(display, "is missing" if refused.missing else refused.reason) from None


def _parse(raw: bytes, model: type[BaseModel], display: str) -> tuple[Any, list[ContentProblem]]:
    """Parse one file's bytes into ``model``; return (item or None, problems).

    Files are read without line marks first; only a file with a problem is read again with
    them, to say where the problem is.
    """
    try:
        data = parse(raw, marks=False).data
    except YamlProblem as exc:
        return None, [ContentProblem(display, exc.line, exc.column, exc.message)]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(exc, parse(raw), display)


def parse_model(
    raw: bytes, model: type[BaseModel], display: str
) -> tuple[Any, list[ContentProblem]]:
    """Parse one file's bytes into ``model``; return (item or None, problems)."""
    return _parse(raw, model, display)


def _problem_at(
    file: str, raw: bytes, path: DataPath, message: str, key: bool = False
) -> ContentProblem:
    """A problem at the value (or ``key``) at ``path`` of a file that parsed before."""
    document = parse(raw)
    position = document.key_position(path) if key else document.position(path)
    line, column = position or (None, None)
    return ContentProblem(file, line, column, message)


def _read_manifest(directory: Path) -> tuple[Manifest, bytes]:
    raw = read_limited(directory / MANIFEST, MANIFEST)
    manifest, problems = _parse(raw, Manifest, MANIFEST)
    if problems:
        raise ContentError(problems)
    return manifest, raw


def read_manifest(directory: Path) -> tuple[Manifest, bytes]:
    """Read and validate ``manifest.yaml``; raise ContentError if it cannot be used."""
    return _read_manifest(directory)


def check_manifest_path(name: str) -> str | None:
    """Why ``name`` may not be a file of a pack, or None when it may."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or name.startswith("./"):
        return "path leaves the pack or is not a plain relative path"
    if name in (MANIFEST, SIGNATURE):
        return "the manifest does not list itself or its signature"
    if name not in TOP_FILES and (
        len(pure.parts) != 2 or pure.parts[0] not in KIND_DIRS or pure.suffix != ".yaml"
    ):
        folders = ", ".join(f"{d}/" for d in KIND_DIRS)
        return f"content files are {' or '.join(TOP_FILES)}, or YAML files directly in {folders}"
    if name not in TOP_FILES and not _FILE_STEM.fullmatch(pure.stem):
        return f"a content file's name is its id plus .yaml, and {identifier_problem(pure.stem)}"
    return None


def model_for(name: str) -> type[BaseModel]:
    """The model the pack file ``name`` follows (a name ``check_manifest_path`` accepted)."""
    return TOP_FILES.get(name) or KIND_DIRS[PurePosixPath(name).parts[0]]


#: Files that lie beside a pack's content in its folder without being part of it: the manifest,
#: its signature, and the clinic's signed local rules (delivered in the same folder).
BESIDE_THE_PACK = frozenset({MANIFEST, SIGNATURE, LOCAL_RULES, f"{LOCAL_RULES}.sig"})


def pack_files(directory: Path) -> list[str]:
    """Everything in the pack folder but the files beside it, as POSIX paths.

    Files of the pack sit at the top or one folder down, so the listing goes no deeper: a folder
    found one level down is listed itself (it does not belong in a pack). Hidden folders
    (``.git``) are skipped; symbolic links are listed, never followed.
    """
    found = []
    for top in _entries(directory, "."):
        if top.name in BESIDE_THE_PACK:
            continue
        if top.is_dir(follow_symlinks=False):
            found += [f"{top.name}/{e.name}" for e in _entries(Path(top.path), f"{top.name}/")]
        else:
            found.append(top.name)
    return found


def _entries(folder: Path, display: str) -> list[os.DirEntry[str]]:
    """The entries of ``folder`` by name, without hidden folders; ContentError if unlistable."""
    try:
        with os.scandir(folder) as scan:
            entries = [e for e in scan if not (e.name.startswith(".") and e.is_dir())]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        problem = ContentProblem(display, None, None, f"this folder cannot be listed: {reason}")
        raise ContentError([problem]) from None
    return sorted(entries, key=lambda entry: entry.name)


def _verify_files(
    directory: Path, manifest: Manifest, manifest_bytes: bytes
) -> tuple[dict[str, bytes], list[ContentProblem]]:
    problems: list[ContentProblem] = []
    contents: dict[str, bytes] = {}
    for name in pack_files(directory):
        if name in manifest.files:
            continue
        if (directory / name).is_dir() and not (directory / name).is_symlink():
            message = "is a folder that does not belong in a pack; remove it"
        else:
            message = f"is not listed in {MANIFEST}; remove it or run `ketaref content seal`"
        problems.append(ContentProblem(name, None, None, message))
    for name, entry in manifest.files.items():
        if reason := check_manifest_path(name):
            message = f"lists “{name}”: {reason}"
            problems.append(_problem_at(MANIFEST, manifest_bytes, ("files", name), message, True))
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


def _paths_with(data: Any, key: str, value: str, path: DataPath = ()) -> Iterator[DataPath]:
    """Every place in parsed data where ``key: value`` is written, in file order."""
    if isinstance(data, dict):
        for child_key, child in data.items():
            if child_key == key and (
                child == value or (isinstance(child, (list, tuple)) and value in child)
            ):
                yield (*path, key)
            else:
                yield from _paths_with(child, key, value, (*path, child_key))
    elif isinstance(data, (list, tuple)):
        for index, child in enumerate(data):
            yield from _paths_with(child, key, value, (*path, index))


def _problems_at(file: str, raw: bytes, key: str, value: str, message: str) -> list[ContentProblem]:
    """One problem for each place ``key: value`` is written in the file ``raw``.

    The file is parsed again for its line marks: keeping every file's marks for the few
    problems found across files would cost more than re-reading the one file that has them.
    """
    document = parse(raw)
    problems = []
    for path in _paths_with(document.data, key, value):
        line, column = document.position(path) or (None, None)
        problems.append(ContentProblem(file, line, column, message))
    return problems or [ContentProblem(file, None, None, message)]


def cited_parts(item: Any) -> list[Statement | ChecklistItem]:
    """Every text of an item that carries a citation: its statements, then (for a checklist) its
    cited items, in reading order."""
    cited_things: list[Statement | ChecklistItem] = list(statements_in(item))
    if isinstance(item, Checklist):
        cited_things += [i for s in item.sections for i in s.items if i.source is not None]
    return cited_things


def cited_sources(item: Any) -> list[str]:
    """Every source id an item cites, statements and checklist items alike."""
    cited: list[str] = []
    for thing in cited_parts(item):
        if thing.source is not None:  # always: cited parts only
            cited.append(thing.source)
        for citation in thing.also_cited:  # mostly none: a loop builds no list for them
            cited.append(citation.source)
    return cited


@dataclass(frozen=True)
class _Parsed:
    """One content file after parsing: its name, its bytes, and its model."""

    file: str
    raw: bytes
    item: Any


def _cross_check(
    sources: Mapping[str, Source] | None, items: Mapping[str, _Parsed], unread: set[str]
) -> list[ContentProblem]:
    """Source ids, checklist and contraindication links that lead nowhere.

    ``sources`` is None when sources.yaml could not be read, and ``unread`` holds the names
    of content files that could not be: their problems are reported already, and every
    reference to them would only repeat those.
    """
    problems: list[ContentProblem] = []
    links = [
        (field, info, model_of(kind))
        for kind, info in KINDS.items()
        if (field := info.link_field) is not None
    ]
    known_sources = set(sources or ())  # once, not once per item
    for parsed in items.values():
        for source_id in sorted(set(cited_sources(parsed.item)) - known_sources):
            if sources is None:
                break
            message = f"cites the source “{source_id}”, which is not in {SOURCES}"
            problems += _problems_at(parsed.file, parsed.raw, "source", source_id, message)
        if not isinstance(parsed.item, Protocol):
            continue
        for field_name, info, model in links:
            for ref in linked_ids(parsed.item, info.kind):
                target = items.get(ref)
                if ref in unread or (target and isinstance(target.item, model)):
                    continue
                message = f"{field_name}: there is no {info.noun} “{ref}” in this pack"
                problems += _problems_at(parsed.file, parsed.raw, field_name, ref, message)
    problems += _applies_to_problems(items)
    problems += _slot_id_problems(items)
    return problems


def _slot_id_problems(items: Mapping[str, _Parsed]) -> list[ContentProblem]:
    """A slot id declared twice: a clinic's local rule must fill exactly one place."""
    problems: list[ContentProblem] = []
    for item_id, slot_id, message in slot_problems(parsed.item for parsed in items.values()):
        parsed = items[item_id]
        found = _problems_at(parsed.file, parsed.raw, "id", slot_id, message)
        problems.append(found[-1])
    return problems


def _applies_to_problems(items: Mapping[str, _Parsed]) -> list[ContentProblem]:
    """Checklist items limited (``applies_to``) to a protocol that does not use the checklist."""
    problems: list[ContentProblem] = []
    users_of: dict[str, set[str]] = {}  # checklist id → the protocols that use it, in one pass
    for parsed in items.values():
        if isinstance(parsed.item, Protocol) and parsed.item.checklist:
            users_of.setdefault(parsed.item.checklist, set()).add(parsed.item.id)
    for parsed in items.values():
        if not isinstance(parsed.item, Checklist):
            continue
        users = users_of.get(parsed.item.id, set())
        for item in parsed.item.items():
            if item.protocol_slot is not None:
                problems += _protocol_slot_problems(parsed, item, items)
            for protocol_id in sorted(set(item.applies_to) - users):
                message = (
                    f"applies_to: “{protocol_id}” is not a protocol that uses this checklist"
                    f" ({', '.join(sorted(users)) or 'none does'})"
                )
                problems += _problems_at(
                    parsed.file, parsed.raw, "applies_to", protocol_id, message
                )
    return problems


def _protocol_slot_problems(
    parsed: _Parsed, item: ChecklistItem, items: Mapping[str, _Parsed]
) -> list[ContentProblem]:
    """An item taking the protocol's slot, on the sheet of a protocol that has no such slot."""
    problems: list[ContentProblem] = []
    for other in items.values():
        protocol = other.item
        if not isinstance(protocol, Protocol) or protocol.checklist != parsed.item.id:
            continue
        if item.applies_to and protocol.id not in item.applies_to:
            continue
        if item.local_slot(protocol) is None:
            message = (
                f"protocol_slot: the sheet of “{protocol.id}” carries this item, but that"
                f" protocol has no site-defined {item.protocol_slot} slot to take"
            )
            problems += _problems_at(
                parsed.file, parsed.raw, "protocol_slot", str(item.protocol_slot), message
            )
    return problems


def _read_sources(raw: bytes) -> tuple[dict[str, Source], list[ContentProblem]]:
    source_list, problems = _parse(raw, SourceList, SOURCES)
    sources: dict[str, Source] = {}
    for index, source in enumerate(source_list.sources if source_list else ()):
        if source.id in sources:
            message = f"the source id “{source.id}” appears twice"
            problems.append(_problem_at(SOURCES, raw, ("sources", index, "id"), message))
        sources[source.id] = source
    return sources, problems


def _stem(name: str) -> str:
    """``protocols/spravato-trd.yaml`` → ``spravato-trd`` (cheaper than pathlib, called per file)."""
    return name.rpartition("/")[2].removesuffix(".yaml")


def _read_items(contents: Mapping[str, bytes]) -> tuple[dict[str, _Parsed], list[ContentProblem]]:
    problems: list[ContentProblem] = []
    items: dict[str, _Parsed] = {}
    for name, raw in contents.items():
        folder = name.partition("/")[0]  # a checked path: FOLDER/ID.yaml or sources.yaml
        if folder not in KIND_DIRS:
            continue
        item, item_problems = _parse(raw, KIND_DIRS[folder], name)
        problems += item_problems
        if item is None:
            continue
        stem = _stem(name)
        if item.id != stem:
            message = f"id “{item.id}” must match the file name “{stem}”"
            problems.append(_problem_at(name, raw, ("id",), message))
        if item.id in items:
            message = f"id “{item.id}” is also used by {items[item.id].file}"
            problems.append(_problem_at(name, raw, ("id",), message))
            continue
        items[item.id] = _Parsed(name, raw, item)
    return items, problems


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Loading makes hundreds of thousands of short-lived objects and no reference cycles; the
    cycle collector would walk them over and over for nothing (a fifth of a large pack's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_pack(directory: Path) -> Library:
    """Load and fully check the pack in ``directory``; raise ContentError listing every problem."""
    with _cycle_collector_paused():
        return _load_pack(Path(directory))


def _load_pack(directory: Path) -> Library:
    if trouble := folder_trouble(directory):
        raise _refuse(str(directory), f"is not a folder holding a content pack ({trouble})")
    manifest, manifest_bytes = _read_manifest(directory)
    contents, problems = _verify_files(directory, manifest, manifest_bytes)
    if SOURCES not in manifest.files:
        message = f"does not list {SOURCES}"
        problems.append(_problem_at(MANIFEST, manifest_bytes, ("files",), message, key=True))

    sources: dict[str, Source] = {}
    source_problems: list[ContentProblem] = []
    if SOURCES in contents:
        sources, source_problems = _read_sources(contents[SOURCES])
        problems += source_problems
    items, item_problems = _read_items(contents)
    problems += item_problems
    glossary: Glossary | None = None
    if GLOSSARY in contents:
        glossary, glossary_problems = _parse(contents[GLOSSARY], Glossary, GLOSSARY)
        problems += glossary_problems
    read = {parsed.file for parsed in items.values()}
    unread = {_stem(name) for name in manifest.files if name not in read}
    sources_read = SOURCES in contents and not source_problems
    problems += _cross_check(sources if sources_read else None, items, unread)
    if problems:
        raise ContentError(problems)

    def of(kind: type) -> Mapping[str, Any]:
        chosen = {i: p.item for i, p in sorted(items.items()) if isinstance(p.item, kind)}
        return MappingProxyType(chosen)

    return Library(
        directory=directory,
        manifest=manifest,
        manifest_bytes=manifest_bytes,
        sources=MappingProxyType(dict(sorted(sources.items()))),
        protocols=of(Protocol),
        checklists=of(Checklist),
        contraindications=of(ContraindicationList),
        glossary=glossary.entries if glossary else (),
    )
