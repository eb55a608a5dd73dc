"""The dose calculator: what to compute comes from the protocol's ``dosing`` block, never from code.

``calculate(protocol, weight=…, dose=…, duration=…, concentration=…, sources=…)`` takes the
clinician's text, checks it against the protocol (and the clinic's local rules), does the
arithmetic and returns a ``DoseResult`` (``ketaref.dosing.result``, which also writes it out) that
shows its working: the formula with the numbers put in, the source, locator and verification of
every parameter, and the soft-limit warnings the clinician must acknowledge. Hard limits refuse
with ``DoseInputError``; nothing is ever clamped.

Arithmetic is ``Decimal``. Each computed value is one product or one quotient of values typed or
read from the pack, so it is exact; a quotient that does not end (35 mg × 60 ÷ 45 min) is carried to
10 decimal places and marked with “…”.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact

from ketaref.content.format.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.format.model import (
    Citation,
    CitedQuantity,
    CitedRange,
    ConcentrationLimits,
    Dosing,
    DurationLimits,
    FixedDoseRegimen,
    Protocol,
    SiteRange,
    Source,
    Statement,
    WeightBasedRegimen,
    WeightLimits,
)
from ketaref.content.format.quantity import Quantity, Unit, format_decimal, unit_text
from ketaref.dosing.result import (
    CHOSEN_BY_CLINICIAN,
    CHOSEN_BY_PROTOCOL,
    DILUTE_FIRST,
    EXTRA_JSON_KEYS,
    JSON_KEYS,
    Amount,
    CiteFormat,
    DoseResult,
    LocalCeiling,
    LocalLimit,
    LocalWeightRule,
    Notice,
    ParameterSource,
    cite_text,
    cited,
    range_text,
    weight_in_kg,
)
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

#: The calculator's names, and the result's it hands back (``ketaref.dosing.result``), so a
#: caller that calculates imports one module: printing takes ``DoseResult`` and ``weight_in_kg``
#: from here.
__all__ = [
    "DILUTE_FIRST",
    "EXTRA_JSON_KEYS",
    "JSON_KEYS",
    "NO_CALCULATOR",
    "Amount",
    "DoseResult",
    "LocalCeiling",
    "LocalWeightRule",
    "calculate",
    "check_weight",
    "cited",
    "local_ceiling",
    "local_weight_rule",
    "printable_weight",
    "range_text",
    "regimen_label",
    "weight_in_kg",
]

#: Doses per kg derived from a rate (1 mg/kg/h over 50 min) are shown to 0.01 mg/kg.
PER_KG_STEP = Decimal("0.01")
#: Where a quotient does not end, it is carried to this many decimal places.
REPEATING_PLACES = 10

NO_CALCULATOR = "this protocol has no dose calculator"


def _quotient(numerator: Decimal, denominator: Decimal, unit: Unit, step: Decimal | None) -> Amount:
    """numerator ÷ denominator, exactly when the quotient ends, else to REPEATING_PLACES."""
    context = Context(prec=60, rounding=ROUND_HALF_EVEN)
    quotient = context.divide(numerator, denominator)
    if context.flags[Inexact]:
        places = Decimal(1).scaleb(-REPEATING_PLACES)
        carried = context.quantize(quotient, places)
        return Amount(carried, unit, step, repeating=True)
    return Amount(quotient, unit, step)


def _refusal(message: str, field: str, statement: Statement, cite: CiteFormat) -> DoseInputError:
    """A refusal that rests on a published statement: it ends with the statement's citations,
    each with its verification, which a screen may write its own way."""
    citation = cited(statement, cite)
    return DoseInputError(f"{message} {citation}", field=field, basis=statement, cited_as=citation)


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
    return LocalCeiling(highest.slot.id, local_rules.attribution(), dose)


def local_weight_rule(protocol: Protocol, local_rules: LocalRulesInForce) -> LocalWeightRule | None:
    """The clinic's rule refusing weights outside ``protocol``'s warning levels, where its local
    rules choose "refuse"; None where they choose "warn" or leave it unset."""
    limits = protocol.dosing.weight_limits if protocol.dosing else None
    slot = limits.local_outside_warning if limits else None
    rule = local_rules.rule(slot.id) if slot else None
    if rule is None or rule.value != "refuse":
        return None
    assert limits is not None and limits.warn_below and limits.warn_above  # the model checks it
    return LocalWeightRule(
        rule.slot_id, local_rules.attribution(), limits.warn_below, limits.warn_above
    )


def _refused_by_rule(
    rule: LocalLimit, refused: str, limit: str, advice: str, field: str
) -> DoseInputError:
    """The refusal of ``refused`` (“dose “84 mg” is above 56 mg”) at a clinic's ``limit`` (“the
    highest dose this clinic gives …”), naming the local rule, then what to give instead."""
    return DoseInputError(f"{refused}, {limit} ({rule.attribution}); {advice}", field=field)


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
    return _refused_by_rule(
        ceiling,
        f"{what} is above {ceiling.dose}",
        f"the highest {noun} this clinic gives for this regimen",
        f"give a {noun} up to {ceiling.dose}",
        "dose",
    )


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
        weight_rule=local_weight_rule(protocol, local_rules),
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

    # The allowed doses up to the clinic's highest, then where they come from, each source once
    # with its verification, then the clinic's rule where it left a dose out.
    offered = [d for d in regimen.allowed_doses if ceiling is None or ceiling.allows(d.value)]
    where = dict.fromkeys(cite(c) for d in offered for c in d.citations())
    choices = f"{one_of([str(d.value) for d in offered])} {' '.join(where)}"
    if ceiling is not None and len(offered) < len(regimen.allowed_doses):
        choices += f"; {ceiling.text()}"
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


def check_weight(
    weight: Weight, limits: WeightLimits, local_rule: LocalWeightRule | None = None
) -> list[Notice]:
    """Refuse a weight outside the hard checks (DoseInputError); return the soft-check warnings.

    The one weight rule: the calculator, ``ketaref print`` and the print dialog all use it. With
    the clinic's ``local_rule``, a weight outside the warning levels is refused, naming the rule.
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
    if local_rule is not None and not (local_rule.lowest.value <= kg <= local_rule.highest.value):
        low = kg < local_rule.lowest.value
        limit = local_rule.lowest if low else local_rule.highest
        raise _refused_by_rule(
            local_rule,
            f"weight {shown} is {'below' if low else 'above'} {limit}",
            f"the {'lowest' if low else 'highest'} weight this clinic doses by with this"
            " protocol's calculator",
            f"check the weight: this clinic accepts weights from {local_rule.lowest} to {local_rule.highest}",
            "weight",
        )
    if limits.warn_below and kg < limits.warn_below.value:
        return [Notice(f"weight {shown} is below {limits.warn_below}; check it ({basis})")]
    if limits.warn_above and kg > limits.warn_above.value:
        return [Notice(f"weight {shown} is above {limits.warn_above}; check it ({basis})")]
    return []


def printable_weight(
    protocol: Protocol | None,
    all_protocols: list[Protocol],
    text: str,
    local_rules: LocalRulesInForce = NO_LOCAL_RULES,
) -> Weight:
    """Read a weight typed for a printout and refuse it as the calculator would (DoseInputError).

    The protocol's own weight checks apply, with the clinic's weight rule; a protocol without
    them (a fixed-dose one) uses the widest checks of the pack, so no printout carries a weight
    every calculator would refuse.
    """
    weight = parse_weight(text)
    own = protocol.dosing.weight_limits if protocol and protocol.dosing else None
    every = [p.dosing.weight_limits for p in all_protocols if p.dosing and p.dosing.weight_limits]
    if own is not None:
        assert protocol is not None
        check_weight(weight, own, local_weight_rule(protocol, local_rules))
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
    weight_rule: LocalWeightRule | None,
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

    warnings = check_weight(weight, limits, weight_rule)
    dose, basis, default_dose, dose_warnings = _check_dose(regimen, dose, cite, ceiling)
    warnings += dose_warnings

    notes = [Notice(rule.text()) for rule in (weight_rule, ceiling) if rule is not None]
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
        local_weight_rule=weight_rule,
    )
