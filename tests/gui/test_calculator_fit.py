"""The dose calculator on real screens at 150 % and 200 %: the result is seen without scrolling.

Each case runs the app in a child on an offscreen screen of the given device pixels, scaled as
a desktop's 150 % or 200 % (QT_SCALE_FACTOR), the window filling the screen as the screenshots
script does, and picks a dose as a user would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect

from tests.gui.test_screen_fit import run_probe

#: The start of a probe: the main window filling the screen, as the screenshots script does,
#: and settle() to let it lay itself out.
WINDOW_FILLING_THE_SCREEN = r"""
import json, os, sys
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ketaref.content.in_use.active import load_active_content
from ketaref.gui.main_window import MainWindow
window = MainWindow(load_active_content(), QSettings(sys.argv[1], QSettings.Format.IniFormat))
window.show()
window.setGeometry(app.primaryScreen().availableGeometry())
def settle():
    for _ in range(10):
        app.processEvents()
"""

#: Picks a dose on the IV and the SPRAVATO calculator and reports, for each step, whether the
#: card's state and dose are shown whole (not clipped by any scroll area or the window), and
#: for SPRAVATO whether each dose's source beside its button is shown at its full height.
PROBE = (
    WINDOW_FILLING_THE_SCREEN
    + r"""
def whole(widget):
    # Shown whole: visible, and no part of it clipped by a scroll area, the box or the window.
    settle()
    visible = widget.visibleRegion().boundingRect()
    return bool(widget.isVisible() and widget.text() and visible == widget.rect())
found = {}
window.open_item("iv-ketamine-trd")
settle()
panel = window.item_view.calculator
panel.weight_edit.setFocus()
QTest.keyClicks(panel.weight_edit, "70")
QTest.mouseClick(panel.dose_choices.buttons[0], Qt.MouseButton.LeftButton)
found["iv picked"] = [whole(panel.state_label), whole(panel.dose_label), panel.dose_label.text()]
panel.weight_edit.setFocus()
QTest.keyClick(panel.weight_edit, Qt.Key.Key_Backspace)
QTest.keyClick(panel.weight_edit, Qt.Key.Key_Backspace)
QTest.keyClicks(panel.weight_edit, "160")
found["iv warning"] = [whole(panel.state_label), whole(panel.dose_label), panel.state()]
window.open_item("spravato-trd")
settle()
panel = window.item_view.calculator
QTest.mouseClick(panel.fixed_dose_choice.buttons[1], Qt.MouseButton.LeftButton)
found["spravato picked"] = [whole(panel.state_label), whole(panel.dose_label)]
notes = [w for w in panel.fixed_dose_choice.findChildren(type(panel.state_label))]
def cut(note):
    # Shorter than its wrapped text, or narrower than its longest word.
    longest = max(note.fontMetrics().horizontalAdvance(w) for w in note.text().split())
    return note.height() < note.heightForWidth(note.width()) or note.width() < longest
found["notes cut"] = [n.text() for n in notes if cut(n)]
screen = app.primaryScreen().availableGeometry()
top_left = window.mapToGlobal(window.rect().topLeft())
found["window on screen"] = [screen.getRect(), [top_left.x(), top_left.y(), window.width(), window.height()]]
print(json.dumps(found), flush=True)
os._exit(0)  # no teardown: only the report above is under test
"""
)


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(1280, 800, 1.5), (1280, 800, 2), (1920, 1080, 1.5), (1920, 1080, 2)],
)
def test_the_result_is_seen_without_scrolling_at_150_and_200_percent(
    tmp_path: Path, width: int, height: int, scale: float
) -> None:
    found = run_probe(PROBE, tmp_path, width, height, scale)
    state, dose, text = found["iv picked"]
    assert (state, dose) == (True, True), found
    assert text == "35 mg over 40 min"
    state, dose, words = found["iv warning"]
    assert (state, dose) == (True, True), found
    assert words == "Calculated: warnings not yet acknowledged"
    assert found["spravato picked"] == [True, True], found
    assert found["notes cut"] == []
    # The card's least height never makes the window taller than the screen.
    screen, window = found["window on screen"]
    assert QRect(*window).size().boundedTo(QRect(*screen).size()) == QRect(*window).size()
