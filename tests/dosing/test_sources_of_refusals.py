"""Every refusal and warning of the calculator names its source with that source's verification,
and a concentration the content marks for dilution gets no volume and no pump rate.

Walks every weight-based regimen of the bundled pack, so a protocol added later is held too.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from ketaref import paths
from ketaref.cli import main
from ketaref.content.format.model import (
    CitedRange,
    Protocol,
    SiteRange,
    Statement,
    WeightBasedRegimen,
)
from ketaref.content.format.pack import load_pack
from ketaref.content.format.quantity import Quantity, QuantityRange, format_decimal
from ketaref.dosing.calculator import DILUTE_FIRST, DoseResult, calculate
from ketaref.dosing.units import DoseInputError

LIBRARY = load_pack(paths.bundled_content_dir())
REGIMENS = [
    (protocol, regimen)
    for protocol in LIBRARY.protocols.values()
    if protocol.dosing is not None
    for regimen in protocol.dosing.regimens
    if isinstance(regimen, WeightBasedRegimen)
]
IDS = [f"{protocol.id}-{regimen.dose_unit}" for protocol, regimen in REGIMENS]
#: A volume or pump rate in the calculator's words: "3.5 mL", "5.25 mL/h".
VOLUME_OR_PUMP_RATE = re.compile(r"\d mL(/h)?\b")


def tags(statement: Statement) -> str:
    """The citations a refusal or warning ends with, each with its source's verification."""
    return " ".join(
        f"[{c.source}, {c.locator}; {LIBRARY.sources[c.source].verification.label}]"
        for c in statement.citations()
    )


def quantity(value: Decimal, within: QuantityRange) -> str:
    return f"{format_decimal(value)} {within.unit}"


def a_dose(regimen: WeightBasedRegimen) -> str:
    """A dose the regimen accepts: its standard dose, else the top of its range."""
    if regimen.standard_dose is not None:
        return str(regimen.standard_dose.value)
    assert regimen.allowed_range is not None
    return quantity(regimen.allowed_range.value.high, regimen.allowed_range.value)


def refusal(protocol: Protocol, **inputs: str) -> DoseInputError:
    with pytest.raises(DoseInputError) as caught:
        calculate(protocol, sources=LIBRARY.sources, **inputs)
    return caught.value


def ranges(
    protocol: Protocol, regimen: WeightBasedRegimen
) -> list[tuple[str, CitedRange | SiteRange]]:
    """Each range the regimen's calculator refuses outside of, with the input it applies to."""
    assert protocol.dosing is not None
    assert protocol.dosing.concentration_limits is not None
    found: list[tuple[str, CitedRange | SiteRange]] = [
        ("duration", regimen.duration_limits.accepted),
        ("concentration", protocol.dosing.concentration_limits.accepted),
    ]
    if regimen.allowed_range is not None:
        found.append(("dose", regimen.allowed_range))
    return found


def test_there_are_weight_based_regimens_with_cited_and_site_ranges() -> None:
    kinds = {type(r) for p, g in REGIMENS for _, r in ranges(p, g)}
    assert kinds == {CitedRange, SiteRange}


@pytest.mark.parametrize(("protocol", "regimen"), REGIMENS, ids=IDS)
def test_a_refusal_at_a_range_says_where_the_range_comes_from(
    protocol: Protocol, regimen: WeightBasedRegimen
) -> None:
    for field, accepted in ranges(protocol, regimen):
        inputs = {"weight": "70 kg", "dose": a_dose(regimen)}
        inputs[field] = quantity(accepted.value.high * 2, accepted.value)
        refused = refusal(protocol, **inputs)
        assert refused.field == field
        if isinstance(accepted, CitedRange):
            # The statement, then its citations with their verification, at the very end.
            assert refused.message.endswith(f"{accepted.text} {tags(accepted)}"), refused.message
            assert refused.without_citation().endswith(accepted.text)
        else:
            assert accepted.site_defined.rstrip(".") in refused.message
            assert "[" not in refused.message  # a site's range has no source to cite


def test_the_iv_trd_duration_floor_says_it_rests_on_the_abstract_of_a_review(
    capsys: pytest.CaptureFixture[str],
) -> None:
    protocol = LIBRARY.protocols["iv-ketamine-trd"]
    refused = refusal(protocol, weight="70 kg", duration="1 min")
    assert "below the range this calculator accepts for this protocol, 2–100 min" in (
        refused.message
    )
    assert "(Andrade 2017 review)" in refused.message
    assert refused.message.endswith("[andrade-2017, abstract; abstract only]")
    for json_flag in ((), ("--json",)):
        code = main(
            [
                "dose",
                "--protocol",
                protocol.id,
                "--weight",
                "70 kg",
                "--duration",
                "1 min",
                *json_flag,
            ]
        )
        captured = capsys.readouterr()
        assert (code, captured.out) == (2, "")
        assert captured.err.rstrip().endswith("[andrade-2017, abstract; abstract only]")


def test_a_fixed_dose_refusal_names_where_the_doses_come_from() -> None:
    protocol = LIBRARY.protocols["spravato-trd"]
    assert protocol.dosing is not None
    refused = refusal(protocol, dose="30 mg").message
    regimen = protocol.dosing.regimens[0]
    assert not isinstance(regimen, WeightBasedRegimen)
    for allowed in regimen.allowed_doses:
        assert str(allowed.value) in refused
        assert tags(allowed).split("] ")[0] in refused


def warnings_raised(protocol: Protocol, regimen: WeightBasedRegimen) -> DoseResult:
    """A result with every warning the regimen can give: a short or changed duration, a dose
    above ``warn_above``, and a concentration to dilute."""
    assert protocol.dosing is not None
    assert protocol.dosing.concentration_limits is not None
    limits = regimen.duration_limits
    duration = quantity(limits.accepted.value.low, limits.accepted.value)
    dose = a_dose(regimen)
    if regimen.warn_above is not None:
        assert regimen.allowed_range is not None
        dose = quantity(regimen.allowed_range.value.high, regimen.allowed_range.value)
    dilution = protocol.dosing.concentration_limits.dilution.at_or_above
    return calculate(
        protocol,
        weight="70 kg",
        dose=dose,
        duration=duration,
        concentration=str(dilution),
        sources=LIBRARY.sources,
    )


@pytest.mark.parametrize(("protocol", "regimen"), REGIMENS, ids=IDS)
def test_every_warning_carries_its_sources_verification(
    protocol: Protocol, regimen: WeightBasedRegimen
) -> None:
    result = warnings_raised(protocol, regimen)
    cited = [w for w in result.warnings if w.statement is not None]
    assert cited, "the dilution statement at least"
    texts = result.warning_texts()
    assert result.to_json()["warnings"] == texts
    for warning in cited:
        assert warning.statement is not None
        assert any(t.endswith(tags(warning.statement)) for t in texts), warning.message


@pytest.mark.parametrize(("protocol", "regimen"), REGIMENS, ids=IDS)
def test_a_concentration_to_dilute_gets_no_volume_or_pump_rate(
    protocol: Protocol, regimen: WeightBasedRegimen
) -> None:
    assert protocol.dosing is not None
    assert protocol.dosing.concentration_limits is not None
    dilution = protocol.dosing.concentration_limits.dilution
    duration = regimen.standard_duration.value if regimen.standard_duration else None
    if duration is None:
        accepted = regimen.duration_limits.accepted.value
        duration = Quantity(accepted.high, accepted.unit)
    inputs = {"weight": "70 kg", "dose": a_dose(regimen), "duration": str(duration)}
    undiluted = calculate(
        protocol, concentration=str(dilution.at_or_above), sources=LIBRARY.sources, **inputs
    )
    assert undiluted.volume_ml is None
    assert undiluted.rate_ml_per_h is None
    document = undiluted.to_json()
    assert (document["volume_ml"], document["rate_ml_per_h"]) == (None, None)
    said = document["dilute_first"]
    assert said is not None
    assert DILUTE_FIRST in said
    assert dilution.text in said
    assert said.endswith(tags(dilution))
    lines = "\n".join(undiluted.summary_lines(acknowledged=True))
    assert f"At {dilution.at_or_above}: {DILUTE_FIRST}" in lines
    assert not VOLUME_OR_PUMP_RATE.search(lines.replace("mL and mL/h to", "")), lines
    # Diluted tenfold, the volume and pump rate are worked out again.
    diluted = Quantity(dilution.at_or_above.value / 10, dilution.at_or_above.unit)
    worked_out = calculate(protocol, concentration=str(diluted), sources=LIBRARY.sources, **inputs)
    assert worked_out.volume_ml is not None
    assert worked_out.rate_ml_per_h is not None
    assert worked_out.dilute_first is None


def test_the_command_line_gives_no_volume_of_the_undiluted_drug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["dose", "--protocol", "iv-ketamine-chronic-pain", "--weight", "70 kg"]
    args += ["--dose", "1 mg/kg/h", "--duration", "4 h", "--concentration", "100 mg/mL"]
    assert main([*args, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["volume_ml"], document["rate_ml_per_h"]) == (None, None)
    assert DILUTE_FIRST in document["dilute_first"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"At 100 mg/mL: {DILUTE_FIRST}" in out
    assert "[ketalar-drugscom, §2.1; secondary source]" in out


@pytest.mark.parametrize(("protocol", "regimen"), REGIMENS, ids=IDS)
def test_a_rapid_rate_warning_says_where_its_threshold_comes_from(
    protocol: Protocol, regimen: WeightBasedRegimen
) -> None:
    limits = regimen.duration_limits
    if limits is None or limits.rapid_below is None:
        pytest.skip("no rapid-rate warning in this regimen")
    accepted = limits.accepted.value
    shortest = quantity(accepted.low, accepted)
    result = calculate(
        protocol,
        weight="70 kg",
        dose=a_dose(regimen),
        duration=shortest,
        sources=LIBRARY.sources,
    )
    (warning,) = [w for w in result.warning_texts() if "shorter than" in w]
    # No label gives a shortest infusion: the threshold is never shown as if it were the label's.
    assert f"shorter than {limits.rapid_below} ({limits.rapid_below_basis})" in warning
