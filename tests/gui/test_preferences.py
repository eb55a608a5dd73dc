"""Preferences: the user's clinic name and paper size, and keys IT locked staying read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from ketaref.gui.integration import machine_settings, save_user_preferences, user_preferences
from ketaref.gui.preferences import PreferencesDialog
from ketaref.policy import load_policy

from .conftest import WindowFactory


@pytest.fixture
def locked_clinic_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    policy = tmp_path / "policy.toml"
    policy.write_text('clinic_name = "Riverside Clinic"\nlocked = ["clinic_name"]\n')
    monkeypatch.setenv("KETAREF_POLICY", str(policy))
    return policy


def test_a_locked_key_is_read_only_and_says_it_is_managed_by_it(
    qtbot: QtBot, locked_clinic_policy: Path
) -> None:
    machine = machine_settings(load_policy({"clinic_name": "Typed by the user"}))
    dialog = PreferencesDialog(machine, {"clinic_name": "Typed by the user"})
    qtbot.addWidget(dialog)
    assert not dialog.clinic_name.isEnabled()
    assert dialog.clinic_name.text() == "Riverside Clinic"
    notes = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "managed by your IT department" in notes
    assert str(locked_clinic_policy) in notes
    assert dialog.paper.isEnabled()
    assert "clinic_name" not in dialog.values()


def test_the_users_paper_choice_is_stored_and_used_for_printing(
    qtbot: QtBot, make_window: WindowFactory, settings: QSettings
) -> None:
    window = make_window(machine=machine_settings(load_policy(user_preferences(settings))))

    def choose_letter_and_accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PreferencesDialog)
        dialog.paper.setFocus()
        dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
        qtbot.keyClicks(dialog.clinic_name, "Hillside Clinic")
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, choose_letter_and_accept)
    window.show_preferences()
    assert user_preferences(settings) == {
        "clinic_name": "Hillside Clinic",
        "default_paper": "letter",
    }
    assert window.machine.default_paper == "letter"
    assert window.machine.clinic_name == "Hillside Clinic"


def test_an_empty_choice_removes_the_stored_value(settings: QSettings) -> None:
    save_user_preferences(settings, {"clinic_name": "Hillside", "default_paper": "a4"})
    save_user_preferences(settings, {"clinic_name": "", "default_paper": "a4"})
    assert user_preferences(settings) == {"default_paper": "a4"}
