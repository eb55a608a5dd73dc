"""The clinic's highest dose in the dose panel and on the printed dose record.

The local-rule values are test data (tests/local_rule_files.py); the doses are the content's own.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ketaref.content.format.local_rules import LocalRulesInForce
from ketaref.content.format.pack import Library
from ketaref.content.in_use.active import ActiveContent
from ketaref.dosing.calculator import DoseResult, calculate
from ketaref.gui.dose_panel import STATE_OK, STATE_REFUSED, DosePanel
from ketaref.printing.checklist_pdf import build_checklist_pdf
from tests.gui.conftest import WindowFactory
from tests.local_rule_files import rules_in_force
from tests.printing.pdf_tools import pdf_text_in_drawing_order

ATTRIBUTION = (
    "Local rule: Test policy TP-1 rev 1, approved by Test Approver, Medical director on"
    " 2026-11-01, review due 2099-11-01"
)


def panel_of(
    make_window: WindowFactory, library: Library, protocol: str, values: dict[str, str]
) -> DosePanel:
    active = ActiveContent(library, "bundled", local_rules=rules_in_force(library, values))
    window = make_window(active, size=(1200, 800))
    window.open_item(protocol)
    panel = window.item_view.calculator
    assert isinstance(panel, DosePanel)
    return panel


def printed(
    library: Library,
    protocol: str,
    tmp_path: Path,
    rules: LocalRulesInForce,
    dose: DoseResult | None,
) -> str:
    """The sheet's text as pdftotext reads it, wrapped lines joined."""
    data = build_checklist_pdf(
        library,
        protocol,
        dose=dose,
        local_rules=rules,
        printed_at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
    )
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    return re.sub(r"\s+", " ", pdf_text_in_drawing_order(path))


def shown_text(panel: DosePanel) -> str:
    return "\n".join(
        label.text() for label in panel.findChildren(QLabel) if label.isVisible() and label.text()
    )


def test_a_published_dose_above_the_clinics_highest_is_disabled_with_the_reason(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    panel = panel_of(
        make_window, bundled_library, "spravato-trd", {"spravato-trd-highest-dose": "56 mg"}
    )
    assert panel.fixed_dose_choice is not None
    low, high = panel.fixed_dose_choice.buttons
    assert (low.isEnabled(), high.isEnabled()) == (True, False)
    reason = f"not offered: above this clinic's highest dose, 56 mg ({ATTRIBUTION})"
    assert reason in shown_text(panel)
    assert reason in high.accessibleDescription()
    qtbot.mouseClick(high, Qt.MouseButton.LeftButton)  # a disabled button takes no press
    assert panel.result() is None
    qtbot.mouseClick(low, Qt.MouseButton.LeftButton)
    assert panel.state() == STATE_OK
    assert f"Clinic's highest dose: 56 mg ({ATTRIBUTION})" in shown_text(panel)


def test_a_typed_dose_above_the_clinics_highest_is_refused_naming_the_rule(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    panel = panel_of(
        make_window, bundled_library, "iv-ketamine-trd", {"iv-trd-highest-dose": "0.5 mg/kg"}
    )
    assert panel.range_label is not None
    assert f"Clinic's highest dose: 0.5 mg/kg ({ATTRIBUTION})" in panel.range_label.text()
    assert panel.weight_edit is not None
    assert panel.dose_edit is not None
    qtbot.keyClicks(panel.weight_edit, "70")
    qtbot.keyClicks(panel.dose_edit, "0.6")
    assert panel.state() == STATE_REFUSED
    assert (
        "Dose “0.6 mg/kg” is above 0.5 mg/kg, the highest dose this clinic gives" in panel.message()
    )
    assert ATTRIBUTION in panel.message()
    assert panel.dose_choices is not None
    assert panel.dose_choices.buttons[0].isEnabled()


def test_without_a_local_highest_the_panel_is_unchanged(
    make_window: WindowFactory, bundled_library: Library
) -> None:
    panel = panel_of(make_window, bundled_library, "spravato-trd", {"iv-weight-basis": "ideal"})
    assert panel.fixed_dose_choice is not None
    assert all(button.isEnabled() for button in panel.fixed_dose_choice.buttons)
    assert "Clinic's highest" not in shown_text(panel)


def test_the_printed_dose_record_names_the_clinics_highest(
    bundled_library: Library, tmp_path: Path
) -> None:
    rules = rules_in_force(bundled_library, {"spravato-trd-highest-dose": "56 mg"})
    protocol = bundled_library.protocols["spravato-trd"]
    result = calculate(protocol, dose="56 mg", sources=bundled_library.sources, local_rules=rules)
    text = printed(bundled_library, "spravato-trd", tmp_path, rules, result)
    assert text.count("Clinic's highest dose: 56 mg") == 1
    assert f"Clinic's highest dose: 56 mg ({ATTRIBUTION})" in text


WEIGHT_RULE = (
    f"Clinic's weight rule: a weight below 40 kg or above 150 kg is refused ({ATTRIBUTION})"
)


def weighed_39_kg(
    qtbot: QtBot, make_window: WindowFactory, library: Library, choice: str
) -> DosePanel:
    """The IV TRD panel under the clinic's weight choice, with 0.5 mg/kg and 39 kg typed."""
    panel = panel_of(
        make_window, library, "iv-ketamine-trd", {"iv-trd-weight-outside-warning": choice}
    )
    assert panel.weight_edit is not None
    assert panel.dose_edit is not None
    qtbot.keyClicks(panel.dose_edit, "0.5")
    qtbot.keyClicks(panel.weight_edit, "39")
    return panel


def test_a_weight_outside_the_warning_levels_is_refused_under_the_clinics_rule(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    panel = weighed_39_kg(qtbot, make_window, bundled_library, "refuse")
    assert panel.weight_edit is not None
    assert panel.state() == STATE_REFUSED
    assert "Weight “39 kg” is below 40 kg, the lowest weight this clinic doses by" in (
        panel.message()
    )
    assert ATTRIBUTION in panel.message()
    panel.weight_edit.clear()
    qtbot.keyClicks(panel.weight_edit, "70")
    assert panel.state() == STATE_OK
    assert WEIGHT_RULE in shown_text(panel)


def test_warn_keeps_the_weight_warning_in_the_panel(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    panel = weighed_39_kg(qtbot, make_window, bundled_library, "warn")
    assert panel.state() != STATE_REFUSED
    assert "is below 40 kg; check it" in shown_text(panel)
    assert "Clinic's weight rule" not in shown_text(panel)


def test_the_printed_dose_record_names_the_clinics_weight_rule_once(
    bundled_library: Library, tmp_path: Path
) -> None:
    rules = rules_in_force(bundled_library, {"iv-trd-weight-outside-warning": "refuse"})
    protocol = bundled_library.protocols["iv-ketamine-trd"]
    result = calculate(protocol, weight="70 kg", sources=bundled_library.sources, local_rules=rules)
    for dose in (None, result):  # a blank sheet, and one filled from a calculation
        text = printed(bundled_library, "iv-ketamine-trd", tmp_path, rules, dose)
        assert text.count("Clinic's weight rule") == 1
        assert WEIGHT_RULE in text
