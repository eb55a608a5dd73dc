"""Every text colour the app sets reads at WCAG AA (4.5:1) in a light and in a dark palette."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketaref.content.active import ActiveContent
from ketaref.content.pack import Library
from ketaref.gui import palette as app_palette
from ketaref.gui.integration import MachineSettings
from ketaref.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory

AA = 4.5
GUI = Path(app_palette.__file__).parent


def light_palette() -> QPalette:
    palette = QApplication.style().standardPalette()
    assert not app_palette.is_dark(palette)
    return palette


PALETTES = {"light": light_palette, "dark": app_palette.dark_palette}


@pytest.fixture(params=sorted(PALETTES))
def themed(request: pytest.FixtureRequest, qapp: QApplication) -> QPalette:
    """The application in a light, then in a dark palette (restored afterwards)."""
    before = qapp.palette()
    palette = PALETTES[request.param]()
    qapp.setPalette(palette)
    yield palette
    qapp.setPalette(before)


def test_the_contrast_ratio_is_computed_as_wcag_says() -> None:
    assert app_palette.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert app_palette.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_every_text_colour_pair_reaches_aa(themed: QPalette) -> None:
    colors = app_palette.colors_for(themed)
    low = []
    for text, background in app_palette.TEXT_PAIRS:
        back = app_palette.background(colors, themed, background)
        ratio = app_palette.contrast_ratio(getattr(colors, text), back)
        if ratio < AA:
            low.append(f"{text} on {background}: {ratio:.2f}")
    own_text = themed.color(QPalette.ColorRole.Text).name()
    for background in app_palette.PALETTE_TEXT_ON:
        ratio = app_palette.contrast_ratio(own_text, getattr(colors, background))
        if ratio < AA:
            low.append(f"text on {background}: {ratio:.2f}")
    assert not low


def test_banners_take_their_severity_colours_not_the_tooltips(
    themed: QPalette, make_window: WindowFactory, bundled_library: Library
) -> None:
    active = ActiveContent(
        library=bundled_library,
        origin="bundled",
        notices=("the site pack at /srv/pack was refused: 1 problem",),
        refused=True,
    )
    window = make_window(active, MachineSettings(problems=("paper_size: not a paper size",)))
    severities = {banner.objectName(): banner.severity for banner in window.banners}
    assert severities == {
        "notReviewedBanner": "warning",
        "refusedPackBanner": "critical",
        "policyBanner": "warning",
    }
    for banner in window.banners:
        back = banner.palette().color(QPalette.ColorRole.Window).name()
        text = banner.label.palette().color(QPalette.ColorRole.WindowText).name()
        assert app_palette.contrast_ratio(text, back) >= AA, banner.objectName()
        assert back != themed.color(QPalette.ColorRole.ToolTipBase).name()


def test_the_reading_pane_and_the_calculator_use_the_palettes_set(
    themed: QPalette, qtbot: QtBot, make_window: WindowFactory
) -> None:
    window: MainWindow = make_window()
    window.open_item("iv-ketamine-trd")
    colors = app_palette.colors_for(themed)
    html = window.item_view.document.document().defaultStyleSheet()
    assert colors.muted in html
    assert colors.link in html
    weight = window.item_view.calculator.weight_edit  # type: ignore[union-attr]
    dose = window.item_view.calculator.dose_edit  # type: ignore[union-attr]
    qtbot.keyClicks(dose, "0.5")  # the user picks the dose; the screen does not
    qtbot.keyClicks(weight, "700")  # far above any weight check: a warning or a refusal
    shown = [
        label.styleSheet()
        for label in window.item_view.calculator.findChildren(type(window.content_label))
        if label.isVisible() and "color" in label.styleSheet()
    ]
    assert shown
    assert all(colors.warning_text in sheet or colors.refusal_text in sheet for sheet in shown)


def test_no_colour_is_written_anywhere_but_the_palette_module() -> None:
    literal = re.compile(r"#[0-9a-fA-F]{6}\b")
    found = [
        f"{path.name}: {match}"
        for path in sorted(GUI.glob("*.py"))
        if path.name != "palette.py"
        for match in literal.findall(path.read_text(encoding="utf-8"))
    ]
    assert not found


def test_the_focus_ring_rule_is_on_the_window(window: MainWindow) -> None:
    rule = window.styleSheet()
    assert "QTextBrowser:focus" in rule
    assert "QComboBox:focus" in rule
    assert "2px solid" in rule
    window.item_view.document.setFocus(Qt.FocusReason.TabFocusReason)
