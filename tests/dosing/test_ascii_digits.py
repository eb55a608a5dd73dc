"""Numbers a person types are read in the digits 0–9 only, and a refusal quotes them as typed.

Python's ``Decimal``, ``float``, ``int`` and ``re``'s ``\\d`` also read other scripts' digits
(full-width ８０, Arabic-Indic ٨٠): a weight typed so was taken as another text and quoted back
converted. Numbers here are test data, not clinical content.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaref import paths
from ketaref.content.format.local_rules import value_problem
from ketaref.content.format.pack import load_pack
from ketaref.content.format.quantity import QuantityError, parse_quantity, parse_range
from ketaref.content.lifecycle.local_rules_gate import slots_of
from ketaref.dosing.units import (
    DoseInputError,
    parse_concentration,
    parse_dose,
    parse_duration,
    parse_weight,
)
from tests.conftest import Cli
from tests.content.packs import force_seal
from tests.local_rule_files import TEST_VALUES, rules_text, write_rules

DIGITS_0_TO_9 = "type the number with the digits 0–9"

#: A digit of any script but 0–9 (Unicode category Nd: what ``\\d`` and ``Decimal`` read), or a
#: character whose normal form holds one (a circled ①, a ⑩, a ⒈): read as a number by NFKC.
other_digits = st.characters(categories=["Nd", "No"]).filter(
    lambda c: c not in "0123456789" and any(d.isdigit() for d in unicodedata.normalize("NFKC", c))
)


@st.composite
def numbers_with_another_digit(draw: st.DrawFn) -> str:
    """A number such as 7٨ or ８0.5: digits 0–9 with at least one from another script."""
    digits = draw(st.lists(st.sampled_from("0123456789"), min_size=0, max_size=3))
    position = draw(st.integers(0, len(digits)))
    digits.insert(position, draw(other_digits))
    decimals = draw(st.sampled_from(["", ".5", ".25"]))
    return "".join(digits) + decimals


PARSERS = {
    "weight": (parse_weight, "kg"),
    "dose": (parse_dose, "mg"),
    "duration": (parse_duration, "min"),
    "concentration": (parse_concentration, "mg/mL"),
}


@given(number=numbers_with_another_digit(), kind=st.sampled_from(sorted(PARSERS)))
def test_the_calculators_inputs_refuse_other_digits_quoting_them(number: str, kind: str) -> None:
    parse, unit = PARSERS[kind]
    typed = f"{number} {unit}"
    with pytest.raises(DoseInputError) as refused:
        parse(typed)
    assert f"{kind} “{typed}”" in refused.value.message
    assert DIGITS_0_TO_9 in refused.value.message


@given(number=numbers_with_another_digit())
def test_content_quantities_refuse_other_digits_quoting_them(number: str) -> None:
    for text, parse in ((f"{number} mg/kg", parse_quantity), (f"1–{number} min", parse_range)):
        with pytest.raises(QuantityError) as refused:
            parse(text)
        assert f"“{text}”" in str(refused.value)
        assert DIGITS_0_TO_9 in str(refused.value)


SLOTS = slots_of(load_pack(paths.bundled_content_dir()))


@given(number=numbers_with_another_digit())
def test_local_rule_numbers_refuse_other_digits_quoting_them(number: str) -> None:
    for slot_id, value in (
        ("iv-vital-signs-interval", f"{number} min"),
        ("iv-bp-threshold", f"1{number}/90 mmHg"),
        ("spravato-trd-highest-dose", f"{number} mg"),
    ):
        problem = value_problem(SLOTS[slot_id], value)
        assert problem is not None
        assert f"“{value}”" in problem
        assert DIGITS_0_TO_9 in problem


def test_a_number_in_a_local_rule_text_is_written_in_0_to_9_too() -> None:
    problem = value_problem(SLOTS["iv-staffing"], "٢ nurses")
    assert problem is not None
    assert "“٢ nurses” has “٢” (U+0662)" in problem
    assert value_problem(SLOTS["iv-staffing"], "2 nurses") is None


@pytest.mark.parametrize("weight", ["８０ kg", "٨٠ kg", "7０ kg"])
def test_ketaref_dose_refuses_a_weight_in_other_digits_as_typed(cli: Cli, weight: str) -> None:
    result = cli("dose", "--protocol", "iv-ketamine-trd", "--weight", weight, "--dose", "0.5 mg/kg")
    assert (result.returncode, result.stdout) == (2, "")
    assert f"--weight: weight “{weight}” has" in result.stderr
    assert DIGITS_0_TO_9 in result.stderr
    assert "80 kg" not in result.stderr


@pytest.mark.parametrize(
    ("value", "digit"),
    [
        ("８０ min", "８"),
        ("1٥ min", "٥"),
        ("2۰ min", "۰"),
        ("१5 min", "१"),
        ("171/9３ mmHg", "３"),
        # Not digits themselves, but their normal form is: ① reads 1, ⑩ 10, ⒈ "1.", ㉑ 21.
        ("①0 min", "①"),
        ("⑩ min", "⑩"),
        ("⒈5 min", "⒈"),
        ("1㉑/90 mmHg", "㉑"),
    ],
)
def test_local_rules_validate_quotes_the_value_as_typed_at_the_digit(
    tmp_path: Path, cli: Cli, value: str, digit: str
) -> None:
    slot = "iv-bp-threshold" if "mmHg" in value else "iv-vital-signs-interval"
    # Written as a clinic types it (rules_text writes JSON escapes: \uff18).
    text = rules_text({**TEST_VALUES, slot: value}).replace(json.dumps(value), f'"{value}"')
    path = write_rules(tmp_path / "rules.yaml", text)
    result = cli("local-rules", "validate", path)
    assert result.returncode == 1
    [problem] = result.stdout.splitlines()
    line, column = (int(n) for n in problem.split(":")[1:3])
    assert path.read_text(encoding="utf-8").splitlines()[line - 1][column - 1] == digit
    assert f"“{value}”" in problem
    assert DIGITS_0_TO_9 in problem


def test_a_content_quantity_in_other_digits_is_refused_as_written(
    pack_copy: Path, cli: Cli
) -> None:
    protocol = pack_copy / "protocols" / "iv-ketamine-trd.yaml"
    text = protocol.read_text(encoding="utf-8")
    assert '        value: "0.5 mg/kg"\n' in text
    protocol.write_text(
        text.replace('        value: "0.5 mg/kg"\n', '        value: "０.5 mg/kg"\n', 1),
        encoding="utf-8",
    )
    force_seal(pack_copy)
    result = cli("content", "validate", pack_copy)
    assert result.returncode == 1
    assert "holds U+FF10 FULLWIDTH DIGIT ZERO in “０.5 mg/kg”" in result.stdout
    assert DIGITS_0_TO_9 in result.stdout
