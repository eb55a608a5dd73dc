"""The reviewer's worksheet as a PDF: A4 landscape, one table row per statement and citation.

The rows are ``ketaref.content.lifecycle.review_sheet.review_rows`` (secondary and abstract-only first); the
first column is left empty for the reviewer's mark, and the first page has lines for the
reviewer's name, signature and date.
"""

from __future__ import annotations

import datetime as dt
import io
from html import escape as _html_escape
from typing import Any

from ketaref import __version__
from ketaref.content.format.pack import Library
from ketaref.content.lifecycle.review_sheet import review_rows
from ketaref.printing import fonts
from ketaref.printing.errors import PrintError

MARGIN = 30
#: Column widths in points; they fill A4 landscape (842 pt) less the margins.
WIDTHS = (34, 58, 112, 250, 240, 88)


def _escape(text: str) -> str:
    return _html_escape(text, quote=False)


def build_review_sheet_pdf(library: Library, printed_at: dt.datetime | None = None) -> bytes:
    """The worksheet for ``library`` as PDF bytes; PrintError if it cannot be laid out."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fonts.register_fonts()
    printed = (printed_at or dt.datetime.now().astimezone()).astimezone()
    cell = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=7, leading=8.6)
    head = ParagraphStyle("head", parent=cell, fontName=fonts.BOLD)
    title = ParagraphStyle("title", fontName=fonts.BOLD, fontSize=14, leading=18)
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=12)

    def p(text: str, style: Any = cell) -> Any:
        return Paragraph(_escape(text), style)

    rows = review_rows(library)
    # The CSV's columns, with item and field, and source, citation and URL, sharing cells.
    header = ["Mark", "Verification", "Item · field", "Text", "Source", "Locator"]
    data: list[list[Any]] = [[p(h, head) for h in header]]
    for row in rows:
        source = "\n".join(part for part in (row.source, row.citation, row.url) if part)
        data.append(
            [
                "",
                p(row.verification),
                p(f"{row.item} · {row.field}"),
                p(row.text),
                Paragraph(_escape(source).replace("\n", "<br/>"), cell),
                p(row.locator),
            ]
        )
    table = Table(data, colWidths=WIDTHS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 7),
                ("GRID", (0, 0), (-1, -1), 0.5, "#000000"),
                ("BACKGROUND", (0, 0), (-1, 0), "#e6e6e6"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    counts = {
        v: sum(r.verification == v for r in rows)
        for v in dict.fromkeys(r.verification for r in rows)
    }
    summary = ", ".join(f"{count} {name}" for name, count in counts.items())
    story = [
        p("ketaref content review worksheet", title),
        p(
            f"Content {library.version} · pack {library.pack_hash} · {len(rows)} rows ({summary})"
            f" · printed {printed:%Y-%m-%d %H:%M} · ketaref {__version__}",
            body,
        ),
        p(
            "Check each row against its primary source, secondary and abstract-only rows first."
            " Mark: ✓ checked and matches · ✗ wrong (note why) · ? primary not available.",
            body,
        ),
        Spacer(1, 6),
        p(
            "Reviewer: ______________________________  Role: ____________________  "
            "Signature: ______________________________  Date: ______________",
            body,
        ),
        Spacer(1, 8),
        table,
    ]

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7)
        canvas.drawString(
            MARGIN,
            16,
            f"Page {document.page} · content {library.version} ({library.pack_hash}) review worksheet",
        )
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"Review worksheet, content {library.version}",
        author="ketaref",
        invariant=1,
        initialFontName=fonts.REGULAR,
    )
    try:
        document.build(story, onFirstPage=footer, onLaterPages=footer)
    except Exception as exc:  # reportlab's LayoutError and friends: a message, not a traceback
        raise PrintError("the review worksheet could not be laid out (please report this)") from exc
    return buffer.getvalue()
