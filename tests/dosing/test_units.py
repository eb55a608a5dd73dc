"""Reading what a clinician types: accepted spellings, and a named refusal for everything else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketaref.content.format.quantity import Unit
from ketaref.dosing.units import (
    DoseInputError,
    parse_concentration,
    parse_dose,
    parse_duration,
    parse_weight,
)


@pytest.mark.parametrize("text", ["70 kg", "70kg", "70 KG", "  70   kg ", "70.0 kg", "070 kg"])
def test_weight_in_kg_spellings(text: str) -> None:
    weight = parse_weight(text)
    assert weight.kg == Decimal(70)
    assert not weight.in_pounds
    assert weight.conversion() is None


def test_pounds_convert_with_the_exact_factor() -> None:
    weight = parse_weight("154 lb")
    # 154 × 0.45359237 = 69.85322498 (0.45359237 × 100 = 45.359237; × 54 = 24.49398798; sum)
    assert weight.kg == Decimal("69.85322498")
    assert weight.conversion() == "154 lb × 0.45359237 = 69.85322498 kg"
    assert parse_weight("154 lbs").kg == weight.kg


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("70", "has no unit"),
        ("70 st", "unknown unit “st”"),
        ("70 mg", "unknown unit “mg” for a weight; use kg or lb"),
        ("0 kg", "is zero"),
        ("0.0 kg", "is zero"),
        ("-70 kg", "is negative"),
        ("nan kg", "not a finite number"),
        ("NaN", "not a finite number"),
        ("inf kg", "not a finite number"),
        ("-Infinity kg", "not a finite number"),
        ("1e9 kg", "without an exponent"),
        ("1E2 kg", "without an exponent"),
        ("1000000000 kg", "too many digits"),
        ("70.12345 kg", "too many digits"),
        ("1001 kg", "not a plausible value (above 1000 kg)"),
        ("2205 lb", "not a plausible value"),
        ("70,5 kg", "use a decimal point, not a comma"),
        ("1,000 kg", "not a comma"),
        (".5 kg", "leading zero"),
        ("5. kg", "is not a number"),
        ("1.2.3 kg", "is not a number"),
        ("kg", "does not start with a number"),
        ("seventy kg", "does not start with a number"),
        ("", "no weight given"),
        ("   ", "no weight given"),
    ],
)
def test_bad_weights_are_refused_by_name(text: str, words: str) -> None:
    with pytest.raises(DoseInputError) as caught:
        parse_weight(text)
    assert words in caught.value.message
    assert caught.value.field == "weight"
    if text.strip():
        assert f"“{' '.join(text.split())}”" in caught.value.message


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("84 mg", "84", Unit.MG),
        ("0.5 mg/kg", "0.5", Unit.MG_PER_KG),
        ("0.5mg/kg", "0.5", Unit.MG_PER_KG),
        ("1 mg/kg/h", "1", Unit.MG_PER_KG_PER_H),
        ("1 MG/KG/HR", "1", Unit.MG_PER_KG_PER_H),
    ],
)
def test_doses(text: str, value: str, unit: Unit) -> None:
    dose = parse_dose(text)
    assert (dose.value, dose.unit) == (Decimal(value), unit)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("84", "has no unit"),
        ("84 mcg", "unknown unit “mcg” for a dose"),
        ("0.5 mg/kg/min", "unknown unit"),
        ("84 µg", "unknown unit"),
        ("0 mg", "is zero"),
        ("10001 mg", "not a plausible value"),
    ],
)
def test_bad_doses(text: str, words: str) -> None:
    with pytest.raises(DoseInputError, match=words) as caught:
        parse_dose(text)
    assert caught.value.field == "dose"


@pytest.mark.parametrize(
    ("text", "minutes_value"),
    [("40 min", 40), ("40 minutes", 40), ("4 h", 240), ("1.5 hours", 90), ("2 hr", 120)],
)
def test_durations(text: str, minutes_value: int) -> None:
    from ketaref.dosing.units import minutes

    assert minutes(parse_duration(text)) == minutes_value


def test_duration_over_a_week_is_refused() -> None:
    with pytest.raises(DoseInputError, match="not a plausible value"):
        parse_duration("169 h")


def test_concentration() -> None:
    assert parse_concentration("10 mg/mL").value == 10
    assert parse_concentration("50 mg/ml").unit is Unit.MG_PER_ML
    with pytest.raises(DoseInputError, match="unknown unit “mg” for a concentration"):
        parse_concentration("10 mg")


@pytest.mark.parametrize("typed", ["7" * 300 + " kg", "70 kg" + " " * 3 + "x" * 300])
def test_a_weight_longer_than_any_weight_is_refused_without_being_quoted(typed: str) -> None:
    # Quoted whole, 300 characters that cannot wrap stretched the print dialog past the screen.
    with pytest.raises(DoseInputError) as refused:
        parse_weight(typed)
    message = str(refused.value)
    assert "characters long, longer than any weight" in message
    assert len(message) < 120
