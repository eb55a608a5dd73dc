"""Duration and interval values outside the content pack's input check are refused.

The accepted ranges (intervals 1–120 min, durations 1–1440 min) are typing checks the site sets
in its content pack, not clinical limits. Every value here is test data, not clinical content.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaref import paths
from ketaref.content.format.local_rules import value_problem
from ketaref.content.format.pack import load_pack
from ketaref.content.format.quantity import format_decimal
from ketaref.content.lifecycle.local_rules_gate import check_rules_file, slots_of
from tests.conftest import Cli
from tests.content.packs import force_seal
from tests.local_rule_files import TEST_VALUES, one_problem, rules_text, write_rules

INTERVAL = "iv-vital-signs-interval"
DURATION = "iv-trd-observation-time"
INPUT_CHECK = "the content pack's input check"
NOT_CLINICAL = "it is not a clinical limit"

REFUSED = [
    (INTERVAL, "0.0001 min", "outside 1–120 min"),
    (INTERVAL, "0 min", "more than zero"),
    (INTERVAL, "999999 min", "outside 1–120 min"),
    (INTERVAL, "121 min", "outside 1–120 min"),
    (DURATION, "25 h", "outside 1–1440 min"),
    (DURATION, "0.0001 min", "outside 1–1440 min"),
    (DURATION, "999999 min", "outside 1–1440 min"),
    ("spravato-vital-signs-interval", "999999 min", "outside 1–120 min"),
    ("spravato-observation-time", "1441 min", "outside 1–1440 min"),
]


@pytest.mark.parametrize(("slot", "value", "reason"), REFUSED)
def test_a_value_outside_the_input_check_is_refused_at_its_line(
    tmp_path: Path, cli: Cli, slot: str, value: str, reason: str
) -> None:
    path = write_rules(tmp_path / "rules.yaml", rules_text({**TEST_VALUES, slot: value}))
    problem = one_problem(cli, path)
    assert f"{slot}: " in problem.written
    assert reason in problem.message
    if "outside" in reason:
        assert INPUT_CHECK in problem.message
        assert NOT_CLINICAL in problem.message


@pytest.mark.parametrize(
    ("slot", "value"),
    [
        (INTERVAL, "1 min"),
        (INTERVAL, "120 min"),
        (DURATION, "1 min"),
        (DURATION, "1440 min"),
        (DURATION, "24 h"),
        ("spravato-observation-time", "24 h"),
    ],
)
def test_the_ends_of_the_input_check_are_accepted(
    tmp_path: Path, cli: Cli, slot: str, value: str
) -> None:
    path = write_rules(tmp_path / "rules.yaml", rules_text({**TEST_VALUES, slot: value}))
    result = cli("local-rules", "validate", path)
    assert (result.returncode, result.stdout) == (0, "")


def test_the_published_minimum_keeps_its_own_message(tmp_path: Path, cli: Cli) -> None:
    values = {**TEST_VALUES, "spravato-observation-time": "1 min"}
    result = cli("local-rules", "validate", write_rules(tmp_path / "r.yaml", rules_text(values)))
    assert result.returncode == 1
    assert "shorter than the published minimum of 2 h" in result.stdout
    assert INPUT_CHECK not in result.stdout


def test_the_template_and_content_show_give_the_accepted_range(cli: Cli) -> None:
    template = cli("local-rules", "template").stdout
    lines = template.splitlines()
    comment = lines[lines.index(f'  {INTERVAL}: ""') - 1]
    assert f"accepted 1–120 min, {INPUT_CHECK} for this interval" in comment
    comment = lines[lines.index(f'  {DURATION}: ""') - 1]
    assert "accepted 1–1440 min" in comment
    shown = cli("content", "show", "iv-ketamine-session").stdout
    assert f"local-rules slot {INTERVAL}: interval, min, accepted 1–120 min (" in shown
    assert "accepted 1–1440 min" in cli("content", "show", "iv-ketamine-trd").stdout
    schema = cli("content", "schema").stdout
    assert "input_check" in schema


def test_the_json_template_gives_the_accepted_range_to_a_script(cli: Cli) -> None:
    slots = {s["id"]: s for s in json.loads(cli("local-rules", "template", "--json").stdout)}
    assert slots[INTERVAL]["input_check"] == "1–120 min"
    assert slots[DURATION]["input_check"] == "1–1440 min"
    assert slots["iv-bp-threshold"]["input_check"] is None
    for slot in slots.values():
        assert (slot["input_check"] is None) == (slot["type"] not in ("duration", "interval"))


_LIBRARY = load_pack(paths.bundled_content_dir())
_SLOTS = slots_of(_LIBRARY)

#: Times as a clinic writes them: a whole or decimal number (no trailing zero), min or h.
_MINUTES = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal(10**7), places=3, allow_nan=False
)


@given(minutes=_MINUTES, in_hours=st.booleans())
def test_the_range_check_refuses_exactly_what_lies_outside(
    minutes: Decimal, in_hours: bool
) -> None:
    for slot_id, high in ((INTERVAL, 120), (DURATION, 1440)):
        declared = _SLOTS[slot_id]
        unit = "h" if in_hours and slot_id == DURATION else "min"
        typed = minutes / 60 if unit == "h" else minutes
        text = f"{format_decimal(typed.normalize())} {unit}"
        total = Decimal(text.split()[0]) * (60 if unit == "h" else 1)
        if total == 0:
            continue
        problem = value_problem(declared, text)
        outside = not 1 <= total <= high
        assert (problem is not None and INPUT_CHECK in problem) == outside, (text, problem)
        if not outside:
            assert problem is None, (text, problem)


def test_a_refused_value_never_reaches_a_sheet() -> None:
    for value in ("0.0001 min", "999999 min"):
        check = check_rules_file(
            rules_text({INTERVAL: value}, library=_LIBRARY).encode(), "t.yaml", _LIBRARY
        )
        assert check.rules is None
        assert any("outside 1–120 min" in p.message for p in check.problems)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            'at_least: "2 h"\n          input_check:\n            accepted: "1–1440 min"',
            'at_least: "2 h"\n          input_check:\n            accepted: "1–60 min"',
            "at_least 2 h lies outside input_check accepted 1–60 min",
        ),
        (
            '            input_check:\n              accepted: "1–120 min"\n'
            '              basis: "An input check that catches typing errors, set by the site in'
            ' its content pack; it is not a clinical limit and no published source gives it."\n',
            "",
            "a duration or interval slot needs an input_check",
        ),
        (
            'accepted: "1–120 min"',
            'accepted: "1–2 h"',
            "input_check accepted must be a range in min",
        ),
    ],
)
def test_the_content_check_refuses_a_slot_without_a_fitting_input_check(
    pack_copy: Path, cli: Cli, old: str, new: str, reason: str
) -> None:
    _replace(pack_copy / "checklists" / "spravato-session.yaml", old, new)
    force_seal(pack_copy)
    result = cli("content", "validate", pack_copy)
    assert result.returncode == 1
    assert reason in result.stdout
