"""Properties of the parser and the calculator over many generated inputs."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ketaref.content.format.model import Protocol
from ketaref.content.format.quantity import format_decimal
from ketaref.dosing.calculator import DoseResult, calculate
from ketaref.dosing.units import KG_PER_LB, DoseInputError, parse_dose, parse_weight
from tests.dosing.fake_protocols import BOLUS_OVER_TIME, FIXED_BOLUS, RATE_RANGE, make_protocol

PROTOCOL = make_protocol(BOLUS_OVER_TIME, RATE_RANGE)

# Weights inside the test protocol's hard checks (20–250 kg), at most 4 decimal places.
kilograms = st.decimals(min_value=20, max_value=250, places=4, allow_nan=False)
doses_per_kg = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("0.75"), places=4)
rates_per_kg = st.decimals(min_value=Decimal("0.5"), max_value=2, places=4)
# Positive numbers a clinician may type as a dose in mg (the parser's ceiling is 10000 mg).
typed_mg = st.decimals(min_value=Decimal("0.0001"), max_value=10000, places=4)


def text(value: Decimal, unit: str) -> str:
    return f"{format_decimal(value)} {unit}"


@given(kilograms, doses_per_kg)
def test_dose_is_linear_in_weight(kg: Decimal, per_kg: Decimal) -> None:
    dose = text(per_kg, "mg/kg")
    single = calculate(PROTOCOL, weight=text(kg, "kg"), dose=dose).dose_mg
    assert single is not None
    assert single.value == per_kg * kg
    if kg * 2 <= 250:
        double = calculate(PROTOCOL, weight=text(kg * 2, "kg"), dose=dose).dose_mg
        assert double is not None
        assert double.value == 2 * single.value


@given(kilograms, rates_per_kg)
def test_rate_is_linear_in_weight(kg: Decimal, rate: Decimal) -> None:
    result = calculate(PROTOCOL, weight=text(kg, "kg"), dose=text(rate, "mg/kg/h"))
    assert result.rate_mg_per_h is not None
    assert result.rate_mg_per_h.value == rate * kg


@given(st.decimals(min_value=45, max_value=551, places=4), doses_per_kg)
def test_pounds_and_the_same_weight_in_kg_agree(pounds: Decimal, per_kg: Decimal) -> None:
    kg = pounds * KG_PER_LB  # up to 12 decimal places: typed in kg it would be refused, so
    by_pounds = calculate(PROTOCOL, weight=text(pounds, "lb"), dose=text(per_kg, "mg/kg"))
    assert by_pounds.weight_kg is not None
    assert by_pounds.weight_kg.value == kg
    assert by_pounds.dose_mg is not None
    assert by_pounds.dose_mg.value == per_kg * kg
    # … compare with kg typed to 4 places: the doses differ by at most the rounding of the weight
    typed_kg = kg.quantize(Decimal("0.0001"))
    if 20 <= typed_kg <= 250:
        by_kg = calculate(PROTOCOL, weight=text(typed_kg, "kg"), dose=text(per_kg, "mg/kg"))
        assert by_kg.dose_mg is not None
        assert abs(by_kg.dose_mg.value - by_pounds.dose_mg.value) <= per_kg * Decimal("0.00005")


@given(typed_mg)
@example(Decimal("70.5000"))
@example(Decimal("100"))
@example(Decimal("0.0001"))
def test_formatting_round_trips_without_trailing_zeros(value: Decimal) -> None:
    shown = format_decimal(value)
    assert Decimal(shown) == value
    assert not ("." in shown and shown.endswith("0"))
    assert not shown.endswith(".")
    assert not shown.startswith(".")
    assert "E" not in shown.upper()
    assert parse_dose(f"{shown} mg").value == value


number_like = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
units = st.sampled_from(["kg", "lb", "KG", "mg", "mg/kg", "mg/kg/h", "", " ", "st", "lbs", "g"])
typed = st.one_of(
    st.none(),
    st.text(max_size=16),
    st.builds(
        lambda number, space, unit: f"{number}{space}{unit}",
        number_like,
        st.sampled_from(["", " ", "  "]),
        st.sampled_from(["kg", "lb", "mg", "mg/kg", "mg/kg/h", "min", "h", "mg/mL", "", "x"]),
    ),
)


@settings(max_examples=400)
@given(
    protocol=st.sampled_from([PROTOCOL, make_protocol(FIXED_BOLUS)]),
    weight=typed,
    dose=typed,
    duration=typed,
    concentration=typed,
)
def test_refusals_are_only_ever_dose_input_errors(
    protocol: Protocol,
    weight: str | None,
    dose: str | None,
    duration: str | None,
    concentration: str | None,
) -> None:
    try:
        result = calculate(
            protocol, weight=weight, dose=dose, duration=duration, concentration=concentration
        )
    except DoseInputError as exc:
        assert exc.message.strip()
        assert "\n" not in exc.message
        return
    assert_ismp(result)


# A number with a trailing zero after the point, or a bare leading point: 35.0, 3.50, .5
NOT_ISMP = re.compile(r"(?<![\d.])(\d+\.\d*0|\.\d+)(?![\d.])")


def assert_ismp(result: DoseResult) -> None:
    """Every number the result prints or exports is written the ISMP way."""
    document = result.to_json()
    texts = [*result.summary_lines(False), document["formula"], *document["warnings"]]
    texts += [value for value in document.values() if isinstance(value, str)]
    for text in texts:
        # Version-like strings (2026.11.0) never occur in results; content versions are elsewhere.
        assert not NOT_ISMP.search(text), text


@given(kilograms, doses_per_kg, st.integers(2, 100), st.decimals(1, 100, places=2))
def test_results_never_print_trailing_zeros(
    kg: Decimal, per_kg: Decimal, minutes: int, mg_per_ml: Decimal
) -> None:
    result = calculate(
        PROTOCOL,
        weight=text(kg, "kg"),
        dose=text(per_kg, "mg/kg"),
        duration=f"{minutes} min",
        concentration=text(mg_per_ml, "mg/mL"),
    )
    assert_ismp(result)


@settings(max_examples=300)
@given(number_like, units)
def test_weight_parser_accepts_only_positive_plain_numbers(number: str, unit: str) -> None:
    try:
        weight = parse_weight(f"{number} {unit}")
    except DoseInputError as exc:
        assert "weight" in exc.message
        return
    assert Decimal(0) < weight.kg <= 1000
    assert weight.entered == Decimal(number)


@given(st.decimals(min_value=Decimal("0.0001"), max_value=1000, places=4))
def test_concentrations_are_refused_outside_the_content_range_both_ways(mg_per_ml: Decimal) -> None:
    # The test protocol accepts 0.1–100 mg/mL and shows its dilution statement at 100 mg/mL.
    typed = text(mg_per_ml, "mg/mL")
    try:
        result = calculate(PROTOCOL, weight="70 kg", dose="0.5 mg/kg", concentration=typed)
    except DoseInputError as exc:
        assert not Decimal("0.1") <= mg_per_ml <= 100, exc.message
        assert exc.field == "concentration"
        return
    assert Decimal("0.1") <= mg_per_ml <= 100
    diluted = any("test-dilution" in w for w in result.warning_texts())
    assert diluted == (mg_per_ml >= 100) == (result.dilute_first is not None)
    # A concentration to dilute first gets no volume and no pump rate; any other gets both.
    assert (result.volume_ml is None) == (result.rate_ml_per_h is None) == diluted


@given(
    st.decimals(min_value=Decimal("0.0001"), max_value=10080, places=4),
    st.sampled_from(["min", "h"]),
)
def test_durations_are_refused_outside_the_content_range_both_ways(
    value: Decimal, unit: str
) -> None:
    # The test protocol accepts 2–100 min and warns of a rapid rate below 40 min.
    span = value * (60 if unit == "h" else 1)
    try:
        result = calculate(PROTOCOL, weight="70 kg", dose="0.5 mg/kg", duration=text(value, unit))
    except DoseInputError as exc:
        assert exc.field == "duration"
        assert not 2 <= span <= 100 or span > 7 * 24 * 60, exc.message
        return
    assert 2 <= span <= 100
    rapid = any("test-rapid" in w for w in result.warning_texts())
    assert rapid == (span < 40)
