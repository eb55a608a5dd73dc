"""Local-rule values against their slot types: any text gets an answer in words, never a crash.

Numbers here are generated test data, not clinical content.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ketaref import paths
from ketaref.content.format.local_rules import check_local_rules, value_problem
from ketaref.content.format.pack import load_pack
from ketaref.content.lifecycle.local_rules_gate import slots_of

SLOTS = slots_of(load_pack(paths.bundled_content_dir()))
ONE_OF_EACH = {declared.slot.type: declared for declared in SLOTS.values()}


@given(st.sampled_from(sorted(ONE_OF_EACH)), st.text(max_size=40))
def test_any_text_is_accepted_or_refused_in_words(slot_type: str, value: str) -> None:
    problem = value_problem(ONE_OF_EACH[slot_type], value)
    assert problem is None or (isinstance(problem, str) and problem)


@given(st.integers(1, 400), st.integers(1, 400))
def test_blood_pressures_are_accepted_exactly_when_systolic_is_higher(high: int, low: int) -> None:
    problem = value_problem(ONE_OF_EACH["blood-pressure"], f"{high}/{low} mmHg")
    assert (problem is None) == (high > low)


@given(st.integers(1, 1000), st.sampled_from(["min", "h"]))
def test_a_published_minimum_is_never_shortened(amount: int, unit: str) -> None:
    declared = SLOTS["spravato-observation-time"]
    minimum = declared.slot.at_least
    assert minimum is not None
    floor = minimum.value * (60 if minimum.unit.value == "h" else 1)
    minutes = amount * 60 if unit == "h" else amount
    check = declared.slot.input_check
    assert check is not None
    problem = value_problem(declared, f"{amount} {unit}")
    # Below the minimum: its own message; above the pack's input check: that check's.
    assert (problem is None) == (floor <= minutes <= check.accepted.high)
    if minutes < floor:
        assert problem is not None
        assert "published minimum" in problem


@given(st.binary(max_size=300))
def test_any_bytes_as_a_file_give_problems_not_exceptions(raw: bytes) -> None:
    check = check_local_rules(raw, "rules.yaml", SLOTS, "2026.11.2")
    assert check.rules is not None or check.problems
    for problem in check.problems:
        assert str(problem).startswith("rules.yaml:")
