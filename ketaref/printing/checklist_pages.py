"""The pages of a session checklist: a footer on every page, a running header from page 2, and
"Page x of y", drawn in a second pass once the page count is known; then the PDF itself.

Every page carries the content version and pack hash, the local rules, the print time and the
intended use. Patient details go onto the pages only, never into the PDF's metadata. reportlab
runs in invariant mode with the creation date set to the print time, so the same inputs give the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from ketaref import __version__
from ketaref.printing import fonts
from ketaref.printing.errors import PrintError
from ketaref.printing.layout_parts import (
    BOTTOM_MARGIN,
    FOOTER_LEADING,
    FOOTER_SIZE,
    FRAME_PADDING,
    GREY_TEXT,
    INK,
    INTENDED_USE_SIZE,
    MARGIN,
    MIN_FOOTER_SIZE,
    RULE_GREY,
    TOP_MARGIN,
    PageReferences,
)
from ketaref.printing.sheet import SHEET_KIND, Sheet


class Footer:
    """Draws the footer (and, from page 2, a running header) once the page count is known."""

    def __init__(self, sheet: Sheet, page_references: PageReferences, footer_line: str) -> None:
        self.sheet = sheet
        self.library = sheet.library
        self.page_references = page_references
        #: The checklist's own footer sentence with its reference number, or "".
        self.footer_line = footer_line
        self.page_count = 0

    def status_line(self) -> str:
        """Versions, local rules, print time and marks, on one line."""
        marks = "".join(f" · {mark}" for mark in self.sheet.marks)
        return (
            f"Content {self.library.version} · pack {self.library.pack_hash} · "
            f"{self.sheet.local_rules.footer()} · printed {self.sheet.stamp()} ·"
            f" ketaref {__version__}{marks}"
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
        patient, session_date = self.sheet.patient, self.sheet.session_date
        date = session_date.isoformat() if session_date else blank
        # Who and when are never cut: a separated page must still name its patient. The title
        # follows when there is room; a name too long for the line prints smaller instead.
        identity = (
            f"Patient: {patient.name or blank} · ID: {patient.patient_id or blank} · Date: {date}"
        )
        line = f"{identity} · {self.sheet.checklist.title} (continued)"
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


def _canvas_maker(footer: Footer, printed: dt.datetime) -> Callable[..., Any]:
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


def render(sheet: Sheet, story: list[Any], footer: Footer) -> bytes:
    """The PDF of ``story`` on the sheet's paper, every page with its footer; PrintError if
    reportlab cannot lay it out."""
    from reportlab.platypus import SimpleDocTemplate

    checklist, protocol, library = sheet.checklist, sheet.protocol, sheet.library

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=sheet.page_size,
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
        document.build(story, canvasmaker=_canvas_maker(footer, sheet.printed))
    except Exception as exc:  # reportlab's LayoutError and friends: report, never a traceback
        # Not the exception's text: it can quote what was typed, patient details included.
        raise PrintError(
            "the checklist could not be laid out (is a typed field very long?); nothing was saved"
        ) from exc
    return buffer.getvalue()
