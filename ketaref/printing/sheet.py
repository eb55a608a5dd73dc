"""What one session checklist printout says, chosen and checked before anything is laid out.

Which protocol and checklist, the items that apply to it, the clinic's local-rule values, the
dose figures and the weight, the warning marks, the print time: all decided here, with the
user's mistakes refused in words (``PrintError``), so the layout (``checklist_layout``) only
places what it is given. Nothing here imports reportlab.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ketaref.content.format.kinds import KINDS, Kind
from ketaref.content.format.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.format.model import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    FixedDoseRegimen,
    Protocol,
    WeightBasedRegimen,
)
from ketaref.content.format.pack import Library
from ketaref.content.in_use.summary import NOT_REVIEWED
from ketaref.dosing.calculator import (
    DoseResult,
    local_ceiling,
    local_weight_rule,
    weight_in_kg,
)
from ketaref.policy import MAX_HEADER_TEXT
from ketaref.printing.dose_figures import (
    RegimenBoxes,
    dose_record,
    printed_weight,
    weight_value,
)
from ketaref.printing.errors import PrintError
from ketaref.printing.paper import PAPER_SIZES
from ketaref.printing.patient import PatientDetails, check_typed_field
from ketaref.printing.reading_rows import ReadingRows, clinic_observation, reading_rows

#: What the sheet is, as the app calls its kind ("Session checklist"), for the PDF's metadata.
SHEET_KIND = KINDS[Kind.CHECKLIST].heading
#: Printed on every sheet: sheets printed in advance may outlive the content they were made from.
REUSE_SENTENCE = (
    "Printed {stamp}. Before using a sheet printed in advance, check its content version"
    " ({content}) and local rules ({rules}) against ketaref (Help › About)."
)


def printable_protocols(library: Library) -> list[Protocol]:
    """Every protocol that has a session checklist, in pack order."""
    return [p for p in library.protocols.values() if p.checklist in library.checklists]


def checklist_for(library: Library, protocol_id: str) -> tuple[Protocol, Checklist]:
    """The protocol and its session checklist; PrintError if either does not exist."""
    protocol = library.protocols.get(protocol_id)
    if protocol is None:
        known = ", ".join(p.id for p in printable_protocols(library)) or "none"
        raise PrintError(
            f"there is no protocol “{protocol_id}”; protocols with a session checklist: {known}"
        )
    checklist = library.checklists.get(protocol.checklist or "")
    if checklist is None and protocol.no_checklist_reason:
        raise PrintError(
            f"“{protocol.title}” ({protocol.id}) has no session checklist to print:"
            f" {protocol.no_checklist_reason}"
        )
    if checklist is None:
        raise PrintError(
            f"“{protocol.title}” ({protocol.id}) has no session checklist to print"
            f" ({protocol.regulatory_status.label})"
        )
    return protocol, checklist


def warning_marks(library: Library, on: dt.date) -> list[str]:
    """What a printout must warn about in capitals: content not yet reviewed, content expired.

    Expired content is only in use where the policy says to warn (a blocked pack is never loaded,
    and the bundled pack has nothing to fall back to), so it prints with the mark.
    """
    marks = [] if library.reviewed else [NOT_REVIEWED.upper()]
    expires = library.manifest.expires
    if expires is not None and on > expires:
        marks.append(f"EXPIRED CONTENT (expired {expires.isoformat()})")
    return marks


@dataclass(frozen=True)
class Sheet:
    """Everything one printout says: made by ``prepare_sheet``, laid out as it is."""

    library: Library
    protocol: Protocol
    checklist: Checklist
    page_size: tuple[float, float]
    #: The patient's details as printed: the weight is the one weight of the printout.
    patient: PatientDetails
    clinic_name: str
    clinician: str
    session_date: dt.date | None
    dose: DoseResult | None
    #: Whether the clinician acknowledged the dose's warnings on screen.
    dose_acknowledged: bool
    marks: tuple[str, ...]
    printed: dt.datetime
    local_rules: LocalRulesInForce
    #: The weight for the dose record's box: the calculator's, else the one typed for print.
    record_weight: str

    def sections(self) -> tuple[ChecklistSection, ...]:
        """The pause points with the items that apply to the protocol printed."""
        return self.checklist.sections_for(self.protocol.id)

    def stamp(self) -> str:
        """The print time as the sheet shows it ("2026-12-01 09:30 UTC")."""
        return f"{self.printed:%Y-%m-%d %H:%M} {self.printed.tzname() or ''}".strip()

    def reuse_note(self) -> str:
        """When the sheet was printed, and the versions to check before reusing it."""
        return REUSE_SENTENCE.format(
            stamp=self.stamp(),
            content=self.library.version,
            rules=self.local_rules.version_text(),
        )

    def clinic_value(self, item: ChecklistItem) -> str | None:
        """The clinic's value for the item's slot, None when no local rule sets it."""
        slot = item.local_slot(self.protocol)
        rule = self.local_rules.rule(slot.id) if slot else None
        return rule.value if rule else None

    def held_back(self, item: ChecklistItem) -> bool:
        """Whether the clinic's rule for the item's slot waits for re-confirmation (not used)."""
        slot = item.local_slot(self.protocol)
        return slot is not None and self.local_rules.held_back(slot.id)

    def weight_with_basis(self, item: ChecklistItem) -> str:
        """The dose record's weight, with the clinic's weight basis where a local rule gives it;
        empty without a weight."""
        if not self.record_weight:
            return ""
        slot = item.weight_basis_slot
        rule = self.local_rules.rule(slot) if slot is not None else None
        if rule is None:
            return self.record_weight
        return f"{self.record_weight}; {rule.value} weight (local rule)"

    def dose_rows(self) -> list[RegimenBoxes]:
        """The dose record's rows: the calculated regimen's, filled, or every regimen's, blank."""
        return dose_record(self.protocol, self.dose)

    def dose_record_note(self, rows: int) -> str:
        """What the dose record says about its rows ("" when nothing needs saying)."""
        if self.dose is not None:
            return (
                "Figures from the ketaref dose calculator (working above); check them against"
                " the prescription."
            )
        return "Fill in the row of the regimen given." if rows > 1 else ""

    def clinic_dose_rules(self) -> list[str]:
        """One line per limit the clinic's local rules set on the calculator, naming the rule:
        its weight rule, then each regimen's highest dose. The dose record says them even on a
        blank sheet, where no calculation refused. With a calculation, its own lines say them
        (printed once)."""
        if self.dose is not None:
            return []
        weight_rule = local_weight_rule(self.protocol, self.local_rules)
        regimens = self.protocol.dosing.regimens if self.protocol.dosing else ()
        lines = [weight_rule.text()] if weight_rule is not None else []
        return lines + [
            # A fixed-dose protocol has one regimen; an IV one names which regimen it is.
            f"{regimen.name}: {ceiling.text()}"
            if isinstance(regimen, WeightBasedRegimen)
            else ceiling.text()
            for regimen in regimens
            if isinstance(regimen, FixedDoseRegimen | WeightBasedRegimen)
            and (ceiling := local_ceiling(regimen, self.local_rules)) is not None
        ]

    def clinic_observation(self) -> str | None:
        """The clinic's observation time for this protocol, as its local rule writes it."""
        return clinic_observation(self.protocol, self.checklist, self.local_rules)

    def reading_rows(self, item: ChecklistItem, repeated: bool) -> ReadingRows:
        """The rows of a table of readings on this sheet (``reading_rows``)."""
        return reading_rows(
            item,
            repeated=repeated,
            protocol=self.protocol,
            checklist=self.checklist,
            local_rules=self.local_rules,
            dose=self.dose,
        )


def prepare_sheet(
    library: Library,
    protocol_id: str,
    *,
    paper: str = "a4",
    patient: PatientDetails | None = None,
    clinic_name: str = "",
    clinician: str = "",
    session_date: dt.date | None = None,
    dose: DoseResult | None = None,
    dose_acknowledged: bool = False,
    printed_at: dt.datetime | None = None,
    local_rules: LocalRulesInForce = NO_LOCAL_RULES,
) -> Sheet:
    """Choose and check what the printout for ``protocol_id`` says (``build_checklist_pdf``'s
    arguments); PrintError or DoseInputError for what cannot be printed."""
    protocol, checklist = checklist_for(library, protocol_id)
    patient = patient or PatientDetails()
    weight = printed_weight(library, protocol, patient.weight, dose, local_rules)
    patient = replace(patient, weight=weight.entered_text() if weight else "")
    if paper not in PAPER_SIZES:
        raise PrintError(f"unknown paper size “{paper}”; use one of: {', '.join(PAPER_SIZES)}")
    clinician = check_typed_field("clinician's name", clinician, MAX_HEADER_TEXT)
    clinic_name = check_typed_field("clinic name", clinic_name, MAX_HEADER_TEXT)
    printed = (printed_at or dt.datetime.now().astimezone()).astimezone()
    # The dose record's weight box takes the printed weight in kg, as the calculator shows it.
    record_weight = weight_in_kg(weight).display() if weight else ""
    return Sheet(
        library=library,
        protocol=protocol,
        checklist=checklist,
        page_size=PAPER_SIZES[paper],
        patient=patient,
        clinic_name=clinic_name,
        clinician=clinician,
        session_date=session_date,
        dose=dose,
        dose_acknowledged=dose_acknowledged,
        marks=tuple(warning_marks(library, printed.date())),
        printed=printed,
        local_rules=local_rules,
        record_weight=weight_value(dose) or record_weight,
    )
