"""The content pack's data model (pydantic v2: strict, frozen, no unknown keys).

Every clinical statement is a ``Statement``: its text plus the ``source`` (an id in
``sources.yaml``) and ``locator`` (label section, table, page, question) it rests on. Quantities
are written as text (``"0.5 mg/kg"``) and parsed into exact decimals with a unit from a fixed list.
Cross-references between files (source ids, checklist and contraindication ids) are checked by
``ketaref.content.format.pack`` once every file has been read.

No ``from __future__ import annotations`` here: pydantic would have to evaluate every field's
annotation back from text when it makes the classes (validators return ``Self`` instead).
"""

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Annotated, Any, Literal, Self, TypeAlias, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    WithJsonSchema,
    WrapSerializer,
    model_validator,
)

from ketaref.content.format import pydantic_setup  # noqa: F401  before the first model is made
from ketaref.content.format.quantity import (
    DOSE_UNITS,
    RATE_UNITS,
    TIME_UNITS,
    Quantity,
    QuantityError,
    QuantityRange,
    Unit,
    lint_prose,
    parse_quantity,
    parse_range,
)


class Frozen(BaseModel):
    """Base of every content model: strict types, unknown keys refused, immutable.

    ``defer_build``: a model's validator is built the first time it validates, not when its class
    is made. Loading a pack validates the top-level files (the manifest, sources, items, glossary),
    whose validators include every nested model, so the nested ones never build their own: the
    same checks, at about half the cost of making the classes (the app's start-up pays it).
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


def _clean_text(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be empty")
    if value != stripped:
        raise ValueError("has spaces at its start or end")
    problems = lint_prose(value)
    if problems:
        raise ValueError("; ".join(problems))
    return value


def _parse_quantity(value: Any) -> Quantity:
    if isinstance(value, Quantity):
        return value
    try:
        return parse_quantity(value)
    except QuantityError as exc:
        raise ValueError(str(exc)) from None


def _parse_range(value: Any) -> QuantityRange:
    if isinstance(value, QuantityRange):
        return value
    try:
        return parse_range(value)
    except QuantityError as exc:
        raise ValueError(str(exc)) from None


#: Ids of sources and items (an item's id is also its file name): ``spravato-trd``.
IDENTIFIER_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# Longest texts of each kind: what a screen line, a printed heading or a paragraph can show.
# (Every text was already cleaned as it was read: yaml_source.content_text.)
MAX_IDENTIFIER = 64
MAX_LABEL = 200
MAX_TEXT = 2000

#: Clinical prose: non-empty, trimmed, free of ISMP error-prone notations, one paragraph long.
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_clean_text)]
#: Text with something in it besides spaces (checked by pydantic-core, without a Python call:
#: labels are the most frequent values of a pack).
NOT_BLANK_PATTERN = r"\S"
#: Titles, labels and locators: non-empty, short, not linted.
Label = Annotated[str, Field(pattern=NOT_BLANK_PATTERN, max_length=MAX_LABEL)]
#: Citations, notes and changelog lines: non-empty, a paragraph long, not linted (citations
#: quote titles verbatim).
Note = Annotated[str, Field(pattern=NOT_BLANK_PATTERN, max_length=MAX_TEXT)]
Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN, max_length=MAX_IDENTIFIER)]
QuantityText = Annotated[
    Quantity,
    BeforeValidator(_parse_quantity),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "description": "a number, one space, a unit: “0.5 mg/kg”"}),
]
RangeText = Annotated[
    QuantityRange,
    BeforeValidator(_parse_range),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {"type": "string", "description": "low–high and the unit once: “0.5–2 mg/kg/h”"}
    ),
]


def _date_text(value: Any) -> Any:
    # Lax pydantic would also read a number as days since 1970; a date must be written as one.
    if isinstance(value, dt.date) or (
        isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)
    ):
        return value
    raise ValueError("must be a date written as YYYY-MM-DD")


# Dates are written unquoted in YAML (2026-11-25); the loader hands them over as ISO text.
Date = Annotated[
    dt.date,
    Strict(False),
    BeforeValidator(_date_text),
    WithJsonSchema({"type": "string", "format": "date"}),
]


# ---------------------------------------------------------------------------------------------
# Sources


class SourceKind(StrEnum):
    """What kind of publication a source is."""

    LABEL = "label"
    REGULATORY = "regulatory"
    GUIDELINE = "guideline"
    CONSENSUS = "consensus"
    TRIAL = "trial"
    META_ANALYSIS = "meta-analysis"
    REVIEW = "review"
    MANUFACTURER = "manufacturer"
    DRUG_REFERENCE = "drug-reference"
    NEWS = "news"


class Verification(StrEnum):
    """How far the fact sheet verified a source (shown to users until a reviewer checks it)."""

    CONFIRMED = "confirmed"
    ABSTRACT_ONLY = "abstract-only"
    SECONDARY = "secondary"

    @property
    def label(self) -> str:
        """The words every screen, text and printout shows for the tag (``abstract only``)."""
        return {
            "confirmed": "confirmed",
            "abstract-only": "abstract only",
            "secondary": "secondary source",
        }[self.value]

    @property
    def citation_mark(self) -> str:
        """The tag beside a citation in running text: the label, none for a confirmed source.

        A confirmed source needs no check; its details (source list, references) still say so.
        """
        return "" if self is Verification.CONFIRMED else self.label


#: Shown instead of a verification tag for a citation of a source the pack does not list (the
#: loader refuses such a pack; only a hand-built library can have one).
UNKNOWN_SOURCE = "unknown source"


class Source(Frozen):
    """One publication statements may cite."""

    id: Identifier
    citation: Note
    url: Annotated[str, Field(pattern=r"^https://\S+$", max_length=MAX_TEXT)]
    retrieved: Date
    kind: Annotated[SourceKind, Strict(False)]
    verification: Annotated[Verification, Strict(False)]
    note: Note | None = None


class SourceList(Frozen):
    """The whole of ``sources.yaml``."""

    sources: Annotated[tuple[Source, ...], Field(min_length=1)]


# ---------------------------------------------------------------------------------------------
# Statements


class Citation(Frozen):
    """A further source for a statement that two publications support."""

    source: Identifier
    locator: Label


class Statement(Frozen):
    """One clinical fact, worded as its source says it, with where it says it."""

    text: Text
    source: Identifier
    locator: Label
    also_cited: tuple[Citation, ...] = ()
    #: Why a number changed tenfold or more in this version (``ketaref content diff`` flags such
    #: a change unless this is new in the version); shown to reviewers, not to users.
    change_reason: Text | None = None

    def citations(self) -> tuple[Citation, ...]:
        """All citations of the statement, the primary one first."""
        return (Citation(source=self.source, locator=self.locator), *self.also_cited)


class CitedQuantity(Statement):
    """A number the app computes with, and the statement it comes from."""

    value: QuantityText


class CitedRange(Statement):
    """A published range (e.g. an infusion rate range) and the statement it comes from."""

    value: RangeText


class Disagreement(Frozen):
    """Where sources differ: every side with its own source, and a neutral note."""

    topic: Label
    note: Text
    statements: Annotated[tuple[Statement, ...], Field(min_length=2)]


# ---------------------------------------------------------------------------------------------
# Protocols


class RegulatoryStatus(StrEnum):
    """Exactly one per protocol (docs/content-authoring.md, "How content is worded")."""

    FDA_APPROVED = "fda-approved-labelling"
    CONSENSUS_OFF_LABEL = "consensus-off-label"
    RESEARCH_ONLY = "research-only"

    @property
    def label(self) -> str:
        """The wording users see."""
        return {
            "fda-approved-labelling": "FDA-approved labelling",
            "consensus-off-label": "consensus, off-label",
            "research-only": "research only",
        }[self.value]


class Route(StrEnum):
    """How the drug is given."""

    NASAL = "intranasal"
    INTRAVENOUS = "intravenous"
    SUBCUTANEOUS = "subcutaneous"
    ORAL = "oral"
    MIXED = "several routes"


class EvidenceLevel(Statement):
    """An evidence level with the grading system it belongs to (e.g. CANMAT, ASRA)."""

    grading_system: Label


class ScheduleRow(Statement):
    """One row of the dose and schedule table, e.g. induction weeks 1–4."""

    phase: Label
    doses: tuple[QuantityText, ...] = ()
    dose_range: RangeText | None = None
    frequency: Label | None = None
    duration: QuantityText | None = None

    @model_validator(mode="after")
    def _units_make_sense(self) -> Self:
        for dose in self.doses:
            if dose.unit not in DOSE_UNITS | RATE_UNITS:
                raise ValueError(f"dose {dose} is not in a dose or rate unit")
        if self.duration is not None and self.duration.unit not in TIME_UNITS:
            raise ValueError(f"duration {self.duration} is not a time")
        return self


class MonitoringPoint(Statement):
    """A time point at which something is checked, e.g. blood pressure at 40 minutes."""

    when: Label
    after_dose: QuantityText | None = None


#: The kinds of value a clinic's local rule may give a slot (see ``ketaref.content.format.local_rules``).
SlotType = Literal["blood-pressure", "duration", "interval", "choice", "text", "staff"]
#: The unit each slot type is written in (None: no unit).
SLOT_UNITS: dict[str, tuple[str, ...]] = {
    "blood-pressure": ("mmHg",),
    "duration": ("min", "h"),
    "interval": ("min",),
    "choice": (),
    "text": (),
    "staff": (),
}


#: Slot types whose value is a typed time: they carry an input check (``SlotInputCheck``).
TIMED_SLOT_TYPES = ("duration", "interval")


def in_minutes(quantity: Quantity) -> Decimal:
    """A time in minutes (min or h), for comparing times written in either unit."""
    return quantity.value * 60 if quantity.unit is Unit.H else quantity.value


class SlotInputCheck(Frozen):
    """The values a clinic may type for a duration or interval slot: a check that catches typing
    errors (``0.0001 min``, ``999999 min``), set by the site in its content pack.

    No published source gives such limits; ``basis`` says so, in words an IT admin reads when a
    value is refused.
    """

    accepted: RangeText
    basis: Text

    def refuses(self, quantity: Quantity) -> bool:
        """Whether a typed time lies outside the accepted range (ends accepted)."""
        low = Quantity(self.accepted.low, self.accepted.unit)
        high = Quantity(self.accepted.high, self.accepted.unit)
        return not in_minutes(low) <= in_minutes(quantity) <= in_minutes(high)


class Slot(Frozen):
    """A place in the content that a clinic's local rules may fill, declared once, kept stable.

    ``id`` is what a local-rules file names; ``meaning``, ``type`` and ``unit`` are what the
    clinic approved its value against: a content update that changes any of them makes that rule
    ask to be re-confirmed. ``at_least`` (only on a cited item's slot) is the published minimum
    the item states: a local value may lengthen it, never shorten it. ``input_check`` (required on
    duration and interval slots) is the range a typed value must lie in.
    """

    id: Identifier
    meaning: Text
    type: SlotType
    unit: Literal["mmHg", "min", "h"] | None = None
    at_least: QuantityText | None = None
    input_check: SlotInputCheck | None = None

    @model_validator(mode="after")
    def _unit_fits_type(self) -> Self:
        allowed = SLOT_UNITS[self.type]
        if allowed and self.unit not in allowed:
            raise ValueError(f"a {self.type} slot has the unit {' or '.join(allowed)}")
        if not allowed and self.unit is not None:
            raise ValueError(f"a {self.type} slot has no unit")
        if self.at_least is not None:
            if self.type not in ("duration", "interval"):
                raise ValueError("at_least belongs to duration and interval slots")
            if self.at_least.unit not in TIME_UNITS:
                raise ValueError("at_least must be a time")
        self._input_check_fits()
        return self

    def _input_check_fits(self) -> None:
        timed = self.type in TIMED_SLOT_TYPES
        check = self.input_check
        if check is None:
            if timed:
                raise ValueError(
                    "a duration or interval slot needs an input_check (accepted: the range a"
                    " typed value must lie in; basis: why, e.g. a typing check set by the site)"
                )
            return
        if not timed:
            raise ValueError("input_check belongs to duration and interval slots")
        if check.accepted.unit.value not in SLOT_UNITS[self.type] or check.accepted.ceiling_only:
            raise ValueError(
                f"input_check accepted must be a range in {' or '.join(SLOT_UNITS[self.type])}"
                " starting above zero"
            )
        if self.at_least is not None and check.refuses(self.at_least):
            raise ValueError(
                f"at_least {self.at_least} lies outside input_check accepted {check.accepted}:"
                " the published minimum could not be typed"
            )


class SiteDefined(Frozen):
    """A value no source read for the pack gives: the site sets it by local policy.

    ``options`` lists the values a site chooses between where the choice is closed (a weight
    basis: actual, ideal, adjusted); the printout offers them to circle. ``slot`` is where a
    clinic's signed local rules put its value. ``boxes_hold_the_value`` says the item's own
    write-in boxes are where the value itself is written by hand (a threshold, an interval): a
    printout that carries the clinic's value leaves them off, so the nurse is not asked to write
    the rule again; boxes that record the session (names, signatures, times) stay.
    """

    label: Label
    reason: Text
    options: tuple[Label, ...] = ()
    slot: Slot | None = None
    boxes_hold_the_value: bool = False

    @model_validator(mode="after")
    def _slot_fits(self) -> Self:
        if self.slot is None:
            return self
        if (self.slot.type == "choice") != bool(self.options):
            raise ValueError("a choice slot needs options, and options need a choice slot")
        if self.slot.at_least is not None:
            raise ValueError(
                "at_least is a published minimum: it belongs on a cited item's slot, not a"
                " site-defined one"
            )
        return self


class Observation(Frozen):
    """Minimum observation after dosing: a cited statement, or site-defined where none exists."""

    statement: Statement | None = None
    minimum: QuantityText | None = None
    site_defined: SiteDefined | None = None

    @model_validator(mode="after")
    def _one_basis(self) -> Self:
        if (self.statement is None) == (self.site_defined is None):
            raise ValueError("give either a cited statement or a site_defined entry, not both")
        if self.minimum is not None and self.statement is None:
            raise ValueError("a minimum observation time needs the statement it comes from")
        return self


class EvidenceFinding(Statement):
    """What one study found, for research protocols whose evidence conflicts."""

    study: Label
    finding: Literal["positive", "negative", "mixed", "pooled"]


# --- calculator parameters (what the dose calculator computes comes from here) ------------


#: What a clinic's local rule may have the calculator do with a weight outside the warning
#: levels: warn and ask for a check (the content's behaviour), or refuse it.
WEIGHT_OUTSIDE_WARNING_OPTIONS = ("warn", "refuse")


class WeightLimits(Frozen):
    """Plausibility checks on a typed weight: input checks a site may set, not clinical limits.

    ``local_outside_warning`` is a ``choice`` slot (options ``WEIGHT_OUTSIDE_WARNING_OPTIONS``):
    with "refuse", a clinic's local rule narrows the accepted weights to the warning levels.
    """

    refuse_below: QuantityText
    refuse_above: QuantityText
    warn_below: QuantityText | None = None
    warn_above: QuantityText | None = None
    basis: Text
    local_outside_warning: Slot | None = None
    #: Why a number changed tenfold or more in this version (``ketaref content diff`` flags such
    #: a change unless this is new in the version); shown to reviewers, not to users.
    change_reason: Text | None = None

    @model_validator(mode="after")
    def _ordered_in_kg(self) -> Self:
        limits = [self.refuse_below, self.warn_below, self.warn_above, self.refuse_above]
        present = [q for q in limits if q is not None]
        if any(q.unit is not Unit.KG for q in present):
            raise ValueError("weight limits must be in kg")
        values = [q.value for q in present]
        if values != sorted(values) or len(set(values)) != len(values):
            raise ValueError(
                "weight limits must rise: refuse_below < warn_below < warn_above < refuse_above"
            )
        slot = self.local_outside_warning
        if slot is not None and (
            slot.type != "choice" or self.warn_below is None or self.warn_above is None
        ):
            raise ValueError(
                "local_outside_warning is a choice slot (warn or refuse) and needs warn_below"
                " and warn_above"
            )
        return self


class LocalHighestDose(Frozen):
    """Where a clinic's local rule may lower a regimen's highest dose, never raise it.

    The slot is a ``choice`` whose options are doses the regimen itself states and cites (a
    published dose, the standard dose, the top of the accepted range): a clinic picks one, it
    never types a new number. The regimen checks that every option is in its unit and inside what
    it accepts; the calculator then refuses a dose above the clinic's choice, naming the rule.
    """

    slot: Slot
    options: Annotated[tuple[QuantityText, ...], Field(min_length=2)]

    @model_validator(mode="after")
    def _a_choice_of_doses(self) -> Self:
        if self.slot.type != "choice":
            raise ValueError("a local highest dose is a choice slot")
        if len(set(self.options)) != len(self.options):
            raise ValueError("local_highest_dose options repeat")
        return self

    def option_texts(self) -> tuple[str, ...]:
        """The options as a local-rules file writes them: ``"56 mg"``."""
        return tuple(str(option) for option in self.options)


class FixedDoseRegimen(Frozen):
    """Fixed doses given as a number of devices (e.g. SPRAVATO 56 mg = 2 devices)."""

    kind: Literal["fixed-device"]
    allowed_doses: Annotated[tuple[CitedQuantity, ...], Field(min_length=1)]
    standard_dose: CitedQuantity | None = None
    per_device: CitedQuantity
    device_interval: CitedQuantity | None = None
    local_highest_dose: LocalHighestDose | None = None

    @model_validator(mode="after")
    def _units(self) -> Self:
        for dose in (*self.allowed_doses, *([self.standard_dose] if self.standard_dose else [])):
            if dose.value.unit is not Unit.MG:
                raise ValueError(
                    f"a fixed dose must be in mg, not {dose.value.unit} ({dose.value})"
                )
        if self.per_device.value.unit is not Unit.MG:
            raise ValueError("per_device must be in mg")
        if self.standard_dose and self.standard_dose.value not in {
            d.value for d in self.allowed_doses
        }:
            raise ValueError("standard_dose must be one of allowed_doses")
        per_device = self.per_device.value.value
        for dose in self.allowed_doses:
            if dose.value.value % per_device:
                raise ValueError(
                    f"allowed dose {dose.value} is not a whole number of devices of {self.per_device.value}"
                )
        if self.device_interval and self.device_interval.value.unit not in TIME_UNITS:
            raise ValueError("device_interval must be a time")
        allowed = {dose.value for dose in self.allowed_doses}
        for option in self.local_highest_dose.options if self.local_highest_dose else ():
            if option not in allowed:
                raise ValueError(
                    f"local_highest_dose option {option} is not one of allowed_doses"
                    f" ({', '.join(str(dose) for dose in allowed)})"
                )
        return self


class SiteRange(Frozen):
    """A range the site sets for a calculator input where no source read gives the numbers."""

    value: RangeText
    #: What the range is and why the site set it; it must say that no published source gives it.
    site_defined: Text


class DilutionStatement(Statement):
    """The label's statement that a concentration must be diluted before IV use."""

    #: The statement is shown whenever the typed concentration is this or higher.
    at_or_above: QuantityText


class DurationLimits(Frozen):
    """The durations the calculator accepts for a regimen, and when it warns of a rapid rate.

    ``accepted`` is cited where a source gives the numbers (a studied range) and otherwise set by
    the site and labelled so. Below ``rapid_below`` the label's rapid-administration statement is
    shown as a warning that must be acknowledged; ``rapid_below_basis`` says where that threshold
    comes from (no label gives a shortest infusion, so it is never the label's number).
    """

    accepted: CitedRange | SiteRange
    rapid_below: QuantityText | None = None
    rapid_below_basis: Note | None = None
    rapid_administration: Statement | None = None

    @model_validator(mode="after")
    def _in_time_units(self) -> Self:
        accepted = self.accepted.value
        if accepted.unit not in TIME_UNITS or accepted.low <= 0:
            raise ValueError("accepted durations must be a time range above zero")
        if not (
            (self.rapid_below is None)
            == (self.rapid_administration is None)
            == (self.rapid_below_basis is None)
        ):
            raise ValueError(
                "give rapid_below, rapid_below_basis and rapid_administration together"
            )
        if self.rapid_below is not None:
            if self.rapid_below.unit is not accepted.unit:
                raise ValueError(f"rapid_below must be in {accepted.unit}, as the accepted range")
            if not accepted.low < self.rapid_below.value <= accepted.high:
                raise ValueError("rapid_below must lie inside the accepted range")
        return self


class ConcentrationLimits(Frozen):
    """The concentrations the calculator accepts, and the label's dilution statement."""

    accepted: CitedRange | SiteRange
    dilution: DilutionStatement

    @model_validator(mode="after")
    def _in_mg_per_ml(self) -> Self:
        accepted = self.accepted.value
        if accepted.unit is not Unit.MG_PER_ML or accepted.low <= 0:
            raise ValueError("accepted concentrations must be a mg/mL range above zero")
        if self.dilution.at_or_above.unit is not Unit.MG_PER_ML:
            raise ValueError("dilution.at_or_above must be in mg/mL")
        return self


class WeightBasedRegimen(Frozen):
    """A dose per kilogram (bolus or over a duration) or a rate per kilogram per hour."""

    kind: Literal["weight-based"]
    name: Label
    dose_unit: Literal["mg/kg", "mg/kg/h"]
    standard_dose: CitedQuantity | None = None
    allowed_range: CitedRange | None = None
    warn_above: CitedQuantity | None = None
    standard_duration: CitedQuantity | None = None
    duration_limits: DurationLimits
    local_highest_dose: LocalHighestDose | None = None

    @model_validator(mode="after")
    def _units(self) -> Self:
        expected = Unit(self.dose_unit)
        named = {
            "standard_dose": self.standard_dose.value if self.standard_dose else None,
            "allowed_range": self.allowed_range.value if self.allowed_range else None,
            "warn_above": self.warn_above.value if self.warn_above else None,
        }
        for field, quantity in named.items():
            if quantity is not None and quantity.unit is not expected:
                raise ValueError(
                    f"{field} is in {quantity.unit}, but this regimen doses in {expected}"
                    " (a mg / mg/kg / mg/kg/h mix-up?)"
                )
        if self.standard_dose is None and self.allowed_range is None:
            raise ValueError("give a standard_dose, an allowed_range, or both")
        if (
            self.standard_dose
            and self.allowed_range
            and not self.allowed_range.value.contains(self.standard_dose.value)
        ):
            raise ValueError("standard_dose lies outside allowed_range")
        if self.standard_duration and self.standard_duration.value.unit not in TIME_UNITS:
            raise ValueError("standard_duration must be a time")
        for option in self.local_highest_dose.options if self.local_highest_dose else ():
            self._check_local_option(option, expected)
        if self.dose_unit == "mg/kg" and self.duration_limits.rapid_administration is None:
            # A dose given over a typed duration can be given too fast: the label warns of that.
            raise ValueError(
                "a mg/kg regimen needs duration_limits.rapid_below and rapid_administration"
            )
        return self

    def _check_local_option(self, option: Quantity, expected: Unit) -> None:
        """A local highest dose the clinic may choose: in the regimen's unit, one it accepts."""
        if option.unit is not expected:
            raise ValueError(
                f"local_highest_dose option {option} is in {option.unit}, but this regimen doses"
                f" in {expected}"
            )
        if self.allowed_range is not None:
            if not self.allowed_range.value.contains(option):
                raise ValueError(
                    f"local_highest_dose option {option} lies outside allowed_range"
                    f" {self.allowed_range.value}"
                )
        elif self.standard_dose is None or option != self.standard_dose.value:
            raise ValueError(
                f"local_highest_dose option {option} is not the standard dose, the only dose"
                " this regimen accepts"
            )


Regimen = Annotated[FixedDoseRegimen | WeightBasedRegimen, Field(discriminator="kind")]


class Rounding(Frozen):
    """Display rounding of computed values (exact values are always shown beside them)."""

    mg: Annotated[str, Field(pattern=r"^(1|0\.1|0\.01)$")] = "0.1"
    ml: Annotated[str, Field(pattern=r"^(1|0\.1|0\.01)$")] = "0.01"


class Dosing(Frozen):
    """What the dose calculator may compute for a protocol, every number cited."""

    regimens: Annotated[tuple[Regimen, ...], Field(min_length=1)]
    weight_limits: WeightLimits | None = None
    concentration_limits: ConcentrationLimits | None = None
    rounding: Rounding = Rounding()

    @model_validator(mode="after")
    def _one_regimen_per_unit(self) -> Self:
        units = [r.dose_unit if isinstance(r, WeightBasedRegimen) else "mg" for r in self.regimens]
        if len(units) != len(set(units)):
            raise ValueError(
                "two regimens dose in the same unit; the calculator could not tell them apart"
            )
        if (
            any(isinstance(r, WeightBasedRegimen) for r in self.regimens)
            and self.weight_limits is None
        ):
            raise ValueError("a weight-based regimen needs weight_limits")
        if (
            any(isinstance(r, WeightBasedRegimen) for r in self.regimens)
            and self.concentration_limits is None
        ):
            raise ValueError("a weight-based regimen needs concentration_limits")
        return self


#: The word research-only protocols never use ("recommended", "recommends", …).
_RECOMMEND = re.compile(r"\brecommend", re.IGNORECASE)


def _one_or_more_ids(value: Any) -> Any:
    # Packs written before a protocol could link several lists name one id, not a list; JSON
    # gives a list where YAML gave a tuple.
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, list) else value


#: The contraindication lists a protocol links: every one of them is shown and printed with it.
ContraindicationLinks = Annotated[
    tuple[Identifier, ...],
    BeforeValidator(_one_or_more_ids),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": IDENTIFIER_PATTERN},
                {
                    "type": "array",
                    "items": {"type": "string", "pattern": IDENTIFIER_PATTERN},
                    "uniqueItems": True,
                },
            ],
            "description": "the id of a contraindication list, or a list of such ids",
        }
    ),
]


class Protocol(Frozen):
    """A published protocol: indication, status, evidence, dose and schedule, monitoring."""

    id: Identifier
    title: Label
    indication: Label
    synonyms: tuple[Label, ...] = ()
    route: Annotated[Route, Strict(False)]
    regulatory_status: Annotated[RegulatoryStatus, Strict(False)]
    status_statement: Statement
    evidence_levels: tuple[EvidenceLevel, ...] = ()
    summary: tuple[Statement, ...] = ()
    population: tuple[Statement, ...] = ()
    schedule: tuple[ScheduleRow, ...] = ()
    administration: tuple[Statement, ...] = ()
    pre_dose: tuple[Statement, ...] = ()
    monitoring: tuple[MonitoringPoint, ...] = ()
    observation: Observation | None = None
    readiness_to_leave: tuple[Statement, ...] = ()
    warnings: tuple[Statement, ...] = ()
    evidence: tuple[EvidenceFinding, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    dosing: Dosing | None = None
    checklist: Identifier | None = None
    #: Why a protocol a clinic can run has no session checklist (e.g. an inpatient setting whose
    #: own monitoring records apply); shown wherever the checklist would be offered.
    no_checklist_reason: Text | None = None
    #: Every contraindication list that applies (a guideline's list and the drug label's own);
    #: the GUI, ``content show``, the printed appendix and the review sheet show them all.
    contraindications: ContraindicationLinks = ()

    @model_validator(mode="after")
    def _research_rules(self) -> Self:
        if self.regulatory_status is RegulatoryStatus.RESEARCH_ONLY:
            if self.dosing is not None:
                raise ValueError("a research-only protocol has no dose calculator")
            for statement in self.all_statements():
                if _RECOMMEND.search(statement.text):
                    raise ValueError(
                        "research-only entries describe what was studied and never say"
                        f" “recommended”: {statement.text[:60]}…"
                    )
        elif not self.contraindications:
            raise ValueError("a protocol a clinic can run needs a contraindications list")
        elif self.checklist is None and self.no_checklist_reason is None:
            raise ValueError(
                "a protocol a clinic can run needs a checklist beside its contraindications,"
                " or a no_checklist_reason saying why it has none"
            )
        if self.checklist is not None and self.no_checklist_reason is not None:
            raise ValueError("give a checklist or a no_checklist_reason, not both")
        if len(set(self.contraindications)) != len(self.contraindications):
            raise ValueError("contraindications names a list twice")
        return self

    def all_statements(self) -> list[Statement]:
        """Every cited statement in the protocol, in reading order."""
        return statements_in(self)


# ---------------------------------------------------------------------------------------------
# Checklists


class PausePoint(StrEnum):
    """The three pauses of a session, in the WHO Surgical Safety Checklist manner."""

    BEFORE_DOSING = "before-dosing"
    DURING = "during"
    BEFORE_DISCHARGE = "before-discharge"

    @property
    def label(self) -> str:
        """The heading printed for the pause point."""
        return {
            "before-dosing": "Before dosing",
            "during": "During the session",
            "before-discharge": "Before discharge",
        }[self.value]


#: What a checklist item prints: a tick box; labelled boxes to write in; a table of readings
#: (``timed-observation``: a reading at a pause point or a fixed time; ``vitals-grid``: a set of
#: vital signs, with as many rows as a session needs); Yes / No to circle for each field; or the
#: dose record, whose boxes come from the regimens of the protocol the sheet is printed for.
ChecklistItemKind = Literal[
    "tick", "write-in", "timed-observation", "vitals-grid", "yes-no", "dose-record"
]
#: Kinds printed as a table with a header row of ``fields`` and blank rows.
TABLE_KINDS = frozenset({"timed-observation", "vitals-grid"})
#: Item text that limits itself to one protocol ("For MDSI only: …"); ``applies_to`` does that.
_ONLY_FOR = re.compile(r"\bfor\s+[\w-]+\s+only\b", re.IGNORECASE)


class RetiredSlot(Frozen):
    """A slot id the content no longer declares: a clinic's rule for it is reported, never used."""

    id: Identifier
    #: Why it went and where its meaning now lives, for the clinic re-approving its rules.
    reason: Text


class ChecklistItem(Frozen):
    """One line a nurse ticks or fills in.

    A cited item carries ``source`` and ``locator``; a site-defined item carries ``site_defined``
    (no source read for the pack gives it) and has blank lines to write the local rule in. An item
    with ``applies_to`` is printed only on the sheets of those protocols.
    """

    id: Identifier
    text: Text
    kind: ChecklistItemKind = "tick"
    fields: tuple[Label, ...] = ()
    #: Blank rows of a table kind (default: one per row label, else one, or three for a reading
    #: repeated through the session).
    rows: Annotated[int, Field(ge=1, le=24)] | None = None
    #: Labels printed in the first cells of a table's rows ("Device 1", "Baseline").
    row_labels: tuple[Label, ...] = ()
    #: Blank rows of a continuation of the table, printed on a page of its own with the same
    #: columns; the table says on which page it continues (readings through a long session).
    continuation_rows: Annotated[int, Field(ge=1, le=30)] | None = None
    #: On a dose record: the slot whose local rule says which weight doses are calculated on;
    #: the printout writes it beside the weight.
    weight_basis_slot: Identifier | None = None
    #: On a table of readings: the slot whose local rule sets how often they are written down;
    #: with it set, the printout sizes the table (and its continuation) so a typical session
    #: plus the observation after it fits at that interval.
    interval_slot: Identifier | None = None
    after_dose: QuantityText | None = None
    #: A minimum time counted from the first time written in this item's table: the printout
    #: puts "ends no earlier than ____ (+ this time)" beside it (the SPRAVATO 2-hour clock).
    earliest_end_after: QuantityText | None = None
    #: Protocol ids whose sheets carry this item; empty: every protocol using the checklist.
    applies_to: tuple[Identifier, ...] = ()
    source: Identifier | None = None
    locator: Label | None = None
    also_cited: tuple[Citation, ...] = ()
    site_defined: SiteDefined | None = None
    #: On a cited item that states a minimum time: the slot a clinic's local rule may lengthen
    #: it in (the slot of a site-defined item lives in its ``site_defined``).
    slot: Slot | None = None
    #: On a site-defined item whose value each protocol states itself: the sheet takes the local
    #: rule of that slot of the protocol it is printed for (``observation``: the protocol's
    #: minimum observation), so one meaning has one value, set in one place.
    protocol_slot: Literal["observation"] | None = None
    #: Slot ids this item declared in earlier content: a clinic's rule naming one is reported and
    #: not used, while its other rules stay in force.
    retired_slots: tuple[RetiredSlot, ...] = ()
    #: Why a number changed tenfold or more in this version (``ketaref content diff`` flags such
    #: a change unless this is new in the version); shown to reviewers, not to users.
    change_reason: Text | None = None

    def local_slot(self, protocol: Protocol | None = None) -> Slot | None:
        """The slot a clinic's local rule fills for this item, if any.

        An item with ``protocol_slot`` has none of its own: on the sheet of ``protocol`` it takes
        that protocol's slot (none without a protocol, e.g. the checklist read on its own).
        """
        if self.protocol_slot == "observation":
            site = protocol.observation.site_defined if protocol and protocol.observation else None
            return site.slot if site else None
        if self.site_defined is not None:
            return self.site_defined.slot
        return self.slot

    @model_validator(mode="after")
    def _cited_or_site_defined(self) -> Self:
        cited = self.source is not None and self.locator is not None
        if (self.source is None) != (self.locator is None):
            raise ValueError("source and locator go together")
        if cited == (self.site_defined is not None):
            raise ValueError(
                "an item is either cited (source and locator) or site_defined, not both"
            )
        if len(set(self.applies_to)) != len(self.applies_to):
            raise ValueError("applies_to names a protocol twice")
        if self.slot is not None and (self.site_defined is not None or self.slot.at_least is None):
            raise ValueError(
                "a slot on the item itself is for a cited minimum a clinic may lengthen (with"
                " at_least); a site-defined item's slot goes in its site_defined"
            )
        if self.protocol_slot is not None and (
            self.site_defined is None or self.site_defined.slot is not None
        ):
            raise ValueError(
                "protocol_slot is for a site-defined item that takes the protocol's own slot:"
                " give it a site_defined entry without a slot of its own"
            )
        limited = _ONLY_FOR.search(self.text)
        if limited:
            raise ValueError(
                "an item limited to some protocols says so with applies_to, not in its text"
                f" (“{limited.group(0)}”)"
            )
        return self

    @model_validator(mode="after")
    def _fields_fit_the_kind(self) -> Self:
        """Rows, fields and the weight-basis slot belong to the kinds that print them."""
        if self.kind in TABLE_KINDS and not self.fields:
            raise ValueError(f"a {self.kind} needs fields to record (e.g. Time, Blood pressure)")
        if self.kind not in TABLE_KINDS and (
            self.rows or self.row_labels or self.continuation_rows
        ):
            raise ValueError(
                "rows, row_labels and continuation_rows belong to timed-observation and vitals-grid"
            )
        if self.weight_basis_slot is not None and self.kind != "dose-record":
            raise ValueError("weight_basis_slot belongs to a dose-record")
        if self.interval_slot is not None and self.kind not in TABLE_KINDS:
            raise ValueError("interval_slot belongs to timed-observation and vitals-grid")
        if self.rows is not None and len(self.row_labels) > self.rows:
            raise ValueError("more row_labels than rows")
        if self.earliest_end_after is not None:
            if self.earliest_end_after.unit not in TIME_UNITS:
                raise ValueError("earliest_end_after must be a time")
            if self.kind not in TABLE_KINDS or "Time" not in self.fields:
                raise ValueError("earliest_end_after needs a table with a “Time” field")
        return self

    @model_validator(mode="after")
    def _value_boxes_are_write_ins(self) -> Self:
        site = self.site_defined
        if site is None or not site.boxes_hold_the_value:
            return self
        if self.kind != "write-in" or not self.fields or site.slot is None:
            raise ValueError(
                "boxes_hold_the_value belongs to a write-in item with fields and a slot: the"
                " boxes a clinic's value fills"
            )
        return self

    def citations(self) -> tuple[Citation, ...]:
        """All citations of the item, none for site-defined items."""
        if self.source is None or self.locator is None:
            return ()
        return (Citation(source=self.source, locator=self.locator), *self.also_cited)

    def applies(self, protocol_id: str) -> bool:
        """Whether the item belongs on the sheet printed for ``protocol_id``."""
        return not self.applies_to or protocol_id in self.applies_to

    def table_rows(self, repeated: bool) -> int:
        """How many blank rows a table kind prints (``repeated``: read through the session)."""
        if self.rows is not None:
            return self.rows
        if self.row_labels:
            return len(self.row_labels)
        return 3 if repeated and self.after_dose is None else 1


class ChecklistSection(Frozen):
    """The items for one pause point."""

    pause_point: Annotated[PausePoint, Strict(False)]
    items: Annotated[tuple[ChecklistItem, ...], Field(min_length=1)]


#: The longest sentence printed at the foot of every page: it must fit on one footer line.
MAX_PAGE_FOOTER = 100


class PageFooter(Statement):
    """A cited sentence printed at the foot of every page of a checklist's printout.

    For what a sheet must say wherever a page of it ends up (a SPRAVATO sheet: that it does not
    replace the REMS monitoring form). One footer line holds it, so it is short.
    """

    text: Annotated[str, Field(max_length=MAX_PAGE_FOOTER), AfterValidator(_clean_text)]


class Checklist(Frozen):
    """A per-session checklist printed for a protocol and filled in by pen."""

    id: Identifier
    title: Label
    synonyms: tuple[Label, ...] = ()
    notices: tuple[Statement, ...] = ()
    page_footer: PageFooter | None = None
    sections: Annotated[tuple[ChecklistSection, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _pause_points_in_order(self) -> Self:
        order = [s.pause_point for s in self.sections]
        if order != sorted(order, key=list(PausePoint).index) or len(order) != len(set(order)):
            raise ValueError(
                "sections must be before-dosing, during, before-discharge, each at most once"
            )
        ids = [i.id for s in self.sections for i in s.items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"item ids repeat: {', '.join(duplicates)}")
        slots = {slot.id: slot for item in self.items() if (slot := item.local_slot()) is not None}
        for item in self.items():
            if item.weight_basis_slot is not None and item.weight_basis_slot not in slots:
                raise ValueError(
                    f"weight_basis_slot “{item.weight_basis_slot}” is not a slot of this checklist"
                )
            interval = slots.get(item.interval_slot or "")
            if item.interval_slot is not None and (interval is None or interval.type != "interval"):
                raise ValueError(
                    f"interval_slot “{item.interval_slot}” is not an interval slot of this checklist"
                )
        return self

    def items(self) -> list[ChecklistItem]:
        """Every item, in order."""
        return [item for section in self.sections for item in section.items]

    def sections_for(self, protocol_id: str) -> tuple[ChecklistSection, ...]:
        """The sections as printed for ``protocol_id``: only the items that apply to it."""
        sections = []
        for section in self.sections:
            items = tuple(i for i in section.items if i.applies(protocol_id))
            if items:
                sections.append(section.model_copy(update={"items": items}))
        return tuple(sections)


# ---------------------------------------------------------------------------------------------
# Contraindications


class Contraindication(Statement):
    """One entry of a contraindication list."""

    severity: Literal["contraindication", "relative-contraindication", "warning", "precaution"]
    synonyms: tuple[Label, ...] = ()


class ContraindicationList(Frozen):
    """Who must not (or only with caution) receive a product, as one source lists it."""

    id: Identifier
    title: Label
    applies_to: Label
    synonyms: tuple[Label, ...] = ()
    basis: Statement
    items: Annotated[tuple[Contraindication, ...], Field(min_length=1)]
    notes: tuple[Statement, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()


#: Every kind of item a pack holds (``ketaref.content.format.kinds`` says what each is). Views match
#: over it with ``assert_never`` in the default arm, so a kind added here is a type error in
#: every view that does not handle it.
ContentItem: TypeAlias = Protocol | Checklist | ContraindicationList


# ---------------------------------------------------------------------------------------------
# Glossary


class GlossaryEntry(Frozen):
    """An abbreviation the pack uses and what it stands for (shown in the app's glossary)."""

    term: Annotated[str, Field(pattern=r"^\S+$")]
    expansion: Label
    #: Other names the sources give the same abbreviation (e.g. a rating scale named two ways);
    #: any of them counts as spelling the term out.
    other_expansions: tuple[Label, ...] = ()
    note: Text | None = None

    def expansions(self) -> tuple[str, ...]:
        """Every accepted spelling-out, the main one first."""
        return (self.expansion, *self.other_expansions)


class Glossary(Frozen):
    """The whole of ``glossary.yaml``: each abbreviation once."""

    entries: Annotated[tuple[GlossaryEntry, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _terms_once(self) -> Self:
        terms = [entry.term for entry in self.entries]
        repeated = sorted({term for term in terms if terms.count(term) > 1})
        if repeated:
            raise ValueError(f"terms repeat: {', '.join(repeated)}")
        return self


# ---------------------------------------------------------------------------------------------
# Manifest

#: ASCII digits only: other scripts' digits would give a second spelling of the same version.
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+){1,3}$"
_SHA256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class FileEntry(Frozen):
    """The expected digest and length of one file of the pack."""

    sha256: _SHA256
    bytes: Annotated[int, Field(ge=0)]


def _read_only(files: Mapping[str, FileEntry]) -> Mapping[str, FileEntry]:
    return MappingProxyType(dict(files))


#: Path → expected digest and length of every file of the pack, read-only once validated (a
#: ``MappingProxyType``): the manifest of a loaded library cannot be edited in place. Validated
#: and serialised as the plain mapping it is written as.
FileTable = Annotated[
    Mapping[Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]+\.yaml$")], FileEntry],
    AfterValidator(_read_only),
    WrapSerializer(lambda files, serialize: serialize(dict(files))),
]


class Review(Frozen):
    """A named clinician's sign-off of this content version."""

    name: Label
    role: Label
    date: Date
    scope: Label


class Manifest(Frozen):
    """``manifest.yaml``: version, dates, review sign-offs and every file's digest."""

    content_version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    released: Date
    expires: Date | None = None
    intended_use: Text
    reviews: tuple[Review, ...] = ()
    changes: tuple[Note, ...] = ()
    files: FileTable

    def version_tuple(self) -> tuple[int, ...]:
        """The content version as integers, for ordering versions."""
        return tuple(int(part) for part in self.content_version.split("."))


def _may_hold_statements(annotation: Any, seen: set[type]) -> bool:
    """Whether a value of ``annotation`` can be or contain a Statement."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if issubclass(annotation, Statement):
            return True
        if annotation in seen:
            return False
        seen.add(annotation)
        return any(
            _may_hold_statements(field.annotation, seen)
            for field in annotation.model_fields.values()
        )
    return any(_may_hold_statements(argument, seen) for argument in get_args(annotation))


@cache
def _statement_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that can hold statements (most fields hold only text)."""
    return tuple(
        name
        for name, field in model.model_fields.items()
        if _may_hold_statements(field.annotation, set())
    )


def _collect_statements(value: Any, found: list[Statement]) -> None:
    """Append every Statement nested in ``value`` (models, tuples) to ``found``, depth first."""
    if isinstance(value, Statement):
        found.append(value)
    if isinstance(value, BaseModel):
        for name in _statement_fields(type(value)):
            child = getattr(value, name)
            if child is not None:
                _collect_statements(child, found)
    elif isinstance(value, tuple):
        for child in value:
            _collect_statements(child, found)


def statements_in(value: Any) -> list[Statement]:
    """Every cited Statement nested in a content item, in reading order."""
    found: list[Statement] = []
    if isinstance(value, (BaseModel, tuple)):
        _collect_statements(value, found)
    return found
