"""The print preview fits the dialog's width and can be zoomed until the formula is legible, on
a 1280×800 screen at 100 %, 150 % and 200 %: small signs such as "÷" must not read as "+"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.dosing.calculator import calculate
from ketaref.gui.print_dialog import PrintDialog
from ketaref.gui.print_preview import ZOOM_STEPS
from tests.gui.test_screen_fit import run_probe

#: The least x-height (device pixels) at which the formula's "÷" is told from "+".
LEGIBLE_X_HEIGHT = 7.0

#: Opens the print dialog with a dose (so the checklist has its formula line) on the screen it
#: is given, and reports the first page's size in device pixels and the formula's x-height on
#: it: fitted to the width, after one Ctrl+= and after Ctrl+0.
PROBE = r"""
import json, os, sys
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication
app = QApplication([])
import pypdfium2
from ketaref.content.in_use.active import load_active_content
from ketaref.dosing.calculator import calculate
from ketaref.gui.print_dialog import PrintDialog
library = load_active_content().library
protocol = library.protocols["spravato-trd"]
dialog = PrintDialog(library, protocol, dose=calculate(protocol, dose="56 mg"),
                     default_paper=sys.argv[2])
dialog.show()
dialog.activateWindow()
def settle():
    for _ in range(10):
        app.processEvents()
settle()
preview = dialog.preview
# The formula's x-height in points: the glyph box of the "v" in "per device" after the "÷".
page = pypdfium2.PdfDocument(dialog.pdf)[0]
text = page.get_textpage()
whole = text.get_text_range()
left, bottom, right, top = text.get_charbox(whole.index("v", whole.index("÷")), loose=False)
def state():
    image = preview.page_images[0]
    return {
        "zoom": preview.zoom,
        "page_px": image.width(),
        "page_width": preview.page_width(),
        "fitted_width": preview.fitted_page_width(),
        "x_height_px": (top - bottom) * image.width() / page.get_width(),
        "sideways": preview.scroll_area.horizontalScrollBar().maximum(),
    }
def press(key):
    QTest.keyClick(QApplication.focusWidget() or dialog, key, Qt.KeyboardModifier.ControlModifier)
    settle()
states = {"fit": state()}
press(Qt.Key.Key_Equal)
states["zoomed"] = state()
press(Qt.Key.Key_0)
states["fit_again"] = state()
def box(widget):
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]
print(json.dumps({
    "screen": list(app.primaryScreen().availableGeometry().getRect()),
    "ratio": dialog.devicePixelRatioF(),
    "dialog": box(dialog),
    "buttons": [box(b) for b in dialog.findChildren(QAbstractButton) if b.isVisible()],
    "states": states,
}), flush=True)
os._exit(0)  # no teardown: only the report above is under test
"""


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("scale", [1, 1.5, 2])
def test_on_a_1280_by_800_screen_the_page_fits_and_one_ctrl_equals_makes_it_legible(
    tmp_path: Path, scale: float, paper: str
) -> None:
    found = run_probe(PROBE, tmp_path, 1280, 800, scale, paper)
    screen = QRect(*found["screen"])
    assert found["ratio"] == scale
    assert screen.contains(QRect(*found["dialog"]))
    assert all(screen.contains(QRect(*button)) for button in found["buttons"])

    fit, zoomed, again = (found["states"][name] for name in ("fit", "zoomed", "fit_again"))
    for state in (fit, again):
        # Fitted: as wide as the preview, drawn in device pixels (sharp), never sideways.
        assert state["zoom"] is None
        assert state["page_width"] == state["fitted_width"]
        assert abs(state["page_px"] - state["page_width"] * scale) <= 1
        assert state["sideways"] == 0
    assert zoomed["zoom"] in ZOOM_STEPS
    assert zoomed["page_px"] > fit["page_px"]
    assert zoomed["x_height_px"] >= LEGIBLE_X_HEIGHT, (fit, zoomed)


@pytest.fixture
def dialog(qtbot: QtBot, bundled_library: Library) -> PrintDialog:
    protocol = bundled_library.protocols["spravato-trd"]
    widget = PrintDialog(bundled_library, protocol, dose=calculate(protocol, dose="56 mg"))
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    return widget


def test_the_zoom_keys_and_buttons_step_through_the_zoom_and_back_to_fit(
    qtbot: QtBot, dialog: PrintDialog
) -> None:
    preview = dialog.preview
    fitted = preview.page_width()
    assert preview.fit_button.isChecked()
    assert preview.zoom_label.text().endswith(" %")

    qtbot.keyClick(dialog.patient_name, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    first = preview.zoom
    assert first is not None
    assert preview.page_width() > fitted
    assert not preview.fit_button.isChecked()
    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert preview.zoom is not None
    assert preview.zoom > first
    assert preview.page_images[0].width() > fitted
    qtbot.keyClick(dialog.patient_name, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom == first
    qtbot.mouseClick(preview.fit_button, Qt.MouseButton.LeftButton)
    assert preview.zoom is None
    assert preview.page_width() == fitted
    assert preview.fit_button.isChecked()


def test_a_zoomed_preview_keeps_its_zoom_when_the_pdf_is_rebuilt(
    qtbot: QtBot, dialog: PrintDialog
) -> None:
    preview = dialog.preview
    qtbot.keyClick(dialog.patient_name, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    width = preview.page_images[0].width()
    with qtbot.waitSignal(dialog.previewUpdated, timeout=5000):
        qtbot.keyClicks(dialog.clinician, "Dr Who")
    assert preview.page_images[0].width() == width
