"""Plain-text rendering of content items: every statement followed by its citation.

Used by ``ketaref content show`` and anywhere content must be read without the GUI. Statements on
sources the fact sheet could not confirm in full text are marked, so a reader knows what to check.
"""

from __future__ import annotations

from typing import Any, assert_never

from ketaref.content.format.kinds import kind_of
from ketaref.content.format.model import (
    UNKNOWN_SOURCE,
    Checklist,
    ChecklistItem,
    Citation,
    CitedRange,
    ContentItem,
    ContraindicationList,
    Disagreement,
    Dosing,
    FixedDoseRegimen,
    Observation,
    Protocol,
    SiteDefined,
    SiteRange,
    Slot,
    Statement,
    WeightBasedRegimen,
)
from ketaref.content.format.pack import Library, cited_sources
from ketaref.content.format.quantity import prose_quantities
from ketaref.content.in_use.summary import NOT_REVIEWED

SITE_DEFINED_WORDS = "set by local policy — no source read for this pack gives a value"

#: Headings for the fields of items, in the order they are shown.
HEADINGS = {
    "status_statement": "Regulatory status",
    "evidence_levels": "Evidence",
    "summary": "Summary",
    "population": "Population",
    "schedule": "Dose and schedule",
    "administration": "Administration",
    "pre_dose": "Before dosing",
    "monitoring": "Monitoring",
    "observation": "Minimum observation",
    "readiness_to_leave": "Readiness to leave",
    "warnings": "Warnings",
    "evidence": "What studies found",
    "disagreements": "Where sources differ",
    "dosing": "Dose calculator uses",
    "basis": "Basis",
    "items": "Items",
    "notes": "Notes",
    "notices": "About this checklist",
    "page_footer": "Printed at the foot of every page",
}


def citation_text(library: Library, citations: tuple[Citation, ...]) -> str:
    """``[source-id, locator; verification]`` for each citation (a confirmed one has no tag)."""
    parts = []
    for citation in citations:
        source = library.sources.get(citation.source)
        tag = source.verification.citation_mark if source else UNKNOWN_SOURCE
        mark = f"; {tag}" if tag else ""
        parts.append(f"{citation.source}, {citation.locator}{mark}")
    return "[" + " | ".join(parts) + "]"


def says(text: str, value: object) -> bool:
    """Whether ``text`` already says ``value``, so showing ``value`` beside it says it twice.

    A quantity is said when the text states the same amounts in its unit, however worded
    ("40 minutes" says "40 min"), and no other amount in that unit: "56 mg or 84 mg" does not
    say which of the two an allowed dose is. Words are said when the text contains them.
    """
    shown = prose_quantities(str(value))
    if not shown:
        return str(value).lower() in text.lower()
    units = {quantity.unit for quantity in shown}
    said = [quantity for quantity in prose_quantities(text) if quantity.unit in units]
    return bool(said) and {(q.ends, q.unit) for q in said} == {(q.ends, q.unit) for q in shown}


#: A statement's labels (phase, time point…) and its values (doses, times…), in the order shown.
_LABEL_FIELDS = ("phase", "study", "when", "grading_system", "severity")
_VALUE_FIELDS = ("dose_range", "value", "frequency", "duration", "after_dose")


def prefix_bits(statement: Statement) -> list[str]:
    """The structured part of a statement shown before its text, each thing said once.

    A value that a label before it or the statement's own text already says is left out:
    "40 minutes after administration · 40 min" shows the time once.
    """
    labels = [str(v) for name in _LABEL_FIELDS if (v := getattr(statement, name, None))]
    doses = getattr(statement, "doses", ())
    values = [" or ".join(str(d) for d in doses)] if doses else []
    values += [
        str(v) for name in _VALUE_FIELDS if (v := getattr(statement, name, None)) is not None
    ]
    bits = list(labels)
    for value in values:
        if not says(" ".join([*bits, statement.text]), value):
            bits.append(value)
    return bits


def _prefix(statement: Statement) -> str:
    """The structured part of a statement (phase, doses, time point…) before its text."""
    bits = prefix_bits(statement)
    return (" · ".join(bits) + ": ") if bits else ""


def statement_line(library: Library, statement: Statement) -> str:
    """One statement as a line of text with its citation."""
    return f"{_prefix(statement)}{statement.text} {citation_text(library, statement.citations())}"


def _site_defined(site: SiteDefined) -> str:
    blank = " / ".join(site.options) if site.options else "________"
    slot = f" [{slot_text(site.slot)}]" if site.slot else ""
    return f"{site.label}: {blank} ({SITE_DEFINED_WORDS}; {site.reason}){slot}"


def slot_text(slot: Slot) -> str:
    """A slot as authors and IT read it: id, type, unit, any published minimum and the range a
    typed value must lie in."""
    unit = f", {slot.unit}" if slot.unit else ""
    minimum = f", at least {slot.at_least}" if slot.at_least else ""
    check = slot.input_check
    accepted = f", accepted {check.accepted} ({check.basis})" if check else ""
    return f"local-rules slot {slot.id}: {slot.type}{unit}{minimum}{accepted}"


def item_details(item: ChecklistItem) -> list[str]:
    """What an item records besides its text: fields, answers, rows, its clock, its protocols."""
    details = []
    if item.kind == "yes-no":
        details.append("yes / no: " + (", ".join(item.fields) or "answer"))
    elif item.kind == "dose-record":
        details.append(
            "dose record: one row of boxes per regimen of the protocol printed, each figure in"
            " its own box (IV: weight, dose or rate, total, concentration, volume, pump rate;"
            " SPRAVATO: dose in mg and devices)"
            + (f"; also {', '.join(item.fields)}" if item.fields else "")
        )
    elif item.fields:
        details.append("record: " + ", ".join(item.fields))
    if item.after_dose is not None and not says(item.text, item.after_dose):
        details.append(f"at {item.after_dose} after the dose")
    if item.rows or item.row_labels:
        rows = item.table_rows(repeated=False)
        labels = f": {', '.join(item.row_labels)}" if item.row_labels else ""
        details.append(f"{rows} {'row' if rows == 1 else 'rows'}{labels}")
    if item.continuation_rows is not None:
        details.append(f"continued on a later page, {item.continuation_rows} more rows")
    if item.weight_basis_slot is not None:
        details.append(f"weight with its basis (local rule {item.weight_basis_slot})")
    if item.interval_slot is not None:
        details.append(f"rows follow the recording interval (local rule {item.interval_slot})")
    if item.earliest_end_after is not None:
        details.append(f"ends no earlier than the first time + {item.earliest_end_after}")
    if item.applies_to:
        details.append("only on the sheets of " + ", ".join(item.applies_to))
    return details


def _item_line(library: Library, item: ChecklistItem) -> str:
    box = "[ ]" if item.kind == "tick" else "___"
    details = item_details(item)
    extra = f" ({'; '.join(details)})" if details else ""
    if item.site_defined and item.protocol_slot:
        taken = f"the {item.protocol_slot} slot of the protocol it is printed for"
        return f"{box} {item.text}{extra} — {_site_defined(item.site_defined)} [{taken}]"
    if item.site_defined:
        return f"{box} {item.text}{extra} — {_site_defined(item.site_defined)}"
    slot = f" [{slot_text(item.slot)}]" if item.slot else ""
    return f"{box} {item.text}{extra} {citation_text(library, item.citations())}{slot}"


def _dosing_lines(library: Library, dosing: Dosing) -> list[str]:
    """The numbers the dose calculator uses, each with its citation, and the weight checks."""
    lines = []
    for regimen in dosing.regimens:
        parts: dict[str, Statement | tuple[Statement, ...] | None]
        if isinstance(regimen, FixedDoseRegimen):
            lines.append("Fixed doses by device")
            parts = {
                "allowed": regimen.allowed_doses,
                "standard": regimen.standard_dose,
                "per device": regimen.per_device,
                "between devices": regimen.device_interval,
            }
        else:
            lines.append(regimen.name)
            parts = {
                "standard": regimen.standard_dose,
                "standard duration": regimen.standard_duration,
                "accepted range": regimen.allowed_range,
                "warn above": regimen.warn_above,
            }
        for label, value in parts.items():
            for statement in value if isinstance(value, tuple) else (value,) if value else ():
                lines.append(f"  {label} · {statement_line(library, statement)}")
        if isinstance(regimen, WeightBasedRegimen):
            durations = regimen.duration_limits
            lines.append("  " + _accepted_line(library, "accepted durations", durations.accepted))
            if durations.rapid_administration:
                rapid = statement_line(library, durations.rapid_administration)
                lines.append(
                    f"  shorter than {durations.rapid_below} ({durations.rapid_below_basis})"
                    f" · {rapid}"
                )
        if regimen.local_highest_dose is not None:
            highest = regimen.local_highest_dose
            lines.append(
                f"  clinic's highest dose, one of {', '.join(highest.option_texts())}"
                f" [{slot_text(highest.slot)}]"
            )
    if dosing.weight_limits:
        limits = dosing.weight_limits
        bounds = [limits.refuse_below, limits.warn_below, limits.warn_above, limits.refuse_above]
        names = ["refuse below", "warn below", "warn above", "refuse above"]
        shown = ", ".join(f"{n} {q}" for n, q in zip(names, bounds, strict=True) if q)
        lines.append(f"Weight checks: {shown}. {limits.basis}")
        if limits.local_outside_warning is not None:
            lines.append(
                "  outside the warning levels, the clinic's choice: warn or refuse"
                f" [{slot_text(limits.local_outside_warning)}]"
            )
    if dosing.concentration_limits:
        concentrations = dosing.concentration_limits
        lines.append(_accepted_line(library, "Accepted concentrations", concentrations.accepted))
        dilution = concentrations.dilution
        lines.append(f"At {dilution.at_or_above} or more · {statement_line(library, dilution)}")
    return lines


def _accepted_line(library: Library, label: str, accepted: CitedRange | SiteRange) -> str:
    """A calculator's accepted range: cited, or set by the site and saying so."""
    if isinstance(accepted, CitedRange):
        return f"{label} · {statement_line(library, accepted)}"
    return f"{label} · {accepted.value}: {accepted.site_defined}"


def _lines_for(library: Library, value: Any) -> list[str]:
    if isinstance(value, Dosing):
        return _dosing_lines(library, value)
    if isinstance(value, Statement):
        return [statement_line(library, value)]
    if isinstance(value, Observation):
        if value.site_defined:
            return [_site_defined(value.site_defined)]
        return _lines_for(library, value.statement)
    if isinstance(value, Disagreement):
        lines = [f"{value.topic}: {value.note}"]
        lines += ["  " + line for s in value.statements for line in _lines_for(library, s)]
        return lines
    if isinstance(value, tuple):
        return [line for element in value for line in _lines_for(library, element)]
    return []


def _bullet(line: str) -> str:
    """A top-level line gets a bullet; an indented line (one side of a disagreement) a dash."""
    if line.startswith("  "):
        return "      – " + line.strip()
    return "  • " + line


def _kind_header(item: ContentItem) -> list[str]:
    """The lines under the title that only items of one kind have."""
    match item:
        case Protocol():
            links = [f"checklist {item.checklist}" if item.checklist else "no session checklist"]
            if item.no_checklist_reason:
                links[0] += f" ({item.no_checklist_reason})"
            if item.contraindications:
                links.append("contraindications " + ", ".join(item.contraindications))
            return [
                f"Indication: {item.indication}. Route: {item.route.value}.",
                f"Status: {item.regulatory_status.label}",
                "See also: " + "; ".join(links),
            ]
        case ContraindicationList():
            return [f"Applies to: {item.applies_to}"]
        case Checklist():
            return []
        case _:
            assert_never(item)


def _checklist_body(library: Library, checklist: Checklist) -> list[str]:
    lines = []
    for notice in checklist.notices:
        lines += ["", statement_line(library, notice)]
    if checklist.page_footer is not None:
        footer = statement_line(library, checklist.page_footer)
        lines += ["", f"{HEADINGS['page_footer']}: {footer}"]
    for section in checklist.sections:
        lines += ["", section.pause_point.label.upper()]
        lines += ["  " + _item_line(library, i) for i in section.items]
    return lines


def _fields_body(library: Library, item: Protocol | ContraindicationList) -> list[str]:
    """Every field that has a heading, in the model's order, its statements bulleted."""
    lines = []
    for name in type(item).model_fields:
        if name not in HEADINGS:
            continue
        body = _lines_for(library, getattr(item, name))
        if body:
            lines += ["", HEADINGS[name].upper()] + [_bullet(line) for line in body]
    return lines


def _body(library: Library, item: ContentItem) -> list[str]:
    match item:
        case Checklist():
            return _checklist_body(library, item)
        case Protocol() | ContraindicationList():
            return _fields_body(library, item)
        case _:
            assert_never(item)


def _header(library: Library, item: ContentItem) -> list[str]:
    lines = [item.title, f"{kind_of(item)} {item.id}", *_kind_header(item)]
    review = "clinically reviewed" if library.reviewed else NOT_REVIEWED.upper()
    lines.append(f"Content {library.version} ({library.pack_hash}) — {review}")
    return lines


def render_item(library: Library, item: ContentItem) -> str:
    """The whole item as plain text, statement by statement, each with its citation."""
    lines = _header(library, item) + _body(library, item)
    cited = sorted(set(cited_sources(item)))
    if cited:
        lines += ["", "SOURCES"]
        for source_id in cited:
            source = library.sources[source_id]
            lines.append(
                f"  [{source.id}] {source.citation} {source.url} ({source.verification.label})"
            )
    return "\n".join(lines) + "\n"
