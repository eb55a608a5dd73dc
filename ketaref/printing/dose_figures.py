"""What the printout needs from a dose calculation, and the boxes of the dose record.

The printout takes the calculator's ``DoseResult`` itself, never lines of text made from it. Each
figure goes into its own box (weight, dose per kg or rate, duration, total dose, concentration,
volume, pump rate), so a dose and a rate, or mg and mL, are never written in one field. The one
weight rule of a printout lives here too (``printed_weight``): the weight on the sheet is the
weight the dose was worked out for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ketaref.content.format.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.format.model import (
    UNKNOWN_SOURCE,
    Citation,
    FixedDoseRegimen,
    Protocol,
    WeightBasedRegimen,
)
from ketaref.content.format.pack import Library
from ketaref.content.format.quantity import Quantity, Unit
from ketaref.dosing.calculator import Amount, DoseResult, printable_weight
from ketaref.dosing.units import Weight
from ketaref.printing.errors import PrintError


@dataclass(frozen=True)
class RegimenBoxes:
    """One row of the dose record: a regimen's name, the labels of its boxes, their values."""

    name: str
    unit: str
    labels: tuple[str, ...]
    values: tuple[str, ...]


#: Box labels per regimen unit. A dose per kg is given over a duration; a rate runs for one.
_LABELS = {
    "mg/kg": (
        "Dose (mg/kg)",
        "Over (min)",
        "Total dose (mg)",
        "Concentration (mg/mL)",
        "Volume (mL)",
        "Pump rate (mL/h)",
    ),
    "mg/kg/h": (
        "Rate (mg/kg/h)",
        "Planned duration",
        "Total dose (mg)",
        "Concentration (mg/mL)",
        "Volume (mL)",
        "Pump rate (mL/h)",
    ),
    "mg": ("Dose (mg)", "Devices"),
}
#: Regimens of a sheet printed for a protocol without a dose calculator: both IV forms.
_DEFAULT_REGIMENS = (("Dose over a set time", "mg/kg"), ("Infusion rate", "mg/kg/h"))


def _regimens(protocol: Protocol) -> list[tuple[str, str]]:
    """(name, unit) of each regimen the protocol's calculator offers."""
    if protocol.dosing is None:
        return list(_DEFAULT_REGIMENS)
    found = []
    for regimen in protocol.dosing.regimens:
        if isinstance(regimen, FixedDoseRegimen):
            found.append(("Fixed dose", "mg"))
        elif isinstance(regimen, WeightBasedRegimen):
            found.append((regimen.name.removesuffix(f" ({regimen.dose_unit})"), regimen.dose_unit))
    return found


def _unit_of(dose: DoseResult) -> str:
    if dose.devices is not None:
        return "mg"
    if dose.entered_dose is not None and dose.entered_dose.unit is Unit.MG_PER_KG_PER_H:
        return "mg/kg/h"
    return "mg/kg"


def _shown(amount: Amount | Quantity | None) -> str:
    if amount is None:
        return ""
    return str(amount) if isinstance(amount, Quantity) else amount.display()


def _values(dose: DoseResult, unit: str) -> tuple[str, ...]:
    if unit == "mg":
        return (_shown(dose.dose_mg), str(dose.devices) if dose.devices is not None else "")
    # A concentration to dilute first is not the one given: its box stays blank for the
    # concentration after dilution, as do the volume and pump rate worked out from it.
    concentration = None if dose.dilute_first is not None else dose.concentration
    return (
        _shown(dose.entered_dose),
        _shown(dose.duration),
        _shown(dose.dose_mg),
        _shown(concentration),
        _shown(dose.volume_ml),
        _shown(dose.rate_ml_per_h),
    )


def dose_record(protocol: Protocol, dose: DoseResult | None) -> list[RegimenBoxes]:
    """The regimen rows of the dose record printed for ``protocol``.

    Without a calculation: one blank row per regimen, to fill in the one given. With one: only
    the row of the regimen calculated, its boxes filled in.
    """
    rows = []
    used = _unit_of(dose) if dose is not None else None
    for name, unit in _regimens(protocol):
        if used is not None and unit != used:
            continue
        labels = _LABELS[unit]
        values = _values(dose, unit) if dose is not None else ("",) * len(labels)
        rows.append(RegimenBoxes(name, unit, labels, values))
    return rows


def needs_weight(protocol: Protocol) -> bool:
    """Whether the dose record has a weight box (any weight-based regimen)."""
    return any(unit != "mg" for _, unit in _regimens(protocol))


def weight_value(dose: DoseResult | None) -> str:
    """The weight the calculation used, for its box (empty without one)."""
    return _shown(dose.weight_kg) if dose is not None else ""


def calculation_lines(
    library: Library, dose: DoseResult, acknowledged: bool, number: Callable[[Citation], int]
) -> list[str]:
    """The calculator's lines for the printout. Every citation is the sheet's own reference
    number with its verification tag, ``[4, secondary source]``, as the calculator on screen
    writes it; ``number`` gives a citation its number in the sheet's list of references."""

    def cite(citation: Citation) -> str:
        # A no-break space keeps a number with its tag when the line wraps.
        return f"[{number(citation)},\u00a0{verification_words(library, citation.source)}]"

    return dose.summary_lines(acknowledged, cite)


def verification_words(library: Library, source_id: str) -> str:
    """The verification tag of a source as printed (``unknown`` for a source not in the pack)."""
    source = library.sources.get(source_id)
    return source.verification.label if source else UNKNOWN_SOURCE


def printed_weight(
    library: Library,
    protocol: Protocol,
    typed: str,
    dose: DoseResult | None,
    local_rules: LocalRulesInForce = NO_LOCAL_RULES,
) -> Weight | None:
    """The one weight a printout carries: the one typed, else the dose's; None if neither.

    A typed weight is read and refused as the calculator would (``DoseInputError``, naming the
    weight). With a dose worked out for a weight, a typed weight must be that weight: a sheet
    with one weight in its header and another under its dose is refused (``PrintError``), so
    the command line and the print dialog refuse it in the same words. A dose worked out for
    another protocol is refused too.
    """
    if dose is not None and dose.protocol_id != protocol.id:
        raise PrintError(
            f"the dose was worked out for the protocol “{dose.protocol_id}”, not for"
            f" “{protocol.id}”; work it out again for this protocol"
        )
    dose_weight = dose.weight if dose is not None else None
    if not typed.strip():
        return dose_weight
    weight = printable_weight(protocol, list(library.protocols.values()), typed, local_rules)
    if dose_weight is not None and weight.kg != dose_weight.kg:
        raise PrintError(
            f"the weight {weight.entered_text()} differs from the {dose_weight.entered_text()}"
            " the dose on this checklist was worked out for; correct the weight, or work the"
            " dose out again for it"
        )
    return weight
