"""FILE:LINE:COL of a problem inside a local-rule value points at the character at fault.

Where the file writes the value as it reads (plain, or quoted without escapes, on one line), the
column is the character's and the message does not add "character N"; otherwise the column is
the value's start and the message says which character. Values are test data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.local_rule_files import TEST_VALUES, OneProblem, one_problem, rules_text, write_rules

CHARACTER_N = re.compile(r"character \d+")

#: (slot, value, where in it the character at fault is, words of the message)
CASES = [
    ("iv-bp-threshold", "171/93 mm", 7, "a blood pressure is in mmHg"),
    ("iv-bp-threshold", "171/093 mmHg", 4, "drop the leading zeros"),
    ("iv-vital-signs-interval", "17 mg", 3, "an interval is in min"),
    ("iv-vital-signs-interval", "17 hr", 3, "unknown unit “hr”"),
    ("iv-vital-signs-interval", "17min", 2, "put one space between the number and the unit"),
    ("iv-vital-signs-interval", "017 min", 0, "drop the leading zeros"),
    ("iv-vital-signs-interval", "17.50 min", 4, "drop the trailing zero"),
    ("iv-staffing", "Nurse 李 on duty", 6, "the printout's font cannot show (U+674E)"),
    ("iv-staffing", "Nurse עברית", 6, "right-to-left writing (U+05E2)"),
]
STYLES = {
    "plain": lambda value: value,
    "single-quoted": lambda value: f"'{value}'",
    "double-quoted": lambda value: f'"{value}"',
}


def problem_of(tmp_path: Path, cli: Cli, slot: str, written: str) -> OneProblem:
    text = rules_text({**TEST_VALUES, slot: "placeholder"})
    text = text.replace(f'  {slot}: "placeholder"\n', f"  {slot}: {written}\n", 1)
    return one_problem(cli, write_rules(tmp_path / "rules.yaml", text))


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize(("slot", "value", "index", "words"), CASES)
def test_the_column_is_the_characters_and_no_character_n_is_added(
    tmp_path: Path, cli: Cli, style: str, slot: str, value: str, index: int, words: str
) -> None:
    written = STYLES[style](value)
    problem = problem_of(tmp_path, cli, slot, written)
    quote = 0 if style == "plain" else 1
    assert problem.column - 1 == problem.written.index(written) + quote + index
    assert words in problem.message
    assert not CHARACTER_N.search(problem.message)


def test_an_escaped_value_keeps_the_values_start_and_says_which_character(
    tmp_path: Path, cli: Cli
) -> None:
    written = json.dumps("Nurse 李 on duty")  # "Nurse \u674e on duty": not the text as it reads
    problem = problem_of(tmp_path, cli, "iv-staffing", written)
    assert problem.written[problem.column - 1] == '"'
    assert "U+674E, character 7" in problem.message


@pytest.mark.parametrize(
    ("slot", "written", "words"),
    [
        ("iv-bp-threshold", '"\\x31\\x371/93 mm"', "character 8 of the value"),
        ("iv-vital-signs-interval", '"\\x31\\x37 hr"', "character 4 of the value"),
        ("iv-vital-signs-interval", '"\\x30\\x317 min"', "character 1 of the value"),
    ],
)
def test_an_escaped_number_or_unit_keeps_the_values_start_and_says_which_character(
    tmp_path: Path, cli: Cli, slot: str, written: str, words: str
) -> None:
    problem = problem_of(tmp_path, cli, slot, written)
    assert problem.written[problem.column - 1] == '"'
    assert words in problem.message
