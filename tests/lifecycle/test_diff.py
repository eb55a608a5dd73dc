"""``ketaref content diff``: what changed between two packs, in the terms a reviewer checks."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketaref.content.diff import diff_packs
from ketaref.content.pack import Library
from ketaref.content.quantity import Quantity
from ketaref.content.seal import seal
from tests.conftest import Cli

PROTOCOL = "protocols/spravato-trd.yaml"
TENFOLD_DOSES = ('doses: ["56 mg", "84 mg"]', 'doses: ["56 mg", "840 mg"]')


@pytest.fixture
def old_pack(tmp_path: Path, pack_copy: Path) -> Path:
    """An untouched copy of the bundled pack (``pack_copy`` is the one tests edit)."""
    return Path(shutil.copytree(pack_copy, tmp_path / "old"))


def edit(pack: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in one file of ``pack`` and re-seal the pack."""
    path = pack / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} no longer holds {old!r}; update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    seal(pack, same_version=True)


def test_a_pack_compared_with_itself_has_no_differences(cli: Cli, old_pack: Path) -> None:
    result = cli("content", "diff", old_pack, old_pack)
    assert result.returncode == 0
    assert result.stdout.splitlines()[1] == "no differences"


def test_a_tenfold_dose_change_is_flagged(cli: Cli, old_pack: Path, pack_copy: Path) -> None:
    edit(pack_copy, PROTOCOL, *TENFOLD_DOSES)
    result = cli("content", "diff", old_pack, pack_copy)
    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if "FLAGGED" in line]
    assert line.strip().startswith("dose schedule “")
    assert "› doses #2: 84 mg → 840 mg  (×10)" in line
    assert result.stdout.endswith("1 change flagged for review\n")

    document = json.loads(cli("content", "diff", old_pack, pack_copy, "--json").stdout)
    assert document["flagged"] == 1
    (item,) = document["items"]
    assert (item["kind"], item["id"], item["status"]) == ("protocol", "spravato-trd", "changed")
    (change,) = item["changes"]
    assert change["category"] == "dose"
    assert (change["old"], change["new"], change["ratio"]) == ("84 mg", "840 mg", "10")
    assert change["flagged"] is True


def test_a_new_change_reason_clears_the_flag(cli: Cli, old_pack: Path, pack_copy: Path) -> None:
    old, new = TENFOLD_DOSES
    reason = 'change_reason: "Drug committee decision 2026-12: local trial protocol."'
    edit(pack_copy, PROTOCOL, old, f"{new}\n    {reason}")
    result = cli("content", "diff", old_pack, pack_copy)
    assert result.returncode == 0
    assert "[reason: Drug committee decision 2026-12: local trial protocol.]" in result.stdout
    assert "FLAGGED" not in result.stdout


def test_a_reason_left_from_an_earlier_version_does_not_clear_the_flag(
    cli: Cli, old_pack: Path, pack_copy: Path
) -> None:
    old, new = TENFOLD_DOSES
    reason = 'change_reason: "Earlier change."'
    edit(old_pack, PROTOCOL, old, f"{old}\n    {reason}")
    edit(pack_copy, PROTOCOL, old, f"{new}\n    {reason}")
    assert cli("content", "diff", old_pack, pack_copy).returncode == 1


def test_an_inserted_warning_is_one_addition_not_a_rewording_of_the_rest(
    cli: Cli, old_pack: Path, pack_copy: Path
) -> None:
    added = (
        '  - text: "Local rule: a second nurse checks the device count."\n'
        "    source: spravato-dailymed-2025\n"
        '    locator: "Boxed Warning"\n'
    )
    edit(pack_copy, PROTOCOL, "warnings:\n", f"warnings:\n{added}")
    document = json.loads(cli("content", "diff", old_pack, pack_copy, "--json").stdout)
    (change,) = document["items"][0]["changes"]
    assert change["category"] == "added"
    assert change["path"] == "warnings #1"
    assert change["new"] == "Local rule: a second nurse checks the device count."


def test_rewording_and_citation_changes_are_shown(
    cli: Cli, old_pack: Path, pack_copy: Path
) -> None:
    text = (pack_copy / PROTOCOL).read_text(encoding="utf-8")
    first = re.search(
        r'^warnings:\n  - text: "([^"]+)"\n    source: \S+\n    locator: "([^"]+)"\n',
        text,
        re.MULTILINE,
    )
    assert first, "the protocol's first warning is not written as expected; update this test"
    wording, locator = first.groups()
    block = first.group(0)
    changed = block.replace(wording, f"{wording} Local emphasis.").replace(
        f'locator: "{locator}"', f'locator: "{locator}, line 2"'
    )
    edit(pack_copy, PROTOCOL, block, changed)
    result = cli("content", "diff", old_pack, pack_copy)
    assert result.returncode == 0
    assert "  reworded warnings #1: “" in result.stdout
    assert "Local emphasis.”" in result.stdout
    assert f"citation changed warnings #1 › locator: “{locator}” → “{locator}, line 2”" in (
        result.stdout
    )


def test_added_and_removed_items_and_sources(cli: Cli, old_pack: Path, pack_copy: Path) -> None:
    source = pack_copy / "contraindications" / "spravato-contraindications.yaml"
    copy = source.with_name("local-contraindications.yaml")
    copy.write_text(
        source.read_text(encoding="utf-8").replace(
            "id: spravato-contraindications", "id: local-contraindications", 1
        ),
        encoding="utf-8",
    )
    sources = (pack_copy / "sources.yaml").read_text(encoding="utf-8")
    url = re.search(r"url: (\S+)", sources)
    assert url
    edit(pack_copy, "sources.yaml", url.group(0), url.group(0) + "&local=1")
    forward = json.loads(cli("content", "diff", old_pack, pack_copy, "--json").stdout)
    assert [(i["id"], i["status"]) for i in forward["items"]] == [
        ("local-contraindications", "added")
    ]
    (source_change,) = forward["sources"]
    assert source_change["path"].endswith(" › url")
    backward = cli("content", "diff", pack_copy, old_pack)
    assert "contraindications local-contraindications (" in backward.stdout
    assert (
        backward.stdout.split("local-contraindications (", 1)[1]
        .split("\n")[0]
        .endswith(": removed")
    )


def test_manifest_changes_are_listed(cli: Cli, old_pack: Path, pack_copy: Path) -> None:
    manifest = (pack_copy / "manifest.yaml").read_text(encoding="utf-8")
    version = re.search(r'content_version: "([^"]+)"', manifest)
    assert version
    edit(pack_copy, "manifest.yaml", version.group(0), 'content_version: "2099.1.0"')
    result = cli("content", "diff", old_pack, pack_copy)
    assert f"manifest: field content_version: {version.group(1)} → 2099.1.0" in result.stdout


def test_a_missing_folder_is_a_usage_error(cli: Cli, old_pack: Path, tmp_path: Path) -> None:
    result = cli("content", "diff", old_pack, tmp_path / "nowhere")
    assert result.returncode == 2
    assert "cannot compare: no such folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_pack_fails_like_validate(cli: Cli, old_pack: Path, pack_copy: Path) -> None:
    (pack_copy / "sources.yaml").write_text("sources: [unclosed\n")
    result = cli("content", "diff", old_pack, pack_copy)
    assert result.returncode == 1
    assert "sources.yaml:" in result.stderr and "cannot compare" in result.stderr
    assert "Traceback" not in result.stderr


def with_first_dose(library: Library, value: Decimal) -> Library:
    """The library with the first listed dose of spravato-trd's schedule set to ``value`` mg."""
    protocol = library.protocols["spravato-trd"]
    row = next(r for r in protocol.schedule if r.doses)
    changed = row.model_copy(update={"doses": (Quantity(value, row.doses[0].unit), *row.doses[1:])})
    schedule = tuple(changed if r is row else r for r in protocol.schedule)
    protocols = dict(library.protocols)
    protocols["spravato-trd"] = protocol.model_copy(update={"schedule": schedule})
    return dataclasses.replace(library, protocols=MappingProxyType(protocols))


@settings(max_examples=60, deadline=None)
@given(new=st.decimals(min_value=Decimal("0"), max_value=Decimal("10000"), places=2))
def test_exactly_the_tenfold_changes_are_flagged(bundled_library: Library, new: Decimal) -> None:
    row = next(r for r in bundled_library.protocols["spravato-trd"].schedule if r.doses)
    old = row.doses[0].value
    result = diff_packs(bundled_library, with_first_dose(bundled_library, new))
    if new == old:
        assert result.items == ()
        return
    (change,) = result.items[0].changes
    tenfold = new == 0 or max(new / old, old / new) >= 10
    assert change.flagged == tenfold
    assert change.category == "dose"
    assert change.grew == (new > old)
