"""Preferences: the user's clinic name and paper size, and keys IT locked staying read-only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from ketaref.gui.integration import machine_settings
from ketaref.gui.preferences import PreferencesDialog
from ketaref.policy import load_policy, read_user_settings, save_user_settings
from tests.gui.conftest import WindowFactory


@pytest.fixture
def locked_clinic_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    policy = tmp_path / "policy.toml"
    policy.write_text('clinic_name = "Riverside Clinic"\nlocked = ["clinic_name"]\n')
    monkeypatch.setenv("KETAREF_POLICY", str(policy))
    return policy


def test_a_locked_key_is_read_only_and_says_it_is_managed_by_it(
    qtbot: QtBot, locked_clinic_policy: Path
) -> None:
    save_user_settings({"clinic_name": "Typed by the user"})
    machine = machine_settings(load_policy())
    dialog = PreferencesDialog(machine, read_user_settings()[0])
    qtbot.addWidget(dialog)
    assert not dialog.clinic_name.isEnabled()
    assert dialog.clinic_name.text() == "Riverside Clinic"
    notes = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "managed by your IT department" in notes
    assert str(locked_clinic_policy) in notes
    assert dialog.paper.isEnabled()
    assert "clinic_name" not in dialog.values()


def test_the_users_choice_is_used_by_the_window_and_the_command_line(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(machine=machine_settings(load_policy()))

    def choose_letter_and_accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PreferencesDialog)
        dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
        qtbot.keyClicks(dialog.clinic_name, "Hillside Clinic")
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, choose_letter_and_accept)
    window.show_preferences()
    assert read_user_settings()[0] == {"clinic_name": "Hillside Clinic", "default_paper": "letter"}
    assert window.machine.printing.chosen_paper == "letter"
    assert window.machine.printing.clinic_name == "Hillside Clinic"
    shown = subprocess.run(
        [sys.executable, "-m", "ketaref", "policy", "show", "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
    ).stdout
    settings = {entry["key"]: entry for entry in json.loads(shown)["settings"]}
    assert settings["clinic_name"]["value"] == "Hillside Clinic"
    assert settings["clinic_name"]["origin"] == "user"


def test_an_empty_choice_removes_the_stored_value() -> None:
    save_user_settings({"clinic_name": "Hillside", "default_paper": "a4"})
    save_user_settings({"clinic_name": "", "default_paper": "a4"})
    assert read_user_settings()[0] == {"default_paper": "a4"}


def test_a_clinic_name_with_quotes_and_accents_survives_the_file() -> None:
    name = 'Clinique "Saint-Éloi" \\ Nord'
    save_user_settings({"clinic_name": name})
    assert read_user_settings() == ({"clinic_name": name}, [])


def test_the_clinic_name_field_holds_no_more_than_a_printout_can(qtbot: QtBot) -> None:
    dialog = PreferencesDialog(machine_settings(load_policy()), {})
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.clinic_name, "N" * 90)
    assert dialog.values()["clinic_name"] == "N" * 80
