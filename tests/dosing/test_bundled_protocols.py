"""Hand-computed doses for every protocol in the bundled pack that has a dose calculator.

The arithmetic is written beside each expected value. A protocol that gains a ``dosing`` block
without examples here fails ``test_every_protocol_with_dosing_has_examples``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ketaref.content.format.pack import Library
from ketaref.dosing.calculator import NO_CALCULATOR, calculate
from ketaref.dosing.units import DoseInputError

COVERED = {
    "spravato-trd",
    "spravato-mdsi",
    "iv-ketamine-trd",
    "iv-ketamine-chronic-pain",
    "iv-ketamine-acute-pain",
}


def test_every_protocol_with_dosing_has_examples(bundled_library: Library) -> None:
    with_dosing = {p.id for p in bundled_library.protocols.values() if p.dosing is not None}
    assert with_dosing == COVERED


def dose(library: Library, protocol_id: str, **inputs: str) -> dict[str, Any]:
    return calculate(library.protocols[protocol_id], **inputs).to_json()


def cited(document: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(s["parameter"], s["source"], s["locator"]) for s in document["source"]}


# --- SPRAVATO ---------------------------------------------------------------------------------


def test_spravato_mdsi_standard_dose_is_84_mg(bundled_library: Library) -> None:
    document = dose(bundled_library, "spravato-mdsi")
    assert (document["dose_mg"], document["devices"]) == ("84", 3)  # 84 mg ÷ 28 mg = 3 devices
    assert ("dose", "medscape-eske", "Dosing & Uses") in cited(document)
    # 56 mg ÷ 28 mg = 2 devices
    assert dose(bundled_library, "spravato-mdsi", dose="56 mg")["devices"] == 2


@pytest.mark.parametrize("protocol_id", ["spravato-trd", "spravato-mdsi"])
def test_spravato_refuses_doses_not_listed(bundled_library: Library, protocol_id: str) -> None:
    for refused in ("28 mg", "112 mg", "70 mg"):
        with pytest.raises(DoseInputError, match="give 56 mg or 84 mg"):
            dose(bundled_library, protocol_id, dose=refused)


# --- IV ketamine for TRD ------------------------------------------------------------------------


def test_iv_trd_standard_dose_in_kg(bundled_library: Library) -> None:
    document = dose(bundled_library, "iv-ketamine-trd", weight="70 kg")
    # 0.5 mg/kg × 70 kg = 35 mg; over 40 min: 35 × 60 ÷ 40 = 52.5 mg/h
    assert document["formula"] == "0.5 mg/kg × 70 kg = 35 mg over 40 min → 52.5 mg/h"
    assert (document["dose_mg"], document["rate_mg_per_h"]) == ("35", "52.5")
    assert document["duration_min"] == "40"
    assert cited(document) == {
        ("dose", "sanacora-reply-2017", "reply text"),
        ("duration", "sanacora-reply-2017", "reply text"),
    }
    assert document["warnings"] == []


def test_iv_trd_in_pounds_with_concentration(bundled_library: Library) -> None:
    document = dose(bundled_library, "iv-ketamine-trd", weight="154 lb", concentration="10 mg/mL")
    # 154 lb × 0.45359237 = 69.85322498 kg
    # 0.5 mg/kg × 69.85322498 kg = 34.92661249 mg; × 60 ÷ 40 min = 52.389918735 mg/h
    # 34.92661249 mg ÷ 10 mg/mL = 3.492661249 mL; 52.389918735 mg/h ÷ 10 mg/mL = 5.2389918735 mL/h
    assert document["weight_kg"] == "69.85322498"
    assert document["dose_mg"] == "34.92661249"
    assert document["rate_mg_per_h"] == "52.389918735"
    assert document["volume_ml"] == "3.492661249"
    assert document["rate_ml_per_h"] == "5.2389918735"


def test_iv_trd_top_of_the_studied_range(bundled_library: Library) -> None:
    document = dose(
        bundled_library,
        "iv-ketamine-trd",
        weight="80 kg",
        dose="0.75 mg/kg",
        concentration="50 mg/mL",
    )
    # 0.75 mg/kg × 80 kg = 60 mg; 60 × 60 ÷ 40 min = 90 mg/h
    # 60 mg ÷ 50 mg/mL = 1.2 mL; 90 mg/h ÷ 50 mg/mL = 1.8 mL/h
    assert (document["dose_mg"], document["rate_mg_per_h"]) == ("60", "90")
    assert (document["volume_ml"], document["rate_ml_per_h"]) == ("1.2", "1.8")
    assert ("accepted range", "andrade-2017", "abstract") in cited(document)


def test_iv_trd_longer_duration_is_marked_as_entered(bundled_library: Library) -> None:
    result = calculate(
        bundled_library.protocols["iv-ketamine-trd"], weight="70 kg", duration="100 min"
    )
    # 35 mg × 60 ÷ 100 min = 21 mg/h
    assert result.to_json()["rate_mg_per_h"] == "21"
    assert result.entered_without_source == ("duration 100 min",)
    assert result.needs_acknowledgement


def test_iv_trd_a_slip_in_the_duration_must_be_acknowledged(bundled_library: Library) -> None:
    result = calculate(
        bundled_library.protocols["iv-ketamine-trd"], weight="70 kg", duration="4 min"
    )
    # 35 mg × 60 ÷ 4 min = 525 mg/h: ten times the 52.5 mg/h of the standard 40 min
    assert result.to_json()["rate_mg_per_h"] == "525"
    assert result.needs_acknowledgement
    assert any("4 min differs from the protocol's 40 min" in w for w in result.warning_texts())
    standard = calculate(bundled_library.protocols["iv-ketamine-trd"], weight="70 kg")
    assert not standard.needs_acknowledgement


def test_iv_trd_limits(bundled_library: Library) -> None:
    with pytest.raises(DoseInputError, match=re.escape("this protocol, 0.1–0.75 mg/kg")):
        dose(bundled_library, "iv-ketamine-trd", weight="70 kg", dose="0.8 mg/kg")
    with pytest.raises(DoseInputError, match="above 350 kg"):
        dose(bundled_library, "iv-ketamine-trd", weight="351 kg")
    with pytest.raises(DoseInputError, match="below 20 kg"):
        dose(bundled_library, "iv-ketamine-trd", weight="19 kg")
    warned = dose(bundled_library, "iv-ketamine-trd", weight="160 kg")
    assert warned["warnings"][0].startswith("weight “160 kg” is above 150 kg")
    assert "they are not clinical limits" in warned["warnings"][0]
    assert warned["dose_mg"] == "80"  # 0.5 mg/kg × 160 kg, computed, not clamped


# --- IV ketamine for chronic pain ----------------------------------------------------------------


def test_chronic_pain_needs_the_dose_to_pick_bolus_or_infusion(bundled_library: Library) -> None:
    with pytest.raises(DoseInputError, match="more than one regimen") as caught:
        dose(bundled_library, "iv-ketamine-chronic-pain", weight="70 kg")
    assert "mg/kg (Bolus) or mg/kg/h (Infusion rate)" in caught.value.message


def test_chronic_pain_bolus(bundled_library: Library) -> None:
    document = dose(
        bundled_library,
        "iv-ketamine-chronic-pain",
        weight="70 kg",
        dose="0.35 mg/kg",
        concentration="10 mg/mL",
    )
    # 0.35 mg/kg × 70 kg = 24.5 mg; 24.5 mg ÷ 10 mg/mL = 2.45 mL; a bolus has no rate
    assert (document["dose_mg"], document["volume_ml"]) == ("24.5", "2.45")
    assert document["rate_mg_per_h"] is None
    assert ("accepted range", "cohen-2018-gc", "Dosing range (1)") in cited(document)
    with pytest.raises(
        DoseInputError,
        match=re.escape("above the range this calculator accepts for this protocol,"),
    ):
        dose(bundled_library, "iv-ketamine-chronic-pain", weight="70 kg", dose="0.4 mg/kg")


def test_chronic_pain_infusion_in_kg(bundled_library: Library) -> None:
    document = dose(
        bundled_library,
        "iv-ketamine-chronic-pain",
        weight="70 kg",
        dose="1 mg/kg/h",
        duration="4 h",
        concentration="10 mg/mL",
    )
    # 1 mg/kg/h × 70 kg = 70 mg/h; over 4 h: 280 mg (4 mg/kg)
    # 280 mg ÷ 10 mg/mL = 28 mL; 70 mg/h ÷ 10 mg/mL = 7 mL/h
    assert (document["rate_mg_per_h"], document["dose_mg"]) == ("70", "280")
    assert document["dose_mg_per_kg"] == "4"
    assert (document["volume_ml"], document["rate_ml_per_h"]) == ("28", "7")
    assert ("accepted range", "cohen-2018-gc", "Dosing range (2)") in cited(document)


def test_chronic_pain_infusion_in_pounds(bundled_library: Library) -> None:
    document = dose(
        bundled_library,
        "iv-ketamine-chronic-pain",
        weight="220 lb",
        dose="2 mg/kg/h",
        duration="120 min",
        concentration="50 mg/mL",
    )
    # 220 lb × 0.45359237 = 99.7903214 kg; × 2 mg/kg/h = 199.5806428 mg/h
    # over 120 min: 199.5806428 × 120 ÷ 60 = 399.1612856 mg
    # 399.1612856 mg ÷ 50 mg/mL = 7.983225712 mL; 199.5806428 ÷ 50 = 3.991612856 mL/h
    assert document["weight_kg"] == "99.7903214"
    assert document["rate_mg_per_h"] == "199.5806428"
    assert document["dose_mg"] == "399.1612856"
    assert document["volume_ml"] == "7.983225712"
    assert document["rate_ml_per_h"] == "3.991612856"


def test_chronic_pain_intensive_care_rates_are_refused(bundled_library: Library) -> None:
    with pytest.raises(DoseInputError, match=re.escape("this protocol, 0.5–2 mg/kg/h")):
        dose(bundled_library, "iv-ketamine-chronic-pain", weight="70 kg", dose="7 mg/kg/h")


# --- IV ketamine for acute pain ------------------------------------------------------------------


def test_acute_pain_bolus_and_infusion(bundled_library: Library) -> None:
    bolus = dose(bundled_library, "iv-ketamine-acute-pain", weight="80 kg", dose="0.35 mg/kg")
    assert bolus["dose_mg"] == "28"  # 0.35 mg/kg × 80 kg
    assert ("accepted range", "schwenk-2018-gc", "Q2") in cited(bolus)

    infusion = dose(
        bundled_library,
        "iv-ketamine-acute-pain",
        weight="80 kg",
        dose="0.5 mg/kg/h",
        duration="90 min",
        concentration="1 mg/mL",
    )
    # 0.5 mg/kg/h × 80 kg = 40 mg/h; over 90 min: 40 × 90 ÷ 60 = 60 mg
    # 60 mg ÷ 1 mg/mL = 60 mL; 40 mg/h ÷ 1 mg/mL = 40 mL/h
    assert (infusion["rate_mg_per_h"], infusion["dose_mg"]) == ("40", "60")
    assert (infusion["volume_ml"], infusion["rate_ml_per_h"]) == ("60", "40")


def test_acute_pain_rate_above_1_mg_per_kg_per_h_is_refused(bundled_library: Library) -> None:
    with pytest.raises(DoseInputError, match=re.escape("this protocol, 0.1–1 mg/kg/h")):
        dose(bundled_library, "iv-ketamine-acute-pain", weight="80 kg", dose="1.5 mg/kg/h")


# --- research-only entries -----------------------------------------------------------------------


def test_research_only_protocols_have_no_calculator(bundled_library: Library) -> None:
    research = [
        p
        for p in bundled_library.protocols.values()
        if p.regulatory_status.value == "research-only"
    ]
    assert research
    for protocol in research:
        with pytest.raises(DoseInputError, match=NO_CALCULATOR):
            calculate(protocol, weight="70 kg", dose="0.5 mg/kg")
