"""Each value is shown once: never beside a label or a text that already says it.

Issue 14, finding 15: ``ketaref content show`` printed "40 minutes after administration · 40 min",
the same time twice. Every line of every bundled item is read as a nurse sees it, and a value in a
line's structured lead ("phase · dose · time: text [sources]") that its labels or its text already
say is a finding; so is a checklist item's "at 40 min after the dose" beside its own "at 40 minutes".
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ketaref.content.format.pack import Library
from ketaref.content.format.quantity import prose_quantities
from ketaref.content.in_use.render_text import render_item, says
from tests.content.test_prose_and_glossary import ITEM_IDS

#: Every bundled item: the protocols, contraindication lists and checklists.
BUNDLED_IDS = ITEM_IDS
_AFTER_DOSE_DETAIL = re.compile(r"\bat ([^;()]+?) after the dose\b")


def repeated_values(line: str) -> list[str]:
    """The values of a rendered line that the line already says elsewhere."""
    found = []
    head, separator, rest = line.partition(": ")
    if separator:
        text = rest.rpartition(" [")[0] or rest
        bits = head.strip(" •–").split(" · ")
        # The first bit is the line's key (a phase, a time point…); the ones after it are values.
        for index, bit in enumerate(bits[1:], start=1):
            if prose_quantities(bit) and says(" ".join([*bits[:index], text]), bit):
                found.append(bit)
    for detail in _AFTER_DOSE_DETAIL.finditer(line):
        if says(line[: line.find(" (")], detail[1]):
            found.append(detail[0])
    return found


def test_the_finder_sees_the_repetition_the_read_found() -> None:
    line = (
        "  • 40 minutes after administration · 40 min: The REMS Patient Monitoring Form records"
        " blood pressure at 40 minutes after administration. [rems-pmf-2021, Monitoring]"
    )
    assert repeated_values(line) == ["40 min"]
    item = (
        "  ___ Blood pressure at 40 minutes after administration (at 40 min after the dose) [x, y]"
    )
    assert repeated_values(item) == ["at 40 min after the dose"]
    # Two allowed doses in one text: the value says which one this line is about.
    allowed = "      – allowed · 56 mg: Doses of 56 mg or 84 mg are given. [medscape-eske, Dosing]"
    assert repeated_values(allowed) == []


@pytest.mark.parametrize("item_id", BUNDLED_IDS)
def test_no_line_of_an_item_shows_a_value_twice(bundled_library: Library, item_id: str) -> None:
    found = bundled_library.item(item_id)
    assert found is not None
    for line in render_item(bundled_library, found[1]).splitlines():
        assert not repeated_values(line), line


def test_content_show_prints_the_40_minute_reading_once() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "ketaref", "content", "show", "spravato-trd"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in shown.splitlines() if line.startswith("  • 40 minutes after"))
    assert line.startswith("  • 40 minutes after administration: The REMS Patient Monitoring Form")
