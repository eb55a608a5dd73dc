"""Quantities: parsing, ISMP formatting and the prose linter, checked over generated values."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ketaref.content.format.quantity import (
    _PROSE_RULES,
    EN_DASH,
    FORBIDDEN_ABBREVIATIONS,
    Quantity,
    QuantityError,
    QuantityRange,
    Unit,
    format_decimal,
    lint_prose,
    parse_quantity,
    parse_range,
    prose_quantities,
)

#: What format_decimal may print: a leading zero before a point, no trailing zero, no exponent.
ISMP_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$")

#: Amounts content may state: more than zero.
amounts = st.decimals(min_value=Decimal("0.0001"), max_value=100_000, places=4, allow_nan=False)
finite = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12)
units = st.sampled_from(list(Unit))
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)


@given(finite)
@example(Decimal("-0.0"))
@example(Decimal("5.000"))
@example(Decimal("1E+3"))
@example(Decimal("0.00010"))
def test_format_decimal_is_ismp_and_exact(value: Decimal) -> None:
    text = format_decimal(value)
    assert ISMP_NUMBER.match(text), text
    assert Decimal(text) == value


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_format_decimal_refuses_non_finite(value: str) -> None:
    with pytest.raises(QuantityError):
        format_decimal(Decimal(value))


@given(amounts, units)
def test_quantity_text_round_trips(value: Decimal, unit: Unit) -> None:
    quantity = Quantity(value, unit)
    parsed = parse_quantity(str(quantity))
    assert parsed == quantity
    assert str(parsed) == str(quantity)


@given(amounts, amounts, units)
def test_range_text_round_trips(a: Decimal, b: Decimal, unit: Unit) -> None:
    low, high = sorted((a, b))
    if low == high:
        high += 1
    written = str(QuantityRange(low, high, unit))
    assert EN_DASH in written
    assert parse_range(written) == QuantityRange(low, high, unit)


@given(amounts, units)
def test_a_ceiling_only_round_trips_as_up_to(high: Decimal, unit: Unit) -> None:
    ceiling = QuantityRange(Decimal(0), high, unit)
    written = str(ceiling)
    assert written.startswith("up to ")
    assert EN_DASH not in written
    assert parse_range(written) == ceiling
    with pytest.raises(QuantityError, match="a single value is expected"):
        parse_quantity(written)


@given(st.sampled_from(["0", "0.0001", "7"]), amounts, units)
def test_zero_is_refused_in_every_quantity_and_range_end(
    low: str, high: Decimal, unit: Unit
) -> None:
    with pytest.raises(QuantityError, match="more than zero"):
        parse_quantity(f"0 {unit.value}")
    with pytest.raises(QuantityError, match="more than zero"):
        parse_range(f"up to 0 {unit.value}")
    written = f"{low}{EN_DASH}{format_decimal(high + 8)} {unit.value}"
    if low == "0":
        with pytest.raises(QuantityError, match=r"must start above zero.*write “up to "):
            parse_range(written)
    else:
        assert parse_range(written).low == Decimal(low)


@given(st.text(max_size=40))
@example("0.5–2")
@example("5 mg ")
@example("1e3 mg")
def test_parsers_raise_only_quantity_error(text: str) -> None:
    for parser in (parse_quantity, parse_range):
        try:
            parser(text)
        except QuantityError as exc:
            assert str(exc)


@given(amounts, units)
def test_trailing_zero_and_missing_space_are_refused(value: Decimal, unit: Unit) -> None:
    number = format_decimal(value)
    padded = number + "0" if "." in number else number + ".0"
    with pytest.raises(QuantityError, match="trailing zero"):
        parse_quantity(f"{padded} {unit.value}")
    with pytest.raises(QuantityError, match="one space"):
        parse_quantity(f"{number}{unit.value}")


@given(amounts)
def test_a_number_without_a_unit_is_refused_as_one(value: Decimal) -> None:
    """Never read as a number followed by a unit made of its last digits (“15”: unit “5”)."""
    with pytest.raises(QuantityError, match="is not a quantity: write a number, one space and"):
        parse_quantity(format_decimal(value))


@given(st.integers(min_value=1, max_value=9999))
def test_naked_decimal_point_is_refused(digits: int) -> None:
    with pytest.raises(QuantityError, match="leading zero"):
        parse_quantity(f".{digits} mg")


@given(amounts, units, words, words)
def test_clean_prose_is_not_flagged(value: Decimal, unit: Unit, before: str, after: str) -> None:
    sentence = f"{before.capitalize()} {Quantity(value, unit)} {after}."
    assert lint_prose(sentence) == []


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["mg", "mcg", "mL", "kg", "mmHg", "min", "h"]),
    words,
)
def test_prose_notations_ismp_forbids_are_flagged(number: int, unit: str, word: str) -> None:
    assert any("leading zero" in p for p in lint_prose(f"{word} .{number} {unit}"))
    assert any("trailing zero" in p for p in lint_prose(f"{word} {number}.0 {unit}."))
    assert any("one space" in p for p in lint_prose(f"{word} {number}{unit} {word}"))
    assert any("en dash" in p for p in lint_prose(f"{word} {number}-{number + 1} {unit}"))
    assert lint_prose(f"{word} {number}{EN_DASH}{number + 1} {unit}.") == []


@given(st.sampled_from(sorted(FORBIDDEN_ABBREVIATIONS)), st.integers(1, 999), words)
def test_forbidden_abbreviations_are_flagged_where_they_stand(
    abbreviation: str, number: int, word: str
) -> None:
    for sentence in (
        f"Give {number} {abbreviation} {word}.",
        f"Give {number}{abbreviation} {word}.",
        f"{word} {number} {abbreviation}.",
    ):
        assert any(f"“{abbreviation}”" in p for p in lint_prose(sentence)), sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "The U.S. label applies.",
        "Patients with SCI were excluded.",
        "Tissue is plugged into the drug port.",
        "A 5-minute rest after each device.",
        "Between 2019-2023 the service reported 40 cases.",
        "In trials 48%–61% of patients developed sedation.",
    ],
)
def test_ordinary_clinical_prose_is_not_flagged(sentence: str) -> None:
    assert lint_prose(sentence) == []


@given(st.text(alphabet="0123456789.-– mgcLkHhin%x", max_size=40))
@example("5.0 mg and .5 mL")
@example("give .5 mL")
def test_lint_prose_runs_every_rule_that_matches(text: str) -> None:
    # lint_prose runs the rules only where two quick searches find something; that must
    # never hide a match of any rule.
    reported = lint_prose(text)
    for pattern, advice in _PROSE_RULES:
        for match in pattern.finditer(text):
            assert f"“{match.group(0)}”: {advice}" in reported


@given(amounts, units, words, words)
def test_prose_quantities_finds_every_quantity_as_written(
    value: Decimal, unit: Unit, before: str, after: str
) -> None:
    quantity = Quantity(value, unit)
    (found,) = prose_quantities(f"{before.capitalize()} {quantity} and {after}.")
    assert (found.ends, found.unit, found.written) == ((value, value), unit.value, str(quantity))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("40 minutes", "40 min"),
        ("2 hours", "2 h"),
        ("0.5 mg/kg per hour", "0.5 mg/kg/h"),
        ("0.5–2 mg", "0.5 to 2 mg"),
        ("1,000 mg", "1000 mg"),
    ],
)
def test_prose_quantities_reads_two_wordings_of_one_amount_alike(one: str, other: str) -> None:
    (first,), (second,) = prose_quantities(one), prose_quantities(other)
    assert first.same_amount(second)
