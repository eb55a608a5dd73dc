"""Short texts the user reads at a glance are shown whole at 100 %, 150 % and 200 %: what the
search found, and the hints inside the calculator's empty fields.

Each case runs the app in a child on an offscreen 1280×800 screen scaled as a desktop's 150 % or
200 % (QT_SCALE_FACTOR), the window filling the screen as the screenshots script does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.test_calculator_fit import WINDOW_FILLING_THE_SCREEN
from tests.gui.test_screen_fit import run_probe

#: Searches, then opens each protocol with a calculator, and reports the texts that are cut.
PROBE = (
    WINDOW_FILLING_THE_SCREEN
    + r"""
from PySide6.QtWidgets import QLabel, QLineEdit, QStyle, QStyleOptionFrame
def label_cut(label):
    # Not shown, shorter than its wrapped text, or partly hidden by the window's edge.
    settle()
    shown = label.visibleRegion().boundingRect() == label.rect()
    return not (label.isVisible() and shown and label.height() >= label.heightForWidth(label.width()))
def hint_cut(edit):
    # The placeholder is wider than the room the field gives text.
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    room = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    room = room.width() - margins.left() - margins.right() - 4  # Qt's 2 px each side
    return edit.fontMetrics().horizontalAdvance(edit.placeholderText()) > room
found = {}
window.search_field.setFocus()
QTest.keyClicks(window.search_field, "esketamine nasal spray")
settle()
# Wherever the app says what the search found (under the field, or in the status bar beside
# the content version), it is said whole.
shown, cut = [], []
status = getattr(window, "search_status", None)
if status is not None and status.text():
    (cut if label_cut(status) else shown).append(status.text())
message = window.statusBar().currentMessage()
if message:
    room = min(w.geometry().left() for w in window.statusBar().findChildren(QLabel) if w.isVisible())
    (cut if window.statusBar().fontMetrics().horizontalAdvance(message) > room else shown).append(message)
found["search status"] = {"shown": shown, "cut": cut}
cut = []
for item_id in sys.argv[2:]:
    window.open_item(item_id)
    settle()
    for edit in window.item_view.calculator.findChildren(QLineEdit):
        if edit.isVisible() and edit.placeholderText() and hint_cut(edit):
            cut.append([item_id, edit.accessibleName(), edit.placeholderText()])
found["hints cut"] = cut
print(json.dumps(found), flush=True)
os._exit(0)  # no teardown: only the report above is under test
"""
)


@pytest.mark.parametrize("scale", [1, 1.5, 2])
def test_the_search_status_and_the_field_hints_are_shown_whole(
    tmp_path: Path, scale: float
) -> None:
    found = run_probe(PROBE, tmp_path, 1280, 800, scale, "iv-ketamine-trd", "spravato-trd")
    assert found == {
        "search status": {"shown": ["4 results for “esketamine nasal spray”"], "cut": []},
        "hints cut": [],
    }
