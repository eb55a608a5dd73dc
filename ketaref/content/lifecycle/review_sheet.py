"""The reviewer's worksheet: every statement of a pack with its source, weakest evidence first.

One row per citation of every cited statement and checklist item (a statement two sources support
gives two rows: each is checked against its own source), and one row per site-defined item (no
source; its reason instead). Rows resting on secondary sources come first, then abstract-only,
then confirmed, then site-defined; within each group, the pack's order. ``ketaref content
review-sheet`` writes the rows as CSV or, through ``ketaref.printing.review_sheet_pdf``, a PDF.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ketaref.content.format.model import (
    ChecklistItem,
    Citation,
    SiteDefined,
    Statement,
    Verification,
)
from ketaref.content.format.pack import Library

#: The column headings, in order; the first is left blank for the reviewer's mark.
COLUMNS = (
    "Reviewer's mark",
    "Verification",
    "Item",
    "Field",
    "Text",
    "Source",
    "Citation",
    "URL",
    "Locator",
)
SITE_DEFINED = "site-defined"
_ORDER = {
    Verification.SECONDARY.value: 0,
    Verification.ABSTRACT_ONLY.value: 1,
    Verification.CONFIRMED.value: 2,
    SITE_DEFINED: 3,
}


@dataclass(frozen=True)
class ReviewRow:
    """One line of the worksheet."""

    verification: str
    item: str
    field: str
    text: str
    source: str
    citation: str
    url: str
    locator: str

    def cells(self) -> tuple[str, ...]:
        """The row's cells under ``COLUMNS`` (the mark is blank)."""
        return (
            "",
            self.verification,
            self.item,
            self.field,
            self.text,
            self.source,
            self.citation,
            self.url,
            self.locator,
        )


def _field_name(path: tuple[str | int, ...]) -> str:
    """``("schedule", 0, "dose_range")`` → ``schedule[1].dose_range`` (rows counted from 1)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _cited(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str, Any]]:
    """Every statement, checklist item and site-defined entry in ``value``, with its field."""
    if isinstance(value, (Statement, ChecklistItem, SiteDefined)):
        yield _field_name(path), value
    if isinstance(value, ChecklistItem):
        return  # its only nested entry, site_defined, is its row
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            child = getattr(value, name)
            if isinstance(child, (BaseModel, tuple)):
                yield from _cited(child, (*path, name))
    elif isinstance(value, tuple):
        for index, child in enumerate(value):
            yield from _cited(child, (*path, index))


def _label(thing: Any) -> str:
    """Where a checklist item is named by its id, its field shows it: ``items[3] (bp-before)``."""
    return f" ({thing.id})" if isinstance(thing, ChecklistItem) else ""


def review_rows(library: Library) -> list[ReviewRow]:
    """Every row of the worksheet for ``library``, secondary and abstract-only first."""
    rows: list[ReviewRow] = []
    for _kind, item in library.items():
        for field, thing in _cited(item, ()):
            site = thing if isinstance(thing, SiteDefined) else getattr(thing, "site_defined", None)
            if site is not None:
                text = site.label if thing is site else f"{thing.text} ({site.label})"
                reason = f"no source: {site.reason}"
                rows.append(
                    ReviewRow(
                        SITE_DEFINED, item.id, field + _label(thing), text, "", reason, "", ""
                    )
                )
                continue
            text = thing.text
            citations: tuple[Citation, ...] = thing.citations()
            for citation in citations:
                source = library.sources.get(citation.source)
                rows.append(
                    ReviewRow(
                        verification=source.verification.value if source else "unknown",
                        item=item.id,
                        field=field + _label(thing),
                        text=text,
                        source=citation.source,
                        citation=source.citation if source else "",
                        url=source.url if source else "",
                        locator=citation.locator,
                    )
                )
    return sorted(rows, key=lambda row: _ORDER.get(row.verification, -1))


def review_csv(library: Library) -> bytes:
    """The worksheet as UTF-8 CSV with a header row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in review_rows(library))
    return buffer.getvalue().encode("utf-8")
