"""The dose calculator: what to compute comes from the protocol's ``dosing`` block, never from code.

``calculate(protocol, weight=…, dose=…, duration=…, concentration=…, sources=…)`` takes the
clinician's text and returns a ``DoseResult`` that shows its working: the formula with the numbers
put in, the source, locator and verification of every parameter, the display rounding next to the
exact values, and the soft-limit warnings the clinician must acknowledge. Hard limits refuse with
``DoseInputError``; nothing is ever clamped.

Arithmetic is ``Decimal``. Each computed value is one product or one quotient of values typed or
read from the pack, so it is exact; a quotient that does not end (35 mg × 60 ÷ 45 min) is carried to
10 decimal places and marked with “…”.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, Inexact
from typing import Any

from ketaref.content.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.model import (
    UNKNOWN_SOURCE,
    Citation,
    CitedQuantity,
    CitedRange,
    ConcentrationLimits,
    Dosing,
    DurationLimits,
    FixedDoseRegimen,
    Protocol,
    Rounding,
    SiteRange,
    Source,
    Statement,
    Verification,
    WeightBasedRegimen,
    WeightLimits,
)
from ketaref.content.quantity import Quantity, QuantityRange, Unit, format_decimal, unit_text
from ketaref.dosing.units import (
    DoseInputError,
    Weight,
    minutes,
    one_of,
    parse_concentration,
    parse_dose,
    parse_duration,
    parse_weight,
)

#: Weights are shown to 0.1 kg; the calculation always uses the exact weight.
WEIGHT_STEP = Decimal("0.1")
#: Doses per kg derived from a rate (1 mg/kg/h over 50 min) are shown to 0.01 mg/kg.
PER_KG_STEP = Decimal("0.01")
#: Where a quotient does not end, it is carried to this many decimal places.
REPEATING_PLACES = 10

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
EXTRA_JSON_KEYS = ("dose_chosen_by", "default_dose_source", "dilute_first", "local_highest_dose")

#: ``dose_chosen_by`` values: typed by the clinician, or the protocol's single standard value.
CHOSEN_BY_CLINICIAN = "clinician"
CHOSEN_BY_PROTOCOL = "protocol standard dose"

NO_CALCULATOR = "this protocol has no dose calculator"
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


def _quotient(numerator: Decimal, denominator: Decimal, unit: Unit, step: Decimal | None) -> Amount:
    """numerator ÷ denominator, exactly when the quotient ends, else to REPEATING_PLACES."""
    context = Context(prec=60, rounding=ROUND_HALF_EVEN)
    quotient = context.divide(numerator, denominator)
    if context.flags[Inexact]:
        places = Decimal(1).scaleb(-REPEATING_PLACES)
        carried = context.quantize(quotient, places)
        return Amount(carried, unit, step, repeating=True)
    return Amount(quotient, unit, step)


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


def _refusal(message: str, field: str, statement: Statement, cite: CiteFormat) -> DoseInputError:
    """A refusal that rests on a published statement: it ends with the statement's citations,
    each with its verification, which a screen may write its own way."""
    citation = cited(statement, cite)
    return DoseInputError(f"{message} {citation}", field=field, basis=statement, cited_as=citation)


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
class LocalCeiling:
    """The clinic's highest dose for a regimen: its local rule's value and where it comes from."""

    dose: Quantity
    slot_id: str
    #: The rule's attribution: document, approver, approval and review dates.
    attribution: str

    def text(self) -> str:
        """``Clinic's highest dose: 56 mg (Local rule: …, approved by …)``."""
        return f"Clinic's highest dose: {self.dose} ({self.attribution})"

    def allows(self, dose: Quantity) -> bool:
        """Whether ``dose`` (in the regimen's unit) is at or below the clinic's highest."""
        return dose.value <= self.dose.value

    def json(self) -> dict[str, str]:
        """The ceiling in ``ketaref dose --json``: dose, slot and the rule's attribution."""
        return {"dose": str(self.dose), "slot": self.slot_id, "local_rule": self.attribution}


def local_ceiling(
    regimen: FixedDoseRegimen | WeightBasedRegimen, local_rules: LocalRulesInForce
) -> LocalCeiling | None:
    """The clinic's highest dose for ``regimen`` where its local rules set one, else None."""
    highest = regimen.local_highest_dose
    rule = local_rules.rule(highest.slot.id) if highest else None
    if highest is None or rule is None:
        return None
    # The rule's value is one of the slot's options (the local-rules check holds it to them).
    dose = next(option for option in highest.options if str(option) == rule.value)
    return LocalCeiling(dose, highest.slot.id, local_rules.attribution())


def _above_ceiling(
    dose: Quantity, ceiling: LocalCeiling | None, *, noun: str, defaulted: bool
) -> DoseInputError | None:
    """A refusal if ``dose`` is above the clinic's highest, naming the local rule; else None."""
    if ceiling is None or ceiling.allows(dose):
        return None
    what = (
        f"no {noun} given, and the protocol's standard {noun} {dose}"
        if defaulted
        else f"{noun} “{dose}”"
    )
    return DoseInputError(
        f"{what} is above {ceiling.dose}, the highest {noun} this clinic gives for this regimen"
        f" ({ceiling.attribution}); give a {noun} up to {ceiling.dose}",
        field="dose",
    )


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


# ---------------------------------------------------------------------------------------------


def _regimen_unit(regimen: FixedDoseRegimen | WeightBasedRegimen) -> str:
    return regimen.dose_unit if isinstance(regimen, WeightBasedRegimen) else "mg"


def _regimen_name(regimen: FixedDoseRegimen | WeightBasedRegimen) -> str:
    """The regimen's name without its unit: “Bolus (mg/kg)” → “Bolus”."""
    if isinstance(regimen, WeightBasedRegimen):
        return regimen.name.removesuffix(f" ({regimen.dose_unit})")
    return "fixed dose"


def regimen_label(regimen: FixedDoseRegimen | WeightBasedRegimen) -> str:
    """The regimen's name with its unit once: “Bolus (mg/kg)”."""
    if isinstance(regimen, WeightBasedRegimen):
        return f"{_regimen_name(regimen)} ({regimen.dose_unit})"
    return "fixed dose (mg, as a number of devices)"


def _choose_regimen(
    dosing: Dosing, dose: Quantity | None, regimen_unit: str | None
) -> FixedDoseRegimen | WeightBasedRegimen:
    """The regimen whose unit the typed dose is in; with no dose, the named or only regimen."""
    by_unit = {_regimen_unit(r): r for r in dosing.regimens}
    if dose is None and regimen_unit in by_unit:
        return by_unit[regimen_unit]
    offered = one_of([f"{unit} ({_regimen_name(r)})" for unit, r in by_unit.items()])
    if dose is None:
        if len(dosing.regimens) == 1:
            return dosing.regimens[0]
        raise DoseInputError(
            f"no dose given: this protocol has more than one regimen; give a dose in {offered}",
            field="dose",
        )
    regimen = by_unit.get(dose.unit.value)
    if regimen is None:
        raise DoseInputError(
            f"dose “{dose}” is in {dose.unit}, but this protocol doses in {offered}", field="dose"
        )
    return regimen


def calculate(
    protocol: Protocol,
    *,
    weight: str | None = None,
    dose: str | None = None,
    duration: str | None = None,
    concentration: str | None = None,
    regimen_unit: str | None = None,
    sources: Mapping[str, Source] | None = None,
    local_rules: LocalRulesInForce = NO_LOCAL_RULES,
) -> DoseResult:
    """Calculate a dose for ``protocol`` from the clinician's text; raise DoseInputError.

    ``regimen_unit`` (``"mg"``, ``"mg/kg"``, ``"mg/kg/h"``) picks the regimen when no dose is
    typed (the GUI's regimen choice); a typed dose always picks the regimen by its own unit.
    ``sources`` (the pack's sources by id) gives every citation its verification tag.
    ``local_rules`` (the clinic's, in force) may lower a regimen's highest dose: a dose above it
    is refused, naming the rule, and the result shows the rule where it applies.
    """
    if protocol.dosing is None:
        raise DoseInputError(NO_CALCULATOR, field="protocol")
    # Read every input first, so a mistyped value is named even where the input is not used.
    typed_weight = parse_weight(weight) if weight is not None else None
    typed_dose = parse_dose(dose) if dose is not None else None
    typed_duration = parse_duration(duration) if duration is not None else None
    typed_concentration = parse_concentration(concentration) if concentration is not None else None
    regimen = _choose_regimen(protocol.dosing, typed_dose, regimen_unit)
    verification = {
        source_id: source.verification.value for source_id, source in (sources or {}).items()
    }
    ceiling = local_ceiling(regimen, local_rules)
    if isinstance(regimen, FixedDoseRegimen):
        for name, value in (
            ("weight", typed_weight),
            ("duration", typed_duration),
            ("concentration", typed_concentration),
        ):
            if value is not None:
                raise DoseInputError(
                    f"this protocol gives fixed doses as a number of devices; a {name} is not "
                    "used: leave it out",
                    field=name,
                )
        return _fixed_device(protocol, regimen, typed_dose, verification, ceiling)
    if typed_weight is None:
        raise DoseInputError(
            "no weight given: this protocol doses by weight; type e.g. 70 kg or 154 lb",
            field="weight",
        )
    limits = protocol.dosing.weight_limits
    concentrations = protocol.dosing.concentration_limits
    assert limits is not None and concentrations is not None  # the model requires both
    return _weight_based(
        protocol,
        regimen,
        limits,
        concentrations,
        weight=typed_weight,
        dose=typed_dose,
        duration=typed_duration,
        concentration=typed_concentration,
        verification=verification,
        ceiling=ceiling,
    )


def _fixed_device(
    protocol: Protocol,
    regimen: FixedDoseRegimen,
    dose: Quantity | None,
    verification: Mapping[str, str],
    ceiling: LocalCeiling | None,
) -> DoseResult:
    allowed = {d.value.value: d for d in regimen.allowed_doses}

    def cite(citation: Citation) -> str:
        return cite_text(citation, verification)

    # The allowed doses, then where they come from, each source once with its verification.
    where = dict.fromkeys(cite(c) for d in regimen.allowed_doses for c in d.citations())
    choices = f"{one_of([str(d.value) for d in regimen.allowed_doses])} {' '.join(where)}"
    default_dose = None
    if dose is None:
        if regimen.standard_dose is None:
            raise DoseInputError(
                f"no dose given: this protocol has no single standard dose; give {choices}",
                field="dose",
            )
        default_dose = regimen.standard_dose
        dose = regimen.standard_dose.value
    chosen = allowed.get(dose.value)
    if chosen is None:
        raise DoseInputError(
            f"dose “{dose}” is not a dose this protocol allows; give {choices}", field="dose"
        )
    if refusal := _above_ceiling(dose, ceiling, noun="dose", defaulted=default_dose is not None):
        raise refusal
    per_device = regimen.per_device.value
    devices = int(dose.value / per_device.value)  # whole: the model checks allowed doses
    interval = regimen.device_interval.value if regimen.device_interval else None
    device_word = unit_text(Unit.DEVICE, Decimal(devices))
    formula = f"{dose} ÷ {per_device} per device = {devices} {device_word}"
    if interval:
        formula += f", with a {interval} rest after each device"
    sources = [
        ParameterSource("dose", str(dose), chosen),
        ParameterSource("per device", str(per_device), regimen.per_device),
    ]
    if regimen.device_interval:
        sources.append(
            ParameterSource("rest between devices", str(interval), regimen.device_interval)
        )
    assert protocol.dosing is not None
    return DoseResult(
        protocol_id=protocol.id,
        regimen=regimen_label(regimen),
        rounding=protocol.dosing.rounding,
        entered_dose=dose,
        dose_mg=Amount(dose.value, Unit.MG, Decimal(protocol.dosing.rounding.mg)),
        devices=devices,
        per_device=per_device,
        device_interval=interval,
        formula=formula,
        sources=tuple(sources),
        dose_chosen_by=CHOSEN_BY_PROTOCOL if default_dose else CHOSEN_BY_CLINICIAN,
        default_dose=default_dose,
        verification=verification,
        notes=(Notice(ceiling.text()),) if ceiling else (),
        local_ceiling=ceiling,
    )


def check_weight(weight: Weight, limits: WeightLimits) -> list[Notice]:
    """Refuse a weight outside the hard checks (DoseInputError); return the soft-check warnings.

    The one weight rule: the calculator, ``ketaref print`` and the print dialog all use it.
    """
    kg = weight.kg
    typed = weight.entered_text()
    shown = f"“{typed}” ({format_decimal(kg)} kg)" if weight.in_pounds else f"“{typed}”"
    basis = limits.basis.rstrip(".")
    if kg < limits.refuse_below.value:
        raise DoseInputError(
            f"weight {shown} is below {limits.refuse_below}, the lowest weight this protocol's "
            f"calculator accepts ({basis})",
            field="weight",
        )
    if kg > limits.refuse_above.value:
        raise DoseInputError(
            f"weight {shown} is above {limits.refuse_above}, the highest weight this protocol's "
            f"calculator accepts ({basis})",
            field="weight",
        )
    if limits.warn_below and kg < limits.warn_below.value:
        return [Notice(f"weight {shown} is below {limits.warn_below}; check it ({basis})")]
    if limits.warn_above and kg > limits.warn_above.value:
        return [Notice(f"weight {shown} is above {limits.warn_above}; check it ({basis})")]
    return []


def printable_weight(protocol: Protocol | None, all_protocols: list[Protocol], text: str) -> Weight:
    """Read a weight typed for a printout and refuse it as the calculator would (DoseInputError).

    The protocol's own weight checks apply; a protocol without them (a fixed-dose one) uses the
    widest checks of the pack, so no printout carries a weight every calculator would refuse.
    """
    weight = parse_weight(text)
    own = protocol.dosing.weight_limits if protocol and protocol.dosing else None
    every = [p.dosing.weight_limits for p in all_protocols if p.dosing and p.dosing.weight_limits]
    if own is not None:
        check_weight(weight, own)
    elif every:
        lowest = min(every, key=lambda limits: limits.refuse_below.value)
        highest = max(every, key=lambda limits: limits.refuse_above.value)
        check_weight(
            weight,
            WeightLimits(
                refuse_below=lowest.refuse_below,
                refuse_above=highest.refuse_above,
                basis=highest.basis,
            ),
        )
    return weight


def range_text(accepted: QuantityRange) -> str:
    """``0.1–1 mg/kg/h``, or ``up to 0.35 mg/kg`` for a range from zero (a ceiling only)."""
    if accepted.low == 0:
        return f"up to {Quantity(accepted.high, accepted.unit)}"
    return str(accepted)


def _outside(
    noun: str,
    field: str,
    typed: Quantity,
    accepted: CitedRange | SiteRange,
    value: Decimal,
    unit_value: Decimal | int,
    cite: CiteFormat,
) -> DoseInputError | None:
    """A refusal if ``value`` lies outside ``accepted``, whose unit is ``unit_value`` of it.

    A cited range is refused with its statement and its source's verification (the IV TRD
    duration floor rests on the abstract of one review); a site's range with its own words.
    """
    low, high = accepted.value.low * unit_value, accepted.value.high * unit_value
    if low <= value <= high:
        return None
    side = "below" if value < low else "above"
    refused = (
        f"{noun} “{typed}” is {side} the range this calculator accepts for this protocol, "
        f"{range_text(accepted.value)}"
    )
    if isinstance(accepted, CitedRange):
        return _refusal(
            f"{refused}. Where the range comes from: {accepted.text}", field, accepted, cite
        )
    return DoseInputError(f"{refused} ({accepted.site_defined.rstrip('.')})", field=field)


def _check_dose(
    regimen: WeightBasedRegimen,
    dose: Quantity | None,
    cite: CiteFormat,
    ceiling: LocalCeiling | None,
) -> tuple[Quantity, CitedQuantity | CitedRange, Statement | None, list[Notice]]:
    """The dose to use, the statement that allows it, the default's statement, any warning.

    A dose the content accepts is then held to the clinic's highest (``ceiling``), if any.
    """
    allowed_range = regimen.allowed_range
    default: Statement | None = None
    if dose is None:
        if regimen.standard_dose is None:
            assert allowed_range is not None  # the model requires a standard dose or a range
            raise _refusal(
                "no dose given: this protocol has no single standard dose; give a dose in the"
                f" range it gives, {range_text(allowed_range.value)}",
                "dose",
                allowed_range,
                cite,
            )
        default = regimen.standard_dose
        dose = regimen.standard_dose.value
    noun = "rate" if regimen.dose_unit == "mg/kg/h" else "dose"
    basis: CitedQuantity | CitedRange
    if regimen.standard_dose and dose.value == regimen.standard_dose.value.value:
        basis = regimen.standard_dose
    elif allowed_range is None:
        assert regimen.standard_dose is not None  # the model requires a standard dose or a range
        raise _refusal(
            f"dose “{dose}” is not one this protocol allows: it gives "
            f"{regimen.standard_dose.value} and no range",
            "dose",
            regimen.standard_dose,
            cite,
        )
    elif allowed_range.value.contains(dose):
        basis = allowed_range
    else:
        refusal = _outside(noun, "dose", dose, allowed_range, dose.value, Decimal(1), cite)
        assert refusal is not None
        raise refusal
    if above := _above_ceiling(dose, ceiling, noun=noun, defaulted=default is not None):
        raise above
    warnings = []
    if regimen.warn_above and dose.value > regimen.warn_above.value.value:
        warn = regimen.warn_above
        warnings.append(Notice(f"{noun} {dose} is above {warn.value}", warn))
    return dose, basis, default, warnings


def _check_duration(duration: Quantity, limits: DurationLimits, cite: CiteFormat) -> list[Notice]:
    """Refuse a duration outside the accepted range; warn of a rapid rate below ``rapid_below``."""
    accepted = limits.accepted
    span = minutes(duration)
    unit_minutes = minutes(Quantity(Decimal(1), accepted.value.unit))
    refusal = _outside("duration", "duration", duration, accepted, span, unit_minutes, cite)
    if refusal is not None:
        raise refusal
    if limits.rapid_below and span < minutes(limits.rapid_below):
        return [
            Notice(
                f"duration {duration} is shorter than {limits.rapid_below}"
                f" ({limits.rapid_below_basis})",
                limits.rapid_administration,
            )
        ]
    return []


def _check_concentration(
    concentration: Quantity, limits: ConcentrationLimits, cite: CiteFormat
) -> Notice | None:
    """Refuse a concentration outside the accepted range (DoseInputError).

    At a concentration the content marks as one to dilute before IV use (``dilution``), return
    the notice that takes the place of a volume and pump rate: dilute first, with the label's
    statement. A volume of the undiluted drug is not something to give.
    """
    value = concentration.value
    accepted = limits.accepted
    refusal = _outside("concentration", "concentration", concentration, accepted, value, 1, cite)
    if refusal is not None:
        raise refusal
    dilution = limits.dilution
    if concentration.value >= dilution.at_or_above.value:
        return Notice(f"concentration {concentration}: {DILUTE_FIRST}", dilution)
    return None


def _duration_in_use(
    regimen: WeightBasedRegimen, duration: Quantity | None, cite: CiteFormat
) -> tuple[Quantity | None, CitedQuantity | None, list[ParameterSource], list[str], list[Notice]]:
    """The duration to compute with: as typed, else the protocol's standard (then also returned
    as the default used). Cited when it is the standard, else listed as entered; with its
    warnings (a typed duration that differs from the standard, one outside the limits)."""
    sources: list[ParameterSource] = []
    entered: list[str] = []
    warnings: list[Notice] = []
    standard_duration = regimen.standard_duration
    default_duration = None
    if duration is None and standard_duration:
        duration = standard_duration.value
        default_duration = standard_duration
    if standard_duration and duration and minutes(duration) == minutes(standard_duration.value):
        # Typed or not, the protocol's standard duration is cited as such (40 min = 0.6667 h).
        sources.append(ParameterSource("duration", str(duration), standard_duration))
    elif duration is not None:
        entered.append(f"duration {duration}")
        if standard_duration:
            # A slip such as 4 min for 40 min multiplies the pump rate; never let it pass unseen.
            warnings.append(
                Notice(
                    f"duration {duration} differs from the protocol's "
                    f"{standard_duration.value}; check the rate",
                    standard_duration,
                )
            )
    if duration is not None:
        warnings += _check_duration(duration, regimen.duration_limits, cite)
    return duration, default_duration, sources, entered, warnings


def _weight_based(
    protocol: Protocol,
    regimen: WeightBasedRegimen,
    limits: WeightLimits,
    concentrations: ConcentrationLimits,
    *,
    weight: Weight,
    dose: Quantity | None,
    duration: Quantity | None,
    concentration: Quantity | None,
    verification: Mapping[str, str],
    ceiling: LocalCeiling | None,
) -> DoseResult:
    assert protocol.dosing is not None
    rounding = protocol.dosing.rounding
    mg_step, ml_step = Decimal(rounding.mg), Decimal(rounding.ml)

    def cite(citation: Citation) -> str:
        return cite_text(citation, verification)

    warnings = check_weight(weight, limits)
    dose, basis, default_dose, dose_warnings = _check_dose(regimen, dose, cite, ceiling)
    warnings += dose_warnings

    notes = [Notice(ceiling.text())] if ceiling else []
    if isinstance(basis, CitedQuantity):
        sources = [ParameterSource("dose", str(basis.value), basis)]
    else:
        accepted = range_text(basis.value)
        sources = [ParameterSource("accepted range", accepted, basis)]
        notes.append(Notice(f"About the accepted range {accepted}", basis))
    duration, default_duration, duration_sources, entered, duration_warnings = _duration_in_use(
        regimen, duration, cite
    )
    sources += duration_sources
    warnings += duration_warnings
    dilute_first = None
    if concentration is not None:
        entered.append(f"concentration {concentration}")
        dilute_first = _check_concentration(concentration, concentrations, cite)
        if dilute_first is not None:
            warnings.append(dilute_first)

    kg = weight.kg
    conversion = weight.conversion()
    steps = [conversion] if conversion else []
    weight_text = f"{format_decimal(kg)} kg"
    span = minutes(duration) if duration else None
    # Each value is numerator ÷ denominator of exact products, so no rounding error builds up.
    total: tuple[Decimal, Decimal] | None
    rate: tuple[Decimal, Decimal] | None
    per_kg: Amount | None
    if regimen.dose_unit == "mg/kg":
        per_kg = Amount(dose.value, Unit.MG_PER_KG)
        total = (dose.value * kg, Decimal(1))
        rate = (dose.value * kg * 60, span) if span else None
    else:
        per_kg = (
            _quotient(dose.value * span, Decimal(60), Unit.MG_PER_KG, PER_KG_STEP) if span else None
        )
        total = (dose.value * kg * span, Decimal(60)) if span else None
        rate = (dose.value * kg, Decimal(1))
    total_mg = _quotient(*total, Unit.MG, mg_step) if total else None
    rate_mg_h = _quotient(*rate, Unit.MG_PER_H, mg_step) if rate else None

    if regimen.dose_unit == "mg/kg":
        assert total_mg is not None
        step = f"{dose} × {weight_text} = {total_mg.exact_text()}"
        if duration and rate_mg_h:
            step += f" over {duration} → {rate_mg_h.exact_text()}"
    else:
        assert rate_mg_h is not None
        step = f"{dose} × {weight_text} = {rate_mg_h.exact_text()}"
        if duration and total_mg:
            step += f"; over {duration} → {total_mg.exact_text()}"
    steps.append(step)

    volume = pump = None
    if concentration and dilute_first is None:
        mg_per_ml = concentration.value
        if total and total_mg:
            volume = _quotient(total[0], total[1] * mg_per_ml, Unit.ML, ml_step)
            steps.append(f"{total_mg.exact_text()} ÷ {concentration} = {volume.exact_text()}")
        if rate and rate_mg_h:
            pump = _quotient(rate[0], rate[1] * mg_per_ml, Unit.ML_PER_H, ml_step)
            steps.append(f"{rate_mg_h.exact_text()} ÷ {concentration} = {pump.exact_text()}")
    return DoseResult(
        protocol_id=protocol.id,
        regimen=regimen_label(regimen),
        rounding=rounding,
        weight=weight,
        entered_dose=dose,
        dose_mg_per_kg=per_kg,
        dose_mg=total_mg,
        duration=duration,
        rate_mg_per_h=rate_mg_h,
        concentration=concentration,
        volume_ml=volume,
        rate_ml_per_h=pump,
        formula="; ".join(steps),
        sources=tuple(sources),
        entered_without_source=tuple(entered),
        notes=tuple(notes),
        warnings=tuple(warnings),
        dose_chosen_by=CHOSEN_BY_PROTOCOL if default_dose else CHOSEN_BY_CLINICIAN,
        default_dose=default_dose,
        default_duration=default_duration,
        verification=verification,
        dilute_first=dilute_first,
        local_ceiling=ceiling,
    )
