"""``ketaref content …``: validate, seal, list, show and schema of content packs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, assert_never

from ketaref.cli.common import EXIT_OK, CliError, notice, print_json, report_invalid
from ketaref.content.format.kinds import KINDS, kinds_in_words
from ketaref.content.format.problems import ContentError
from ketaref.text import plural

if TYPE_CHECKING:
    from ketaref.cli.common import SubParsers
    from ketaref.content.format.model import ContentItem


def active_or_exit(policy: Any = None) -> Any:
    """The content pack in use, after telling the user on stderr about any refused site pack.

    ``policy`` defaults to reading it now; a caller that needs it too passes its own reading.
    """
    from ketaref.content.in_use.active import load_active_content
    from ketaref.policy import load_policy

    policy = policy if policy is not None else load_policy()
    for problem in policy.problems:
        notice(problem)
    try:
        active = load_active_content(policy)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise CliError(
            f"the bundled content is invalid ({exc.summary}); reinstall ketaref", 1
        ) from None
    for message in active.notices:
        notice(message)
    return active


def _validate(args: argparse.Namespace) -> int:
    from ketaref.content.format.pack import load_pack

    started = time.perf_counter()
    if args.directory:
        directory = Path(args.directory)
        try:
            library = load_pack(directory)
        except ContentError as exc:
            return report_invalid(directory, exc)
    else:  # the pack in use, checked as it was chosen (a refused site pack is said on stderr)
        library = active_or_exit().library
        directory = library.directory
    elapsed = (time.perf_counter() - started) * 1000
    counts = ", ".join(
        [plural(len(library.of_kind(k)), i.noun, i.nouns) for k, i in KINDS.items()]
        + [plural(len(library.sources), "source")]
    )
    notice(
        f"{directory}: valid — content {library.version} ({library.pack_hash}), "
        f"{counts}; checked in {elapsed:.0f} ms"
    )
    return EXIT_OK


def _seal(args: argparse.Namespace) -> int:
    from ketaref.content.lifecycle.seal import seal

    try:
        sealed = seal(Path(args.directory), same_version=args.same_version)
    except ContentError as exc:
        return report_invalid(args.directory, exc)
    except OSError as exc:
        raise CliError(f"cannot write {args.directory}/manifest.yaml: {exc.strerror}") from None
    notice(f"sealed {plural(len(sealed), 'file')} into {args.directory}/manifest.yaml")
    return EXIT_OK


def _summary(item: ContentItem) -> dict[str, Any]:
    from ketaref.content.format.kinds import kind_of
    from ketaref.content.format.model import Checklist, ContraindicationList, Protocol

    entry: dict[str, Any] = {"id": item.id, "kind": kind_of(item), "title": item.title}
    match item:
        case Protocol():
            entry |= {
                "status": item.regulatory_status.value,
                "indication": item.indication,
                "checklist": item.checklist,
                "contraindications": list(item.contraindications),
            }
        case ContraindicationList():
            entry |= {"status": None, "indication": item.applies_to}
        case Checklist():
            entry |= {"status": None, "indication": None}
        case _:
            assert_never(item)
    return entry


def _list(args: argparse.Namespace) -> int:
    library = active_or_exit().library
    entries = [_summary(item) for _, item in library.items()]
    if args.json:
        print_json(entries)
        return EXIT_OK
    id_width = max((len(entry["id"]) for entry in entries), default=0)
    for entry in entries:
        status = entry["status"] or ""
        print(f"{entry['kind']:<18} {entry['id']:<{id_width}}  {status:<24} {entry['title']}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from ketaref.content.in_use.render_text import render_item

    library = active_or_exit().library
    found = library.item(args.id)
    if found is None:
        known = ", ".join(item.id for _, item in library.items())
        raise CliError(f"no {kinds_in_words('or')} “{args.id}”; known: {known}")
    kind, item = found
    if args.json:
        document = item.model_dump(mode="json")
        document["kind"] = kind
        document["content_version"] = library.version
        document["pack_hash"] = library.pack_hash
        document["reviewed"] = library.reviewed
        print_json(document)
    else:
        sys.stdout.write(render_item(library, item))
    return EXIT_OK


def _schema(_args: argparse.Namespace) -> int:
    from ketaref.content.format.schema import content_schema

    print_json(content_schema())
    return EXIT_OK


def register(subparsers: SubParsers, groups: dict[str, SubParsers]) -> None:
    """Add ``ketaref content`` and its sub-commands."""
    content = subparsers.add_parser("content", help="validate, seal, list and show content packs")
    commands = content.add_subparsers(dest="content_command", metavar="COMMAND", required=True)
    groups["content"] = commands

    validate = commands.add_parser("validate", help="check a pack and list every problem")
    validate.add_argument("directory", nargs="?", help="pack folder (default: the one in use)")
    validate.set_defaults(handler=_validate)

    seal = commands.add_parser(
        "seal",
        help="record every file's sha256 and length in the manifest",
        description=(
            "Record every file's sha256 and length in DIR/manifest.yaml. Refuses (exit 1) files"
            " that do not parse, and changed files under the content_version they were last"
            " sealed under: raise content_version first."
        ),
    )
    seal.add_argument("directory", help="pack folder")
    seal.add_argument(
        "--same-version",
        action="store_true",
        help="seal changed files under the version they had (on purpose, e.g. a changelog typo)",
    )
    seal.set_defaults(handler=_seal)

    listing = commands.add_parser("list", help=f"every {kinds_in_words()}")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="one item with every statement and its citation")
    show.add_argument("id", help=f"{kinds_in_words('or')} id")
    show.add_argument("--json", action="store_true", help="print the item's full model as JSON")
    show.set_defaults(handler=_show)

    schema = commands.add_parser("schema", help="JSON Schema of the content files")
    schema.set_defaults(handler=_schema)
