"""What the printout needs from a dose calculation, and the boxes of the dose record.

The printing layer does not import the calculator (the two are independent layers built on the
content), so ``CalculatedDose`` describes the calculator's ``DoseResult`` by what it offers: the
GUI hands the result itself to the printout, never lines of text made from it. Each figure goes
into its own box (weight, dose per kg or rate, duration, total dose, concentration, volume, pump
rate), so a dose and a rate, or mg and mL, are never written in one field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol as Interface

from ketaref.content.model import (
    Citation,
    FixedDoseRegimen,
    Protocol,
    Verification,
    WeightBasedRegimen,
)
from ketaref.content.pack import Library
from ketaref.content.quantity import Quantity, Unit

#: The words printed after every source line: the verification tag, and what it asks of a reader.
VERIFICATION_WORDS = {
    Verification.CONFIRMED: "confirmed",
    Verification.ABSTRACT_ONLY: "abstract-only: check the full text",
    Verification.SECONDARY: "secondary: check against the primary",
}


class ShownAmount(Interface):
    """A computed amount the calculator can show with its display rounding."""

    def display(self) -> str:
        """``35 mg``, or the rounded value with the exact one beside it."""
        ...


class CitedStatement(Interface):
    """The statement a calculator parameter comes from."""

    def citations(self) -> tuple[Citation, ...]:
        """All citations, the primary one first."""
        ...


class CalculatorParameter(Interface):
    """One parameter of the calculation and the statement behind it."""

    @property
    def parameter(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def statement(self) -> CitedStatement: ...


class CalculatedDose(Interface):
    """The calculator's result (``ketaref.dosing.calculator.DoseResult``) as the printout uses it."""

    @property
    def weight_kg(self) -> ShownAmount | None: ...
    @property
    def entered_dose(self) -> Quantity | None: ...
    @property
    def dose_mg(self) -> ShownAmount | None: ...
    @property
    def duration(self) -> Quantity | None: ...
    @property
    def concentration(self) -> Quantity | None: ...
    @property
    def volume_ml(self) -> ShownAmount | None: ...
    @property
    def rate_ml_per_h(self) -> ShownAmount | None: ...
    @property
    def devices(self) -> int | None: ...
    @property
    def sources(self) -> Sequence[CalculatorParameter]: ...
    @property
    def dilute_first(self) -> object | None:
        """Set when the concentration is one to dilute before IV use (no volume, no pump rate)."""
        ...

    def summary_lines(self, acknowledged: bool) -> list[str]:
        """The result as lines (regimen, weight, dose, formula, sources, warnings)."""
        ...


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


def _unit_of(dose: CalculatedDose) -> str:
    if dose.devices is not None:
        return "mg"
    if dose.entered_dose is not None and dose.entered_dose.unit is Unit.MG_PER_KG_PER_H:
        return "mg/kg/h"
    return "mg/kg"


def _shown(amount: ShownAmount | Quantity | None) -> str:
    if amount is None:
        return ""
    return str(amount) if isinstance(amount, Quantity) else amount.display()


def _values(dose: CalculatedDose, unit: str) -> tuple[str, ...]:
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


def dose_record(protocol: Protocol, dose: CalculatedDose | None) -> list[RegimenBoxes]:
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


def weight_value(dose: CalculatedDose | None) -> str:
    """The weight the calculation used, for its box (empty without one)."""
    return _shown(dose.weight_kg) if dose is not None else ""


def calculation_lines(library: Library, dose: CalculatedDose, acknowledged: bool) -> list[str]:
    """The calculator's lines for the printout, every source line with its verification tag."""
    sources = [
        f"Source: {parameter.parameter} {parameter.value}: {citation.source}, {citation.locator}"
        f" ({verification_words(library, citation.source)})"
        for parameter in dose.sources
        for citation in parameter.statement.citations()
    ]
    lines: list[str] = []
    for line in dose.summary_lines(acknowledged):
        if line.startswith("Source: "):
            lines += sources
            sources = []
        else:
            lines.append(line)
    return lines + sources


def verification_words(library: Library, source_id: str) -> str:
    """The verification tag of a source as printed (``unknown`` for a source not in the pack)."""
    source = library.sources.get(source_id)
    return VERIFICATION_WORDS[source.verification] if source else "unknown"
