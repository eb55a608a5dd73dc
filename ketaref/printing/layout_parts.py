"""The reportlab pieces a session checklist is built from: measures, styles, paragraphs, lines.

Shared by the layout (``checklist_layout``) and the pages (``checklist_pages``). reportlab is
imported inside the functions that use it, so importing this module stays cheap.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from html import escape as _html_escape
from typing import Any

from ketaref.content.format.model import Citation
from ketaref.printing import fonts

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


class References:
    """Numbers each (source, locator) pair in the order it is first cited."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}

    def number(self, citation: Citation) -> int:
        """The citation's number on the sheet, given it now if the sheet has not cited it yet."""
        return self.numbers.setdefault((citation.source, citation.locator), len(self.numbers) + 1)

    def cite(self, citations: Sequence[Citation]) -> str:
        """The citations' marker as the sheet prints it after a statement: ``[2, 5]``."""
        return "[" + ", ".join(str(self.number(c)) for c in citations) + "]"


#: Styles of what was typed for one patient or worked out from it (names, weight, dose): their
#: paragraphs are parsed afresh and never kept past the build (``parsed_markup`` keeps the rest).
PATIENT_STYLES = frozenset({"clinic", "field_value", "box_value", "dose"})


@functools.cache
def paragraph_styles() -> dict[str, Any]:
    """The paragraph styles, made once: every build uses the same (none is ever changed)."""
    from reportlab.lib.styles import ParagraphStyle

    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        extra.setdefault("fontName", fonts.REGULAR)
        extra["textColor"] = color(extra.get("textColor", INK))
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
def paragraph_class() -> type:
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


@functools.cache
def whole_paragraph_class() -> type:
    """A paragraph that never breaks across frames: it moves whole to the next one.

    Balanced columns try their content at several heights on deep copies; a paragraph that
    never splits is only ever wrapped, which sets attributes of its own, so a shallow copy (style
    and parsed text shared) serves and spares deep-copying its style and fragments each time.
    """

    class WholeParagraph(paragraph_class()):  # type: ignore[misc]
        def split(self, _available_width: float, _available_height: float) -> list[Any]:
            return []

        def __deepcopy__(self, _memo: dict[int, Any]) -> Any:
            return copy.copy(self)

    return WholeParagraph


@functools.lru_cache(maxsize=2048)
def parsed_markup(text: str, style: str) -> tuple[Any, ...]:
    """The fragments of a paragraph's markup, parsed once: a sheet's labels, items and sources
    are the same at every build, and parsing them is a sixth of it."""
    from reportlab.platypus import Paragraph

    return tuple(Paragraph(text, paragraph_styles()[style]).frags)


def paragraph(text: str, style: str, whole: bool = False) -> Any:
    """``text`` (paragraph markup) in the named style; ``whole``: never broken across pages."""
    kind = whole_paragraph_class() if whole else paragraph_class()
    if style in PATIENT_STYLES:
        return kind(text, paragraph_styles()[style])
    # Each paragraph gets its own fragments: line breaking may give them attributes.
    frags = [f.clone() for f in parsed_markup(text, style)]
    return kind(text, paragraph_styles()[style], frags=frags)


def item_line(text: Any, tick_box: bool) -> Any:
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


class PageReferences:
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


NO_PADDING = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]
GRID = [
    ("GRID", (0, 0), (-1, -1), 0.9, INK),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
]


def table_style(commands: Sequence[tuple[Any, ...]]) -> Any:
    """A table style whose cells use the bundled font (reportlab's default is Helvetica, which
    would be referenced, unembedded, even by empty cells), with colours parsed once."""
    from reportlab.platypus import TableStyle

    resolved = [
        tuple(color(part) if isinstance(part, str) and part.startswith("#") else part for part in c)
        for c in commands
    ]
    return TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9), *resolved])


@functools.cache
def color(hex_code: str) -> Any:
    from reportlab.lib.colors import HexColor

    return HexColor(hex_code)


def cite_markup(cite: str) -> str:
    return f'<font size="7.5" color="{GREY_TEXT}">{cite}</font>'


def column_widths(labels: list[str], width: float, due_column: bool = False) -> list[float]:
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
