"""The dose calculator panel, driven by keystrokes as a clinician would use it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from ketaref.content.pack import Library
from ketaref.gui.dose_panel import DosePanel
from tests.dosing.fake_protocols import BOLUS_OVER_TIME, RATE_RANGE, make_protocol


@pytest.fixture
def panel(qtbot: QtBot, bundled_library: Library) -> DosePanel:
    widget = DosePanel(bundled_library, make_protocol(BOLUS_OVER_TIME, RATE_RANGE))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
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


def test_prompts_for_weight_before_anything_is_typed(panel: DosePanel) -> None:
    assert panel.result() is None
    assert panel.message() == "Type the weight to see the dose."
    assert panel.dose_lines() == []
    assert panel.dose_edit is not None and panel.dose_edit.text() == "0.5"  # standard dose
    assert panel.duration_edit is not None and panel.duration_edit.text() == "40"


def test_typing_a_weight_in_kg_updates_the_result(qtbot: QtBot, panel: DosePanel) -> None:
    with qtbot.waitSignal(panel.resultChanged):
        type_into(qtbot, panel.weight_edit, "70")
    text = shown_text(panel)
    # 0.5 mg/kg × 70 kg = 35 mg; 35 mg × 60 ÷ 40 min = 52.5 mg/h
    assert "Dose: 0.5 mg/kg → 35 mg" in text
    assert "Over 40 min: 52.5 mg/h" in text
    assert "Formula: 0.5 mg/kg × 70 kg = 35 mg over 40 min → 52.5 mg/h" in text
    assert "Source: dose 0.5 mg/kg: test-dose, test §2" in text
    assert "Source: duration 40 min: test-duration, test §5" in text


def test_pounds_and_concentration(qtbot: QtBot, panel: DosePanel) -> None:
    assert panel.weight_unit is not None
    type_into(qtbot, panel.weight_edit, "154")
    qtbot.keyClick(panel.weight_unit, Qt.Key.Key_Down)  # kg → lb
    assert panel.weight_unit.currentText() == "lb"
    type_into(qtbot, panel.concentration_edit, "10")
    text = shown_text(panel)
    # 154 lb × 0.45359237 = 69.85322498 kg; × 0.5 mg/kg = 34.92661249 mg ÷ 10 mg/mL = 3.492661249 mL
    assert "Weight: 69.9 kg (exact 69.85322498 kg), entered as 154 lb" in text
    assert "Formula: 154 lb × 0.45359237 = 69.85322498 kg" in text
    assert "volume 3.49 mL (exact 3.492661249 mL)" in text
    assert "pump rate 5.24 mL/h (exact 5.2389918735 mL/h)" in text


def test_soft_warning_needs_the_box_ticked(qtbot: QtBot, panel: DosePanel) -> None:
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.dose_edit, "0.6")
    checkbox = panel.findChild(QCheckBox)
    assert checkbox is not None and checkbox.isVisible() and not checkbox.isChecked()
    assert "dose 0.6 mg/kg is above 0.5 mg/kg" in shown_text(panel)
    assert panel.dose_lines()[-1].endswith("(needs the clinician's acknowledgement)")
    assert not panel.acknowledged()

    with qtbot.waitSignal(panel.resultChanged):
        checkbox.setFocus()
        qtbot.keyClick(checkbox, Qt.Key.Key_Space)
    assert panel.acknowledged()
    assert panel.dose_lines()[-1].endswith("(acknowledged by the clinician on screen)")
    assert "Acknowledged on screen" in shown_text(panel)
    # 0.6 mg/kg × 70 kg = 42 mg: computed as typed, not clamped
    assert "Dose: 0.6 mg/kg → 42 mg" in shown_text(panel)

    type_into(qtbot, panel.weight_edit, "80")  # a new result needs a new acknowledgement
    assert not checkbox.isChecked() and not panel.acknowledged()


def test_hard_limit_refuses_in_words_without_a_dialog(qtbot: QtBot, panel: DosePanel) -> None:
    type_into(qtbot, panel.weight_edit, "300")
    assert panel.result() is None and panel.dose_lines() == []
    assert panel.message().startswith(
        "Not calculated: weight “300 kg” is above 250 kg, the highest weight"
    )
    assert panel.message() in shown_text(panel)
    assert "Dose:" not in shown_text(panel)
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [panel]

    type_into(qtbot, panel.dose_edit, "0.8")
    type_into(qtbot, panel.weight_edit, "70")
    assert "is above this protocol's published range 0.1–0.75 mg/kg" in panel.message()


def test_bad_typing_is_named(qtbot: QtBot, panel: DosePanel) -> None:
    type_into(qtbot, panel.weight_edit, "70,5")
    assert "use a decimal point, not a comma" in panel.message()
    type_into(qtbot, panel.weight_edit, "0")
    assert "is zero" in panel.message()
    type_into(qtbot, panel.weight_edit, "70 kg")
    assert panel.message() == (
        "Not calculated: type only a number in the weight field; its unit is beside it."
    )
    type_into(qtbot, panel.weight_edit, "70")
    type_into(qtbot, panel.concentration_edit, "nan")
    assert "only a number in the concentration field" in panel.message()


def test_switching_to_the_rate_regimen(qtbot: QtBot, panel: DosePanel) -> None:
    assert panel.regimen_choice is not None and panel.dose_unit_label is not None
    type_into(qtbot, panel.weight_edit, "70")
    qtbot.keyClick(panel.regimen_choice, Qt.Key.Key_Down)
    assert panel.dose_unit_label.text() == "mg/kg/h"
    assert panel.dose_edit is not None and panel.dose_edit.text() == ""
    assert panel.dose_edit.placeholderText() == "0.5–2"
    assert "gives a range, 0.5–2 mg/kg/h, and no single standard dose" in panel.message()
    type_into(qtbot, panel.dose_edit, "1")
    type_into(qtbot, panel.duration_edit, "4")
    assert panel.duration_unit is not None
    qtbot.keyClick(panel.duration_unit, Qt.Key.Key_Down)  # min → h
    # 1 mg/kg/h × 70 kg = 70 mg/h; over 4 h: 280 mg
    assert "Rate: 1 mg/kg/h → 70 mg/h" in shown_text(panel)
    assert "Over 4 h: total 280 mg (4 mg/kg)" in shown_text(panel)


def test_spravato_fixed_doses(qtbot: QtBot, bundled_library: Library) -> None:
    panel = DosePanel(bundled_library, bundled_library.protocols["spravato-trd"])
    qtbot.addWidget(panel)
    assert panel.weight_edit is None
    choice = panel.fixed_dose_choice
    assert choice is not None
    assert [choice.itemText(i) for i in range(choice.count())] == ["56 mg", "84 mg"]
    assert panel.message() == "Choose a dose to see the number of devices."
    choice.setCurrentIndex(0)
    assert "Dose: 56 mg = 2 devices of 28 mg" in panel.dose_lines()[1]
    qtbot.keyClick(choice, Qt.Key.Key_Down)
    assert "Dose: 84 mg = 3 devices of 28 mg" in panel.dose_lines()[1]  # 84 ÷ 28


def test_every_input_has_an_accessible_name_and_description(panel: DosePanel) -> None:
    inputs = [
        w
        for w in panel.findChildren(QWidget)
        if isinstance(w, QLineEdit | QComboBox | QCheckBox) and not w.isHidden()
    ]
    assert len(inputs) == 8
    for widget in inputs:
        assert widget.accessibleName(), widget
        assert widget.accessibleDescription(), widget.accessibleName()


def test_tab_order_follows_the_form(qtbot: QtBot, panel: DosePanel) -> None:
    expected = [
        panel.weight_edit,
        panel.weight_unit,
        panel.regimen_choice,
        panel.dose_edit,
        panel.duration_edit,
        panel.duration_unit,
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


def test_result_text_is_selectable(qtbot: QtBot, panel: DosePanel) -> None:
    type_into(qtbot, panel.weight_edit, "70")
    formula = next(label for label in panel.findChildren(QLabel) if "Formula:" in label.text())
    assert formula.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert formula.textFormat() == Qt.TextFormat.PlainText


def test_bundled_chronic_pain_protocol(qtbot: QtBot, bundled_library: Library) -> None:
    panel = DosePanel(bundled_library, bundled_library.protocols["iv-ketamine-chronic-pain"])
    qtbot.addWidget(panel)
    assert panel.regimen_choice is not None and panel.dose_edit is not None
    regimens = [panel.regimen_choice.itemText(i) for i in range(panel.regimen_choice.count())]
    assert regimens == ["Bolus (mg/kg)", "Infusion rate (mg/kg/h)"]
    type_into(qtbot, panel.weight_edit, "70")
    assert "gives a range, up to 0.35 mg/kg, and no single standard dose" in panel.message()
    type_into(qtbot, panel.dose_edit, "0.35")
    # 0.35 mg/kg × 70 kg = 24.5 mg
    assert "Dose: 0.35 mg/kg → 24.5 mg" in panel.dose_lines()
    assert "Source: published range up to 0.35 mg/kg: cohen-2018-gc, Dosing range (1)" in (
        panel.dose_lines()
    )
