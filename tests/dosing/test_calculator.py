"""Hand-computed doses: the arithmetic is written beside each expected value.

Weight-based regimens use the test-only protocols of ``fake_protocols`` (invented numbers and
sources); the fixed-device examples use the bundled SPRAVATO protocol.
"""

from __future__ import annotations

import re

import pytest

from ketaref.content.format.model import Protocol
from ketaref.content.format.pack import Library
from ketaref.content.format.quantity import Unit, format_decimal
from ketaref.dosing.calculator import (
    EXTRA_JSON_KEYS,
    JSON_KEYS,
    NO_CALCULATOR,
    Amount,
    calculate,
)
from ketaref.dosing.units import DoseInputError
from tests.dosing.fake_protocols import (
    BOLUS_OVER_TIME,
    FIXED_BOLUS,
    RATE_RANGE,
    make_protocol,
)

INFUSION = make_protocol(BOLUS_OVER_TIME)
TWO_REGIMENS = make_protocol(BOLUS_OVER_TIME, RATE_RANGE)
RATE_ONLY = make_protocol(RATE_RANGE)


# --- fixed-device (SPRAVATO) -----------------------------------------------------------------


@pytest.mark.parametrize(("dose", "devices"), [("56 mg", 2), ("84 mg", 3)])
def test_spravato_devices(bundled_library: Library, dose: str, devices: int) -> None:
    result = calculate(bundled_library.protocols["spravato-trd"], dose=dose)
    # 56 mg ÷ 28 mg per device = 2; 84 mg ÷ 28 mg per device = 3
    assert result.devices == devices
    assert result.formula == (
        f"{dose} ÷ 28 mg per device = {devices} devices, with a 5 min rest after each device"
    )
    document = result.to_json()
    assert document["devices"] == devices
    assert document["dose_mg"] == dose.removesuffix(" mg")
    assert document["weight_kg"] is None
    assert document["rate_mg_per_h"] is None
    cited = {(s["parameter"], s["source"], s["locator"]) for s in document["source"]}
    assert ("per device", "spravato-hl-2020", "Highlights §3") in cited
    assert ("rest between devices", "spravato-hcp", "/dosing-and-administration") in cited
    assert not result.needs_acknowledgement
    assert not any(line.startswith("Display rounding") for line in result.summary_lines(False))


def test_spravato_refuses_other_doses_and_says_what_to_give(bundled_library: Library) -> None:
    protocol = bundled_library.protocols["spravato-trd"]
    with pytest.raises(DoseInputError, match="give 56 mg or 84 mg"):
        calculate(protocol, dose="70 mg")
    with pytest.raises(DoseInputError, match="no single standard dose; give 56 mg or 84 mg"):
        calculate(protocol)
    with pytest.raises(DoseInputError, match="doses in mg"):
        calculate(protocol, dose="0.5 mg/kg")
    for option in ("weight", "duration", "concentration"):
        value = {"weight": "70 kg", "duration": "40 min", "concentration": "10 mg/mL"}[option]
        with pytest.raises(DoseInputError, match="not used") as caught:
            calculate(protocol, dose="56 mg", **{option: value})
        assert caught.value.field == option


def test_protocol_without_dosing_has_no_calculator(bundled_library: Library) -> None:
    without = [p for p in bundled_library.protocols.values() if p.dosing is None]
    protocol = without[0] if without else INFUSION.model_copy(update={"dosing": None})
    with pytest.raises(DoseInputError, match=NO_CALCULATOR):
        calculate(protocol, weight="70 kg")


# --- mg/kg over a duration -------------------------------------------------------------------


def test_standard_dose_in_kg() -> None:
    result = calculate(INFUSION, weight="70 kg")
    # 0.5 mg/kg × 70 kg = 35 mg; 35 mg over 40 min = 35 × 60 ÷ 40 = 52.5 mg/h
    assert result.formula == "0.5 mg/kg × 70 kg = 35 mg over 40 min → 52.5 mg/h"
    assert result.to_json() | {"source": None} == {
        "protocol": "test-iv",
        "weight_kg": "70",
        "dose_mg_per_kg": "0.5",
        "dose_mg": "35",
        "duration_min": "40",
        "rate_mg_per_h": "52.5",
        "concentration_mg_per_ml": None,
        "volume_ml": None,
        "rate_ml_per_h": None,
        "devices": None,
        "formula": result.formula,
        "source": None,
        "warnings": [],
        "dose_chosen_by": "protocol standard dose",
        "dilute_first": None,
        "local_highest_dose": None,
        "local_weight_rule": None,
        "default_dose_source": [
            {
                "parameter": "dose",
                "value": "0.5 mg/kg",
                "source": "test-dose",
                "locator": "test §2",
                "verification": "unknown",
            }
        ],
    }
    assert [(s["parameter"], s["source"]) for s in result.to_json()["source"]] == [
        ("dose", "test-dose"),
        ("duration", "test-duration"),
    ]


def test_standard_dose_with_concentration() -> None:
    result = calculate(INFUSION, weight="70 kg", concentration="10 mg/mL")
    # 35 mg ÷ 10 mg/mL = 3.5 mL; 52.5 mg/h ÷ 10 mg/mL = 5.25 mL/h
    document = result.to_json()
    assert (document["volume_ml"], document["rate_ml_per_h"]) == ("3.5", "5.25")
    assert document["concentration_mg_per_ml"] == "10"
    assert result.formula.endswith("; 35 mg ÷ 10 mg/mL = 3.5 mL; 52.5 mg/h ÷ 10 mg/mL = 5.25 mL/h")
    assert "At 10 mg/mL: volume 3.5 mL, pump rate 5.25 mL/h" in result.summary_lines(False)


def test_pounds_with_concentration_shows_rounding_beside_exact_values() -> None:
    result = calculate(INFUSION, weight="154 lb", concentration="10 mg/mL")
    # 154 lb × 0.45359237 = 69.85322498 kg
    # 0.5 mg/kg × 69.85322498 kg = 34.92661249 mg
    # 34.92661249 mg × 60 ÷ 40 min = 52.389918735 mg/h
    # 34.92661249 mg ÷ 10 mg/mL = 3.492661249 mL; 52.389918735 ÷ 10 = 5.2389918735 mL/h
    document = result.to_json()
    assert document["weight_kg"] == "69.85322498"
    assert document["dose_mg"] == "34.92661249"
    assert document["rate_mg_per_h"] == "52.389918735"
    assert document["volume_ml"] == "3.492661249"
    assert document["rate_ml_per_h"] == "5.2389918735"
    assert result.formula.startswith(
        "154 lb × 0.45359237 = 69.85322498 kg; 0.5 mg/kg × 69.85322498 kg = 34.92661249 mg"
    )
    lines = result.summary_lines(acknowledged=False)
    assert "Weight: 154 lb = 69.9 kg (exact 69.85322498 kg)" in lines
    assert "Dose: 0.5 mg/kg → 34.9 mg (exact 34.92661249 mg)" in lines
    assert "Over 40 min: 52.4 mg/h (exact 52.389918735 mg/h)" in lines
    assert (
        "At 10 mg/mL: volume 3.49 mL (exact 3.492661249 mL), "
        "pump rate 5.24 mL/h (exact 5.2389918735 mL/h)"
    ) in lines
    assert any(line.startswith("Display rounding: mg and mg/h to 0.1, mL") for line in lines)


def test_rounding_comes_from_the_protocol() -> None:
    coarse = make_protocol(BOLUS_OVER_TIME, rounding={"mg": "1", "ml": "0.1"})
    lines = calculate(coarse, weight="154 lb", concentration="10 mg/mL").summary_lines(False)
    # 34.92661249 mg → 35 mg; 3.492661249 mL → 3.5 mL
    assert "Dose: 0.5 mg/kg → 35 mg (exact 34.92661249 mg)" in lines
    assert any("volume 3.5 mL (exact 3.492661249 mL)" in line for line in lines)


def test_a_quotient_that_does_not_end_is_marked() -> None:
    result = calculate(INFUSION, weight="70 kg", duration="45 min")
    # 35 mg × 60 ÷ 45 min = 46.666… mg/h, carried to 10 places
    assert result.to_json()["rate_mg_per_h"] == "46.6666666667"
    assert "Over 45 min: 46.7 mg/h (exact 46.6666666667… mg/h)" in result.summary_lines(False)
    assert "duration 45 min" in result.entered_without_source


def test_bolus_without_a_duration_has_no_rate() -> None:
    result = calculate(make_protocol(FIXED_BOLUS), weight="80 kg", concentration="10 mg/mL")
    # 0.35 mg/kg × 80 kg = 28 mg; 28 mg ÷ 10 mg/mL = 2.8 mL; no duration, so no rate
    document = result.to_json()
    assert (document["dose_mg"], document["volume_ml"]) == ("28", "2.8")
    assert document["rate_mg_per_h"] is None
    assert document["rate_ml_per_h"] is None
    assert document["duration_min"] is None


def test_dose_only_the_standard_when_there_is_no_range() -> None:
    with pytest.raises(DoseInputError, match=re.escape("it gives 0.35 mg/kg and no range")):
        calculate(make_protocol(FIXED_BOLUS), weight="80 kg", dose="0.3 mg/kg")


# --- mg/kg/h ---------------------------------------------------------------------------------


def test_rate_with_duration_and_concentration() -> None:
    result = calculate(
        RATE_ONLY, weight="70 kg", dose="1 mg/kg/h", duration="4 h", concentration="10 mg/mL"
    )
    # 1 mg/kg/h × 70 kg = 70 mg/h; over 4 h: 70 × 4 = 280 mg (1 × 4 = 4 mg/kg)
    # 70 mg/h ÷ 10 mg/mL = 7 mL/h; 280 mg ÷ 10 mg/mL = 28 mL
    document = result.to_json()
    assert document["rate_mg_per_h"] == "70"
    assert document["dose_mg"] == "280"
    assert document["dose_mg_per_kg"] == "4"
    assert document["duration_min"] == "240"
    assert (document["rate_ml_per_h"], document["volume_ml"]) == ("7", "28")
    assert result.formula == (
        "1 mg/kg/h × 70 kg = 70 mg/h; over 4 h → 280 mg; "
        "280 mg ÷ 10 mg/mL = 28 mL; 70 mg/h ÷ 10 mg/mL = 7 mL/h"
    )


def test_rate_in_pounds_without_duration() -> None:
    result = calculate(RATE_ONLY, weight="200 lb", dose="0.5 mg/kg/h")
    # 200 lb × 0.45359237 = 90.718474 kg; 0.5 mg/kg/h × 90.718474 kg = 45.359237 mg/h
    document = result.to_json()
    assert document["weight_kg"] == "90.718474"
    assert document["rate_mg_per_h"] == "45.359237"
    assert document["dose_mg"] is None
    assert document["volume_ml"] is None


def test_rate_range_without_standard_refuses_and_says_what_to_give() -> None:
    with pytest.raises(
        DoseInputError,
        match=re.escape(
            "no single standard dose; give a dose in the range it gives, 0.5–2 mg/kg/h"
            " [test-rate-range, test §6; unknown source]"
        ),
    ):
        calculate(RATE_ONLY, weight="70 kg")


def test_two_regimens_need_the_dose_to_tell_them_apart() -> None:
    with pytest.raises(DoseInputError, match="more than one regimen") as caught:
        calculate(TWO_REGIMENS, weight="70 kg")
    assert "mg/kg (single infusion) or mg/kg/h (continuous infusion)" in caught.value.message
    # the GUI names the regimen it shows when the dose field is empty
    shown_regimen = calculate(TWO_REGIMENS, weight="70 kg", regimen_unit="mg/kg")
    assert shown_regimen.to_json()["dose_mg"] == "35"  # the standard 0.5 mg/kg × 70 kg
    assert (
        calculate(TWO_REGIMENS, weight="70 kg", dose="2 mg/kg/h").to_json()["rate_mg_per_h"]
        == "140"
    )  # 2 mg/kg/h × 70 kg


# --- limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "words"),
    [
        (
            "0.8 mg/kg",
            "above the range this calculator accepts for this protocol, 0.1–0.75 mg/kg. Where the"
            " range comes from: Test-only value 0.1–0.75 mg/kg. [test-range, test §3; unknown"
            " source]",
        ),
        ("0.05 mg/kg", "below the range this calculator accepts for this protocol,"),
    ],
)
def test_dose_outside_the_range_is_refused(dose: str, words: str) -> None:
    with pytest.raises(DoseInputError, match=re.escape(words)):
        calculate(INFUSION, weight="70 kg", dose=dose)


def test_range_ends_are_allowed() -> None:
    # 0.75 mg/kg × 70 kg = 52.5 mg; 0.1 mg/kg × 70 kg = 7 mg
    assert calculate(INFUSION, weight="70 kg", dose="0.75 mg/kg").to_json()["dose_mg"] == "52.5"
    assert calculate(INFUSION, weight="70 kg", dose="0.1 mg/kg").to_json()["dose_mg"] == "7"


def test_dose_above_warn_level_needs_acknowledgement() -> None:
    result = calculate(INFUSION, weight="70 kg", dose="0.6 mg/kg")
    assert result.needs_acknowledgement
    assert result.warning_texts()[0].startswith("dose 0.6 mg/kg is above 0.5 mg/kg")
    assert "[test-warn, test §4; unknown source]" in result.warning_texts()[0]
    assert result.summary_lines(True)[-1].endswith("(acknowledged by the clinician on screen)")
    assert result.summary_lines(False)[-1].endswith("(needs the clinician's acknowledgement)")
    # 0.6 mg/kg × 70 kg = 42 mg: the dose is computed, not clamped to 0.5 mg/kg
    assert result.to_json()["dose_mg"] == "42"


@pytest.mark.parametrize(
    ("weight", "words"),
    [
        ("19.9 kg", "below 20 kg, the lowest weight"),
        ("250.1 kg", "above 250 kg, the highest weight"),
        ("44 lb", "“44 lb” (19.95806428 kg) is below 20 kg"),  # 44 × 0.45359237
    ],
)
def test_weight_outside_the_packs_checks_is_refused(weight: str, words: str) -> None:
    with pytest.raises(DoseInputError) as caught:
        calculate(INFUSION, weight=weight)
    assert words in caught.value.message
    assert "Test-only plausibility checks" in caught.value.message
    assert caught.value.field == "weight"


@pytest.mark.parametrize(("weight", "side"), [("39 kg", "below 40 kg"), ("151 kg", "above 150 kg")])
def test_weight_outside_the_soft_checks_warns(weight: str, side: str) -> None:
    result = calculate(INFUSION, weight=weight)
    assert result.needs_acknowledgement
    assert side in result.warning_texts()[0]


def test_weights_on_the_limits_are_accepted_without_warning() -> None:
    for weight in ("20 kg", "40 kg", "150 kg", "250 kg"):
        assert calculate(INFUSION, weight=weight).dose_mg is not None
    assert not calculate(INFUSION, weight="40 kg").warnings


def test_weight_is_required() -> None:
    with pytest.raises(DoseInputError, match="no weight given") as caught:
        calculate(INFUSION)
    assert caught.value.field == "weight"


def test_json_has_exactly_the_contract_keys() -> None:
    assert tuple(calculate(INFUSION, weight="70 kg").to_json()) == JSON_KEYS + EXTRA_JSON_KEYS


def test_pack_refuses_a_fixed_dose_that_is_not_whole_devices() -> None:
    from pydantic import ValidationError

    from ketaref.content.format.model import FixedDoseRegimen
    from tests.dosing.fake_protocols import cited

    with pytest.raises(ValidationError, match="70 mg is not a whole number of devices of 28 mg"):
        FixedDoseRegimen.model_validate(
            {
                "kind": "fixed-device",
                "allowed_doses": [cited("56 mg"), cited("70 mg")],
                "per_device": cited("28 mg"),
            },
            strict=False,
        )


AMOUNTS = ("weight_kg", "dose_mg_per_kg", "dose_mg", "rate_mg_per_h", "volume_ml", "rate_ml_per_h")


@pytest.mark.parametrize(
    ("protocol", "inputs"),
    [
        (INFUSION, {"weight": "70 kg", "duration": "45 min", "concentration": "10 mg/mL"}),
        (
            RATE_ONLY,
            {"weight": "70 kg", "dose": "0.5 mg/kg/h", "duration": "90 min"}
            | {"concentration": "10 mg/mL"},
        ),
    ],
)
def test_every_amount_carries_a_unit_of_the_fixed_list(
    protocol: Protocol, inputs: dict[str, str]
) -> None:
    result = calculate(protocol, **inputs)
    units = {
        name: amount.unit for name in AMOUNTS if isinstance(amount := getattr(result, name), Amount)
    }
    assert units == {
        "weight_kg": Unit.KG,
        "dose_mg_per_kg": Unit.MG_PER_KG,
        "dose_mg": Unit.MG,
        "rate_mg_per_h": Unit.MG_PER_H,
        "volume_ml": Unit.ML,
        "rate_ml_per_h": Unit.ML_PER_H,
    }
    assert all(type(unit) is Unit for unit in units.values())
    assert result.to_json()["volume_ml"] == format_decimal(result.volume_ml.value)  # type: ignore[union-attr]


def test_fixed_doses_are_in_mg(bundled_library: Library) -> None:
    result = calculate(bundled_library.protocols["spravato-trd"], dose="56 mg")
    assert result.dose_mg is not None
    assert type(result.dose_mg.unit) is Unit
