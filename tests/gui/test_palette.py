"""Every text colour the app sets reads at WCAG AA (4.5:1) in a light and in a dark palette."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.content.in_use.active import ActiveContent
from ketaref.gui import palette as app_palette
from ketaref.gui.integration import MachineSettings
from ketaref.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory

AA = 4.5
KINDS = ("protocols", "checklists", "contraindications")
GUI = Path(app_palette.__file__).parent


def test_the_contrast_ratio_is_computed_as_wcag_says() -> None:
    assert app_palette.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert app_palette.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def too_low(palette: QPalette, pairs: tuple[tuple[str, str], ...], least: float) -> list[str]:
    """The pairs of the palette's colour set whose contrast is under ``least``."""
    colors = app_palette.colors_for(palette)
    low = []
    for color, background in pairs:
        back = app_palette.background(colors, palette, background)
        ratio = app_palette.contrast_ratio(getattr(colors, color), back)
        if ratio < least:
            low.append(f"{color} on {background}: {ratio:.2f}")
    return low


def test_every_text_colour_pair_reaches_aa(themed: QPalette) -> None:
    colors = app_palette.colors_for(themed)
    low = too_low(themed, app_palette.TEXT_PAIRS, AA)
    own_text = themed.color(QPalette.ColorRole.Text).name()
    for background in app_palette.PALETTE_TEXT_ON:
        ratio = app_palette.contrast_ratio(own_text, getattr(colors, background))
        if ratio < AA:
            low.append(f"text on {background}: {ratio:.2f}")
    assert not low


def test_the_focus_colour_stands_out_from_what_it_marks(themed: QPalette) -> None:
    assert not too_low(themed, app_palette.FOCUS_PAIRS, app_palette.FOCUS_CONTRAST)


def drawn_on(document: QTextDocument, position: int, base: str) -> str:
    """The colour behind the character at ``position``: its own background, its table cell's,
    its block's, or that of the innermost frame (table) that sets one; else the view's base."""
    cursor = QTextCursor(document)
    cursor.setPosition(position)
    brushes = [cursor.charFormat().background(), cursor.blockFormat().background()]
    table = cursor.currentTable()
    if table is not None:
        brushes.append(table.cellAt(cursor).format().background())
    frame = cursor.currentFrame()
    while frame is not None:
        brushes.append(frame.frameFormat().background())
        frame = frame.parentFrame()
    painted = [b for b in brushes if b.style() != Qt.BrushStyle.NoBrush]
    return painted[0].color().name() if painted else base


def links_of(document: QTextDocument) -> Iterator[tuple[str, str, int]]:
    """(address, colour, position) of every stretch of link text in ``document``."""
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            look = fragment.charFormat()
            if look.isAnchor() and look.anchorHref():
                yield look.anchorHref(), look.foreground().color().name(), fragment.position()
            fragments += 1
        block = block.next()


def test_every_link_of_every_page_is_the_palettes_link_colour_and_reads_on_its_background(
    themed: QPalette, window: MainWindow, bundled_library: Library
) -> None:
    colors = app_palette.colors_for(themed)
    pane = window.item_view.document
    base = pane.palette().color(QPalette.ColorRole.Base).name()
    pages = ["home", *sorted(id for kind in KINDS for id in getattr(bundled_library, kind))]
    wrong = []
    for page in pages:
        window.show_home() if page == "home" else window.open_item(page)
        document = pane.document()
        found = list(links_of(document))
        assert found or page != "home"
        for href, color, position in found:
            back = drawn_on(document, position, base)
            if color != colors.link or app_palette.contrast_ratio(color, back) < AA:
                wrong.append(f"{page} {href}: {color} on {back}")
    assert not wrong


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


def test_a_toggle_that_is_down_stands_out_from_one_that_is_up(themed: QPalette) -> None:
    assert not too_low(themed, app_palette.STATE_PAIRS, app_palette.FOCUS_CONTRAST)


def test_the_chosen_unit_is_drawn_filled_and_plain_at_a_glance(
    themed: QPalette, qtbot: QtBot, bundled_library: Library
) -> None:
    from ketaref.gui.dose_panel import DosePanel

    panel = DosePanel(bundled_library, bundled_library.protocols["iv-ketamine-trd"])
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.weight_unit is not None
    down, up = panel.weight_unit.buttons  # kg is chosen, lb is not

    def fill(button: QPushButton) -> str:
        """The colour inside the button's border, left of its text."""
        image = button.grab().toImage()
        return image.pixelColor(4, image.height() // 2).name()

    colors = app_palette.colors_for(themed)
    assert fill(down) == colors.choice_checked
    assert app_palette.contrast_ratio(fill(down), fill(up)) >= app_palette.FOCUS_CONTRAST
    # Its text colour on that fill is among TEXT_PAIRS (choice_checked_text), held at 4.5:1.
