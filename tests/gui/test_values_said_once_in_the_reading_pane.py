"""The reading pane shows each value once (issue 14, finding 15), as the command line does.

A table cell ("After the dose: 40 min"), a bold lead ("At least 2 h:", "28 mg:") or a detail of
the dose-at-a-glance box is a finding when the row's key or text already says the same value.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from PySide6.QtGui import QPalette

from ketaref.content.format.pack import Library
from ketaref.content.format.quantity import prose_quantities
from ketaref.content.in_use.render_text import says
from ketaref.gui.palette import theme_from
from ketaref.gui.rich_text import render_item
from tests.content.test_values_said_once import BUNDLED_IDS

_TAG = re.compile(r"<[^>]+>")
_MARKERS = re.compile(r"\[\d+\](\s+(secondary|abstract only|unknown source)\b)?")


def _plain(html: str) -> str:
    """What a reader sees of a piece of HTML: no tags, no citation markers, plain spaces."""
    text = unescape(_TAG.sub("", html)).replace("\u00a0", " ").replace("\u2060", "")
    return _MARKERS.sub("", text).strip()


def repeated_values(html: str) -> list[str]:
    """Values the page shows beside a key or a text that already says them."""
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = [_plain(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if len(cells) >= 3:
            key, text = cells[0], cells[-1]
            found += [cell for cell in cells[1:-1] if cell != "—" and says(f"{key} {text}", cell)]
    for lead, text in re.findall(r"<b>([^<]*):</b> (.*?)</(?:li|p)>", html, re.S):
        said = _plain(text)
        details = said.split(" · ")
        if len(details) > 1:  # the dose-at-a-glance box: "phase: dose · how often · how long"
            found += [d for d in details[1:] if says(lead, d)]
        elif prose_quantities(lead) and says(said, lead.removeprefix("At least ")):
            found.append(lead)
    return found


def test_the_finder_sees_a_value_said_twice() -> None:
    row = "<tr><td><b>40 minutes after administration</b></td><td>40 min</td><td>at 40 minutes [3]</td></tr>"
    assert repeated_values(row) == ["40 min"]
    lead = "<li><b>At least 2 h:</b> monitoring for at least 2 hours <a>[1]</a></li>"
    assert repeated_values(lead) == ["At least 2 h"]
    assert repeated_values("<li><b>56 mg:</b> Doses of 56 mg or 84 mg. [1]</li>") == []


@pytest.mark.parametrize("item_id", BUNDLED_IDS)
def test_no_value_of_an_item_shows_twice_in_the_reading_pane(
    bundled_library: Library, item_id: str
) -> None:
    found = bundled_library.item(item_id)
    assert found is not None
    html = render_item(bundled_library, found[1], theme_from(QPalette())).html
    assert not repeated_values(html), item_id


def test_the_monitoring_table_keeps_a_time_no_row_says(bundled_library: Library) -> None:
    # SPRAVATO's one timed reading says its time in its "when": the column has nothing to add.
    html = render_item(
        bundled_library, bundled_library.protocols["spravato-trd"], theme_from(QPalette())
    ).html
    assert "<th>After the dose</th>" not in html
    assert "40 minutes after administration" in _plain(html)
