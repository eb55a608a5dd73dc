"""The dose calculator panel, driven by real key and wheel events as a clinician would use it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAccessible, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.dosing.calculator import DoseResult
from ketaref.gui.dose_panel import (
    STATE_OK,
    STATE_REFUSED,
    STATE_UNACKNOWLEDGED,
    DosePanel,
)
from ketaref.gui.main_window import MainWindow
from ketaref.gui.palette import theme_from
from ketaref.gui.rich_text import render_item
from tests.dosing.fake_protocols import BOLUS_OVER_TIME, RATE_RANGE, make_protocol


@pytest.fixture
def panel(qtbot: QtBot, bundled_library: Library) -> DosePanel:
    widget = DosePanel(bundled_library, make_protocol(BOLUS_OVER_TIME, RATE_RANGE))
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()  # mnemonics (Alt+key) work in the active window only
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def bundled_panel(qtbot: QtBot, library: Library, protocol_id: str) -> DosePanel:
    widget = DosePanel(library, library.protocols[protocol_id])
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def shown_text(panel: DosePanel) -> str:
    """Everything the panel shows in its labels, in order."""
    return "\n".join(
        label.text() for label in panel.findChildren(QLabel) if label.isVisible() and label.text()
    )


def type_into(qtbot: QtBot, edit: QLineEdit | None, text: str) -> None:
    assert edit is not None
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def wheel(widget: QWidget, notches: int) -> None:
    """Turn the mouse wheel over ``widget`` through the real event queue."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def alt(qtbot: QtBot, panel: DosePanel, key: Qt.Key) -> None:
    """Press Alt+key; a button's mnemonic clicks it a moment later (Qt animates the click)."""
    qtbot.keyClick(panel, key, Qt.KeyboardModifier.AltModifier)


def test_no_dose_until_the_clinician_picks_one(qtbot: QtBot, panel: DosePanel) -> None:
    assert panel.dose_edit is not None
    assert panel.dose_edit.text() == ""
    assert panel.duration_edit is not None
    assert panel.duration_edit.text() == "40"
    type_into(qtbot, panel.weight_edit, "70")
    assert panel.result() is None
    assert panel.dose_lines() == []
    assert panel.message() == "Choose or type a dose to see the result."
    # The published dose is offered as a button, with its source, and fills the field when pressed.
    assert panel.dose_choices is not None
    button = panel.dose_choices.buttons[0]
    assert button.text() == "Use &0.5 mg/kg"
    assert "the protocol's standard dose [" in shown_text(panel)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert panel.dose_edit.text() == "0.5"
    assert panel.dose_label.text() == "35 mg over 40 min"  # 0.5 mg/kg × 70 kg


def test_mdsi_opens_without_a_dose_and_offers_each_published_dose_with_its_source(
    qtbot: QtBot, bundled_library: Library
) -> None:
    panel = bundled_panel(qtbot, bundled_library, "spravato-mdsi")
    choice = panel.fixed_dose_choice
    assert choice is not None
    assert choice.index() is None
    assert panel.result() is None
    assert not panel.dose_label.isVisible()
    assert panel.message() == "Choose a dose to see the number of devices."
    assert [b.text() for b in choice.buttons] == ["&56 mg", "&84 mg"]
    # Each with its source: the text's [n] numbers and verification, not internal ids.
    assert shown_text(panel).count("secondary source]") >= 2
    assert "medscape-eske" not in shown_text(panel)
    alt(qtbot, panel, Qt.Key.Key_8)  # the mnemonic
    qtbot.waitUntil(lambda: panel.dose_label.text() == "84 mg = 3 devices")  # 84 ÷ 28


def test_arrow_keys_and_the_wheel_never_change_the_dose(
    qtbot: QtBot, bundled_library: Library
) -> None:
    panel = bundled_panel(qtbot, bundled_library, "spravato-trd")
    choice = panel.fixed_dose_choice
    assert choice is not None
    choice.buttons[0].click()
    assert panel.dose_label.text() == "56 mg = 2 devices"
    for button in choice.buttons:
        button.setFocus()
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Right, Qt.Key.Key_Left):
            qtbot.keyClick(button, key)
            assert choice.index() == 0
            assert panel.dose_label.text() == "56 mg = 2 devices"
        for notches in (-1, 1):
            wheel(button, notches)
            assert choice.index() == 0
            assert panel.dose_label.text() == "56 mg = 2 devices"


def test_arrow_keys_and_the_wheel_never_change_a_unit(qtbot: QtBot, panel: DosePanel) -> None:
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.dose_edit, "0.5")
    before = panel.dose_label.text()
    assert before == "35 mg over 40 min"
    assert panel.weight_unit is not None
    assert panel.duration_unit is not None
    for widget in [
        *panel.weight_unit.buttons,
        *panel.duration_unit.buttons,
        panel.weight_edit,
        panel.dose_edit,
        panel.duration_edit,
    ]:
        assert widget is not None
        widget.setFocus()
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Right, Qt.Key.Key_Left):
            qtbot.keyClick(widget, key)
            assert panel.weight_unit.index() == 0
            assert panel.duration_unit.index() == 0
            assert panel.dose_label.text() == before
        for notches in (-1, 1):
            wheel(widget, notches)
            assert panel.dose_label.text() == before
    assert not panel.findChildren(QComboBox)  # no drop-down left to change on its own


def test_a_deliberate_unit_change_shows_the_unit_and_highlights_the_change(
    qtbot: QtBot, panel: DosePanel
) -> None:
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.dose_edit, "0.5")
    assert not panel.highlighted()
    alt(qtbot, panel, Qt.Key.Key_B)  # l&b
    # 70 lb × 0.45359237 = 31.7514659 kg; × 0.5 mg/kg = 15.87573295 mg
    qtbot.waitUntil(lambda: "Weight: 70 lb = 31.8 kg" in panel.lines_label.text())
    assert panel.dose_label.text() == "15.9 mg over 40 min"
    assert panel.highlighted()
    qtbot.waitUntil(lambda: not panel.highlighted(), timeout=5000)


def test_the_screen_reader_reads_the_dose_not_a_name(qtbot: QtBot, panel: DosePanel) -> None:
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.dose_edit, "0.5")
    assert panel.dose_label.accessibleName() == ""
    interface = QAccessible.queryAccessibleInterface(panel.dose_label)
    assert interface is not None
    assert interface.text(QAccessible.Text.Name) == "35 mg over 40 min"


def test_the_card_states_ok_unacknowledged_and_refused(qtbot: QtBot, panel: DosePanel) -> None:
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.dose_edit, "0.5")
    assert panel.state() == STATE_OK
    assert panel.state_label.text() == STATE_OK
    type_into(qtbot, panel.dose_edit, "0.6")
    assert panel.state_label.text() == STATE_UNACKNOWLEDGED
    checkbox = panel.findChild(QCheckBox)
    assert checkbox is not None
    assert checkbox.isVisible()
    checkbox.setFocus()
    qtbot.keyClick(checkbox, Qt.Key.Key_Space)
    assert panel.acknowledged()
    assert panel.state_label.text() == STATE_OK
    assert panel.dose_lines()[-1].endswith("(acknowledged by the clinician on screen)")
    type_into(qtbot, panel.weight_edit, "80")  # a new result needs a new acknowledgement
    assert not checkbox.isChecked()
    assert panel.state() == STATE_UNACKNOWLEDGED
    type_into(qtbot, panel.weight_edit, "300")
    assert panel.state_label.text() == STATE_REFUSED
    assert panel.message().startswith(
        "Weight “300 kg” is above 250 kg, the highest weight this protocol's calculator accepts"
    )
    assert not panel.dose_label.isVisible()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [panel]


@pytest.mark.parametrize("core_says", [True, False])
def test_the_card_asks_for_an_acknowledgement_when_the_core_says_so(
    qtbot: QtBot, panel: DosePanel, monkeypatch: pytest.MonkeyPatch, core_says: bool
) -> None:
    # The rule is DoseResult.needs_acknowledgement; the panel has no rule of its own.
    monkeypatch.setattr(DoseResult, "needs_acknowledgement", property(lambda _: core_says))
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.dose_edit, "0.6")  # above the warning level: a warning either way
    result = panel.result()
    assert result is not None
    assert result.warnings
    assert panel.state() == (STATE_UNACKNOWLEDGED if core_says else STATE_OK)
    checkbox = panel.findChild(QCheckBox)
    assert checkbox is not None
    assert checkbox.isVisible() is core_says


def test_rounded_on_screen_exact_under_show_working(qtbot: QtBot, panel: DosePanel) -> None:
    type_into(qtbot, panel.weight_edit, "154")
    alt(qtbot, panel, Qt.Key.Key_B)
    assert panel.weight_unit is not None
    qtbot.waitUntil(lambda: panel.weight_unit is not None and panel.weight_unit.index() == 1)
    type_into(qtbot, panel.dose_edit, "0.5")
    type_into(qtbot, panel.concentration_edit, "10")
    # 154 lb × 0.45359237 = 69.85322498 kg; × 0.5 = 34.92661249 mg ÷ 10 mg/mL = 3.492661249 mL
    assert "At 10 mg/mL: volume 3.49 mL, pump rate 5.24 mL/h" in panel.lines_label.text()
    assert "exact" not in shown_text(panel)
    assert "Formula:" not in shown_text(panel)
    panel.working_toggle.setFocus()
    qtbot.keyClick(panel.working_toggle, Qt.Key.Key_Space)
    assert "volume 3.49 mL (exact 3.492661249 mL)" in shown_text(panel)
    assert "Formula: 154 lb × 0.45359237 = 69.85322498 kg" in shown_text(panel)


def test_sources_carry_the_texts_numbers_and_verification(
    qtbot: QtBot, bundled_library: Library
) -> None:
    protocol = bundled_library.protocols["iv-ketamine-acute-pain"]
    panel = bundled_panel(qtbot, bundled_library, "iv-ketamine-acute-pain")
    numbers = {
        (c.source_id, c.locator): c.number
        for c in render_item(bundled_library, protocol, theme_from(panel.palette())).citations
    }
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.dose_edit, "0.3")
    n = numbers[("schwenk-2018-gc", "Q2")]
    assert f"Source: accepted range up to 0.35 mg/kg [{n}, secondary source]" in shown_text(panel)
    assert "may warrant dosing outside this range" in shown_text(panel)
    assert "schwenk-2018-gc" not in shown_text(panel)
    assert "published range" not in shown_text(panel)
    assert "content pack's weight checks" not in shown_text(panel)


def test_dilution_statement_and_duration_floor(qtbot: QtBot, bundled_library: Library) -> None:
    panel = bundled_panel(qtbot, bundled_library, "iv-ketamine-trd")
    assert panel.range_label is not None
    # Before anything is refused, the screen says the durations rest on the abstract of a study.
    assert re.search(
        r"Durations it accepts: 2–100 min \[\d+, abstract only\]", panel.range_label.text()
    )
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.dose_edit, "0.5")
    type_into(qtbot, panel.concentration_edit, "100")
    shown = shown_text(panel)
    assert "not to be given intravenously without proper dilution" in shown
    assert "dilute first, then enter the concentration after dilution" in shown
    assert panel.state() == STATE_UNACKNOWLEDGED
    checkbox = panel.findChild(QCheckBox)
    assert checkbox is not None
    checkbox.setFocus()
    qtbot.keyClick(checkbox, Qt.Key.Key_Space)
    # Acknowledged or not, no volume or pump rate of the undiluted drug is shown or printed.
    assert panel.state() == STATE_OK
    assert not re.search(r"\d mL(/h)?\b", panel.lines_label.text())
    assert not any(
        re.search(r"\d mL(/h)?\b", line) for line in panel.dose_lines() if "rounding" not in line
    )
    type_into(qtbot, panel.concentration_edit, "10")
    assert "3.5 mL" in panel.lines_label.text()  # 0.5 mg/kg × 70 kg = 35 mg ÷ 10 mg/mL
    type_into(qtbot, panel.duration_edit, "1")
    assert panel.state() == STATE_REFUSED
    message = panel.message()
    assert "below the range this calculator accepts for this protocol, 2–100 min" in message
    assert "(Andrade 2017 review)" in message
    assert re.search(r"\[\d+, abstract only\]\.?$", message), message
    type_into(qtbot, panel.duration_edit, "20")
    assert "rapid rate of administration" in shown_text(panel)


def test_every_input_has_an_accessible_name_and_description(panel: DosePanel) -> None:
    inputs = [
        w
        for w in panel.findChildren(QWidget)
        if isinstance(w, QLineEdit | QCheckBox) and not w.isHidden()
    ]
    assert len(inputs) == 5
    for widget in inputs:
        assert widget.accessibleName(), widget
        assert widget.accessibleDescription(), widget.accessibleName()
    for button in panel.findChildren(QPushButton):
        assert button.text()
        assert button.accessibleDescription(), button.text()


def test_tab_order_follows_the_form(qtbot: QtBot, panel: DosePanel) -> None:
    assert panel.weight_unit
    assert panel.regimen_choice
    assert panel.duration_unit
    assert panel.dose_choices is not None
    expected = [
        panel.weight_edit,
        *panel.weight_unit.buttons,
        *panel.regimen_choice.buttons,
        panel.dose_edit,
        panel.dose_choices.buttons[0],
        panel.duration_edit,
        *panel.duration_unit.buttons,
        panel.concentration_edit,
    ]
    assert panel.weight_edit is not None
    panel.activateWindow()
    panel.weight_edit.setFocus()
    qtbot.waitUntil(lambda: panel.weight_edit is not None and panel.weight_edit.hasFocus())
    visited = [QApplication.focusWidget()]
    for _ in expected[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == expected


def test_switching_to_the_rate_regimen_shows_the_total(qtbot: QtBot, panel: DosePanel) -> None:
    assert panel.regimen_choice is not None
    assert panel.dose_unit_label is not None
    type_into(qtbot, panel.weight_edit, "70")
    rate = panel.regimen_choice.buttons[1]
    rate.setFocus()
    qtbot.keyClick(rate, Qt.Key.Key_Space)
    assert panel.dose_unit_label.text() == "mg/kg/h"
    assert panel.dose_edit is not None
    assert panel.dose_edit.text() == ""
    type_into(qtbot, panel.dose_edit, "1")
    type_into(qtbot, panel.duration_edit, "4")
    alt(qtbot, panel, Qt.Key.Key_R)  # hou&rs
    # 1 mg/kg/h × 70 kg = 70 mg/h; over 4 h: 280 mg
    qtbot.waitUntil(lambda: panel.dose_label.text() == "70 mg/h; 280 mg over 4 h")
    assert "Total over 4 h: 280 mg (4 mg/kg)" in shown_text(panel)


@pytest.mark.parametrize("width", [1280, 1024])
def test_no_sideways_scrolling_at_laptop_widths(
    qtbot: QtBot, make_window: Callable[..., MainWindow], width: int
) -> None:
    window = make_window(size=(width, 800))
    window.open_item("iv-ketamine-trd")
    panel = window.item_view.calculator
    assert isinstance(panel, DosePanel)
    type_into(qtbot, panel.weight_edit, "70")
    assert panel.weight_unit is not None
    qtbot.mouseClick(panel.weight_unit.buttons[1], Qt.MouseButton.LeftButton)  # lb: a warning
    type_into(qtbot, panel.dose_edit, "0.5")
    type_into(qtbot, panel.concentration_edit, "100")
    assert panel.state() == STATE_UNACKNOWLEDGED
    QApplication.processEvents()
    for scroll in (panel.inputs_area, panel.details_area):
        qtbot.waitUntil(lambda s=scroll: s.viewport().width() > 0)
        assert not scroll.horizontalScrollBar().isVisible()
    checkbox = panel.findChild(QCheckBox)
    assert panel.weight_unit is not None
    assert checkbox is not None
    assert "I have checked these warnings" in shown_text(panel)
    inputs, details = panel.inputs_area.viewport(), panel.details_area.viewport()
    for widget, shown_in in (
        (panel.weight_unit.buttons[1], inputs),
        (checkbox, details),
        (panel.lines_label, details),
        (panel.dose_label, panel.card),
    ):
        right = widget.mapTo(shown_in, QPoint(widget.width(), 0)).x()
        assert right <= shown_in.width(), widget


def test_the_standard_dose_sits_under_the_dose_field_and_nothing_touches_the_scroll_bar(
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(size=(1280, 800))
    window.open_item("iv-ketamine-trd")
    panel = window.item_view.calculator
    assert isinstance(panel, DosePanel)
    assert panel.dose_edit is not None
    assert panel.dose_choices is not None
    QApplication.processEvents()
    fields = panel.inputs_area.widget()
    assert fields is not None
    use_standard = panel.dose_choices.buttons[0]
    field_bottom = panel.dose_edit.mapTo(fields, QPoint(0, panel.dose_edit.height())).y()
    button_top = use_standard.mapTo(fields, QPoint(0, 0)).y()
    # No more than two of the form's row gaps: the button belongs to the field above it.
    form = fields.layout()
    assert isinstance(form, QFormLayout)
    assert button_top - field_bottom <= 2 * form.verticalSpacing()
    viewport = panel.inputs_area.viewport().width()
    for unit in (panel.dose_unit_label, *panel.weight_unit.buttons):  # type: ignore[union-attr]
        assert unit is not None
        right = unit.mapTo(fields, QPoint(unit.width(), 0)).x()
        assert viewport - right >= 8, unit  # a gap before the scroll bar
