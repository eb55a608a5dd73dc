"""The reading view at arm's length: size, measure and line height, the dose at a glance, the
section bar, the calculator's share of the column, short source labels, and search."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextBlockFormat, QTextTable
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.gui.dose_panel import DosePanel
from ketaref.gui.main_window import MainWindow
from ketaref.gui.navigation import GROUP, KIND_ROLE
from ketaref.gui.search_delegate import highlighted_html
from ketaref.gui.search_roles import MATCHED_ROLE, TITLE_ROLE
from tests.gui.conftest import WindowFactory


def line_lengths(window: MainWindow) -> list[int]:
    """The number of characters on every laid-out line of the reading pane."""
    return [
        block.layout().lineAt(line).textLength()
        for block in _blocks(window)
        for line in range(block.layout().lineCount())
    ]


def test_the_text_is_large_spaced_and_about_80_characters_wide_on_a_wide_screen(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(size=(1920, 1080))
    window.open_item("iv-ketamine-trd")
    qtbot.waitUntil(lambda: window.item_view.document.width() > 1000)
    pane = window.item_view.document
    assert 10.5 <= pane.font().pointSizeF() <= 11.5
    longest = max(line_lengths(window))
    assert 65 <= longest <= 95, longest
    spaced = [
        block.blockFormat()
        for block in _blocks(window)
        if block.text().startswith("Racemic ketamine is not FDA-approved")
        or "Status:" in block.text()
    ]
    assert spaced
    for block_format in spaced:
        proportional = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        assert block_format.lineHeightType() == proportional
        assert block_format.lineHeight() == 140


def _blocks(window: MainWindow) -> list:
    document = window.item_view.document.document()
    found = []
    block = document.begin()
    while block.isValid():
        found.append(block)
        block = block.next()
    return found


def broken_words(window: MainWindow) -> list[str]:
    """Words of the reading pane split across two lines ("administratio" / "n")."""
    broken = []
    for block in _blocks(window):
        text, layout = block.text(), block.layout()
        for line in range(layout.lineCount() - 1):
            end = layout.lineAt(line).textStart() + layout.lineAt(line).textLength()
            if 0 < end < len(text) and text[end - 1].isalpha() and text[end].isalpha():
                broken.append(text[max(0, end - 12) : end + 12])
    return broken


@pytest.mark.usefixtures("qtbot")
@pytest.mark.parametrize(
    ("size", "narrow"), [((1280, 800), False), ((1024, 700), False), ((760, 560), True)]
)
def test_no_word_of_any_page_is_broken_across_lines(
    make_window: WindowFactory,
    bundled_library: Library,
    size: tuple[int, int],
    narrow: bool,
) -> None:
    """Wide: tables keep their columns; narrow (as at 150 % on a 1280×800 screen): each table
    row is a box of its own, since five columns cannot keep "Maintenance" and "mg/kg" whole."""
    window = make_window(size=size)
    window.open_item("iv-ketamine-trd")
    assert window.item_view.document.narrow() == narrow
    widest = max(table.columns() for table in _tables(window))
    assert widest == 1 if narrow else widest > 1
    found = {}
    for kind in ("protocols", "checklists", "contraindications"):
        for item_id in getattr(bundled_library, kind):
            window.open_item(item_id)
            if broken := broken_words(window):
                found[item_id] = broken
    assert not found


def test_narrowing_the_window_turns_table_rows_into_boxes_and_back(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(size=(1280, 800))
    window.open_item("spravato-trd")

    def widest() -> int:
        return max(table.columns() for table in _tables(window))

    assert widest() > 1
    window.resize(760, 560)
    qtbot.waitUntil(lambda: widest() == 1)
    assert not broken_words(window)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: widest() > 1)


def _tables(window: MainWindow) -> list[QTextTable]:
    frames = window.item_view.document.document().rootFrame().childFrames()
    return [frame for frame in frames if isinstance(frame, QTextTable)]


def test_zoom_reset_returns_to_the_reading_size(qtbot: QtBot, window: MainWindow) -> None:
    pane = window.item_view.document
    size = pane.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert pane.font().pointSizeF() < size
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert pane.font().pointSizeF() == size >= 10.5


def test_a_protocol_with_doses_opens_with_the_dose_at_a_glance_and_a_section_bar(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.open_item("spravato-trd")
    text = window.item_view.document.toPlainText()
    glance = text.index("Dose at a glance")
    assert glance < text.index("Dose and schedule")
    assert "56 mg or 84 mg" in text[glance : text.index("Dose and schedule")]
    bar = window.item_view.section_bar
    labels = [button.text() for button in bar.buttons]
    assert labels == ["Dose", "Administration", "Monitoring", "Observation", "Warnings", "Evidence"]
    pane = window.item_view.document
    pane.verticalScrollBar().setValue(0)
    warnings = bar.buttons[labels.index("Warnings")]
    qtbot.mouseClick(warnings, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.verticalScrollBar().value() > 0)
    top = pane.cursorForPosition(pane.viewport().rect().topLeft()).block().text()
    assert top.startswith("Warnings")


def test_items_without_sections_have_no_section_bar(window: MainWindow) -> None:
    window.open_item("spravato-session")
    assert not window.item_view.section_bar.isVisible()


def test_the_calculator_takes_only_its_height_and_the_sources_the_rest(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(size=(1600, 1000))
    view = window.item_view
    window.open_item("spravato-trd")
    qtbot.waitUntil(lambda: view.calculator_area.isVisible())
    panel = view.calculator
    assert isinstance(panel, DosePanel)
    assert panel.fixed_dose_choice is not None
    qtbot.mouseClick(panel.fixed_dose_choice.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.calculator_area.height() < view.sources.height())
    # All of it is shown once laid out: neither part scrolls.
    scrolls = (panel.inputs_area, panel.details_area)
    qtbot.waitUntil(lambda: not any(s.verticalScrollBar().isVisible() for s in scrolls))
    # The box ends under the card: no empty space below it.
    card_bottom = panel.card.mapTo(view.calculator_area, QPoint(0, panel.card.height())).y()
    margins = view.calculator_area.layout().contentsMargins()  # type: ignore[union-attr]
    assert view.calculator_area.height() - card_bottom <= margins.bottom() + 4
    window.open_item("iv-ketamine-ptsd")  # research only: no regimen, no calculator
    assert not view.calculator_area.isVisible()


def test_sources_have_short_distinct_labels(window: MainWindow) -> None:
    for item_id in ("spravato-trd", "iv-ketamine-trd", "spravato-contraindications"):
        window.open_item(item_id)
        model = window.item_view.sources.model
        labels = [model.index(row, 0).data() for row in range(model.rowCount())]
        assert labels, item_id
        assert len(labels) == len(set(labels)), item_id
        assert all(len(label) <= 110 and "\n" not in label for label in labels)
    window.open_item("iv-ketamine-trd")
    labels = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert any(label.startswith("[1] Zarate 2021, ") for label in labels)


def test_group_rows_look_different_from_items(window: MainWindow) -> None:
    proxy = window.proxy
    group = proxy.index(0, 0)
    item = proxy.index(0, 0, group)
    assert group.data(KIND_ROLE) == GROUP
    assert group.data(Qt.ItemDataRole.FontRole).bold()
    assert item.data(Qt.ItemDataRole.FontRole) is None


def test_search_puts_the_labelled_trd_protocol_first_and_highlights_the_word(
    qtbot: QtBot, window: MainWindow
) -> None:
    field = window.search_field
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "spravato")
    model = window.results.model()
    first = model.index(0, 0)
    assert first.data().startswith("SPRAVATO (esketamine) nasal spray: treatment-resistant")
    html = highlighted_html(first.data(TITLE_ROLE), first.data(MATCHED_ROLE), "yellow", "black")
    assert '<span style="background-color:yellow; color:black;">SPRAVATO</span>' in html
    assert "nasal spray" in html
    assert "<span" not in html.split("SPRAVATO</span>", 1)[1]
