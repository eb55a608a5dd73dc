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

from ketaref.content.format.pack import Library
from ketaref.content.format.quantity import Quantity, format_decimal, prose_quantities
from ketaref.content.lifecycle.diff import diff_packs
from ketaref.content.lifecycle.seal import seal
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
    assert "sources.yaml:" in result.stderr
    assert "cannot compare" in result.stderr
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


# --- numbers inside reworded text (issue 19) ----------------------------------------------------

FOLDERS = {
    "protocol": "protocols",
    "checklist": "checklists",
    "contraindications": "contraindications",
}


def texts_of(library: Library, item_id: str, part: str) -> tuple[str, list[str]]:
    """The file of an item and the texts of one ``part`` of it, by structure, not wording."""
    found = library.item(item_id)
    assert found, item_id
    kind, item = found
    if part == "disagreements":
        texts = [s.text for d in item.disagreements for s in d.statements]
    elif part == "checklist items":
        texts = [i.text for section in item.sections for i in section.items]
    elif part == "contraindications":
        texts = [entry.text for entry in item.items]
    else:
        texts = [s.text for s in getattr(item, part)]
    return f"{FOLDERS[kind]}/{item_id}.yaml", texts


def reword_quantity(
    pack: Path, library: Library, item_id: str, part: str, unit: str, times: str
) -> tuple[str, str]:
    """Multiply the first single quantity in ``unit`` in that part's texts by ``times`` (or, if
    ``times`` holds a unit, write that unit instead); return the quantity as it was and now."""
    name, texts = texts_of(library, item_id, part)
    for text in texts:
        quantity = next((q for q in prose_quantities(text) if q.unit == unit and not q.high), None)
        if quantity is not None:
            number = format_decimal(quantity.low)
            if " " in times:  # "1 mcg": the same number in another unit
                written = f"{number} {times.split()[1]}"
            else:
                product = format_decimal(quantity.low * Decimal(times))
                written = quantity.written.replace(number, product, 1)
            edit(pack, name, f'"{text}"', f'"{text.replace(quantity.written, written, 1)}"')
            return quantity.written, written
    raise AssertionError(f"no {unit} quantity in {item_id} {part}; update this test")


def item_lines(stdout: str, item_id: str) -> list[str]:
    """The lines of one item's entry in the text diff."""
    lines = stdout.splitlines()
    start = next(n for n, line in enumerate(lines) if f" {item_id} (" in line)
    entry = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        entry.append(line.strip())
    return entry


@pytest.mark.parametrize(
    ("item_id", "part", "unit", "times", "factor"),
    [
        ("spravato-trd", "summary", "mg", "1.25", "×1.25"),
        ("spravato-session", "checklist items", "min", "1.5", "×1.5"),
        ("ketamine-label-contraindications", "contraindications", "h", "0.5", "÷2"),
        ("iv-ketamine-chronic-pain", "disagreements", "mg/kg", "10", "×10"),
    ],
)
def test_a_number_changed_inside_prose_is_a_number_change(
    cli: Cli,
    old_pack: Path,
    pack_copy: Path,
    bundled_library: Library,
    item_id: str,
    part: str,
    unit: str,
    times: str,
    factor: str,
) -> None:
    was, written = reword_quantity(pack_copy, bundled_library, item_id, part, unit, times)
    result = cli("content", "diff", old_pack, pack_copy)
    entry = item_lines(result.stdout, item_id)
    (number,) = [line for line in entry if "(in the text)" in line]
    assert f": {was} → {written}  ({factor})" in number
    assert entry[0] == number, "number changes come first, before the wording"
    assert entry[1].startswith("reworded ")
    large = factor in ("÷2", "×10")
    assert ("! factor 2 or more" in number) == large
    assert ("FLAGGED" in number) == (factor == "×10")
    assert result.returncode == (1 if factor == "×10" else 0)
    summary = result.stdout.splitlines()[1]
    assert summary.startswith(f"summary: 1 number change, {int(large)} large (a factor of 2 or")

    document = json.loads(cli("content", "diff", old_pack, pack_copy, "--json").stdout)
    assert document["summary"]["number_changes"] == 1
    assert document["summary"]["large_number_changes"] == int(large)
    (item,) = document["items"]
    first, reworded = item["changes"]
    assert (first["old"], first["new"], first["in_text"]) == (was, written, True)
    assert reworded["category"] == "text"
    assert reworded["number_changes"] == [first]


def test_a_unit_changed_inside_prose_is_flagged(
    cli: Cli, old_pack: Path, pack_copy: Path, bundled_library: Library
) -> None:
    was, written = reword_quantity(
        pack_copy, bundled_library, "spravato-trd", "summary", "mg", "1 mcg"
    )
    assert written.endswith(" mcg")
    result = cli("content", "diff", old_pack, pack_copy)
    entry = item_lines(result.stdout, "spravato-trd")
    (number,) = [line for line in entry if "(in the text)" in line]
    assert f": {was} → {written}  !! FLAGGED" in number
    assert result.returncode == 1


def test_a_number_that_appears_or_disappears_is_a_number_change(
    cli: Cli, old_pack: Path, pack_copy: Path, bundled_library: Library
) -> None:
    name, texts = texts_of(bundled_library, "spravato-session", "checklist items")
    text = next(t for t in texts if [q.unit for q in prose_quantities(t)] == ["h", "min"])
    shorter = text.split(" and ")[0] + " before dosing, and 1 glass of water (200 mL) at most."
    edit(pack_copy, name, f'"{text}"', f'"{shorter}"')
    entry = item_lines(cli("content", "diff", old_pack, pack_copy).stdout, "spravato-session")
    numbers = [line for line in entry if "(in the text)" in line]
    assert [line.split(": ", 1)[1] for line in numbers] == [
        "30 minutes disappeared",
        "200 mL appeared",
    ]


def test_a_number_moved_but_not_changed_is_wording_only(
    cli: Cli, old_pack: Path, pack_copy: Path, bundled_library: Library
) -> None:
    name, texts = texts_of(bundled_library, "spravato-session", "checklist items")
    text = next(t for t in texts if [q.unit for q in prose_quantities(t)] == ["h", "min"])
    first, second = text.split(" before dosing")[0].split(" and ")
    moved = text.replace(f"{first} and {second}", f"{second.capitalize()} and {first.lower()}")
    assert moved != text
    assert sorted(map(str, prose_quantities(moved))) == sorted(map(str, prose_quantities(text)))
    edit(pack_copy, name, f'"{text}"', f'"{moved}"')
    result = cli("content", "diff", old_pack, pack_copy)
    (line,) = item_lines(result.stdout, "spravato-session")
    assert line.startswith("reworded ")
    assert result.stdout.splitlines()[1].startswith("summary: 0 number changes")
    document = json.loads(cli("content", "diff", old_pack, pack_copy, "--json").stdout)
    (change,) = document["items"][0]["changes"]
    assert change["number_changes"] == []


def test_the_summary_counts_items_added_and_removed(
    cli: Cli, old_pack: Path, pack_copy: Path
) -> None:
    (pack_copy / "contraindications" / "spravato-contraindications.yaml").rename(
        pack_copy / "contraindications" / "spravato-contraindications-copy.yaml"
    )
    edit(
        pack_copy,
        "contraindications/spravato-contraindications-copy.yaml",
        "id: spravato-contraindications",
        "id: spravato-contraindications-copy",
    )
    for protocol in ("spravato-trd", "spravato-mdsi"):
        edit(
            pack_copy,
            f"protocols/{protocol}.yaml",
            "contraindications: [spravato-contraindications]\n",
            "contraindications: [spravato-contraindications-copy]\n",
        )
    summary = cli("content", "diff", old_pack, pack_copy).stdout.splitlines()[1]
    assert summary.endswith("; 1 item added, 1 removed")


def test_two_different_packs_under_one_version_are_warned_about(
    cli: Cli, old_pack: Path, pack_copy: Path
) -> None:
    edit(pack_copy, PROTOCOL, *TENFOLD_DOSES)
    result = cli("content", "diff", old_pack, pack_copy)
    version = json.loads(cli("content", "diff", old_pack, pack_copy, "--json").stdout)["new"][
        "content_version"
    ]
    assert f"warning: both packs carry content_version {version} but differ" in result.stdout
    document = json.loads(cli("content", "diff", old_pack, pack_copy, "--json").stdout)
    assert document["warnings"]
    assert "raise content_version" in document["warnings"][0]
    assert "warning:" not in cli("content", "diff", old_pack, old_pack).stdout


def with_summary_text(library: Library, text: str) -> Library:
    """The library with spravato-trd's first summary statement worded as ``text``."""
    protocol = library.protocols["spravato-trd"]
    first = protocol.summary[0].model_copy(update={"text": text})
    protocols = dict(library.protocols)
    summary = (first, *protocol.summary[1:])
    protocols["spravato-trd"] = protocol.model_copy(update={"summary": summary})
    return dataclasses.replace(library, protocols=MappingProxyType(protocols))


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000"), places=2)


@settings(max_examples=60, deadline=None)
@given(old=amounts, new=amounts, unit=st.sampled_from(["mg", "mg/kg", "minutes", "mmHg"]))
def test_every_number_change_in_prose_is_reported_with_its_factor(
    bundled_library: Library, old: Decimal, new: Decimal, unit: str
) -> None:
    def worded(value: Decimal) -> str:
        return f"Studied at {format_decimal(value)} {unit}, then 40 min later at 28 mg again."

    before = with_summary_text(bundled_library, worded(old))
    result = diff_packs(before, with_summary_text(bundled_library, worded(new)))
    if old == new:
        assert result.items == ()
        return
    numbers = [change for change in result.items[0].changes if change.is_number]
    (change,) = numbers
    assert change.ratio == max(new / old, old / new)
    assert change.large == (change.ratio >= 2)
    assert change.flagged == (change.ratio >= 10)
    assert result.items[0].changes[0] is change
