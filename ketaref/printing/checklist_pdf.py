"""The per-session checklist a nurse prints, fills in by pen and files.

``build_checklist_pdf`` chooses what the sheet says (``sheet.prepare_sheet``: the protocol's
checklist and the items that apply to it, the clinic's local-rule values, the dose figures and
the weight, refusing what cannot be printed), lays it out (``checklist_layout``, on the pages of
``checklist_pages``) and checks the result (``pdf_file``). The PDF is built in memory; nothing
touches the disk until ``save_pdf`` writes the finished bytes atomically. The output is a
function of the inputs (``printed_at`` included), so a preview and the saved or printed file are
byte for byte the same document.
"""

from __future__ import annotations

import datetime as dt

from ketaref.content.format.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.format.pack import Library
from ketaref.dosing.calculator import DoseResult
from ketaref.printing import fonts
from ketaref.printing.checklist_layout import Layout
from ketaref.printing.checklist_pages import Footer, render
from ketaref.printing.errors import PrintError
from ketaref.printing.patient import PatientDetails
from ketaref.printing.pdf_file import check_pdf, save_pdf
from ketaref.printing.sheet import checklist_for, prepare_sheet, printable_protocols

__all__ = [
    "PatientDetails",
    "PrintError",
    "build_checklist_pdf",
    "check_pdf",
    "checklist_for",
    "printable_protocols",
    "save_pdf",
]


def build_checklist_pdf(
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
) -> bytes:
    """Lay out the session checklist for ``protocol_id`` and return the PDF's bytes.

    ``local_rules`` (the clinic's rules in force) fill their slots, each value tagged and
    attributed; slots they leave unset stay blank.

    Fields left empty are printed as blank write-in boxes. ``dose`` (the dose calculator's
    result) fills the boxes of the dose record and is printed with its working and sources in a
    box of its own; ``dose_acknowledged`` says whether the clinician acknowledged its warnings on
    screen. The patient's weight is printed as typed (``patient.weight``), or else the dose's;
    one printout carries one weight (``printed_weight``). Only the items that apply to the
    protocol are printed, and its contraindication list follows as an appendix. ``printed_at``
    defaults to now; given the same inputs the bytes are the same. Raises PrintError for an
    unknown protocol, a protocol without a checklist, an unknown paper size, or a weight that
    differs from the dose's; DoseInputError for a weight the calculator would refuse.
    """
    sheet = prepare_sheet(
        library,
        protocol_id,
        paper=paper,
        patient=patient,
        clinic_name=clinic_name,
        clinician=clinician,
        session_date=session_date,
        dose=dose,
        dose_acknowledged=dose_acknowledged,
        printed_at=printed_at,
        local_rules=local_rules,
    )
    fonts.register_fonts()
    layout = Layout(sheet)
    footer_line = layout.footer_line()
    story = layout.story()
    footer = Footer(sheet, layout.page_references, footer_line)
    data = render(sheet, story, footer)
    pages = check_pdf(data)
    if pages != footer.page_count:
        raise PrintError(
            f"the checklist PDF came out with {pages} pages instead of {footer.page_count}; "
            "nothing was saved (please report this)"
        )
    return data
