"""Local-rule texts the printout could not show as written are refused at their line.

Every text of a local-rules file is printed (the values, and the clinic, document and approver in
each value's attribution), so each meets the printout's rule (``ketaref.glyphs``): a glyph in its
font, nothing beyond U+FFFF, no right-to-left writing (control characters the YAML reader
already refuses). The names and values are test data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.local_rule_files import TEST_VALUES, one_problem, rules_text, write_rules


def _replace(old: str, new: str) -> str:
    text = rules_text()
    assert old in text
    return text.replace(old, new, 1)


CASES = [
    # (file text, what the problem's line holds, the code point named, the reason)
    (_replace('"Test Clinic"', '"מרפאה"'), "clinic:", "U+05DE", "right-to-left writing"),
    (
        _replace('"Test policy TP-1 rev 1"', '"Test policy 😀"'),
        "document:",
        "U+1F600",
        "cannot carry as text",
    ),
    (
        _replace('name: "Test Approver"', 'name: "Test ก"'),
        "approved_by:",
        "U+0E01",
        "font cannot show",
    ),
    (
        rules_text({**TEST_VALUES, "iv-staffing": "Test nurse ก (test data)"}),
        "iv-staffing:",
        "U+0E01",
        "font cannot show",
    ),
    (_replace('"Test committee"', '"لجنة"'), "approving_body:", "U+0644", "right-to-left"),
    # Marks drawn through or around letters can make a value read as another.
    (
        rules_text({**TEST_VALUES, "iv-staffing": "Test nurse Z\u0336 (test data)"}),
        "iv-staffing:",
        "U+0336",
        "drawn over or around the letters",
    ),
    (_replace('"Test Clinic"', '"Test x\u0489y"'), "clinic:", "U+0489", "drawn over or around"),
]


@pytest.mark.parametrize(("text", "where", "code", "reason"), CASES)
def test_a_text_the_printout_cannot_show_is_refused_naming_the_code_point(
    tmp_path: Path, cli: Cli, text: str, where: str, code: str, reason: str
) -> None:
    path = write_rules(tmp_path / "rules.yaml", text)
    problem = one_problem(cli, path)
    assert where in problem.written
    assert code in problem.message
    assert reason in problem.message
    assert "nothing from it is used" in problem.summary


def test_accented_latin_names_print_and_are_accepted(tmp_path: Path, cli: Cli) -> None:
    text = _replace('"Test Clinic"', '"Clinique Émile-Zoë (test)"')
    result = cli("local-rules", "validate", write_rules(tmp_path / "rules.yaml", text))
    assert (result.returncode, result.stdout) == (0, "")


def test_a_values_problem_names_its_slot(tmp_path: Path, cli: Cli) -> None:
    """The message says which value holds the character, as it does for the file's own texts."""
    text = rules_text({**TEST_VALUES, "iv-staffing": "Test nurse ก (test data)"})
    problem = one_problem(cli, write_rules(tmp_path / "rules.yaml", text))
    assert problem.message.startswith("“iv-staffing” holds a character the printout's font")
