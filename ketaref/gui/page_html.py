"""The rich-text pieces that need no content model: theme, style sheet, links and the home page.

``ketaref.gui.rich_text`` builds items from the full content on these; the home page and the
group pages need only the content summary, so they are built here, on the start-up path, where
the content model is not imported. Every piece of text is escaped before it goes into the HTML.
Links use two schemes the item view handles itself: ``item:ID`` (open another item) and
``cite:N`` (show source N in the sources panel).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from ketaref.content.in_use.summary import ContentSummary

ITEM_SCHEME = "item"
CITE_SCHEME = "cite"

#: The reading pane's body text size, in points: readable at arm's length.
READING_POINT_SIZE = 11.0
#: About how many characters a line of the reading pane holds at most.
READING_COLUMN_CHARACTERS = 80
#: Below about this many characters a line, a table's columns cannot all keep their longest
#: word or quantity whole: tables are shown as one box per row instead.
COMPACT_TABLE_CHARACTERS = 72


@dataclass(frozen=True)
class PageColors:
    """The colours (as #rrggbb) the rich text sets, besides the palette's own text colour.

    ``ketaref.gui.palette`` holds a light and a dark set of them (with the app's other colours).
    """

    muted: str
    link: str
    badge: str
    badge_text: str
    shade: str
    border: str
    chip: str
    chip_text: str
    danger: str
    danger_text: str
    danger_border: str
    glance: str
    glance_border: str


@dataclass(frozen=True)
class Theme(PageColors):
    """The colours of one reading pane: its palette's text colour and a set of page colours."""

    text: str


def section_anchor(heading: str) -> str:
    """The anchor name of a section heading: "Minimum observation" → "minimum-observation"."""
    return "-".join(re.findall(r"[a-z0-9]+", heading.lower()))


def heading_html(text: str) -> str:
    """A section heading, with an anchor (its words, lower case, hyphenated) to scroll to."""
    return f'<h2><a name="{section_anchor(text)}"></a>{escape(text)}</h2>'


def bullets_html(rows: Iterable[str]) -> str:
    """A bulleted list of HTML rows; nothing for no rows."""
    rows = list(rows)
    return "<ul>" + "".join(f"<li>{row}</li>" for row in rows) + "</ul>" if rows else ""


def item_link_html(item_id: str, title: str) -> str:
    """A link that opens another item."""
    return f'<a href="{ITEM_SCHEME}:{escape(item_id)}">{escape(title)}</a>'


def render_overview(
    summary: ContentSummary,
    title: str,
    groups: Sequence[tuple[str, Sequence[str]]],
    intro: str = "",
) -> str:
    """Groups of items (indications, checklists…) as headed lists of links: a home page."""
    parts = [f"<h1>{escape(title)}</h1>"]
    if intro:
        parts.append(f"<p>{escape(intro)}</p>")
    for heading, item_ids in groups:
        if len(groups) > 1:
            parts.append(heading_html(heading))
        rows = []
        for item_id in item_ids:
            entry = summary.entry(item_id)
            link = item_link_html(item_id, entry.title if entry else item_id)
            status = f" — {escape(entry.status)}" if entry and entry.status else ""
            rows.append(link + status)
        parts.append(bullets_html(rows))
    return "".join(parts)


def chip_html(text: str, theme: Theme) -> str:
    """A small coloured label (e.g. a source's "abstract only" tag): seen, not a link."""
    return (
        f'<span style="background-color:{theme.chip}; color:{theme.chip_text};">'
        f"&nbsp;{escape(text)}&nbsp;</span>"
    )


def style_sheet(theme: Theme) -> str:
    """The document style sheet for the rich text, in the palette's colours.

    Lines are spaced at 140 % for reading at arm's length; the font size is the pane's own
    (``READING_POINT_SIZE``), so zooming still works.
    """
    return (
        f"h1 {{ font-size: x-large; margin-bottom: 4px; }}"
        f"h2 {{ font-size: large; margin-top: 16px; margin-bottom: 4px; }}"
        f"p, li, td, th {{ line-height: 140%; }}"
        f"a {{ color: {theme.link}; }}"
        f"p.kind {{ color: {theme.muted}; margin-bottom: 0px; }}"
        f"table.grid {{ border-collapse: collapse; border: 1px solid {theme.border}; }}"
        f"table.grid td, table.grid th {{ border: 1px solid {theme.border}; vertical-align: top; }}"
        f"th {{ background-color: {theme.shade}; text-align: left; }}"
        f"table.glance {{ background-color: {theme.glance}; border: 2px solid"
        f" {theme.glance_border}; }}"
        f"table.absolute {{ background-color: {theme.danger}; border: 2px solid"
        f" {theme.danger_border}; }}"
        f"table.absolute td {{ color: {theme.danger_text}; }}"
        f"ul {{ margin-left: 0px; -qt-list-indent: 1; }}"
        f"li {{ margin-bottom: 4px; }}"
        f"p.item {{ margin-left: 12px; margin-top: 2px; margin-bottom: 4px; }}"
    )
