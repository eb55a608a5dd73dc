"""The ``ketaref content`` commands and ``--version`` keep to docs/cli.md."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ketaref import __version__
from ketaref.content.format.model import Protocol, statements_in
from ketaref.content.format.pack import Library
from tests.content.packs import run_cli

VERSION_LINE = re.compile(
    r"^ketaref (?P<app>\d+\.\d+\.\d+\S*) · content (?P<content>\d+(?:\.\d+){1,3}) "
    r"\((?P<hash>[0-9a-f]{12})\)$"
)


def json_out(*args: str) -> Any:
    """Run a command that must print exactly one JSON document and succeed."""
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # fails on anything but one JSON document


def test_version_is_one_line_with_app_content_and_pack_hash(bundled_library: Library) -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1
    match = VERSION_LINE.match(result.stdout.rstrip("\n"))
    assert match, result.stdout
    assert match["app"] == __version__
    assert match["content"] == bundled_library.version
    assert match["hash"] == bundled_library.pack_hash


def test_validate_bundled_pack_prints_no_problem_and_a_summary(bundled_library: Library) -> None:
    result = run_cli("content", "validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert bundled_library.pack_hash in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_list_json_names_every_item_with_the_contract_keys(bundled_library: Library) -> None:
    entries = json_out("content", "list", "--json")
    assert isinstance(entries, list)
    expected = {(kind, item.id) for kind, item in bundled_library.items()}
    assert {(e["kind"], e["id"]) for e in entries} == expected
    for entry in entries:
        assert {"id", "kind", "title", "status", "indication"} <= entry.keys()
        assert entry["kind"] in {"protocol", "checklist", "contraindications"}
        assert isinstance(entry["title"], str)
        assert entry["title"]
        if entry["kind"] == "protocol":
            protocol = bundled_library.protocols[entry["id"]]
            assert entry["checklist"] == protocol.checklist
            assert entry["contraindications"] == list(protocol.contraindications)
            assert entry["status"] == protocol.regulatory_status.value
            assert entry["indication"] == protocol.indication


def test_list_text_has_one_line_per_item(bundled_library: Library) -> None:
    result = run_cli("content", "list")
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == len(bundled_library.items())


def cited_objects(value: Any) -> list[dict[str, Any]]:
    """Every JSON object that carries a ``source`` (a cited statement or item)."""
    found = []
    if isinstance(value, dict):
        if "source" in value and value["source"] is not None:
            found.append(value)
        for child in value.values():
            found += cited_objects(child)
    elif isinstance(value, list):
        for child in value:
            found += cited_objects(child)
    return found


def all_ids(library: Library) -> list[str]:
    return [item.id for _, item in library.items()]


@pytest.mark.parametrize(
    "item_id", ["spravato-trd", "spravato-session", "spravato-contraindications"]
)
def test_show_json_is_the_full_model_with_every_citation(
    item_id: str, bundled_library: Library
) -> None:
    assert item_id in all_ids(bundled_library)
    kind, item = bundled_library.item(item_id) or ("", None)
    assert item is not None
    document = json_out("content", "show", item_id, "--json")
    assert document["kind"] == kind
    assert document["content_version"] == bundled_library.version
    assert document["pack_hash"] == bundled_library.pack_hash
    assert document["reviewed"] is False
    model_part = {k: v for k, v in document.items() if k in type(item).model_fields}
    assert type(item).model_validate_json(json.dumps(model_part)) == item
    cited = cited_objects(document)
    assert cited
    for statement in cited:
        assert statement["source"] in bundled_library.sources
        assert isinstance(statement["locator"], str)
        assert statement["locator"]
    if isinstance(item, Protocol):
        assert len(cited) >= len(statements_in(item))


@pytest.mark.parametrize(
    "item_id", ["spravato-trd", "spravato-session", "spravato-contraindications"]
)
def test_show_text_cites_and_says_not_reviewed(item_id: str) -> None:
    result = run_cli("content", "show", item_id)
    assert result.returncode == 0, result.stderr
    assert "NOT YET CLINICALLY REVIEWED" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("content",),
        ("content", "show"),
        ("content", "show", "no-such-item"),
        ("content", "seal"),
        ("content", "list", "--jsn"),
        ("no-such-command",),
    ],
)
def test_bad_usage_exits_2_without_traceback(args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_show_names_every_contraindication_list_a_protocol_links() -> None:
    result = run_cli("content", "show", "iv-ketamine-chronic-pain")
    assert result.returncode == 0, result.stderr
    assert (
        "contraindications iv-ketamine-pain-contraindications, ketamine-label-contraindications"
    ) in result.stdout
