"""The session checklist laid out: a ``Sheet`` turned into reportlab flowables for one paper size.

In the manner of the WHO Surgical Safety Checklist: three pause points (before dosing, during the
session, before discharge), tick boxes and write-in boxes big enough for a pen, every item's
source as a numbered reference with the list of references at the end. What goes on the sheet is
chosen by ``sheet``; this module only places it. The pages around it (footer, running header,
"Page x of y") are ``checklist_pages``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ketaref.content.format.local_rules import HELD_BACK
from ketaref.content.format.model import (
    ChecklistItem,
    ChecklistSection,
    ContraindicationList,
    PausePoint,
    Statement,
)
from ketaref.content.in_use.render_text import SITE_DEFINED_WORDS
from ketaref.printing import fonts
from ketaref.printing.dose_figures import calculation_lines, needs_weight, verification_words
from ketaref.printing.layout_parts import (
    BAR_FILL,
    GREY_TEXT,
    GRID,
    INDENT,
    INK,
    LOCAL_RULE_FILL,
    LOCAL_RULE_TAG,
    MARGIN,
    NO_PADDING,
    OBSERVATION_ROW_HEIGHT,
    WRITE_IN_HEIGHT,
    PageReferences,
    References,
    cite_markup,
    color,
    column_widths,
    escape,
    item_line,
    paragraph,
    table_style,
)
from ketaref.printing.reading_rows import ReadingRows
from ketaref.printing.sheet import Sheet


class Layout:
    """Turns a checklist into reportlab flowables for one paper size."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.library = sheet.library
        self.protocol = sheet.protocol
        self.checklist = sheet.checklist
        self.width = sheet.page_size[0] - 2 * MARGIN
        self.references = References()
        self.page_references = PageReferences()
        #: Tables continued after the last pause point: the item, its columns, the heading of
        #: the section it belongs to, and its rows.
        self.continuations: list[tuple[ChecklistItem, list[str], str, ReadingRows]] = []
        #: The pause point being laid out ("2 During the session"), for continuations.
        self.section_heading = ""

    def footer_line(self) -> str:
        """The checklist's own sentence for the foot of every page with its reference number,
        or "". Numbered before the story lists the references: a sheet's footer shows on its
        first page."""
        footer = self.checklist.page_footer
        if footer is None:
            return ""
        return f"{footer.text} {self.references.cite(footer.citations())}"

    def paragraph(self, text: str, style: str, whole: bool = False) -> Any:
        """``text`` (paragraph markup) in ``style``; ``whole``: never broken across pages."""
        return paragraph(text, style, whole)

    def story(self) -> list[Any]:
        """Every flowable of the document, in reading order."""
        from reportlab.platypus import Spacer

        sheet = self.sheet
        story = self.header()
        story += [self.paragraph(escape(sheet.reuse_note()), "small"), Spacer(1, 6)]
        story += self.notices()
        if sheet.dose is not None:
            lines = calculation_lines(
                self.library, sheet.dose, sheet.dose_acknowledged, self.references.number
            )
            story += self.dose_block(lines)
        for number, section in enumerate(sheet.sections(), 1):
            story += self.section(number, section)
        story += self.continuation_pages()
        story += self.contraindication_appendix()
        story += [Spacer(1, 4), *self.reference_list()]
        return story

    # --- header ---------------------------------------------------------------------------

    def header(self) -> list[Any]:
        """The clinic, any warning marks, the title, protocol and status, and the boxes for
        patient, date, clinician and signature."""
        from reportlab.pdfbase.pdfmetrics import stringWidth
        from reportlab.platypus import Spacer, Table

        sheet = self.sheet
        patient, clinic_name, marks = sheet.patient, sheet.clinic_name, sheet.marks
        if clinic_name:
            clinic = self.paragraph(escape(clinic_name), "clinic")
        else:  # no clinic name in the machine policy: a line to write it on
            clinic = self.paragraph("Clinic: ______________________________", "small")
        commands: list[tuple[Any, ...]] = [*NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "TOP")]
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
        top.setStyle(table_style(commands))
        status = escape(self.protocol.regulatory_status.label)
        date_text = sheet.session_date.isoformat() if sheet.session_date else ""
        fields = [
            [
                ("Patient name", patient.name),
                ("Patient ID", patient.patient_id),
                ("Weight", patient.weight),
            ],
            [("Date", date_text), ("Clinician", sheet.clinician), ("Signature", "")],
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
        table.setStyle(table_style([*GRID, ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
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
            cell.append(self.paragraph(f"{escape(notice.text)} {cite_markup(cite)}", "notice"))
        table = Table([[cell]], colWidths=[self.width])
        table.setStyle(
            table_style(
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
            table_style(
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
            table_style(
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
            suffix = cite_markup(self.references.cite(item.citations()))
        text = self.paragraph(f"{escape(item.text)} {suffix}", "item")
        parts: list[Any] = [item_line(text, tick_box=item.kind == "tick")]
        value = self.sheet.clinic_value(item)
        if value is not None:
            parts += self.clinic_value(item, value)
        elif item.site_defined:
            parts += self.local_rule(item)
        boxes: list[Any] = []
        filled = value is not None and item.site_defined and item.site_defined.boxes_hold_the_value
        if item.kind == "write-in" and not filled:  # a value printed above is not asked again
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
        holder.setStyle(table_style(NO_PADDING))
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
        table = Table([cells], colWidths=column_widths(labels, width or self.width - INDENT))
        table.setStyle(table_style([*GRID, ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
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
        table.setStyle(table_style([*GRID, ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
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
            values.insert(0, self.sheet.weight_with_basis(item))
        parts: list[Any] = [self.boxes_row(first, values)] if first else []
        rows = self.sheet.dose_rows()
        note = self.sheet.dose_record_note(len(rows))
        if note:
            parts += [Spacer(1, 2), self.paragraph(escape(note), "small_indented")]
        for line in self.sheet.clinic_dose_rules():
            parts += [Spacer(1, 2), self.paragraph(f"<b>{escape(line)}</b>", "small_indented")]
        name_width = 64.0
        boxes_width = self.width - INDENT - name_width
        for row in rows:
            boxes = self.boxes_row(list(row.labels), row.values, width=boxes_width)
            name = self.paragraph(escape(row.name), "row_label")
            line = Table([[name, boxes]], colWidths=[name_width, boxes_width])
            line.setStyle(table_style([*NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            parts += [Spacer(1, 3), self.indented(line)]
        return parts

    def observation_table(self, item: ChecklistItem, pause_point: PausePoint) -> list[Any]:
        """A header row naming what to record, then blank rows to record it in.

        A reading at a fixed time after the dose (``after_dose``) or at a single pause gets one
        row; a reading repeated through the session (during, no fixed time) gets three; an item
        may set its own number of rows and label them (``rows``, ``row_labels``), and a table
        with an ``interval_slot`` follows the clinic's recording interval (``reading_rows``),
        with a line saying how its rows were counted. An item with ``earliest_end_after`` gets
        the time its clock ends, counted from its first time.
        """
        from reportlab.platypus import Spacer

        labels = list(item.fields)
        if item.after_dose is not None:
            labels.insert(0, f"Due {item.after_dose} after dose (clock time)")
        rows = self.sheet.reading_rows(item, repeated=pause_point is PausePoint.DURING)
        names = [*item.row_labels, *[""] * (rows.rows - len(item.row_labels))]
        parts: list[Any] = [self.indented(self.grid(item, labels, names))]
        if rows.note:
            parts += [Spacer(1, 2), self.paragraph(escape(rows.note), "small_indented")]
        if rows.continuation:
            # More readings than rows: the same columns continue on a page of their own.
            self.continuations.append((item, labels, self.section_heading, rows))
            parts += [
                self.page_references.mark(f"table_{len(self.continuations)}"),
                Spacer(1, 2),
                self.page_references.line(
                    f"More readings: continued on page {{continued_{len(self.continuations)}}}"
                ),
            ]
        if item.earliest_end_after is not None:
            start = f"{item.row_labels[0]} time" if item.row_labels else "first time above"
            published = f"{start} + {item.earliest_end_after}"
            # A clinic may lengthen the published minimum (never shorten it). Its time is printed
            # once, with its attribution, where its slot is; this line sends the nurse there
            # rather than let the published minimum read as the end.
            basis = (
                f"{published}, the published minimum; this clinic's local rule sets a longer"
                " time: use the time in its LOCAL RULE box on this sheet"
                if self.sheet.clinic_observation() is not None
                else published
            )
            parts += [
                Spacer(1, 4),
                self.paragraph(
                    f"Monitoring ends no earlier than ____________ &nbsp;({escape(basis)})",
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
        widths = column_widths(labels, width, due_column=item.after_dose is not None)
        if item.row_labels:
            label_width = 88.0
            header.insert(0, "")
            body = [
                [self.paragraph(escape(n), "row_label"), *r]
                for n, r in zip(names, body, strict=True)
            ]
            widths = [label_width, *column_widths(labels, width - label_width)]
        table = Table(
            [header, *body],
            colWidths=widths,
            rowHeights=[None] + [OBSERVATION_ROW_HEIGHT] * len(names),
            repeatRows=1,  # a long continuation split across pages keeps its header
        )
        table.setStyle(
            table_style(
                [
                    *GRID,
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
        for number, (item, labels, section, rows) in enumerate(self.continuations, 1):
            note = [self.paragraph(escape(rows.note), "small_indented")] if rows.note else []
            story.append(
                KeepTogether(
                    [
                        self.page_references.mark(f"continued_{number}"),
                        self.paragraph(f"{section} (continued)", "section"),
                        self.page_references.line(f"Continued from page {{table_{number}}}"),
                        self.paragraph(escape(item.text), "item"),
                        Spacer(1, 4),
                        *note,
                        self.indented(self.grid(item, labels, [""] * rows.continuation)),
                        Spacer(1, 4),
                        self.paragraph(
                            "More readings than rows: continue on a copy of this table.",
                            "small_indented",
                        ),
                    ]
                )
            )
        return [*story, Spacer(1, 6)] if story else []

    def clinic_value(self, item: ChecklistItem, value: str) -> list[Any]:
        """The clinic's value for the item's slot: tagged, attributed, set apart from sources."""
        from reportlab.platypus import Spacer, Table

        slot = item.local_slot(self.sheet.protocol)
        assert slot is not None
        label = item.site_defined.label if item.site_defined else slot.meaning
        attribution = self.sheet.local_rules.attribution()
        cell = [
            self.paragraph(f"{escape(label)}: <b>{escape(value)}</b>", "item"),
            self.paragraph(escape(attribution), "small"),
        ]
        tag = self.paragraph(f'<font color="#ffffff"><b>{LOCAL_RULE_TAG}</b></font>', "small")
        tag_width = 62.0
        table = Table([[tag, cell]], colWidths=[tag_width, self.width - INDENT - tag_width])
        table.setStyle(
            table_style(
                [
                    ("BACKGROUND", (0, 0), (0, 0), color(INK)),
                    ("BACKGROUND", (1, 0), (1, 0), color(LOCAL_RULE_FILL)),
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
        markup = f"Why local: {escape(reason)}"
        if self.sheet.held_back(item):  # the clinic set it: a blank must not say it did not
            markup = f"<b>{escape(HELD_BACK[:1].upper() + HELD_BACK[1:])}.</b> {markup}"
        why = self.paragraph(markup, "small_indented")
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
            table_style(
                [
                    *NO_PADDING,
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
        cite = cite_markup(self.references.cite(statement.citations()))
        # An entry is read whole, on one page, with its references.
        return self.paragraph(
            f"{'• ' if bullet else ''}{escape(statement.text)} {cite}", "appendix_item", whole=True
        )

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
            # An entry never breaks across pages: its verification tag would land below the
            # footer, away from its source. (Entries are a few lines; one moves whole.)
            entry = self.paragraph(
                f"[{number}]&nbsp;{escape(citation)} <b>{escape(locator)}</b>"
                f" ({escape(verification)})",
                "ref",
                whole=True,
            )
            entries.append(entry)
        if not entries:
            return []
        # Balanced columns read down the left column, then the right, and use the space of the
        # page the list starts on. The heading never ends a page alone: below it there must be
        # room for the first entry of each column, or the columns would move whole to the next
        # page and leave it behind.
        padding = 14
        columns = BalancedColumns(
            entries, nCols=2, spaceBefore=0, spaceAfter=0, innerPadding=padding
        )
        column_width = (self.width - padding) / 2
        first = max(entry.wrap(column_width, self.width)[1] for entry in entries[:2])
        heading = self.paragraph("References", "refs_head")
        return [CondPageBreak(REFERENCES_HEADING_ROOM + first), heading, columns]


#: The references heading's height with the space around it, in points.
REFERENCES_HEADING_ROOM = 24
_SEVERITY_HEADINGS = {
    "contraindication": "Contraindications",
    "relative-contraindication": "Relative contraindications",
    "warning": "Warnings",
    "precaution": "Precautions",
}
