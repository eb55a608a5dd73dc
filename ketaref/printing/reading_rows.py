"""How many blank rows a table of readings prints: the content's, or sized by the clinic's interval.

A table whose item names an ``interval_slot`` (the vital signs written down through a session)
has the content's fixed rows until the clinic's local rules set that interval. With it set, the
table and its continuation get one row per reading from the start of the infusion to the end of
the observation after it: ``span / interval`` rounded up, plus the reading at the start. The
infusion is the dose calculator's duration, else the protocol's standard duration (a protocol
dosed without an infusion, SPRAVATO, counts from the first device); the observation is the
clinic's observation time, else the minimum the content states. Where either is unknown the
fixed rows stay, and the sheet says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from ketaref.content.format.local_rules import LocalRulesInForce
from ketaref.content.format.model import (
    Checklist,
    ChecklistItem,
    Protocol,
    Slot,
    WeightBasedRegimen,
)
from ketaref.content.format.quantity import Quantity, QuantityError, Unit, parse_quantity
from ketaref.dosing.calculator import DoseResult
from ketaref.dosing.units import minutes

#: The most continuation rows a sized table prints (about two pages); past them the sheet's
#: "continue on a copy of this table" applies.
MAX_CONTINUATION_ROWS = 50


@dataclass(frozen=True)
class ReadingRows:
    """The rows a table of readings prints, and the line that says how they were counted."""

    rows: int
    #: Rows of its continuation page; 0: no continuation.
    continuation: int = 0
    #: The arithmetic, or why the content's fixed rows stand; "" for a table without an interval.
    note: str = ""


@dataclass(frozen=True)
class _Span:
    """A stretch of the session with the words the sheet names it by."""

    quantity: Quantity
    words: str


def reading_rows(
    item: ChecklistItem,
    *,
    repeated: bool,
    protocol: Protocol,
    checklist: Checklist,
    local_rules: LocalRulesInForce,
    dose: DoseResult | None,
) -> ReadingRows:
    """The rows of ``item``'s table on the sheet printed for ``protocol``.

    ``repeated``: the reading is taken through the session (a table at the "during" pause).
    """
    fixed = ReadingRows(item.table_rows(repeated), item.continuation_rows or 0)
    rule = local_rules.rule(item.interval_slot) if item.interval_slot else None
    if rule is None:
        return fixed
    try:
        interval = parse_quantity(rule.value)
    except QuantityError:  # the local-rules check refuses such a value; a hand-built one may not
        return fixed
    infusion = _infusion(protocol, dose)
    observation = _observation(protocol, checklist, local_rules)
    kept = _fixed_words(fixed)
    if infusion is _UNKNOWN:
        return _with_note(fixed, f"{kept}: no infusion duration (no dose calculated with one)")
    if observation is None:
        return _with_note(fixed, f"{kept}: no local observation time is set to size them by")
    spans = [*([infusion] if infusion is not None else []), observation]
    total = sum(minutes(span.quantity) for span in spans)
    readings = math.ceil(total / minutes(interval)) + 1
    continuation = min(max(readings - fixed.rows, 0), MAX_CONTINUATION_ROWS)
    where = (
        f"{fixed.rows} here, {continuation} continued"
        if continuation
        else f"within the {fixed.rows} rows here"
    )
    capped = "; more: continue on a copy" if readings > fixed.rows + continuation else ""
    counted = " + ".join(f"{span.quantity} {span.words}" for span in spans)
    note = f"Rows for {counted} at every {interval}: {readings} readings ({where}){capped}"
    return ReadingRows(fixed.rows, continuation, note)


def _with_note(rows: ReadingRows, note: str) -> ReadingRows:
    return ReadingRows(rows.rows, rows.continuation, note)


def _fixed_words(fixed: ReadingRows) -> str:
    more = f" + {fixed.continuation} continued" if fixed.continuation else ""
    return f"Rows as the content sets them ({fixed.rows}{more})"


#: An infusion whose duration neither the dose nor the protocol gives.
_UNKNOWN = _Span(Quantity(Decimal(0), Unit.MIN), "unknown infusion")


def _infusion(protocol: Protocol, dose: DoseResult | None) -> _Span | None:
    """How long the dose runs: the calculator's duration, else the protocol's standard one.

    None: the protocol is not dosed by infusion (no weight-based regimen), nothing to add.
    ``_UNKNOWN``: it is, but no duration is known.
    """
    regimens = protocol.dosing.regimens if protocol.dosing else ()
    infused = [r for r in regimens if isinstance(r, WeightBasedRegimen)]
    if not infused:
        return None
    if dose is not None and dose.duration is not None:
        return _Span(dose.duration, "infusion")
    standard = next((r.standard_duration for r in infused if r.standard_duration), None)
    return _Span(standard.value, "infusion") if standard else _UNKNOWN


def _observation(
    protocol: Protocol, checklist: Checklist, local_rules: LocalRulesInForce
) -> _Span | None:
    """The observation the sheet is printed for: the clinic's time for the protocol's or the
    sheet's observation slot, else the published minimum the content states; None if neither."""
    observation = protocol.observation
    slots = _observation_slots(protocol, checklist)
    clinic_time = clinic_observation(protocol, checklist, local_rules)
    if clinic_time is not None:
        return _parsed(clinic_time)
    if observation is not None and observation.minimum is not None:
        return _Span(observation.minimum, "observation")
    minimum = next((slot.at_least for slot in slots if slot.at_least is not None), None)
    return _Span(minimum, "observation") if minimum else None


def clinic_observation(
    protocol: Protocol, checklist: Checklist, local_rules: LocalRulesInForce
) -> str | None:
    """The clinic's observation time for the protocol the sheet is printed for (its local rule's
    value, as written), or None when no local rule sets one."""
    for slot in _observation_slots(protocol, checklist):
        rule = local_rules.rule(slot.id)
        if rule is not None:
            return rule.value
    return None


def _observation_slots(protocol: Protocol, checklist: Checklist) -> list[Slot]:
    """The slots that hold the observation time: the protocol's, then the sheet's duration slots
    for this protocol."""
    site = protocol.observation.site_defined if protocol.observation else None
    slots = [site.slot] if site is not None and site.slot is not None else []
    return slots + [
        slot
        for entry in checklist.items()
        if entry.applies(protocol.id)
        and (slot := entry.local_slot(protocol)) is not None
        and slot.type == "duration"
    ]


def _parsed(value: str) -> _Span | None:
    try:
        return _Span(parse_quantity(value), "observation")
    except QuantityError:
        return None
