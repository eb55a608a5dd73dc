"""The per-session checklist a nurse prints, fills in by pen and files.

Built from the pack's checklist for a protocol, in the manner of the WHO Surgical Safety
Checklist: three pause points (before dosing, during the session, before discharge), tick boxes and
write-in boxes big enough for a pen, every item's source as a numbered reference with the list of
references at the end. Every page carries a footer with "Page x of y", the content version and pack
hash, the print time and the intended use.

The PDF is built in memory; nothing touches the disk until ``save_pdf`` writes the finished bytes
atomically. Patient details go onto the pages only, never into the PDF's metadata. The output is a
function of the inputs (``printed_at`` included), so a preview and the saved or printed file are
byte for byte the same document.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from html import escape as _html_escape
from pathlib import Path
from typing import Any

from ketaref import __version__
from ketaref.atomic import write_atomically
from ketaref.content.kinds import KINDS, Kind
from ketaref.content.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.model import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Citation,
    ContraindicationList,
    PausePoint,
    Protocol,
    Statement,
)
from ketaref.content.pack import Library
from ketaref.content.render_text import SITE_DEFINED_WORDS
from ketaref.content.summary import NOT_REVIEWED
from ketaref.dosing.calculator import DoseResult, weight_in_kg
from ketaref.policy import MAX_HEADER_TEXT
from ketaref.printing import fonts
from ketaref.printing.dose_figures import (
    calculation_lines,
    dose_record,
    needs_weight,
    printed_weight,
    verification_words,
    weight_value,
)
from ketaref.printing.errors import PrintError
from ketaref.printing.paper import PAPER_SIZES
from ketaref.printing.patient import PatientDetails, check_typed_field

__all__ = [
    "PatientDetails",
    "PrintError",
    "build_checklist_pdf",
    "check_pdf",
    "checklist_for",
    "printable_protocols",
    "save_pdf",
]

#: What the sheet is, as the app calls its kind ("Session checklist"), for the PDF's metadata.
SHEET_KIND = KINDS[Kind.CHECKLIST].heading
#: Printed on every sheet: sheets printed in advance may outlive the content they were made from.
REUSE_SENTENCE = (
    "Printed {stamp}. Before using a sheet printed in advance, check its content version"
    " ({content}) and local rules ({rules}) against ketaref (Help › About)."
)
#: The tag beside a clinic's value, so it never passes for a published statement.
LOCAL_RULE_TAG = "LOCAL RULE"
LOCAL_RULE_FILL = "#ececec"

# Layout, in points (1/72 inch). Boxes are sized for a pen: a 16 pt tick box is 5.6 mm.
MARGIN = 38
FRAME_PADDING = 6  # reportlab's default Frame padding
TOP_MARGIN = 40
BOTTOM_MARGIN = 66
TICK_BOX = 16
INDENT = 28
WRITE_IN_HEIGHT = 30
OBSERVATION_ROW_HEIGHT = 24
TIME_COLUMN_WIDTH = 72
DUE_COLUMN_WIDTH = 110
FOOTER_SIZE = 7
MIN_FOOTER_SIZE = 5.5
FOOTER_LEADING = 8.6
INTENDED_USE_SIZE = 6.5
INK = "#000000"
GREY_TEXT = "#4d4d4d"
RULE_GREY = "#8c8c8c"
BAR_FILL = "#dcdcdc"


def escape(text: str) -> str:
    """Text made safe for reportlab's paragraph markup (&, < and > only; quotes stay)."""
    return _html_escape(text, quote=False)


# ---------------------------------------------------------------------------------------------
# Finding what to print


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


# ---------------------------------------------------------------------------------------------
# Building


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
    protocol, checklist = checklist_for(library, protocol_id)
    patient = patient or PatientDetails()
    weight = printed_weight(library, protocol, patient.weight, dose)
    patient = replace(patient, weight=weight.entered_text() if weight else "")
    if paper not in PAPER_SIZES:
        raise PrintError(f"unknown paper size “{paper}”; use one of: {', '.join(PAPER_SIZES)}")
    for label, text in (("clinician's name", clinician), ("clinic name", clinic_name)):
        check_typed_field(label, text, MAX_HEADER_TEXT)
    fonts.register_fonts()
    printed = (printed_at or dt.datetime.now().astimezone()).astimezone()
    marks = warning_marks(library, printed.date())
    # The dose record's weight box takes the printed weight in kg, as the calculator shows it.
    record_weight = weight_in_kg(weight).display() if weight else ""
    layout = _Layout(
        library, protocol, checklist, PAPER_SIZES[paper], dose, local_rules, record_weight
    )
    # The footer's sentence is the checklist's, numbered with the references before the story
    # lists them (a sheet's footer shows on its first page).
    footer_line = ""
    if checklist.page_footer is not None:
        cite = layout.references.cite(checklist.page_footer.citations())
        footer_line = f"{checklist.page_footer.text} {cite}"
    dose_lines = calculation_lines(library, dose, dose_acknowledged) if dose else []
    story = layout.story(patient, clinic_name, clinician, session_date, dose_lines, marks, printed)
    footer = _Footer(library, protocol, checklist, patient, session_date, printed, marks)
    footer.local_rules = local_rules
    footer.page_references = layout.page_references
    footer.footer_line = footer_line
    data = _render(layout, story, footer, checklist, protocol, library, printed)
    pages = check_pdf(data)
    if pages != footer.page_count:
        raise PrintError(
            f"the checklist PDF came out with {pages} pages instead of {footer.page_count}; "
            "nothing was saved (please report this)"
        )
    return data


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def check_pdf(data: bytes) -> int:
    """A light structural check of a PDF built here; returns its page count or raises PrintError.

    reportlab writes page objects uncompressed, so counting ``/Type /Page`` is exact for our own
    output; a file without the PDF header, the cross-reference table or the end marker is refused.
    """
    tail = data[-1024:]
    if not data.startswith(b"%PDF-") or b"startxref" not in tail or b"%%EOF" not in tail:
        raise PrintError("the checklist PDF is incomplete; nothing was saved (please report this)")
    pages = len(_PAGE_OBJECT.findall(data))
    if pages < 1:
        raise PrintError("the checklist PDF has no pages; nothing was saved (please report this)")
    return pages


def save_pdf(data: bytes, path: Path) -> None:
    """Write a checked PDF to ``path`` atomically; PrintError (nothing left behind) on failure."""
    check_pdf(data)
    path = Path(path)
    try:
        write_atomically(path, data)  # checks the path first; its errors are in plain words
    except OSError as exc:
        raise PrintError(f"cannot save the checklist to {path}: {exc.strerror}") from None


# ---------------------------------------------------------------------------------------------
# Layout


class _References:
    """Numbers each (source, locator) pair in the order it is first cited."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}

    def cite(self, citations: Sequence[Citation]) -> str:
        numbers = [
            self.numbers.setdefault((c.source, c.locator), len(self.numbers) + 1) for c in citations
        ]
        return "[" + ", ".join(str(n) for n in numbers) + "]"


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        extra.setdefault("fontName", fonts.REGULAR)
        extra["textColor"] = _color(extra.get("textColor", INK))
        return ParagraphStyle(name, fontSize=size, leading=leading, **extra)

    return {
        "clinic": style("clinic", 11, 14, fontName=fonts.BOLD),
        "review": style("review", 9.5, 12, fontName=fonts.BOLD),
        "title": style("title", 18, 22, fontName=fonts.BOLD, spaceBefore=2, spaceAfter=3),
        "protocol": style("protocol", 9.5, 12.5),
        "field_label": style("field_label", 7, 8.5, textColor=GREY_TEXT),
        "field_value": style("field_value", 11.5, 14, fontName=fonts.BOLD),
        "notice_head": style("notice_head", 9.5, 12, fontName=fonts.BOLD),
        "notice": style("notice", 10, 13, fontName=fonts.BOLD),
        "section": style("section", 12.5, 15, fontName=fonts.BOLD),
        "item": style("item", 10.5, 13.5),
        "item_bold": style("item_bold", 10.5, 13.5, fontName=fonts.BOLD, leftIndent=INDENT),
        "small": style("small", 8, 10, textColor=GREY_TEXT),
        "small_indented": style(
            "small_indented", 7.5, 9.3, textColor=GREY_TEXT, leftIndent=INDENT, spaceAfter=2
        ),
        "dose": style("dose", 10.5, 14),
        "box_value": style("box_value", 9.5, 11.5, fontName=fonts.BOLD),
        "yes_no": style("yes_no", 10.5, 13, fontName=fonts.BOLD),
        "row_label": style("row_label", 8, 9.5, fontName=fonts.BOLD),
        "appendix_item": style("appendix_item", 9, 11.5, leftIndent=10, spaceAfter=2),
        "refs_head": style("refs_head", 9.5, 12, fontName=fonts.BOLD, spaceBefore=4, spaceAfter=2),
        "ref": style("ref", 7, 8.6, leftIndent=14, firstLineIndent=-14, spaceAfter=1.5),
    }


@functools.cache
def _paragraph_class() -> type:
    """reportlab's Paragraph, remembering its line breaks for the width it was last wrapped to.

    Tables, KeepTogether and the frame each wrap the same paragraph at the same width; breaking
    the lines once instead of two or three times is a third of the build time. Line breaking
    depends on the width only, never on the height available.
    """
    from reportlab.platypus import Paragraph

    class WrapOnceParagraph(Paragraph):  # type: ignore[misc]
        _wrapped_width: float | None = None

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            if self._wrapped_width != available_width:
                super().wrap(available_width, available_height)
                self._wrapped_width = available_width
            return self.width, self.height

        def split(self, available_width: float, available_height: float) -> list[Any]:
            # Splitting drops the line breaks (a paragraph that does not fit at the foot of
            # a page and moves whole): the next wrap must break the lines again.
            self._wrapped_width = None
            return list(super().split(available_width, available_height))

    return WrapOnceParagraph


def _no_split(_available_width: float, _available_height: float) -> list[Any]:
    """A flowable's ``split`` that declines, so the flowable moves whole to the next frame."""
    return []


def _item_line(text: Any, tick_box: bool) -> Any:
    """An item's text, indented, with an empty square to tick in front of it when asked."""
    from reportlab.platypus import Flowable

    class ItemLine(Flowable):  # type: ignore[misc]
        """Cheaper than a two-cell table, of which a checklist would have dozens."""

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            width, self.text_height = text.wrap(available_width - INDENT, available_height)
            self.width = width + INDENT
            self.height = max(self.text_height, TICK_BOX + 1) if tick_box else self.text_height
            return self.width, self.height

        def draw(self) -> None:
            if tick_box:
                self.canv.setLineWidth(1.3)
                self.canv.rect(0, self.height - 1 - TICK_BOX, TICK_BOX, TICK_BOX)
            text.drawOn(self.canv, INDENT, self.height - self.text_height)

    return ItemLine()


class _PageReferences:
    """Page numbers a sheet refers to before it knows them ("continued on page 5").

    ``mark`` records the page a flowable lands on; ``line`` keeps the place of a line that
    names marked pages, and ``draw`` writes those lines once every page is laid out, as the
    footer's "Page x of y" is.
    """

    SIZE = 9.0

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}
        self.lines: list[tuple[int, float, float, str]] = []

    def mark(self, key: str) -> Any:
        """A flowable without size that records the page it is drawn on under ``key``."""
        from reportlab.platypus import Flowable

        pages = self.pages

        class PageMark(Flowable):  # type: ignore[misc]
            def wrap(
                self, _available_width: float, _available_height: float
            ) -> tuple[float, float]:
                return 0, 0

            def draw(self) -> None:
                pages[key] = self.canv.getPageNumber()

        return PageMark()

    def line(self, template: str) -> Any:
        """A one-line flowable whose text, ``template`` with marked pages (``{key}``) filled
        in, is drawn when the pages are finished."""
        from reportlab.platypus import Flowable

        lines = self.lines
        size = self.SIZE

        class PageReferenceLine(Flowable):  # type: ignore[misc]
            def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
                return available_width, size * 1.4

            def draw(self) -> None:
                x, y = self.canv.absolutePosition(INDENT, size * 0.35)
                lines.append((self.canv.getPageNumber(), x, y, template))

        return PageReferenceLine()

    def draw(self, canvas: Any, page: int) -> None:
        """Write the lines of ``page`` (every mark is known by now)."""
        for line_page, x, y, template in self.lines:
            if line_page == page:
                canvas.setFillColor(INK)
                canvas.setFont(fonts.BOLD, self.SIZE)
                canvas.drawString(x, y, template.format(**self.pages))


class _Layout:
    """Turns a checklist into reportlab flowables for one paper size."""

    def __init__(
        self,
        library: Library,
        protocol: Protocol,
        checklist: Checklist,
        page_size: tuple[float, float],
        dose: DoseResult | None = None,
        local_rules: LocalRulesInForce = NO_LOCAL_RULES,
        record_weight: str = "",
    ) -> None:
        self.library = library
        self.protocol = protocol
        self.checklist = checklist
        self.dose = dose
        self.local_rules = local_rules
        #: The weight for the dose record's box: the calculator's, else the one typed for print.
        self.record_weight = weight_value(dose) or record_weight
        self.page_size = page_size
        self.width = page_size[0] - 2 * MARGIN
        self.styles = _styles()
        self.references = _References()
        self.page_references = _PageReferences()
        #: Tables continued after the last pause point: the item, its columns, and the heading
        #: of the section it belongs to.
        self.continuations: list[tuple[ChecklistItem, list[str], str]] = []
        #: The pause point being laid out ("2 During the session"), for continuations.
        self.section_heading = ""

    def paragraph(self, text: str, style: str) -> Any:
        return _paragraph_class()(text, self.styles[style])

    def story(
        self,
        patient: PatientDetails,
        clinic_name: str,
        clinician: str,
        session_date: dt.date | None,
        dose_lines: Sequence[str],
        marks: Sequence[str],
        printed: dt.datetime,
    ) -> list[Any]:
        """Every flowable of the document, in reading order."""
        from reportlab.platypus import Spacer

        story = self.header(patient, clinic_name, clinician, session_date, marks)
        story += [*self.reuse_note(printed), Spacer(1, 6)]
        story += self.notices()
        if dose_lines:
            story += self.dose_block(dose_lines)
        for number, section in enumerate(self.checklist.sections_for(self.protocol.id), 1):
            story += self.section(number, section)
        story += self.continuation_pages()
        story += self.contraindication_appendix()
        story += [Spacer(1, 4), *self.reference_list()]
        return story

    # --- header ---------------------------------------------------------------------------

    def header(
        self,
        patient: PatientDetails,
        clinic_name: str,
        clinician: str,
        session_date: dt.date | None,
        marks: Sequence[str],
    ) -> list[Any]:
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.platypus import Spacer, Table

        if clinic_name:
            clinic = self.paragraph(escape(clinic_name), "clinic")
        else:  # no clinic name in the machine policy: a line to write it on
            clinic = self.paragraph("Clinic: ______________________________", "small")
        commands: list[tuple[Any, ...]] = [*_NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if not marks:
            top = Table([[clinic]], colWidths=[self.width])
        else:
            # Boxed marks, as wide as their words, at the top right of the first page.
            mark_width = max(stringWidth(mark, fonts.BOLD, 9.5) for mark in marks) + 12
            text = "<br/>".join(escape(mark) for mark in marks)
            top = Table(
                [[clinic, self.paragraph(text, "review")]],
                colWidths=[self.width - mark_width, mark_width],
            )
            commands += [
                ("BOX", (1, 0), (1, 0), 1.5, INK),
                ("LEFTPADDING", (1, 0), (1, 0), 5),
                ("TOPPADDING", (1, 0), (1, 0), 3),
                ("BOTTOMPADDING", (1, 0), (1, 0), 4),
            ]
        top.setStyle(_table_style(commands))
        status = escape(self.protocol.regulatory_status.label)
        date_text = session_date.isoformat() if session_date else ""
        fields = [
            [
                ("Patient name", patient.name),
                ("Patient ID", patient.patient_id),
                ("Weight", patient.weight),
            ],
            [("Date", date_text), ("Clinician", clinician), ("Signature", "")],
        ]
        return [
            top,
            self.paragraph(escape(self.checklist.title), "title"),
            self.paragraph(f"Protocol: {escape(self.protocol.title)}", "protocol"),
            self.paragraph(f"Status: <b>{status}</b>", "protocol"),
            Spacer(1, 6),
            self.field_grid(fields, [0.44, 0.32, 0.24]),
            Spacer(1, 8),
        ]

    def field_grid(self, rows: list[list[tuple[str, str]]], fractions: list[float]) -> Any:
        """Labelled boxes: a value where one is given, room to write where not."""
        from reportlab.platypus import Spacer, Table

        # No fixed row height: a long name wraps and its row grows. An empty box holds a spacer
        # that keeps it pen-high.
        cells = [
            [
                self.field_cell(label, value)
                if value
                else [*self.field_cell(label, ""), Spacer(1, WRITE_IN_HEIGHT - 10)]
                for label, value in row
            ]
            for row in rows
        ]
        table = Table(cells, colWidths=[self.width * f for f in fractions])
        table.setStyle(_table_style([*_GRID, ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        return table

    def field_cell(self, label: str, value: str) -> list[Any]:
        cell = [self.paragraph(escape(label), "field_label")]
        if value:
            cell.append(self.paragraph(escape(value), "field_value"))
        return cell

    # --- notices and dose -----------------------------------------------------------------

    def notices(self) -> list[Any]:
        from reportlab.platypus import Spacer, Table

        if not self.checklist.notices:
            return []
        cell: list[Any] = [self.paragraph("About this checklist", "notice_head")]
        for notice in self.checklist.notices:
            cite = self.references.cite(notice.citations())
            cell.append(self.paragraph(f"{escape(notice.text)} {_cite_markup(cite)}", "notice"))
        table = Table([[cell]], colWidths=[self.width])
        table.setStyle(
            _table_style(
                [
                    ("BOX", (0, 0), (-1, -1), 2, INK),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        return [table, Spacer(1, 8)]

    def dose_block(self, dose_lines: Sequence[str]) -> list[Any]:
        """The dose calculator's result, with a box for the initials of whoever checked it."""
        from reportlab.platypus import KeepTogether, Spacer, Table

        cell: list[Any] = [
            self.paragraph("Dose calculation from the ketaref dose calculator", "notice_head")
        ]
        cell += [self.paragraph(escape(line), "dose") for line in dose_lines]
        checked_width = 110
        table = Table(
            [[cell, self.field_cell("Checked by (initials)", "")]],
            colWidths=[self.width - checked_width, checked_width],
        )
        table.setStyle(
            _table_style(
                [
                    ("GRID", (0, 0), (-1, -1), 1, INK),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (0, 0), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return [KeepTogether([table]), Spacer(1, 8)]

    # --- pause points ---------------------------------------------------------------------

    def section(self, number: int, section: ChecklistSection) -> list[Any]:
        from reportlab.platypus import KeepTogether, Spacer, Table

        heading = Table(
            [
                [
                    self.paragraph(
                        f"{number}&nbsp;&nbsp;{escape(section.pause_point.label)}", "section"
                    ),
                    self.paragraph("Time ________ &nbsp; Initials ________", "small"),
                ]
            ],
            colWidths=[self.width * 0.6, self.width * 0.4],
        )
        heading.setStyle(
            _table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), BAR_FILL),
                    ("LINEABOVE", (0, 0), (-1, 0), 2, INK),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        self.section_heading = f"{number}&nbsp;&nbsp;{escape(section.pause_point.label)}"
        items = [self.item_parts(item, section.pause_point) for item in section.items]
        # Each item stays on one page; the heading travels with the first item, never alone.
        # (KeepTogether must not nest: an inner one reports an endless height to the outer.)
        first = KeepTogether([heading, Spacer(1, 4), *items[0]])
        return [first, *(KeepTogether(parts) for parts in items[1:]), Spacer(1, 10)]

    def item_parts(self, item: ChecklistItem, pause_point: PausePoint) -> list[Any]:
        """The flowables of one item: its line, then boxes, answers or tables to fill in."""
        from reportlab.platypus import Spacer

        if item.site_defined:
            suffix = f'<font size="8" color="{GREY_TEXT}">({SITE_DEFINED_WORDS})</font>'
        else:
            suffix = _cite_markup(self.references.cite(item.citations()))
        text = self.paragraph(f"{escape(item.text)} {suffix}", "item")
        parts: list[Any] = [_item_line(text, tick_box=item.kind == "tick")]
        slot = item.local_slot(self.protocol)
        rule = self.local_rules.rule(slot.id) if slot else None
        if rule is not None:
            parts += self.clinic_value(item, rule.value)
        elif item.site_defined:
            parts += self.local_rule(item)
        boxes: list[Any] = []
        if item.kind == "write-in":
            boxes = [self.boxes_row(list(item.fields))]
        elif item.kind == "yes-no":
            boxes = [self.yes_no_row(list(item.fields) or ["Answer"])]
        elif item.kind == "dose-record":
            boxes = self.dose_record(item)
        elif item.kind in ("timed-observation", "vitals-grid"):
            boxes = self.observation_table(item, pause_point)
        if boxes:
            parts += [Spacer(1, 4), *boxes]
        parts.append(Spacer(1, 6))
        return parts

    @staticmethod
    def indented(table: Any) -> Any:
        """``table`` (``INDENT`` narrower than the frame) lined up with the item text."""
        table.hAlign = "RIGHT"
        return table

    def beside_indent(self, table: Any) -> Any:
        """``table`` (narrower than the text) starting where the item text starts."""
        from reportlab.platypus import Table

        table.hAlign = "LEFT"
        holder = Table([["", table]], colWidths=[INDENT, self.width - INDENT])
        holder.setStyle(_table_style(_NO_PADDING))
        return holder

    def boxes_row(
        self, labels: list[str], values: Sequence[str] = (), width: float | None = None
    ) -> Any:
        """One row of labelled boxes: a value where one is given, pen room where not.

        Without ``width`` the row is lined up with the item text; with it, it is that wide.
        """
        from reportlab.platypus import Spacer, Table

        cells = []
        for label, value in zip(labels, [*values, *[""] * len(labels)], strict=False):
            cell = [self.paragraph(escape(label), "field_label")]
            if value:
                cell.append(self.paragraph(escape(value), "box_value"))
            else:
                cell.append(Spacer(1, WRITE_IN_HEIGHT - 12))
            cells.append(cell)
        table = Table([cells], colWidths=_column_widths(labels, width or self.width - INDENT))
        table.setStyle(_table_style([*_GRID, ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return table if width else self.indented(table)

    def yes_no_row(self, labels: list[str]) -> Any:
        """One box per question with Yes and No to circle."""
        from reportlab.platypus import Table

        answer = "Yes&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;No"
        cells = [
            [self.paragraph(escape(label), "field_label"), self.paragraph(answer, "yes_no")]
            for label in labels
        ]
        width = self.width - INDENT
        column = min(width / len(labels), 150.0)
        table = Table([cells], colWidths=[column] * len(labels))
        table.setStyle(_table_style([*_GRID, ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        return self.beside_indent(table)

    def dose_record(self, item: ChecklistItem) -> list[Any]:
        """The dose record: weight and the item's own boxes, then one row per regimen.

        Each figure has its own box, in its own unit. The calculator's figures are printed in
        the boxes when it was used; otherwise every regimen of the protocol gets a blank row.
        """
        from reportlab.platypus import Spacer, Table

        first = list(item.fields)
        values = [""] * len(first)
        if needs_weight(self.protocol):
            first.insert(0, "Weight (kg)")
            values.insert(0, self.weight_with_basis(item))
        parts: list[Any] = [self.boxes_row(first, values)] if first else []
        rows = dose_record(self.protocol, self.dose)
        if self.dose is not None:
            note = "Figures from the ketaref dose calculator (working above); check them against the prescription."
        elif len(rows) > 1:
            note = "Fill in the row of the regimen given."
        else:
            note = ""
        if note:
            parts += [Spacer(1, 2), self.paragraph(escape(note), "small_indented")]
        name_width = 64.0
        boxes_width = self.width - INDENT - name_width
        for row in rows:
            boxes = self.boxes_row(list(row.labels), row.values, width=boxes_width)
            name = self.paragraph(escape(row.name), "row_label")
            line = Table([[name, boxes]], colWidths=[name_width, boxes_width])
            line.setStyle(_table_style([*_NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            parts += [Spacer(1, 3), self.indented(line)]
        return parts

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

    def observation_table(self, item: ChecklistItem, pause_point: PausePoint) -> list[Any]:
        """A header row naming what to record, then blank rows to record it in.

        A reading at a fixed time after the dose (``after_dose``) or at a single pause gets one
        row; a reading repeated through the session (during, no fixed time) gets three; an item
        may set its own number of rows and label them (``rows``, ``row_labels``). An item with
        ``earliest_end_after`` gets the time its clock ends, counted from its first time.
        """
        from reportlab.platypus import Spacer

        labels = list(item.fields)
        if item.after_dose is not None:
            labels.insert(0, f"Due {item.after_dose} after dose (clock time)")
        rows = item.table_rows(repeated=pause_point is PausePoint.DURING)
        names = [*item.row_labels, *[""] * (rows - len(item.row_labels))]
        parts: list[Any] = [self.indented(self.grid(item, labels, names))]
        if item.continuation_rows is not None:
            # More readings than rows: the same columns continue on a page of their own.
            self.continuations.append((item, labels, self.section_heading))
            parts += [
                self.page_references.mark(f"table_{len(self.continuations)}"),
                Spacer(1, 2),
                self.page_references.line(
                    f"More readings: continued on page {{continued_{len(self.continuations)}}}"
                ),
            ]
        if item.earliest_end_after is not None:
            start = f"{item.row_labels[0]} time" if item.row_labels else "first time above"
            parts += [
                Spacer(1, 4),
                self.paragraph(
                    "Monitoring ends no earlier than ____________"
                    f" &nbsp;({escape(start)} + {escape(str(item.earliest_end_after))})",
                    "item_bold",
                ),
            ]
        return parts

    def grid(self, item: ChecklistItem, labels: list[str], names: list[str]) -> Any:
        """A table: a header row of ``labels``, then one blank row per entry of ``names``
        (with a first column of row names if the item labels its rows)."""
        from reportlab.platypus import Table

        width = self.width - INDENT
        header = [self.paragraph(escape(label), "field_label") for label in labels]
        body: list[list[Any]] = [[""] * len(labels) for _ in names]
        widths = _column_widths(labels, width, due_column=item.after_dose is not None)
        if item.row_labels:
            label_width = 88.0
            header.insert(0, "")
            body = [
                [self.paragraph(escape(n), "row_label"), *r]
                for n, r in zip(names, body, strict=True)
            ]
            widths = [label_width, *_column_widths(labels, width - label_width)]
        table = Table(
            [header, *body],
            colWidths=widths,
            rowHeights=[None] + [OBSERVATION_ROW_HEIGHT] * len(names),
        )
        table.setStyle(
            _table_style(
                [
                    *_GRID,
                    ("BACKGROUND", (0, 0), (-1, 0), "#f0f0f0"),
                    ("BOTTOMPADDING", (0, 0), (-1, 0), 3),
                    ("VALIGN", (0, 1), (0, -1), "MIDDLE"),
                ]
            )
        )
        return table

    def continuation_pages(self) -> list[Any]:
        """Each continued table after the last pause point, kept on one page: the same columns,
        more blank rows, and the page it continues from."""
        from reportlab.platypus import KeepTogether, Spacer

        story: list[Any] = []
        for number, (item, labels, section) in enumerate(self.continuations, 1):
            assert item.continuation_rows is not None
            story.append(
                KeepTogether(
                    [
                        self.page_references.mark(f"continued_{number}"),
                        self.paragraph(f"{section} (continued)", "section"),
                        self.page_references.line(f"Continued from page {{table_{number}}}"),
                        self.paragraph(escape(item.text), "item"),
                        Spacer(1, 4),
                        self.indented(self.grid(item, labels, [""] * item.continuation_rows)),
                        Spacer(1, 4),
                        self.paragraph(
                            "More readings than rows: continue on a copy of this table.",
                            "small_indented",
                        ),
                    ]
                )
            )
        return [*story, Spacer(1, 6)] if story else []

    def reuse_note(self, printed: dt.datetime) -> list[Any]:
        """When the sheet was printed, and the versions to check before reusing it."""
        stamp = f"{printed:%Y-%m-%d %H:%M} {printed.tzname() or ''}".strip()
        text = REUSE_SENTENCE.format(
            stamp=stamp, content=self.library.version, rules=self.local_rules.version_text()
        )
        return [self.paragraph(escape(text), "small")]

    def clinic_value(self, item: ChecklistItem, value: str) -> list[Any]:
        """The clinic's value for the item's slot: tagged, attributed, set apart from sources."""
        from reportlab.platypus import Spacer, Table

        slot = item.local_slot(self.protocol)
        assert slot is not None
        label = item.site_defined.label if item.site_defined else slot.meaning
        attribution = self.local_rules.attribution()
        cell = [
            self.paragraph(f"{escape(label)}: <b>{escape(value)}</b>", "item"),
            self.paragraph(escape(attribution), "small"),
        ]
        tag = self.paragraph(f'<font color="#ffffff"><b>{LOCAL_RULE_TAG}</b></font>', "small")
        tag_width = 62.0
        table = Table([[tag, cell]], colWidths=[tag_width, self.width - INDENT - tag_width])
        table.setStyle(
            _table_style(
                [
                    ("BACKGROUND", (0, 0), (0, 0), _color(INK)),
                    ("BACKGROUND", (1, 0), (1, 0), _color(LOCAL_RULE_FILL)),
                    ("BOX", (0, 0), (-1, -1), 1.2, INK),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return [Spacer(1, 2), self.indented(table)]

    def local_rule(self, item: ChecklistItem) -> list[Any]:
        """Where no source read gives a value: a line for the site's rule (unless the item's own
        boxes take it) or its choices to circle, and why the sheet gives no value."""
        from reportlab.platypus import Spacer, Table

        assert item.site_defined is not None
        site = item.site_defined
        reason = site.reason[:1].upper() + site.reason[1:]
        why = self.paragraph(f"Why local: {escape(reason)}", "small_indented")
        if item.fields:
            return [why]
        if site.options:
            choices = "&nbsp;&nbsp;&nbsp;&nbsp;".join(escape(o) for o in site.options)
            label = self.paragraph(f"{escape(site.label)} (local rule, circle one):", "small")
            answer: Any = self.paragraph(choices, "yes_no")
        else:
            label = self.paragraph(f"{escape(site.label)} (local rule):", "small")
            answer = ""
        label_width = min(self.width / 2, 200.0)
        rule = Table(
            [[label, answer]],
            colWidths=[label_width, self.width - INDENT - label_width],
            rowHeights=[WRITE_IN_HEIGHT - 6],
        )
        rule.setStyle(
            _table_style(
                [
                    *_NO_PADDING,
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    *([] if site.options else [("LINEBELOW", (1, 0), (1, 0), 0.8, INK)]),
                ]
            )
        )
        return [self.indented(rule), Spacer(1, 3), why]

    # --- contraindications ----------------------------------------------------------------

    def contraindication_appendix(self) -> list[Any]:
        """Every contraindication list the protocol links, on the paper, every entry cited.

        A pain protocol links the guideline's list and the ketamine label's own; the nurse
        checks against all of them, so each gets its own appendix.
        """
        story: list[Any] = []
        for list_id in self.protocol.contraindications:
            entries = self.library.contraindications.get(list_id)
            if entries is not None:  # the loader checks every link; a hand-built library may not
                story += self._appendix(entries)
        return story

    def _appendix(self, entries: ContraindicationList) -> list[Any]:
        from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

        story: list[Any] = [
            CondPageBreak(160),
            self.paragraph(f"Appendix: {escape(entries.title)}", "section"),
            self.paragraph(f"Applies to: {escape(entries.applies_to)}", "small"),
            Spacer(1, 3),
            self.cited_line(entries.basis, bullet=False),
        ]
        for severity, heading in _SEVERITY_HEADINGS.items():
            lines = [self.cited_line(e) for e in entries.items if e.severity == severity]
            if lines:
                story.append(KeepTogether([self.paragraph(heading, "refs_head"), *lines[:2]]))
                story += lines[2:]
        notes = [self.cited_line(note) for note in entries.notes]
        if notes:
            story += [self.paragraph("Notes", "refs_head"), *notes]
        for disagreement in entries.disagreements:
            story += [
                self.paragraph(f"Where sources differ: {escape(disagreement.topic)}", "refs_head"),
                self.paragraph(escape(disagreement.note), "appendix_item"),
                *(self.cited_line(side) for side in disagreement.statements),
            ]
        return [*story, Spacer(1, 6)]

    def cited_line(self, statement: Statement, bullet: bool = True) -> Any:
        """One statement of an appendix with its reference numbers."""
        cite = _cite_markup(self.references.cite(statement.citations()))
        line = self.paragraph(
            f"{'• ' if bullet else ''}{escape(statement.text)} {cite}", "appendix_item"
        )
        line.split = _no_split  # an entry is read whole, on one page, with its references
        return line

    # --- references -----------------------------------------------------------------------

    def reference_list(self) -> list[Any]:
        """The numbered references in two balanced columns, read down then across.

        A source's first entry gives its full citation; later entries of the same source (other
        locators) refer back to it, which keeps the list short enough for the page.
        """
        from reportlab.platypus import CondPageBreak
        from reportlab.platypus.flowables import BalancedColumns

        entries = []
        first_number: dict[str, int] = {}
        for (source_id, locator), number in self.references.numbers.items():
            source = self.library.sources.get(source_id)
            if source_id in first_number:
                citation = f"Source of [{first_number[source_id]}],"
            else:
                first_number[source_id] = number
                # The loader checks every source id; the fallback guards a hand-built library.
                citation = source.citation if source else source_id
            verification = verification_words(self.library, source_id)
            entry = self.paragraph(
                f"[{number}]&nbsp;{escape(citation)} <b>{escape(locator)}</b>"
                f" ({escape(verification)})",
                "ref",
            )
            # An entry never breaks across pages: its verification tag would land below the
            # footer, away from its source. (Entries are a few lines; one moves whole.)
            entry.split = _no_split
            entries.append(entry)
        if not entries:
            return []
        # Balanced columns read down the left column, then the right, and use the space of the
        # page the list starts on; the heading never ends a page alone.
        columns = BalancedColumns(entries, nCols=2, spaceBefore=0, spaceAfter=0, innerPadding=14)
        return [CondPageBreak(60), self.paragraph("References", "refs_head"), columns]


_SEVERITY_HEADINGS = {
    "contraindication": "Contraindications",
    "relative-contraindication": "Relative contraindications",
    "warning": "Warnings",
    "precaution": "Precautions",
}

_NO_PADDING = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]
_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.9, INK),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
]


def _table_style(commands: Sequence[tuple[Any, ...]]) -> Any:
    """A table style whose cells use the bundled font (reportlab's default is Helvetica, which
    would be referenced, unembedded, even by empty cells), with colours parsed once."""
    from reportlab.platypus import TableStyle

    resolved = [
        tuple(
            _color(part) if isinstance(part, str) and part.startswith("#") else part for part in c
        )
        for c in commands
    ]
    return TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9), *resolved])


@functools.cache
def _color(hex_code: str) -> Any:
    from reportlab.lib.colors import HexColor

    return HexColor(hex_code)


def _cite_markup(cite: str) -> str:
    return f'<font size="7.5" color="{GREY_TEXT}">{cite}</font>'


def _column_widths(labels: list[str], width: float, due_column: bool = False) -> list[float]:
    """Narrow columns for clock times (and the due time, if first), the rest shared evenly."""
    fixed = [
        DUE_COLUMN_WIDTH
        if due_column and index == 0
        else TIME_COLUMN_WIDTH
        if label.strip().lower() in ("time", "clock time")
        else None
        for index, label in enumerate(labels)
    ]
    free = [f for f in fixed if f is None]
    if not free or sum(f or 0 for f in fixed) > width / 2:
        return [width / len(labels)] * len(labels)
    share = (width - sum(f or 0 for f in fixed)) / len(free)
    return [share if f is None else f for f in fixed]


# ---------------------------------------------------------------------------------------------
# Pages: footer on every page, a running header from page 2, "Page x of y" in two passes


class _Footer:
    """Draws the footer (and, from page 2, a running header) once the page count is known."""

    def __init__(
        self,
        library: Library,
        protocol: Protocol,
        checklist: Checklist,
        patient: PatientDetails,
        session_date: dt.date | None,
        printed: dt.datetime,
        marks: Sequence[str],
    ) -> None:
        self.library = library
        self.marks = marks
        self.protocol = protocol
        self.checklist = checklist
        self.patient = patient
        self.session_date = session_date
        self.printed = printed
        self.page_count = 0
        self.local_rules = NO_LOCAL_RULES
        self.page_references = _PageReferences()
        #: The checklist's own footer sentence with its reference number, or "".
        self.footer_line = ""

    def status_line(self) -> str:
        marks = "".join(f" · {mark}" for mark in self.marks)
        stamp = f"{self.printed:%Y-%m-%d %H:%M} {self.printed.tzname() or ''}".strip()
        return (
            f"Content {self.library.version} · pack {self.library.pack_hash} · "
            f"{self.local_rules.footer()} · printed {stamp} · ketaref {__version__}{marks}"
        )

    def draw(self, canvas: Any, page: int, total: int) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        width, _ = canvas._pagesize
        text_width = width - 2 * MARGIN
        canvas.saveState()
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.6)
        top = BOTTOM_MARGIN - 14
        canvas.line(MARGIN, top, width - MARGIN, top)
        y = top - FOOTER_LEADING - 1
        canvas.setFillColor(INK)
        canvas.setFont(fonts.BOLD, FOOTER_SIZE + 1)
        page_text = f"Page {page} of {total}"
        canvas.drawString(MARGIN, y, page_text)
        # The versions line shrinks a little rather than run into "Page x of y".
        status = self.status_line()
        room = text_width - stringWidth(page_text, fonts.BOLD, FOOTER_SIZE + 1) - 8
        size: float = FOOTER_SIZE
        while size > MIN_FOOTER_SIZE and stringWidth(status, fonts.REGULAR, size) > room:
            size -= 0.25
        canvas.setFont(fonts.REGULAR, size)
        canvas.drawRightString(width - MARGIN, y, status)
        lines = _wrap(
            f"Intended use: {self.library.manifest.intended_use}",
            text_width,
            lambda s: stringWidth(s, fonts.REGULAR, INTENDED_USE_SIZE),
            max_lines=2,
        )
        canvas.setFont(fonts.REGULAR, INTENDED_USE_SIZE)
        canvas.setFillColor(GREY_TEXT)
        for line in lines:
            y -= FOOTER_LEADING
            canvas.drawString(MARGIN, y, line)
        if self.footer_line:
            y -= FOOTER_LEADING
            # The model keeps it short; a narrow page prints it smaller, never cut.
            natural = stringWidth(self.footer_line, fonts.BOLD, FOOTER_SIZE)
            canvas.setFillColor(INK)
            canvas.setFont(fonts.BOLD, FOOTER_SIZE * min(1.0, text_width / natural))
            canvas.drawString(MARGIN, y, self.footer_line)
        if page > 1:
            self.draw_running_header(canvas, width)
        self.page_references.draw(canvas, page)
        canvas.restoreState()

    def draw_running_header(self, canvas: Any, width: float) -> None:
        """Pages that get separated still say whose checklist they belong to."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        blank = "____________"
        date = self.session_date.isoformat() if self.session_date else blank
        # Who and when are never cut: a separated page must still name its patient. The title
        # follows when there is room; a name too long for the line prints smaller instead.
        identity = (
            f"Patient: {self.patient.name or blank} · ID: {self.patient.patient_id or blank}"
            f" · Date: {date}"
        )
        line = f"{identity} · {self.checklist.title} (continued)"
        size = 8.5
        available = width - 2 * MARGIN
        if stringWidth(line, fonts.REGULAR, size) > available:
            line = identity
            size = min(size, size * available / stringWidth(identity, fonts.REGULAR, size))
        y = self.page_height(canvas) - TOP_MARGIN + 12
        canvas.setFillColor(INK)
        canvas.setFont(fonts.REGULAR, size)
        canvas.drawString(MARGIN, y, line)
        canvas.setStrokeColor(RULE_GREY)
        canvas.line(MARGIN, y - 4, width - MARGIN, y - 4)

    @staticmethod
    def page_height(canvas: Any) -> float:
        return float(canvas._pagesize[1])


def _wrap(text: str, width: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """Greedy word wrap to ``width``; past ``max_lines`` the last line ends in an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if measure(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    kept, last = lines[: max_lines - 1], lines[max_lines - 1]
    while last and measure(last + " …") > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    return [*kept, f"{last} …"]


def _canvas_maker(footer: _Footer, printed: dt.datetime) -> Callable[..., Any]:
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Holds every page back until the end, then draws footers knowing the page count."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []
            _stamp_time(self, printed)

        def showPage(self) -> None:
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            footer.page_count = total
            for page, state in enumerate(self._page_states, 1):
                self.__dict__.update(state)
                footer.draw(self, page, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _stamp_time(canvas: Any, printed: dt.datetime) -> None:
    """Date the PDF's CreationDate from ``printed`` (reportlab's invariant mode uses 2000-01-01).

    Invariant mode makes the document ID a function of the content, so equal inputs give equal
    bytes; the time stamp is then set to the print time the footer shows.
    """
    stamp = canvas._doc._timeStamp
    utc = printed.astimezone(dt.UTC)
    stamp.t = utc.timestamp()
    stamp.lt = tuple(utc.timetuple())
    stamp.YMDhms = stamp.lt[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"


def _render(
    layout: _Layout,
    story: list[Any],
    footer: _Footer,
    checklist: Checklist,
    protocol: Protocol,
    library: Library,
    printed: dt.datetime,
) -> bytes:
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=layout.page_size,
        # The frame pads its content by FRAME_PADDING; text lines up with the footer at MARGIN.
        leftMargin=MARGIN - FRAME_PADDING,
        rightMargin=MARGIN - FRAME_PADDING,
        topMargin=TOP_MARGIN - FRAME_PADDING,
        bottomMargin=BOTTOM_MARGIN - FRAME_PADDING,
        # Metadata names the checklist, never the patient.
        title=checklist.title,
        subject=f"{SHEET_KIND}: {protocol.title}",
        author="ketaref",
        creator=f"ketaref {__version__}",
        keywords=[SHEET_KIND.lower(), protocol.id, f"content {library.version}"],
        lang="en-US",
        invariant=1,
        pageCompression=1,
        initialFontName=fonts.REGULAR,
        initialFontSize=10,
    )
    try:
        document.build(story, canvasmaker=_canvas_maker(footer, printed))
    except Exception as exc:  # reportlab's LayoutError and friends: report, never a traceback
        # Not the exception's text: it can quote what was typed, patient details included.
        raise PrintError(
            "the checklist could not be laid out (is a typed field very long?); nothing was saved"
        ) from exc
    return buffer.getvalue()
