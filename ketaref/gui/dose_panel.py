"""The dose calculator panel shown on a protocol that has dosing.

A thin view over ``ketaref.dosing.calculate``: the fields hold text and units, each keystroke
recalculates, and the panel shows the result with its formula and sources, soft-limit warnings
with an acknowledge box, or the calculator's refusal in words. Nothing typed here is stored.
"""

from __future__ import annotations

import itertools
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ketaref.content.model import FixedDoseRegimen, Protocol, WeightBasedRegimen
from ketaref.content.pack import Library
from ketaref.content.quantity import format_decimal
from ketaref.dosing.calculator import DoseResult, calculate, regimen_label
from ketaref.dosing.units import DoseInputError
from ketaref.gui.palette import colors_for

_WEIGHT_UNITS = ("kg", "lb")
_DURATION_UNITS = ("min", "h")


def _selectable_label(accessible_name: str) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # content and typed text are never rich text
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setAccessibleName(accessible_name)
    return label


class DosePanel(QWidget):
    """Calculator for one protocol: weight, dose, duration, concentration → dose and working."""

    #: Emitted whenever the result, the refusal or the acknowledgement changes.
    resultChanged = Signal()

    def __init__(self, library: Library, protocol: Protocol, parent: QWidget | None = None):
        super().__init__(parent)
        if protocol.dosing is None:
            raise ValueError(f"{protocol.id} has no dose calculator")
        self._library = library
        self._protocol = protocol
        self._regimens = protocol.dosing.regimens
        self._fixed = next((r for r in self._regimens if isinstance(r, FixedDoseRegimen)), None)
        self._weight_based = [r for r in self._regimens if isinstance(r, WeightBasedRegimen)]
        self._result: DoseResult | None = None
        self._message = ""
        self._refused = False

        self.setAccessibleName(f"Dose calculator for {protocol.title}")
        self._dose_label = _selectable_label("Calculated dose")
        bigger = QFont(self._dose_label.font())
        bigger.setPointSizeF(bigger.pointSizeF() * 1.1)
        bigger.setBold(True)
        self._dose_label.setFont(bigger)
        self._working_label = _selectable_label("Formula, sources and display rounding")
        self._message_label = _selectable_label("Calculator message")
        self._warning_label = _selectable_label("Warnings to check")
        self._warning_label.setStyleSheet(f"color: {colors_for(self.palette()).warning_text};")
        self._acknowledge = QCheckBox("I have checked these warnings for this patient")
        self._acknowledge.setAccessibleName("Acknowledge warnings")
        self._acknowledge.setAccessibleDescription(
            "Tick after checking every warning; the result stays marked unacknowledged until then"
        )
        self._acknowledge.toggled.connect(self._acknowledgement_changed)
        self._ack_state_label = _selectable_label("Acknowledgement state")
        warnings = QFrame()
        warnings.setFrameShape(QFrame.Shape.StyledPanel)
        warning_layout = QVBoxLayout(warnings)
        for widget in (self._warning_label, self._acknowledge, self._ack_state_label):
            warning_layout.addWidget(widget)
        self._warning_frame = warnings

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        inputs = self._build_inputs(form)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the protocol view's "Dose calculator" box frames it
        layout.addLayout(form)
        for widget in (self._message_label, self._dose_label, warnings, self._working_label):
            layout.addWidget(widget)
        layout.addStretch(1)
        for first, second in itertools.pairwise([*inputs, self._acknowledge]):
            QWidget.setTabOrder(first, second)
        if self._weight_based:
            self._regimen_changed()  # fills in the standard dose and duration, then calculates
        else:
            self._recalculate()

    # --- building --------------------------------------------------------------------------

    def _build_inputs(self, form: QFormLayout) -> list[QWidget]:
        """Add the input rows to ``form``; return the inputs in tab order."""
        order: list[QWidget] = []
        self.weight_edit: QLineEdit | None = None
        self.weight_unit: QComboBox | None = None
        self.regimen_choice: QComboBox | None = None
        self.dose_edit: QLineEdit | None = None
        self.dose_unit_label: QLabel | None = None
        self.duration_edit: QLineEdit | None = None
        self.duration_unit: QComboBox | None = None
        self.concentration_edit: QLineEdit | None = None
        self.fixed_dose_choice: QComboBox | None = None

        if self._fixed is not None and not self._weight_based:
            self.fixed_dose_choice = QComboBox()
            for dose in self._fixed.allowed_doses:
                self.fixed_dose_choice.addItem(str(dose.value))
            standard = self._fixed.standard_dose
            self.fixed_dose_choice.setPlaceholderText("Choose a dose")
            self.fixed_dose_choice.setCurrentIndex(
                [d.value for d in self._fixed.allowed_doses].index(standard.value)
                if standard
                else -1
            )
            self._describe(
                self.fixed_dose_choice, "Dose", "The fixed doses this protocol allows, in mg"
            )
            self.fixed_dose_choice.currentIndexChanged.connect(self._recalculate)
            form.addRow("&Dose:", self.fixed_dose_choice)
            order.append(self.fixed_dose_choice)
            return order

        self.weight_edit = self._line_edit("e.g. 70", "Weight", "Patient's weight, a number")
        self.weight_unit = self._unit_choice(_WEIGHT_UNITS, "Weight unit", "Kilograms or pounds")
        form.addRow("&Weight:", self._row(self.weight_edit, self.weight_unit))
        order += [self.weight_edit, self.weight_unit]

        self.regimen_choice = QComboBox()
        for regimen in self._weight_based:
            self.regimen_choice.addItem(regimen_label(regimen))
        self._describe(self.regimen_choice, "Regimen", "Which of the protocol's regimens to use")
        self.regimen_choice.currentIndexChanged.connect(self._regimen_changed)
        if len(self._weight_based) > 1:
            form.addRow("&Regimen:", self.regimen_choice)
            order.append(self.regimen_choice)
        else:
            self.regimen_choice.hide()

        self.dose_edit = self._line_edit("", "Dose", "Dose per kilogram, a number")
        self.dose_unit_label = QLabel()
        form.addRow("D&ose:", self._row(self.dose_edit, self.dose_unit_label))
        order.append(self.dose_edit)

        self.duration_edit = self._line_edit("optional", "Duration", "Infusion duration, a number")
        self.duration_unit = self._unit_choice(_DURATION_UNITS, "Duration unit", "Minutes or hours")
        form.addRow("D&uration:", self._row(self.duration_edit, self.duration_unit))
        order += [self.duration_edit, self.duration_unit]

        self.concentration_edit = self._line_edit(
            "optional, e.g. 10",
            "Concentration",
            "Drug concentration in mg/mL, for the volume and pump rate; optional",
        )
        form.addRow("&Concentration:", self._row(self.concentration_edit, QLabel("mg/mL")))
        order.append(self.concentration_edit)
        return order

    def _line_edit(self, placeholder: str, name: str, description: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self._describe(edit, name, description)
        edit.textChanged.connect(self._recalculate)
        return edit

    def _unit_choice(self, units: tuple[str, ...], name: str, description: str) -> QComboBox:
        choice = QComboBox()
        choice.addItems(list(units))
        self._describe(choice, name, description)
        choice.currentIndexChanged.connect(self._recalculate)
        return choice

    @staticmethod
    def _describe(widget: QWidget, name: str, description: str) -> None:
        widget.setAccessibleName(name)
        widget.setAccessibleDescription(description)

    @staticmethod
    def _row(field: QWidget, unit: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        layout.addWidget(unit)
        # The row is its label's buddy: its Alt key goes to the field (Tab skips the row itself).
        row.setFocusPolicy(field.focusPolicy())
        row.setFocusProxy(field)
        return row

    # --- reacting ------------------------------------------------------------------------

    def _current_regimen(self) -> WeightBasedRegimen:
        assert self.regimen_choice is not None
        return self._weight_based[max(self.regimen_choice.currentIndex(), 0)]

    def _regimen_changed(self) -> None:
        """Show the chosen regimen's unit and fill in its standard dose and duration, if any."""
        assert self.dose_edit and self.dose_unit_label and self.duration_edit
        assert self.duration_unit is not None
        regimen = self._current_regimen()
        self.dose_unit_label.setText(regimen.dose_unit)
        self.dose_edit.setAccessibleDescription(f"Dose in {regimen.dose_unit}, a number")
        allowed = regimen.allowed_range.value if regimen.allowed_range else None
        self.dose_edit.setPlaceholderText(
            f"{format_decimal(allowed.low)}–{format_decimal(allowed.high)}" if allowed else ""
        )
        standard = regimen.standard_dose.value if regimen.standard_dose else None
        duration = regimen.standard_duration.value if regimen.standard_duration else None
        # Filling the fields recalculates through textChanged; block to do it once, at the end.
        for widget in (self.dose_edit, self.duration_edit, self.duration_unit):
            widget.blockSignals(True)
        self.dose_edit.setText(format_decimal(standard.value) if standard else "")
        self.duration_edit.setText(format_decimal(duration.value) if duration else "")
        if duration and duration.unit.value in _DURATION_UNITS:
            self.duration_unit.setCurrentText(duration.unit.value)
        for widget in (self.dose_edit, self.duration_edit, self.duration_unit):
            widget.blockSignals(False)
        self._recalculate()

    def _inputs(self) -> dict[str, str | None]:
        """The calculator's text inputs from the fields (None where a field is empty)."""

        def typed(edit: QLineEdit | None, unit: str) -> str | None:
            text = edit.text().strip() if edit else ""
            return f"{text} {unit}" if text else None

        if self.fixed_dose_choice is not None:
            return {"dose": self.fixed_dose_choice.currentText() or None}
        assert self.weight_unit and self.duration_unit
        return {
            "weight": typed(self.weight_edit, self.weight_unit.currentText()),
            "dose": typed(self.dose_edit, self._current_regimen().dose_unit),
            "duration": typed(self.duration_edit, self.duration_unit.currentText()),
            "concentration": typed(self.concentration_edit, "mg/mL"),
            "regimen_unit": self._current_regimen().dose_unit,
        }

    def _recalculate(self) -> None:
        inputs = self._inputs()
        previous_warnings = self._result.warnings if self._result else ()
        self._result, self._message, self._refused = None, "", False
        number_fields = (
            self.weight_edit,
            self.dose_edit,
            self.duration_edit,
            self.concentration_edit,
        )
        with_letters = [
            edit.accessibleName().lower()
            for edit in number_fields
            if edit is not None and re.search(r"[^\d.,\s-]", edit.text())
        ]
        if with_letters:
            self._message = (
                f"Not calculated: type only a number in the {with_letters[0]} field; "
                "its unit is beside it."
            )
            self._refused = True
        elif self.weight_edit is not None and inputs["weight"] is None:
            self._message = "Type the weight to see the dose."
        elif self.fixed_dose_choice is not None and inputs["dose"] is None:
            self._message = "Choose a dose to see the number of devices."
        else:
            try:
                self._result = calculate(self._protocol, **inputs)
            except DoseInputError as exc:
                ending = "." if exc.message[-1:].isalnum() else ""
                self._message = f"Not calculated: {exc.message}{ending}"
                self._refused = True
        if self._result is None or self._result.warnings != previous_warnings:
            # New warnings need a new acknowledgement.
            self._acknowledge.blockSignals(True)
            self._acknowledge.setChecked(False)
            self._acknowledge.blockSignals(False)
        self._show()

    def _acknowledgement_changed(self) -> None:
        self._show()

    def _show(self) -> None:
        result = self._result
        self._message_label.setText(self._message)
        refusal = colors_for(self.palette()).refusal_text
        self._message_label.setStyleSheet(f"color: {refusal};" if self._refused else "")
        self._message_label.setVisible(bool(self._message))
        self._dose_label.setVisible(result is not None)
        self._working_label.setVisible(result is not None)
        self._warning_frame.setVisible(bool(result and result.warnings))
        if result is not None:
            lines = result.summary_lines(acknowledged=self.acknowledged())
            # Warnings have their own frame, beside the acknowledgement.
            shown = [line for line in lines if not line.startswith("Warning:")]
            working = [line for line in shown if self._is_working(line)]
            self._dose_label.setText("\n".join(line for line in shown if line not in working))
            self._working_label.setText("\n".join(working))
            self._working_label.setToolTip(self._citations(result))
            self._warning_label.setText("\n".join(f"• {w}" for w in result.warnings))
            self._ack_state_label.setText(
                "Acknowledged on screen; the printed checklist will say so."
                if self.acknowledged()
                else "Not acknowledged yet: the result is marked unacknowledged."
            )
        self.resultChanged.emit()

    @staticmethod
    def _is_working(line: str) -> bool:
        return line.startswith(("Formula:", "Display rounding:", "Source:", "Entered by"))

    def _citations(self, result: DoseResult) -> str:
        """Full citations of the sources used, for the tooltip of the working."""
        ids = dict.fromkeys(c.source for s in result.sources for c in s.statement.citations())
        return "\n".join(
            f"{source_id}: {self._library.sources[source_id].citation}"
            for source_id in ids
            if source_id in self._library.sources
        )

    # --- what the rest of the app reads ----------------------------------------------------

    def result(self) -> DoseResult | None:
        """The current result, or None while the inputs are incomplete or refused."""
        return self._result

    def message(self) -> str:
        """What the panel says instead of a result (a prompt or a refusal), or empty."""
        return self._message

    def acknowledged(self) -> bool:
        """Whether the clinician ticked the acknowledgement for the current warnings."""
        return bool(self._result and self._result.warnings and self._acknowledge.isChecked())

    def dose_weight(self) -> str:
        """The weight the current result was worked out for, as typed ("154 lb"), or empty."""
        if self._result is None or self._result.weight is None:
            return ""
        return self._result.weight.entered_text()

    def dose_lines(self) -> list[str]:
        """The current result's lines for the printed session checklist (empty if none)."""
        if self._result is None:
            return []
        return self._result.summary_lines(acknowledged=self.acknowledged())
