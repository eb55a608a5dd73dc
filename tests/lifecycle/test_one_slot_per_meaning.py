"""One slot per meaning: the IV sheet's observation time is the protocol's own slot.

A clinic sets each value in one place. The sheet printed for a protocol shows that protocol's
value; a file still naming the sheet's removed slot has that rule reported and not used, while
its other rules stay in force. Every local-rule value here is test data
(tests/local_rule_files.py), not clinical content.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from ketaref.content.format.local_rules import LocalRulesInForce
from ketaref.content.format.pack import Library
from ketaref.content.lifecycle.local_rules_gate import check_rules_file
from ketaref.printing.checklist_pdf import build_checklist_pdf
from tests.conftest import Cli
from tests.lifecycle.conftest import Keys, Site
from tests.local_rule_files import (
    TEST_VALUES,
    publish_rules,
    rules_text,
    sign_unchecked,
    write_rules,
)
from tests.printing.pdf_tools import pdf_text_in_drawing_order

#: Test data: a different observation time per protocol, so each sheet shows which it took.
OBSERVATION = {"iv-trd-observation-time": "47 min", "iv-chronic-pain-observation-time": "73 min"}
REMOVED = "iv-observation-time"


def with_removed_slot(values: dict[str, str]) -> str:
    """A file approved against this content that still names the sheet's removed slot."""
    text = rules_text(values)
    entry = (
        f"  {REMOVED}:\n"
        '    change: "first local rule (test data)"\n'
        '    approved_against: "2026.11.1"\n'
        '    meaning: "Shortest observation after an IV ketamine infusion ends"\n'
        "    type: duration\n"
        "    unit: min\n"
    )
    text = text.replace("values:\n", f'values:\n  {REMOVED}: "61 min"\n', 1)
    return text.replace("rules:\n", f"rules:\n{entry}", 1)


def test_the_template_lists_each_meaning_once(cli: Cli) -> None:
    slots = json.loads(cli("local-rules", "template", "--json").stdout)
    ids = [slot["id"] for slot in slots]
    meanings = [slot["meaning"].casefold() for slot in slots]
    assert len(ids) == len(set(ids))
    assert len(meanings) == len(set(meanings))
    assert REMOVED not in ids
    observation = [s["id"] for s in slots if s["id"].endswith("observation-time")]
    # The sheet declares none of its own: each IV protocol's slot is the one place.
    assert all(s["item"] != "iv-ketamine-session" for s in slots if s["id"] in observation)


@pytest.mark.parametrize(
    ("protocol", "value"),
    [("iv-ketamine-trd", "47 min"), ("iv-ketamine-chronic-pain", "73 min")],
)
def test_the_sheet_shows_the_observation_time_of_its_protocol(
    bundled_library: Library, tmp_path: Path, protocol: str, value: str
) -> None:
    check = check_rules_file(rules_text(OBSERVATION).encode(), "t.yaml", bundled_library)
    assert check.rules is not None, check.problems
    data = build_checklist_pdf(
        bundled_library,
        protocol,
        local_rules=LocalRulesInForce(check.rules, "test"),
        printed_at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
    )
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    text = re.sub(r"\s+", " ", pdf_text_in_drawing_order(path))
    assert f"Minimum observation after the infusion: {value}" in text
    assert text.count(value) == 1
    other = ({"47 min", "73 min"} - {value}).pop()
    assert other not in text


def test_a_file_naming_the_removed_slot_is_reported_at_that_line(tmp_path: Path, cli: Cli) -> None:
    path = write_rules(tmp_path / "rules.yaml", with_removed_slot(TEST_VALUES))
    result = cli("local-rules", "validate", path)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    number = int(line.split(":")[1])
    assert f'{REMOVED}: "61 min"' in path.read_text().splitlines()[number - 1]
    assert f"re-confirm “{REMOVED}”" in line
    assert "iv-trd-observation-time" in line  # where the meaning lives now
    # The summary agrees with the line: that rule is held back, the others are used.
    assert "1 rule to re-confirm" in result.stderr
    assert "that one is not used until re-approved; the other rules can be used" in result.stderr
    assert "nothing from it is used" not in result.stderr


def test_in_force_the_removed_slots_rule_is_held_back_and_the_others_stay(
    site: Site, keys: Keys, cli: Cli
) -> None:
    # Signed as a key holder could sign a file validate would hold back (sign checks first).
    sign_unchecked(
        write_rules(site.shared / "local-rules.yaml", with_removed_slot(TEST_VALUES)), keys.private
    )
    result = cli("local-rules", "show", "--json")
    document = json.loads(result.stdout)
    assert document["in_force"] is True
    assert set(document["values"]) == set(TEST_VALUES)
    assert REMOVED in document["reconfirm"]
    assert f"local rule not used: re-confirm “{REMOVED}”" in result.stderr


def test_each_protocols_observation_time_is_set_in_its_one_slot(
    site: Site, keys: Keys, cli: Cli
) -> None:
    publish_rules(site.shared, rules_text(OBSERVATION), keys.private, cli)
    values = json.loads(cli("local-rules", "show", "--json").stdout)["values"]
    assert {slot: entry["value"] for slot, entry in values.items()} == OBSERVATION


def test_a_sheet_item_taking_a_slot_its_protocol_lacks_is_a_content_problem(
    pack_copy: Path, cli: Cli
) -> None:
    path = pack_copy / "protocols" / "iv-ketamine-chronic-pain.yaml"
    text = path.read_text(encoding="utf-8")
    slot = re.search(r"    slot:\n      id: iv-chronic-pain-observation-time\n(      .*\n)+", text)
    assert slot is not None
    path.write_text(text.replace(slot.group(0), ""), encoding="utf-8")
    assert cli("content", "seal", "--same-version", pack_copy).returncode == 0  # each file is valid
    result = cli("content", "validate", pack_copy)  # the pack as a whole is not
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith("checklists/iv-ketamine-session.yaml:")
    assert "the sheet of “iv-ketamine-chronic-pain” carries this item" in line


def test_a_retired_slot_id_declared_again_is_a_content_problem(pack_copy: Path, cli: Cli) -> None:
    path = pack_copy / "protocols" / "iv-ketamine-trd.yaml"
    text = path.read_text(encoding="utf-8")
    assert "id: iv-trd-observation-time" in text
    path.write_text(text.replace("id: iv-trd-observation-time", f"id: {REMOVED}"), encoding="utf-8")
    assert cli("content", "seal", "--same-version", pack_copy).returncode == 0
    result = cli("content", "validate", pack_copy)
    assert result.returncode == 1
    assert f"slot “{REMOVED}” is declared and also retired" in result.stdout
