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

from ketaref.content.summary import ContentSummary

ITEM_SCHEME = "item"
CITE_SCHEME = "cite"

KIND_NAMES = {
    "protocol": "Protocol",
    "checklist": "Session checklist",
    "contraindications": "Contraindication list",
}


@dataclass(frozen=True)
class Theme:
    """Colours (as #rrggbb) taken from the palette of the widget that shows the HTML."""

    text: str = "#000000"
    muted: str = "#555555"
    badge: str = "#2a5db0"
    badge_text: str = "#ffffff"
    shade: str = "#f0f0f0"
    border: str = "#b0b0b0"


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


def style_sheet(theme: Theme) -> str:
    """The document style sheet for the rich text, in the palette's colours."""
    return (
        f"h1 {{ font-size: x-large; margin-bottom: 4px; }}"
        f"h2 {{ font-size: large; margin-top: 14px; margin-bottom: 2px; }}"
        f"p.kind {{ color: {theme.muted}; margin-bottom: 0px; }}"
        f"table.grid {{ border-collapse: collapse; border: 1px solid {theme.border}; }}"
        f"table.grid td, table.grid th {{ border: 1px solid {theme.border}; vertical-align: top; }}"
        f"th {{ background-color: {theme.shade}; text-align: left; }}"
        f"ul {{ margin-left: 0px; -qt-list-indent: 1; }}"
        f"li {{ margin-bottom: 3px; }}"
        f"p.item {{ margin-left: 12px; margin-top: 2px; margin-bottom: 4px; }}"
    )
