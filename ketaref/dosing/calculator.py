"""The dose calculator: what to compute comes from the protocol's ``dosing`` block, never from code.

``calculate(protocol, weight=…, dose=…, duration=…, concentration=…)`` takes the clinician's text
and returns a ``DoseResult`` that shows its working: the formula with the numbers put in, the
source and locator of every parameter, the display rounding next to the exact values, and the
soft-limit warnings the clinician must acknowledge. Hard limits refuse with ``DoseInputError``;
nothing is ever clamped.

Arithmetic is ``Decimal``. Each computed value is one product or one quotient of values typed or
read from the pack, so it is exact; a quotient that does not end (35 mg × 60 ÷ 45 min) is carried to
10 decimal places and marked with “…”.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, Inexact
from typing import Any

from ketaref.content.model import (
    CitedQuantity,
    CitedRange,
    Dosing,
    FixedDoseRegimen,
    Protocol,
    Rounding,
    Statement,
    WeightBasedRegimen,
    WeightLimits,
)
from ketaref.content.quantity import Quantity, Unit, format_decimal, unit_text
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

NO_CALCULATOR = "this protocol has no dose calculator"


@dataclass(frozen=True, slots=True)
class Amount:
    """A value with its unit: exact, or a non-ending quotient carried to 10 places (``repeating``)."""

    value: Decimal
    unit: str
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

    def json(self) -> str:
        """The value as an exact decimal string, e.g. ``"52.5"``."""
        return format_decimal(self.value)


def _quotient(numerator: Decimal, denominator: Decimal, unit: str, step: Decimal | None) -> Amount:
    """numerator ÷ denominator, exactly when the quotient ends, else to REPEATING_PLACES."""
    context = Context(prec=60, rounding=ROUND_HALF_EVEN)
    quotient = context.divide(numerator, denominator)
    if context.flags[Inexact]:
        places = Decimal(1).scaleb(-REPEATING_PLACES)
        carried = context.quantize(quotient, places)
        return Amount(carried, unit, step, repeating=True)
    return Amount(quotient, unit, step)


@dataclass(frozen=True, slots=True)
class ParameterSource:
    """Which published statement a parameter of the calculation comes from."""

    parameter: str
    value: str
    statement: Statement

    def lines(self) -> list[dict[str, str]]:
        """One JSON object per citation (a statement two sources support has two)."""
        return [
            {
                "parameter": self.parameter,
                "value": self.value,
                "source": c.source,
                "locator": c.locator,
            }
            for c in self.statement.citations()
        ]

    def text(self) -> str:
        """``dose 0.5 mg/kg: sanacora-reply-2017, reply text``."""
        cited = "; ".join(f"{c.source}, {c.locator}" for c in self.statement.citations())
        return f"{self.parameter} {self.value}: {cited}"


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
    warnings: tuple[str, ...] = ()

    @property
    def needs_acknowledgement(self) -> bool:
        """Whether soft-limit warnings must be acknowledged before the result is used."""
        return bool(self.warnings)

    @property
    def weight_kg(self) -> Amount | None:
        """The weight in kg (converted exactly from lb where typed in lb)."""
        return Amount(self.weight.kg, "kg", WEIGHT_STEP) if self.weight else None

    @property
    def duration_min(self) -> Decimal | None:
        """The infusion duration in minutes."""
        return minutes(self.duration) if self.duration else None

    def rounding_note(self) -> str:
        """How values are rounded for display, stated once."""
        return (
            f"Display rounding: mg and mg/h to {self.rounding.mg}, mL and mL/h to "
            f"{self.rounding.ml}, kg to {format_decimal(WEIGHT_STEP)} (half up); the calculation "
            "uses exact values, shown in brackets where they differ."
        )

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON document: exact decimal strings, absent values null."""

        def exact(amount: Amount | None) -> str | None:
            return amount.json() if amount else None

        document = {
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
            "source": [line for s in self.sources for line in s.lines()],
            "warnings": list(self.warnings),
        }
        return document

    def summary_lines(self, acknowledged: bool) -> list[str]:
        """The result as lines for the screen and the printed session checklist."""
        lines = [f"Regimen: {self.regimen}"]
        if self.weight and self.weight_kg:
            entered = f", entered as {self.weight.entered_text()}" if self.weight.in_pounds else ""
            lines.append(f"Weight: {self.weight_kg.display()}{entered}")
        lines.extend(self._dose_lines())
        lines.append(f"Formula: {self.formula}")
        if self.devices is None:  # fixed doses are whole numbers: nothing to round
            lines.append(self.rounding_note())
        lines.extend(f"Source: {s.text()}" for s in self.sources)
        lines.extend(
            f"Entered by the clinician, not from the protocol: {entered}"
            for entered in self.entered_without_source
        )
        status = (
            "acknowledged by the clinician on screen"
            if acknowledged
            else "needs the clinician's acknowledgement"
        )
        lines.extend(f"Warning: {warning} ({status})" for warning in self.warnings)
        return lines

    def _dose_lines(self) -> list[str]:
        lines = []
        if self.devices is not None and self.dose_mg and self.per_device:
            rest = (
                f", a {self.device_interval} rest after each device" if self.device_interval else ""
            )
            devices = f"{self.devices} {unit_text(Unit.DEVICE, Decimal(self.devices))}"
            lines.append(f"Dose: {self.dose_mg.display()} = {devices} of {self.per_device}{rest}")
            return lines
        if self.entered_dose and self.entered_dose.unit is Unit.MG_PER_KG_PER_H:
            if self.rate_mg_per_h:
                lines.append(f"Rate: {self.entered_dose} → {self.rate_mg_per_h.display()}")
            if self.duration and self.dose_mg:
                per_kg = f" ({self.dose_mg_per_kg.display()})" if self.dose_mg_per_kg else ""
                lines.append(f"Over {self.duration}: total {self.dose_mg.display()}{per_kg}")
        elif self.dose_mg:
            lines.append(f"Dose: {self.entered_dose} → {self.dose_mg.display()}")
            if self.duration and self.rate_mg_per_h:
                lines.append(f"Over {self.duration}: {self.rate_mg_per_h.display()}")
        if self.concentration:
            parts = [
                f"{label} {amount.display()}"
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
) -> DoseResult:
    """Calculate a dose for ``protocol`` from the clinician's text; raise DoseInputError.

    ``regimen_unit`` (``"mg"``, ``"mg/kg"``, ``"mg/kg/h"``) picks the regimen when no dose is
    typed (the GUI's regimen choice); a typed dose always picks the regimen by its own unit.
    """
    if protocol.dosing is None:
        raise DoseInputError(NO_CALCULATOR, field="protocol")
    # Read every input first, so a mistyped value is named even where the input is not used.
    typed_weight = parse_weight(weight) if weight is not None else None
    typed_dose = parse_dose(dose) if dose is not None else None
    typed_duration = parse_duration(duration) if duration is not None else None
    typed_concentration = parse_concentration(concentration) if concentration is not None else None
    regimen = _choose_regimen(protocol.dosing, typed_dose, regimen_unit)
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
        return _fixed_device(protocol, regimen, typed_dose)
    if typed_weight is None:
        raise DoseInputError(
            "no weight given: this protocol doses by weight; type e.g. 70 kg or 154 lb",
            field="weight",
        )
    limits = protocol.dosing.weight_limits
    assert limits is not None  # the model requires weight limits for weight-based regimens
    return _weight_based(
        protocol,
        regimen,
        limits,
        weight=typed_weight,
        dose=typed_dose,
        duration=typed_duration,
        concentration=typed_concentration,
    )


def _fixed_device(
    protocol: Protocol, regimen: FixedDoseRegimen, dose: Quantity | None
) -> DoseResult:
    allowed = {d.value.value: d for d in regimen.allowed_doses}
    choices = one_of([str(d.value) for d in regimen.allowed_doses])
    if dose is None:
        if regimen.standard_dose is None:
            raise DoseInputError(
                f"no dose given: this protocol has no single standard dose; give {choices}",
                field="dose",
            )
        dose = regimen.standard_dose.value
    chosen = allowed.get(dose.value)
    if chosen is None:
        raise DoseInputError(
            f"dose “{dose}” is not a dose this protocol allows; give {choices}", field="dose"
        )
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
        dose_mg=Amount(dose.value, "mg", Decimal(protocol.dosing.rounding.mg)),
        devices=devices,
        per_device=per_device,
        device_interval=interval,
        formula=formula,
        sources=tuple(sources),
    )


def _weight_warnings(weight: Weight, limits: WeightLimits) -> list[str]:
    """Refuse a weight outside the pack's hard checks; return warnings for the soft ones."""
    kg = weight.kg
    typed = weight.entered_text()
    shown = f"“{typed}” ({format_decimal(kg)} kg)" if weight.in_pounds else f"“{typed}”"
    basis = f"the content pack's weight checks: {limits.basis.rstrip('.')}"
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
        return [f"weight {shown} is below {limits.warn_below}; check it ({basis})"]
    if limits.warn_above and kg > limits.warn_above.value:
        return [f"weight {shown} is above {limits.warn_above}; check it ({basis})"]
    return []


def _check_dose(
    regimen: WeightBasedRegimen, dose: Quantity | None
) -> tuple[Quantity, CitedQuantity | CitedRange, list[str]]:
    """The dose to use, the statement that allows it, and any soft-limit warning."""
    allowed_range = regimen.allowed_range
    if dose is None:
        if regimen.standard_dose is None:
            assert allowed_range is not None  # the model requires a standard dose or a range
            raise DoseInputError(
                f"no dose given: this protocol gives a range, {allowed_range.value}, and no "
                "single standard dose; give a dose",
                field="dose",
            )
        dose = regimen.standard_dose.value
    noun = "rate" if regimen.dose_unit == "mg/kg/h" else "dose"
    basis: CitedQuantity | CitedRange
    if regimen.standard_dose and dose.value == regimen.standard_dose.value.value:
        basis = regimen.standard_dose
    elif allowed_range is None:
        assert regimen.standard_dose is not None  # the model requires a standard dose or a range
        raise DoseInputError(
            f"dose “{dose}” is not one this protocol allows: it gives "
            f"{regimen.standard_dose.value} and no range",
            field="dose",
        )
    elif allowed_range.value.contains(dose):
        basis = allowed_range
    else:
        side = "above" if dose.value > allowed_range.value.high else "below"
        raise DoseInputError(
            f"{noun} “{dose}” is {side} this protocol's published range {allowed_range.value} "
            f"({allowed_range.source}, {allowed_range.locator})",
            field="dose",
        )
    warnings = []
    if regimen.warn_above and dose.value > regimen.warn_above.value.value:
        warn = regimen.warn_above
        warnings.append(
            f"{noun} {dose} is above {warn.value}: {warn.text} ({warn.source}, {warn.locator})"
        )
    return dose, basis, warnings


def _weight_based(
    protocol: Protocol,
    regimen: WeightBasedRegimen,
    limits: WeightLimits,
    *,
    weight: Weight,
    dose: Quantity | None,
    duration: Quantity | None,
    concentration: Quantity | None,
) -> DoseResult:
    assert protocol.dosing is not None
    rounding = protocol.dosing.rounding
    mg_step, ml_step = Decimal(rounding.mg), Decimal(rounding.ml)
    warnings = _weight_warnings(weight, limits)
    dose, basis, dose_warnings = _check_dose(regimen, dose)
    warnings += dose_warnings

    label = "dose" if basis is regimen.standard_dose else "published range"
    sources = [ParameterSource(label, str(basis.value), basis)]
    entered: list[str] = []
    standard_duration = regimen.standard_duration
    if duration is None and standard_duration:
        duration = standard_duration.value
    if standard_duration and duration and minutes(duration) == minutes(standard_duration.value):
        # Typed or not, the protocol's standard duration is cited as such (40 min = 0.6667 h).
        sources.append(ParameterSource("duration", str(duration), standard_duration))
    elif duration is not None:
        entered.append(f"duration {duration}")
        if standard_duration:
            # A slip such as 4 min for 40 min multiplies the pump rate; never let it pass unseen.
            warnings.append(
                f"duration {duration} differs from the protocol's {standard_duration.value}"
                f" ({standard_duration.source}, {standard_duration.locator}): check the rate"
            )
    if concentration is not None:
        entered.append(f"concentration {concentration}")

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
        per_kg = Amount(dose.value, "mg/kg")
        total = (dose.value * kg, Decimal(1))
        rate = (dose.value * kg * 60, span) if span else None
    else:
        per_kg = _quotient(dose.value * span, Decimal(60), "mg/kg", PER_KG_STEP) if span else None
        total = (dose.value * kg * span, Decimal(60)) if span else None
        rate = (dose.value * kg, Decimal(1))
    total_mg = _quotient(*total, "mg", mg_step) if total else None
    rate_mg_h = _quotient(*rate, "mg/h", mg_step) if rate else None

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
    if concentration:
        mg_per_ml = concentration.value
        if total and total_mg:
            volume = _quotient(total[0], total[1] * mg_per_ml, "mL", ml_step)
            steps.append(f"{total_mg.exact_text()} ÷ {concentration} = {volume.exact_text()}")
        if rate and rate_mg_h:
            pump = _quotient(rate[0], rate[1] * mg_per_ml, "mL/h", ml_step)
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
        warnings=tuple(warnings),
    )
