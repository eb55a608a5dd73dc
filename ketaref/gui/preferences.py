"""The user's own preferences: clinic name and default paper size for printed checklists.

A key the machine policy locks is shown read-only with a note that IT manages it and where the
value comes from. Only these two keys are stored, in the user settings file the command line
reads too (``ketaref.policy``); never anything about a patient.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ketaref.gui.integration import MachineSettings
from ketaref.policy import MAX_HEADER_TEXT

PAPER_CHOICES = (("", "Follow this computer's region"), ("a4", "A4"), ("letter", "US Letter"))


class PreferencesDialog(QDialog):
    """Edit clinic name and default paper; locked keys are read-only and say who locked them."""

    def __init__(
        self, machine: MachineSettings, current: dict[str, object], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        form = QFormLayout()

        self.clinic_name = QLineEdit(str(current.get("clinic_name", "")))
        self.clinic_name.setAccessibleName("Clinic name")
        self.clinic_name.setAccessibleDescription("Printed at the top of every session checklist")
        self.clinic_name.setPlaceholderText("e.g. Riverside Interventional Psychiatry")
        # The same limit the policy checks: a longer name could not be printed.
        self.clinic_name.setMaxLength(MAX_HEADER_TEXT)
        form.addRow("&Clinic name", self.clinic_name)

        self.paper = QComboBox()
        self.paper.setAccessibleName("Default paper size")
        for key, label in PAPER_CHOICES:
            self.paper.addItem(label, key)
        self.paper.setCurrentIndex(max(0, self.paper.findData(current.get("default_paper", ""))))
        form.addRow("Default &paper", self.paper)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for key, widget in (("clinic_name", self.clinic_name), ("default_paper", self.paper)):
            origin = machine.locked_by.get(key)
            if origin is None:
                continue
            widget.setEnabled(False)
            if key == "clinic_name":
                self.clinic_name.setText(machine.printing.clinic_name)
            else:
                chosen = machine.printing.chosen_paper or ""
                self.paper.setCurrentIndex(max(0, self.paper.findData(chosen)))
            row_label = form.labelForField(widget)
            assert isinstance(row_label, QLabel)  # addRow made it from the row's text
            note = QLabel(
                f"{row_label.text().replace('&', '')} is managed by "
                f"your IT department ({origin}) and cannot be changed here."
            )
            note.setWordWrap(True)
            layout.addWidget(note)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        """The values to store; locked keys are left out (the policy decides them)."""
        chosen = {
            "clinic_name": self.clinic_name.text().strip(),
            "default_paper": self.paper.currentData(),
        }
        return {key: value for key, value in chosen.items() if self._editable(key)}

    def _editable(self, key: str) -> bool:
        widget = self.clinic_name if key == "clinic_name" else self.paper
        return widget.isEnabled()
