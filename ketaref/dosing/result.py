"""The dose calculator's result and how it is written: screen, command line, JSON and print.

``ketaref.dosing.calculator`` works a dose out and returns a ``DoseResult``; this module holds
that result and its parts (``Amount``: an exact value with its display step; ``ParameterSource``
and ``Notice``: what a number rests on; ``LocalCeiling``, ``LocalWeightRule``: a clinic's local
limits) and every way
of writing them: the headline, the result and working lines, the summary the command line and the
printed checklist carry, and the JSON document of ``ketaref dose --json``. Nothing here computes
a dose or refuses one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ketaref.content.format.model import UNKNOWN_SOURCE, Citation, Rounding, Statement, Verification
from ketaref.content.format.quantity import Quantity, QuantityRange, Unit, format_decimal, unit_text
from ketaref.dosing.units import Weight, minutes

#: Weights are shown to 0.1 kg; the calculation always uses the exact weight.
WEIGHT_STEP = Decimal("0.1")

#: The keys of ``ketaref dose --json`` (docs/cli.md), in order.
JSON_KEYS = (
    "protocol",
    "weight_kg",
    "dose_mg_per_kg",
    "dose_mg",
    "duration_min",
    "rate_mg_per_h",
    "concentration_mg_per_ml",
    "volume_ml",
    "rate_ml_per_h",
    "devices",
    "formula",
    "source",
    "warnings",
)
#: Keys added after the contract's: who chose the dose, the source of a default dose, and the
#: concentration to dilute before a volume and pump rate are worked out.
EXTRA_JSON_KEYS = (
    "dose_chosen_by",
    "default_dose_source",
    "dilute_first",
    "local_highest_dose",
    "local_weight_rule",
)

#: ``dose_chosen_by`` values: typed by the clinician, or the protocol's single standard value.
CHOSEN_BY_CLINICIAN = "clinician"
CHOSEN_BY_PROTOCOL = "protocol standard dose"

#: What the calculator says instead of a volume and pump rate at a concentration to dilute.
DILUTE_FIRST = (
    "no volume or pump rate is worked out for it; dilute first, then enter the concentration"
    " after dilution"
)


@dataclass(frozen=True, slots=True)
class Amount:
    """A value with its unit: exact, or a non-ending quotient carried to 10 places (``repeating``)."""

    value: Decimal
    unit: Unit
    step: Decimal | None = None
    repeating: bool = False

    def exact_text(self) -> str:
        """The full value: ``34.92661249 mg``, ``46.6666666667… mg/h``."""
        return f"{format_decimal(self.value)}{'…' if self.repeating else ''} {self.unit}"

    def rounded(self) -> Decimal:
        """The value at its display step (half up), or unchanged if it has no step."""
        if self.step is None:
            return self.value
        return self.value.quantize(self.step, rounding=ROUND_HALF_UP)

    def is_rounded(self) -> bool:
        """Whether the value shown differs from the exact one."""
        return self.repeating or self.rounded() != self.value

    def display(self) -> str:
        """``35 mg``, or the rounded value with the exact one beside it: ``34.9 mg (exact …)``."""
        if not self.is_rounded():
            return self.exact_text()
        return f"{format_decimal(self.rounded())} {self.unit} (exact {self.exact_text()})"

    def short(self) -> str:
        """The value at its display step only, for the screen: ``34.9 mg``."""
        if not self.is_rounded():
            return self.exact_text()
        return f"{format_decimal(self.rounded())} {self.unit}"

    def json(self) -> str:
        """The value as an exact decimal string, e.g. ``"52.5"``."""
        return format_decimal(self.value)


def weight_in_kg(weight: Weight) -> Amount:
    """The weight in kg as the calculator shows it: ``70 kg``, ``69.9 kg (exact 69.85… kg)``."""
    return Amount(weight.kg, Unit.KG, WEIGHT_STEP)


#: Writes one citation marker: ``[andrade-2017, abstract; abstract only]`` or ``[3, secondary source]``.
CiteFormat = Callable[[Citation], str]


@dataclass(frozen=True, slots=True)
class ParameterSource:
    """Which published statement a parameter of the calculation comes from."""

    parameter: str
    value: str
    statement: Statement

    def lines(self, verification: Mapping[str, str]) -> list[dict[str, str]]:
        """One JSON object per citation (a statement two sources support has two)."""
        return [
            {
                "parameter": self.parameter,
                "value": self.value,
                "source": c.source,
                "locator": c.locator,
                "verification": verification.get(c.source, "unknown"),
            }
            for c in self.statement.citations()
        ]

    def text(self, cite: CiteFormat) -> str:
        """``dose 0.5 mg/kg [sanacora-reply-2017, reply text; confirmed]``."""
        return f"{self.parameter} {self.value} {cited(self.statement, cite)}"


def cited(statement: Statement, cite: CiteFormat) -> str:
    """Every citation marker of ``statement``, written with ``cite``."""
    return " ".join(cite(c) for c in statement.citations())


def cite_text(citation: Citation, verification: Mapping[str, str]) -> str:
    """A citation as text and print write it: ``[andrade-2017, abstract; abstract only]``."""
    tag = verification.get(citation.source)
    words = Verification(tag).label if tag else UNKNOWN_SOURCE
    return f"[{citation.source}, {citation.locator}; {words}]"


@dataclass(frozen=True, slots=True)
class Notice:
    """A line of the result in the calculator's words, and the statement it quotes, if any."""

    message: str
    statement: Statement | None = None

    def text(self, cite: CiteFormat) -> str:
        """The message, then the statement's words and citations."""
        if self.statement is None:
            return self.message
        return f"{self.message}: {self.statement.text} {cited(self.statement, cite)}"


@dataclass(frozen=True, slots=True)
class LocalLimit:
    """A limit a clinic's local rule sets on the calculator, named by its slot and attribution."""

    slot_id: str
    #: The rule's attribution: document, approver, approval and review dates.
    attribution: str


@dataclass(frozen=True, slots=True)
class LocalCeiling(LocalLimit):
    """The clinic's highest dose for a regimen: its local rule's value and where it comes from."""

    dose: Quantity

    def text(self) -> str:
        """``Clinic's highest dose: 56 mg (Local rule: …, approved by …)``."""
        return f"Clinic's highest dose: {self.dose} ({self.attribution})"

    def allows(self, dose: Quantity) -> bool:
        """Whether ``dose`` (in the regimen's unit) is at or below the clinic's highest."""
        return dose.value <= self.dose.value

    def json(self) -> dict[str, str]:
        """The ceiling in ``ketaref dose --json``: dose, slot and the rule's attribution."""
        return {"dose": str(self.dose), "slot": self.slot_id, "local_rule": self.attribution}


@dataclass(frozen=True, slots=True)
class LocalWeightRule(LocalLimit):
    """A clinic's rule that refuses a weight outside the protocol's warning levels."""

    lowest: Quantity
    highest: Quantity

    def text(self) -> str:
        """``Clinic's weight rule: weights below 40 kg or above 150 kg refused (Local rule: …)``."""
        return (
            f"Clinic's weight rule: a weight below {self.lowest} or above {self.highest} is"
            f" refused ({self.attribution})"
        )

    def json(self) -> dict[str, str]:
        """The rule in ``ketaref dose --json``: the weights accepted, slot and attribution."""
        return {
            "lowest": str(self.lowest),
            "highest": str(self.highest),
            "slot": self.slot_id,
            "local_rule": self.attribution,
        }


@dataclass(frozen=True)
class DoseResult:
    """A calculated dose with its working. Amounts are exact; ``Amount.display()`` rounds them."""

    protocol_id: str
    regimen: str
    rounding: Rounding
    weight: Weight | None = None
    entered_dose: Quantity | None = None
    dose_mg_per_kg: Amount | None = None
    dose_mg: Amount | None = None
    duration: Quantity | None = None
    rate_mg_per_h: Amount | None = None
    concentration: Quantity | None = None
    volume_ml: Amount | None = None
    rate_ml_per_h: Amount | None = None
    devices: int | None = None
    per_device: Quantity | None = None
    device_interval: Quantity | None = None
    formula: str = ""
    sources: tuple[ParameterSource, ...] = ()
    entered_without_source: tuple[str, ...] = ()
    #: Cited statements shown with the result (what the accepted range is).
    notes: tuple[Notice, ...] = ()
    #: Soft-limit warnings: the result stays unacknowledged until the clinician ticks them.
    warnings: tuple[Notice, ...] = ()
    #: Whether the clinician typed the dose or the protocol's standard value was used.
    dose_chosen_by: str = CHOSEN_BY_CLINICIAN
    #: The statement a default dose (and a default duration) came from, if one was used.
    default_dose: Statement | None = None
    default_duration: Statement | None = None
    #: Each cited source id's verification (``confirmed``, ``secondary``, ``abstract-only``).
    verification: Mapping[str, str] = field(default_factory=dict)
    #: A concentration the label says to dilute before IV use: no volume or pump rate is worked
    #: out for it, and this says so (it is also one of the warnings).
    dilute_first: Notice | None = None
    #: The clinic's highest dose for the regimen, where its local rules set one.
    local_ceiling: LocalCeiling | None = None
    #: The clinic's rule refusing weights outside the warning levels, where it sets one.
    local_weight_rule: LocalWeightRule | None = None

    @property
    def needs_acknowledgement(self) -> bool:
        """Whether soft-limit warnings must be acknowledged before the result is used."""
        return bool(self.warnings)

    @property
    def weight_kg(self) -> Amount | None:
        """The weight in kg (converted exactly from lb where typed in lb)."""
        return weight_in_kg(self.weight) if self.weight else None

    @property
    def duration_min(self) -> Decimal | None:
        """The infusion duration in minutes."""
        return minutes(self.duration) if self.duration else None

    def cite_with_ids(self, citation: Citation) -> str:
        """A citation as text and print show it: ``[andrade-2017, abstract; abstract only]``."""
        return cite_text(citation, self.verification)

    def warning_texts(self, cite: CiteFormat | None = None) -> list[str]:
        """Each warning as one line of text."""
        return [w.text(cite or self.cite_with_ids) for w in self.warnings]

    def rounding_note(self) -> str:
        """How values are rounded for display, stated once."""
        return (
            f"Display rounding: mg and mg/h to {self.rounding.mg}, mL and mL/h to "
            f"{self.rounding.ml}, kg to {format_decimal(WEIGHT_STEP)} (half up); the calculation "
            "uses exact values, shown in brackets where they differ."
        )

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON document (exact decimal strings, absent values null), then
        ``dose_chosen_by`` and ``default_dose_source``."""

        def exact(amount: Amount | None) -> str | None:
            return amount.json() if amount else None

        default_source = (
            ParameterSource("dose", str(self.entered_dose), self.default_dose).lines(
                self.verification
            )
            if self.default_dose
            else None
        )
        return {
            "protocol": self.protocol_id,
            "weight_kg": exact(self.weight_kg),
            "dose_mg_per_kg": exact(self.dose_mg_per_kg),
            "dose_mg": exact(self.dose_mg),
            "duration_min": format_decimal(self.duration_min) if self.duration_min else None,
            "rate_mg_per_h": exact(self.rate_mg_per_h),
            "concentration_mg_per_ml": (
                format_decimal(self.concentration.value) if self.concentration else None
            ),
            "volume_ml": exact(self.volume_ml),
            "rate_ml_per_h": exact(self.rate_ml_per_h),
            "devices": self.devices,
            "formula": self.formula,
            "source": [line for s in self.sources for line in s.lines(self.verification)],
            "warnings": self.warning_texts(),
            "dose_chosen_by": self.dose_chosen_by,
            "default_dose_source": default_source,
            "dilute_first": self.dilute_first.text(self.cite_with_ids)
            if self.dilute_first
            else None,
            "local_highest_dose": self.local_ceiling.json() if self.local_ceiling else None,
            "local_weight_rule": (
                self.local_weight_rule.json() if self.local_weight_rule else None
            ),
        }

    def headline(self) -> str:
        """The dose in a few words, rounded for the screen: ``35 mg over 40 min``, ``70 mg/h``."""
        if self.devices is not None and self.dose_mg:
            devices = f"{self.devices} {unit_text(Unit.DEVICE, Decimal(self.devices))}"
            return f"{self.dose_mg.short()} = {devices}"
        if self.entered_dose and self.entered_dose.unit is Unit.MG_PER_KG_PER_H:
            assert self.rate_mg_per_h is not None
            total = f"; {self.dose_mg.short()} over {self.duration}" if self.dose_mg else ""
            return f"{self.rate_mg_per_h.short()}{total}"
        assert self.dose_mg is not None
        over = f" over {self.duration}" if self.duration else ""
        return f"{self.dose_mg.short()}{over}"

    def choice_lines(self, cite: CiteFormat) -> list[str]:
        """Which values the protocol chose because none was typed, with their sources."""
        lines = []
        if self.default_dose is not None:
            lines.append(
                f"Dose not given: the protocol's standard dose {self.entered_dose} was used "
                f"{cited(self.default_dose, cite)}"
            )
        if self.default_duration is not None:
            lines.append(
                f"Duration not given: the protocol's standard duration {self.duration} was used "
                f"{cited(self.default_duration, cite)}"
            )
        return lines

    def result_lines(self, exact: bool) -> list[str]:
        """Weight, dose, rate, volume and pump rate; rounded, with exact values if ``exact``."""
        show = Amount.display if exact else Amount.short
        lines = []
        if self.weight and self.weight_kg:
            kg = show(self.weight_kg)
            shown = f"{self.weight.entered_text()} = {kg}" if self.weight.in_pounds else kg
            lines.append(f"Weight: {shown}")
        lines.extend(self._dose_lines(show))
        return lines

    def working_lines(self, cite: CiteFormat) -> list[str]:
        """Formula, rounding, sources, accepted-range notes and values typed without a source."""
        lines = [f"Formula: {self.formula}"]
        if self.devices is None:  # fixed doses are whole numbers: nothing to round
            lines.append(self.rounding_note())
        lines.extend(f"Source: {s.text(cite)}" for s in self.sources)
        lines.extend(note.text(cite) for note in self.notes)
        lines.extend(
            f"Entered by the clinician, not from the protocol: {entered}"
            for entered in self.entered_without_source
        )
        return lines

    def summary_lines(self, acknowledged: bool, cite: CiteFormat | None = None) -> list[str]:
        """The result as lines for the command line and the printed session checklist."""
        cite = cite or self.cite_with_ids
        lines = [f"Regimen: {self.regimen}", *self.choice_lines(cite), *self.result_lines(True)]
        lines.extend(self.working_lines(cite))
        status = (
            "acknowledged by the clinician on screen"
            if acknowledged
            else "needs the clinician's acknowledgement"
        )
        lines.extend(f"Warning: {warning} ({status})" for warning in self.warning_texts(cite))
        return lines

    def _dose_lines(self, show: Callable[[Amount], str]) -> list[str]:
        lines = []
        if self.devices is not None and self.dose_mg and self.per_device:
            rest = (
                f", a {self.device_interval} rest after each device" if self.device_interval else ""
            )
            devices = f"{self.devices} {unit_text(Unit.DEVICE, Decimal(self.devices))}"
            lines.append(f"Dose: {show(self.dose_mg)} = {devices} of {self.per_device}{rest}")
            return lines
        if self.entered_dose and self.entered_dose.unit is Unit.MG_PER_KG_PER_H:
            if self.rate_mg_per_h:
                lines.append(f"Rate: {self.entered_dose} → {show(self.rate_mg_per_h)}")
            if self.duration and self.dose_mg:
                per_kg = f" ({show(self.dose_mg_per_kg)})" if self.dose_mg_per_kg else ""
                lines.append(f"Total over {self.duration}: {show(self.dose_mg)}{per_kg}")
        elif self.dose_mg:
            lines.append(f"Dose: {self.entered_dose} → {show(self.dose_mg)}")
            if self.duration and self.rate_mg_per_h:
                lines.append(f"Over {self.duration}: {show(self.rate_mg_per_h)}")
        if self.concentration and self.dilute_first:
            lines.append(f"At {self.concentration}: {DILUTE_FIRST}")
        elif self.concentration:
            parts = [
                f"{label} {show(amount)}"
                for label, amount in (("volume", self.volume_ml), ("pump rate", self.rate_ml_per_h))
                if amount
            ]
            lines.append(f"At {self.concentration}: {', '.join(parts)}")
        return lines


def range_text(accepted: QuantityRange) -> str:
    """``0.1–1 mg/kg/h``, or ``up to 0.35 mg/kg`` for a range from zero (a ceiling only)."""
    if accepted.low == 0:
        return f"up to {Quantity(accepted.high, accepted.unit)}"
    return str(accepted)
