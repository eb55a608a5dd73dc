"""The dose calculator panel shown on a protocol that has dosing.

A thin view over ``ketaref.dosing.calculate``: the fields hold text, each keystroke recalculates,
and one result card shows the dose in large type with a clear state (calculated, warnings not yet
acknowledged, or not calculated), the sources as the numbered citations of the text, and the
formula and exact values under "Show working". Nothing typed here is stored.

Nothing changes a dose without a deliberate act: units, regimens and fixed doses are toggle
buttons that change only when pressed (never by arrow keys or the mouse wheel), the dose field
starts empty with the protocol's published doses offered as buttons, and a changed result is
highlighted and announced to screen readers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QFont,
    QGuiApplication,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionFrame,
    QVBoxLayout,
    QWidget,
)

from ketaref.content.format.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.format.model import (
    UNKNOWN_SOURCE,
    Citation,
    CitedQuantity,
    CitedRange,
    FixedDoseRegimen,
    Protocol,
    WeightBasedRegimen,
)
from ketaref.content.format.pack import Library
from ketaref.content.format.quantity import Quantity, format_decimal, other_digit_problem
from ketaref.dosing.calculator import calculate, local_ceiling, regimen_label
from ketaref.dosing.result import DoseResult, LocalCeiling, cited, range_text
from ketaref.dosing.units import DoseInputError
from ketaref.gui.fitting_scroll import FittingScrollArea
from ketaref.gui.palette import colors_for, theme_from, toggle_style_sheet

#: How long a changed result stays highlighted, in milliseconds.
HIGHLIGHT_MS = 1500
#: Pixels kept free between the inputs and the inputs' scroll bar.
SCROLL_BAR_GAP = 8
#: The least height of the inputs and of the card's details when the column is short (each
#: scrolls then): a row of fields, two lines of text.
INPUTS_LEAST_HEIGHT = 44
DETAILS_LEAST_HEIGHT = 30

#: The result card's states, as the card's first line says them.
STATE_OK = "Calculated"
STATE_UNACKNOWLEDGED = "Calculated: warnings not yet acknowledged"
STATE_REFUSED = "Not calculated"


class HintedLineEdit(QLineEdit):
    """A line edit never narrower than its placeholder, so the hint is read whole at any scale."""

    #: The least width for a short placeholder (device-independent pixels).
    LEAST_WIDTH = 60

    def minimumSizeHint(self) -> QSize:
        """Qt's least size, widened to show the placeholder with this style's frame and padding."""
        hint = super().minimumSizeHint()
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        margins = self.textMargins()
        # Qt keeps 2 px free on each side of a line edit's text.
        text_width = (
            self.fontMetrics().horizontalAdvance(self.placeholderText())
            + margins.left()
            + margins.right()
            + 4
        )
        contents = QSize(text_width, self.fontMetrics().height())
        fitting = self.style().sizeFromContents(
            QStyle.ContentsType.CT_LineEdit, option, contents, self
        )
        return QSize(max(self.LEAST_WIDTH, fitting.width()), hint.height())


def _selectable_label(description: str) -> QLabel:
    """A wrapping, selectable plain-text label; its text is what a screen reader reads."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # content and typed text are never rich text
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    # A description, not a name: an accessible name would replace the text a screen reader reads.
    label.setAccessibleDescription(description)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class ChoiceButtons(QWidget):
    """Toggle buttons of which at most one is down; only a press (click, Space, Alt+key) changes it.

    Qt's exclusive button groups move the choice with the arrow keys; these buttons keep their
    exclusivity by hand, so a stray arrow key or wheel turn leaves the choice as it was.
    """

    #: Emitted with the index of the button the user pressed.
    chosen = Signal(int)

    def __init__(
        self,
        texts: Sequence[str],
        name: str,
        description: str,
        *,
        vertical: bool = False,
        checked: int | None = None,
        notes: Sequence[str] = (),
    ):
        super().__init__()
        direction = (
            QBoxLayout.Direction.TopToBottom if vertical else QBoxLayout.Direction.LeftToRight
        )
        layout = QBoxLayout(direction, self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QPushButton] = []
        self._note_rows: list[tuple[QBoxLayout, QPushButton, QLabel]] = []
        for index, text in enumerate(texts):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setAutoDefault(False)
            # The style's minimum button width would push a narrow panel into sideways scrolling.
            label_width = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
            button.setMinimumWidth(label_width + 2 * button.fontMetrics().averageCharWidth() + 8)
            note = notes[index] if notes else ""
            button.setAccessibleDescription(f"{description}; press to choose. {note}".strip())
            button.clicked.connect(lambda _=False, i=index: self._press(i))
            self.buttons.append(button)
            if not note:
                layout.addWidget(button)
                continue
            # The note (a source) wraps beside the button, so a narrow panel never scrolls
            # sideways; where even one of its words would not fit there, it goes under it.
            label = _selectable_label(f"Source of {button.text().replace('&', '')}")
            label.setText(note)
            row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            row.addWidget(label, 1)
            layout.addLayout(row)
            self._note_rows.append((row, button, label))
        if not vertical:
            layout.addStretch(1)
        self.setAccessibleName(name)
        self.setAccessibleDescription(description)
        # The button that is down is filled in a strong colour, so the choice is plain at a glance.
        self.setStyleSheet(toggle_style_sheet(self.palette()))
        self._index: int | None = None
        if checked is not None:
            self.set_index(checked)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Each note beside its button where its longest word fits there, else under it."""
        super().resizeEvent(event)
        for row, button, label in self._note_rows:
            metrics = label.fontMetrics()
            longest = max(metrics.horizontalAdvance(word) for word in label.text().split())
            button_width = max(button.sizeHint().width(), button.minimumWidth())
            room = self.width() - button_width - max(row.spacing(), 0)
            beside = room >= longest + 2 * label.margin() + 4
            direction = (
                QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
            )
            if row.direction() != direction:
                row.setDirection(direction)

    def index(self) -> int | None:
        """The index of the button that is down, or None."""
        return self._index

    def set_index(self, index: int | None) -> None:
        """Put one button down (or none) without emitting ``chosen``."""
        self._index = index
        for i, button in enumerate(self.buttons):
            button.setChecked(i == index)

    def _press(self, index: int) -> None:
        self.set_index(index)  # pressing the button that is down keeps it down
        self.chosen.emit(index)


class DosePanel(QWidget):
    """Calculator for one protocol: weight, dose, duration, concentration → dose and working."""

    #: Emitted whenever the result, the refusal or the acknowledgement changes.
    resultChanged = Signal()

    def __init__(
        self,
        library: Library,
        protocol: Protocol,
        parent: QWidget | None = None,
        *,
        local_rules: LocalRulesInForce = NO_LOCAL_RULES,
    ):
        super().__init__(parent)
        if protocol.dosing is None:
            raise ValueError(f"{protocol.id} has no dose calculator")
        self._library = library
        self._protocol = protocol
        self._local_rules = local_rules
        self._numbers = self._citation_numbers(library, protocol)
        self._fixed = next(
            (r for r in protocol.dosing.regimens if isinstance(r, FixedDoseRegimen)), None
        )
        self._weight_based = [
            r for r in protocol.dosing.regimens if isinstance(r, WeightBasedRegimen)
        ]
        self._result: DoseResult | None = None
        self._message = ""
        self._refused = False
        self._shown_dose = ""
        self._highlight = QTimer(self, singleShot=True, interval=HIGHLIGHT_MS)
        self._highlight.timeout.connect(lambda: self._set_highlight(False))

        self.setAccessibleName(f"Dose calculator for {protocol.title}")
        fields = QWidget()
        form = QFormLayout(fields)
        # Room on the right, so the units never touch the scroll bar when there is one.
        form.setContentsMargins(0, 0, SCROLL_BAR_GAP, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        inputs = self._build_inputs(form)
        card = self._build_card()
        # The inputs scroll on their own when the column is short; the card stays in view below
        # them, its state and dose always shown (only its details scroll), so a changed result
        # is seen at once at any scale.
        self.inputs_area = FittingScrollArea(fields, INPUTS_LEAST_HEIGHT)
        self.inputs_area.setAccessibleName("Calculator inputs")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the protocol view's "Dose calculator" box frames it
        layout.addWidget(self.inputs_area)
        layout.addWidget(card)
        for first, second in itertools.pairwise([*inputs, self._acknowledge, self.working_toggle]):
            QWidget.setTabOrder(first, second)
        if self._weight_based:
            self._regimen_changed()  # shows the first regimen's unit, choices and duration
        else:
            self._recalculate()

    # --- building --------------------------------------------------------------------------

    @staticmethod
    def _citation_numbers(library: Library, protocol: Protocol) -> dict[tuple[str, str], int]:
        """The [n] numbers the protocol's text gives its citations, so both say the same."""
        from ketaref.gui.rich_text import render_item

        # Only the numbering is read; the colours do not matter, any palette's will do.
        theme = theme_from(QGuiApplication.palette())
        rendered = render_item(library, protocol, theme)
        return {(c.source_id, c.locator): c.number for c in rendered.citations}

    def cite(self, citation: Citation) -> str:
        """A citation as the text writes it, ``[3, secondary source]``, with its verification."""
        source = self._library.sources.get(citation.source)
        tag = source.verification.label if source else UNKNOWN_SOURCE
        number = self._numbers.get((citation.source, citation.locator))
        if number is None:  # not cited in the protocol's text: name the source in words
            citation_words = source.citation if source else citation.source
            return f"[{citation_words} {citation.locator}; {tag}]"
        return f"[{number}, {tag}]"

    def _build_inputs(self, form: QFormLayout) -> list[QWidget]:
        """Add the input rows to ``form``; return the inputs in tab order."""
        self.weight_edit: QLineEdit | None = None
        self.weight_unit: ChoiceButtons | None = None
        self.regimen_choice: ChoiceButtons | None = None
        self.dose_edit: QLineEdit | None = None
        self.dose_unit_label: QLabel | None = None
        self.dose_choices: ChoiceButtons | None = None
        self.range_label: QLabel | None = None
        self.duration_edit: QLineEdit | None = None
        self.duration_unit: ChoiceButtons | None = None
        self.concentration_edit: QLineEdit | None = None
        self.fixed_dose_choice: ChoiceButtons | None = None

        if self._fixed is not None and not self._weight_based:
            doses = self._fixed.allowed_doses
            ceiling = local_ceiling(self._fixed, self._local_rules)
            self.fixed_dose_choice = ChoiceButtons(
                [self._choice_text(i, dose) for i, dose in enumerate(doses)],
                "Dose",
                "The fixed doses this protocol allows, each with its source",
                vertical=True,
                notes=[
                    cited(dose, self.cite) + self._above_note(dose.value, ceiling) for dose in doses
                ],
            )
            self._disable_above(self.fixed_dose_choice, [d.value for d in doses], ceiling)
            self.fixed_dose_choice.chosen.connect(self._recalculate)
            label = QLabel("Dose (choose one):")
            form.addRow(label)
            form.addRow(self.fixed_dose_choice)
            return list(self.fixed_dose_choice.buttons)

        order: list[QWidget] = []
        self.weight_edit = self._line_edit("e.g. 70", "Weight", "Patient's weight, a number")
        self.weight_unit = ChoiceButtons(
            ["&kg", "l&b"], "Weight unit", "Kilograms or pounds", checked=0
        )
        self.weight_unit.chosen.connect(self._recalculate)
        form.addRow(
            self._buddy("&Weight:", self.weight_edit), self._row(self.weight_edit, self.weight_unit)
        )
        order += [self.weight_edit, *self.weight_unit.buttons]

        self.regimen_choice = ChoiceButtons(
            [regimen_label(r) for r in self._weight_based],
            "Regimen",
            "Which of the protocol's regimens to use",
            vertical=True,
            checked=0,
        )
        self.regimen_choice.chosen.connect(self._regimen_changed)
        if len(self._weight_based) > 1:
            form.addRow(QLabel("Regimen:"), self.regimen_choice)
            order += self.regimen_choice.buttons
        else:
            self.regimen_choice.hide()

        self.dose_edit = self._line_edit("choose or type", "Dose", "Dose per kilogram, a number")
        self.dose_unit_label = QLabel()
        form.addRow(
            self._buddy("D&ose:", self.dose_edit), self._row(self.dose_edit, self.dose_unit_label)
        )
        order.append(self.dose_edit)
        self._dose_choice_row = QWidget()
        QVBoxLayout(self._dose_choice_row).setContentsMargins(0, 0, 0, 0)
        self.range_label = _selectable_label("The dose and duration ranges this calculator accepts")
        form.addRow(self._dose_choice_row)
        form.addRow(self.range_label)

        self.duration_edit = self._line_edit("optional", "Duration", "Infusion duration, a number")
        self.duration_unit = ChoiceButtons(
            ["m&in", "hou&rs"], "Duration unit", "Minutes or hours", checked=0
        )
        self.duration_unit.chosen.connect(self._recalculate)
        form.addRow(
            self._buddy("D&uration:", self.duration_edit),
            self._row(self.duration_edit, self.duration_unit),
        )
        order += [self.duration_edit, *self.duration_unit.buttons]

        self.concentration_edit = self._line_edit(
            "optional, e.g. 10",
            "Concentration",
            "Drug concentration in mg/mL, for the volume and pump rate; optional",
        )
        form.addRow(
            self._buddy("Concen&tration:", self.concentration_edit),
            self._row(self.concentration_edit, QLabel("mg/mL")),
        )
        order.append(self.concentration_edit)
        return order

    @staticmethod
    def _above_note(dose: Quantity, ceiling: LocalCeiling | None) -> str:
        """Beside a published dose above the clinic's highest: why it cannot be chosen."""
        if ceiling is None or ceiling.allows(dose):
            return ""
        return f"; not offered: above this clinic's highest dose, {ceiling.dose} ({ceiling.attribution})"

    @staticmethod
    def _disable_above(
        choices: ChoiceButtons, doses: Sequence[Quantity], ceiling: LocalCeiling | None
    ) -> None:
        """Grey out the buttons of doses above the clinic's highest (their note says why)."""
        for button, dose in zip(choices.buttons, doses, strict=True):
            button.setEnabled(ceiling is None or ceiling.allows(dose))

    @staticmethod
    def _choice_text(index: int, dose: CitedQuantity) -> str:
        """``&56 mg``: a published dose with a mnemonic on its first digit."""
        value = format_decimal(dose.value.value)
        mnemonic = f"&{value}" if index < 9 else value
        return f"{mnemonic} {dose.value.unit.value}"

    def _build_card(self) -> QFrame:
        """The result card: state, dose in large type, lines, warnings, sources, working."""
        card = QFrame()
        card.setObjectName("resultCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setAccessibleName("Result")
        self.card = card
        self.state_label = _selectable_label("State of the result")
        bold = QFont(self.state_label.font())
        bold.setBold(True)
        self.state_label.setFont(bold)
        self.dose_label = _selectable_label("Calculated dose")
        large = QFont(self.dose_label.font())
        large.setPointSizeF(large.pointSizeF() * 1.6)
        large.setBold(True)
        self.dose_label.setFont(large)
        self.lines_label = _selectable_label("Weight, dose, rate, volume and pump rate")
        self._message_label = _selectable_label("Why the dose is not calculated")
        self._warning_label = _selectable_label("Warnings to check")
        self._warning_label.setStyleSheet(f"color: {colors_for(self.palette()).warning_text};")
        # A check box does not wrap its text: a wrapping label beside it keeps it readable when
        # the panel is narrow (Alt+P, from the label, moves to the box).
        self._acknowledge = QCheckBox()
        self._acknowledge_text = QLabel("I have checked these warnings for this &patient")
        self._acknowledge_text.setWordWrap(True)
        self._acknowledge_text.setBuddy(self._acknowledge)
        self._acknowledge_text.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        self._acknowledge.setAccessibleName("Acknowledge warnings")
        self._acknowledge.setAccessibleDescription(
            "Tick after checking every warning; the result stays marked unacknowledged until then"
        )
        self._acknowledge.toggled.connect(self._acknowledgement_changed)
        self._ack_state_label = _selectable_label("Acknowledgement state")
        self._sources_label = _selectable_label("Sources of the numbers used")
        self.working_toggle = QPushButton("Show worki&ng")
        self.working_toggle.setCheckable(True)
        self.working_toggle.setAutoDefault(False)
        self.working_toggle.setAccessibleDescription(
            "Shows the formula with the numbers put in, the exact values and the rounding"
        )
        self.working_toggle.setStyleSheet(toggle_style_sheet(self.palette()))
        self.working_toggle.toggled.connect(self._show)
        self._working_label = _selectable_label("Formula, exact values and display rounding")

        warnings = QFrame()
        warning_layout = QVBoxLayout(warnings)
        warning_layout.setContentsMargins(0, 0, 0, 0)
        acknowledge_row = QHBoxLayout()
        acknowledge_row.addWidget(self._acknowledge)
        acknowledge_row.addWidget(self._acknowledge_text, 1)
        warning_layout.addWidget(self._warning_label)
        warning_layout.addLayout(acknowledge_row)
        warning_layout.addWidget(self._ack_state_label)
        self._warning_frame = warnings
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, SCROLL_BAR_GAP, 0)
        for widget in (
            self.lines_label,
            warnings,
            self._sources_label,
            self.working_toggle,
            self._working_label,
        ):
            details_layout.addWidget(widget)
        self.details_area = FittingScrollArea(details, DETAILS_LEAST_HEIGHT)
        self.details_area.setAccessibleName("Result details")
        layout = QVBoxLayout(card)
        for widget in (self.state_label, self.dose_label, self._message_label):
            layout.addWidget(widget)
        layout.addWidget(self.details_area)
        return card

    def _line_edit(self, placeholder: str, name: str, description: str) -> QLineEdit:
        edit = HintedLineEdit()
        edit.setPlaceholderText(placeholder)
        self._describe(edit, name, description)
        edit.textChanged.connect(self._recalculate)
        return edit

    @staticmethod
    def _buddy(text: str, field: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(field)
        return label

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
        row.setFocusProxy(field)
        return row

    # --- reacting ------------------------------------------------------------------------

    def _current_regimen(self) -> WeightBasedRegimen:
        assert self.regimen_choice is not None
        return self._weight_based[self.regimen_choice.index() or 0]

    def _regimen_changed(self) -> None:
        """Show the chosen regimen's unit, its published doses as choices, and its duration."""
        assert self.dose_edit and self.dose_unit_label and self.duration_edit
        assert self.duration_unit is not None and self.range_label is not None
        regimen = self._current_regimen()
        self.dose_unit_label.setText(regimen.dose_unit)
        self.dose_edit.setAccessibleDescription(f"Dose in {regimen.dose_unit}, a number")
        self._set_dose_choices(regimen)
        allowed = regimen.allowed_range
        durations = regimen.duration_limits.accepted
        # Where each accepted range comes from, with its verification (the IV TRD durations
        # rest on the abstract of one review), before any refusal quotes it.
        self.range_label.setText(
            (
                f"The calculator accepts {range_text(allowed.value)} "
                f"{cited(allowed, self.cite)}: {allowed.text}"
                if allowed
                else "The calculator accepts only the standard dose."
            )
            + self._ceiling_line(regimen)
            + f"\nDurations it accepts: {range_text(durations.value)} "
            + (
                f"{cited(durations, self.cite)}: {durations.text}"
                if isinstance(durations, CitedRange)
                else f"(set by the site: {durations.site_defined})"
            )
        )
        duration = regimen.standard_duration.value if regimen.standard_duration else None
        # Filling the fields recalculates through textChanged; block to do it once, at the end.
        for widget in (self.dose_edit, self.duration_edit):
            widget.blockSignals(True)
        self.dose_edit.clear()  # the screen never chooses a dose
        self.duration_edit.setText(format_decimal(duration.value) if duration else "")
        if duration:
            self.duration_unit.set_index(0 if duration.unit.value == "min" else 1)
        for widget in (self.dose_edit, self.duration_edit):
            widget.blockSignals(False)
        self._recalculate()

    def _ceiling_line(self, regimen: WeightBasedRegimen) -> str:
        """The clinic's highest dose for ``regimen`` with its local rule, or "" when unset."""
        ceiling = local_ceiling(regimen, self._local_rules)
        return f"\n{ceiling.text()}" if ceiling else ""

    def _set_dose_choices(self, regimen: WeightBasedRegimen) -> None:
        """Offer the regimen's standard dose, with its source, as a button that fills the field."""
        layout = self._dose_choice_row.layout()
        assert layout is not None
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.deleteLater()
        self.dose_choices = None
        standard = regimen.standard_dose
        if standard is None:
            self._dose_choice_row.hide()
            return
        ceiling = local_ceiling(regimen, self._local_rules)
        self.dose_choices = ChoiceButtons(
            [f"Use {self._choice_text(0, standard)}"],
            "Published dose",
            "The protocol's standard dose with its source; press to put it in the dose field",
            vertical=True,  # its source wraps beside it, no stretch squeezing it to a column
            notes=[
                f"the protocol's standard dose {cited(standard, self.cite)}"
                + self._above_note(standard.value, ceiling)
            ],
        )
        self._disable_above(self.dose_choices, [standard.value], ceiling)
        self.dose_choices.chosen.connect(lambda _: self._use_standard(standard))
        layout.addWidget(self.dose_choices)
        self._dose_choice_row.show()
        assert self.dose_edit is not None
        QWidget.setTabOrder(self.dose_edit, self.dose_choices.buttons[0])

    def _use_standard(self, standard: CitedQuantity) -> None:
        assert self.dose_edit is not None
        self.dose_edit.setText(format_decimal(standard.value.value))

    def _inputs(self) -> dict[str, str | None]:
        """The calculator's text inputs from the fields (None where a field is empty)."""

        def typed(edit: QLineEdit | None, unit: str) -> str | None:
            text = edit.text().strip() if edit else ""
            return f"{text} {unit}" if text else None

        if self.fixed_dose_choice is not None:
            assert self._fixed is not None
            index = self.fixed_dose_choice.index()
            return {"dose": None if index is None else str(self._fixed.allowed_doses[index].value)}
        assert self.weight_unit and self.duration_unit
        return {
            "weight": typed(self.weight_edit, ("kg", "lb")[self.weight_unit.index() or 0]),
            "dose": typed(self.dose_edit, self._current_regimen().dose_unit),
            "duration": typed(self.duration_edit, ("min", "h")[self.duration_unit.index() or 0]),
            "concentration": typed(self.concentration_edit, "mg/mL"),
            "regimen_unit": self._current_regimen().dose_unit,
        }

    def _recalculate(self) -> None:
        inputs = self._inputs()
        previous_warnings = self._result.warning_texts() if self._result else []
        self._result, self._message, self._refused = None, "", False
        if self.dose_choices is not None and self._current_regimen().standard_dose:
            standard = self._current_regimen().standard_dose
            assert standard is not None and self.dose_edit is not None
            is_standard = self.dose_edit.text().strip() == format_decimal(standard.value.value)
            self.dose_choices.set_index(0 if is_standard else None)
        number_fields = (
            self.weight_edit,
            self.dose_edit,
            self.duration_edit,
            self.concentration_edit,
        )
        other_digits = [
            f"In the {edit.accessibleName().lower()} field, {problem}."
            for edit in number_fields
            if edit is not None and (problem := other_digit_problem(edit.text().strip()))
        ]
        with_letters = [
            edit.accessibleName().lower()
            for edit in number_fields
            if edit is not None and re.search(r"[^0-9.,\s-]", edit.text())
        ]
        if other_digits:
            self._message = other_digits[0]
            self._refused = True
        elif with_letters:
            self._message = (
                f"Type only a number in the {with_letters[0]} field; its unit is beside it."
            )
            self._refused = True
        elif self.weight_edit is not None and inputs["weight"] is None:
            self._message = "Type the weight to see the dose."
        elif inputs["dose"] is None:
            self._message = (
                "Choose a dose to see the number of devices."
                if self.fixed_dose_choice is not None
                else "Choose or type a dose to see the result."
            )
        else:
            try:
                self._result = calculate(
                    self._protocol,
                    **inputs,
                    sources=self._library.sources,
                    local_rules=self._local_rules,
                )
            except DoseInputError as exc:
                text = exc.without_citation()
                if exc.basis is not None:
                    text += f" {cited(exc.basis, self.cite)}"
                ending = "." if text[-1:].isalnum() or text.endswith("]") else ""
                self._message = f"{text[:1].upper()}{text[1:]}{ending}"
                self._refused = True
        warnings = self._result.warning_texts() if self._result else []
        if self._result is None or warnings != previous_warnings:
            # New warnings need a new acknowledgement.
            self._acknowledge.blockSignals(True)
            self._acknowledge.setChecked(False)
            self._acknowledge.blockSignals(False)
        self._show()

    def _acknowledgement_changed(self) -> None:
        self._show()

    def state(self) -> str:
        """The result card's state: calculated, warnings not acknowledged, or not calculated."""
        if self._result is None:
            return STATE_REFUSED
        if self._result.needs_acknowledgement and not self.acknowledged():
            return STATE_UNACKNOWLEDGED
        return STATE_OK

    def _show(self) -> None:
        result = self._result
        self.state_label.setText(self.state() if result or self._refused else "")
        self.state_label.setVisible(result is not None or self._refused)
        self._message_label.setText(self._message)
        refusal = colors_for(self.palette()).refusal_text
        self._message_label.setStyleSheet(f"color: {refusal};" if self._refused else "")
        self._message_label.setVisible(bool(self._message))
        for widget in (self.dose_label, self.lines_label, self._sources_label):
            widget.setVisible(result is not None)
        self.details_area.setVisible(result is not None)
        self.working_toggle.setVisible(result is not None)
        self._working_label.setVisible(result is not None and self.working_toggle.isChecked())
        self._warning_frame.setVisible(bool(result and result.needs_acknowledgement))
        dose = result.headline() if result else ""
        if result is not None:
            self.dose_label.setText(dose)
            self.lines_label.setText(
                "\n".join([*result.choice_lines(self.cite), *result.result_lines(exact=False)])
            )
            self._sources_label.setText(
                "\n".join(
                    [f"Source: {s.text(self.cite)}" for s in result.sources]
                    + [note.text(self.cite) for note in result.notes]
                )
            )
            self._working_label.setText(
                "\n".join(
                    [
                        *result.result_lines(exact=True),
                        *(
                            line
                            for line in result.working_lines(self.cite)
                            if not line.startswith("Source:")
                            and not any(line == note.text(self.cite) for note in result.notes)
                        ),
                    ]
                )
            )
            self._warning_label.setText(
                "\n".join(f"• {w}" for w in result.warning_texts(self.cite))
            )
            self._ack_state_label.setText(
                "Acknowledged on screen; the printed checklist will say so."
                if self.acknowledged()
                else "Not acknowledged yet: the result is marked unacknowledged."
            )
        if dose != self._shown_dose:
            self._result_changed_visibly(self._shown_dose, dose)
        self._keep_headline_whole()
        self.resultChanged.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A narrower card wraps the state and dose onto more lines: keep room for them all."""
        super().resizeEvent(event)
        self._keep_headline_whole()

    def _keep_headline_whole(self) -> None:
        """The card is never shorter than its state, dose and message at its width (only its
        details scroll), so the result is never cut however short the column."""
        layout = self.card.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        width = self.card.contentsRect().width() - margins.left() - margins.right()
        if width <= 0:
            return
        shown = [
            label
            for label in (self.state_label, self.dose_label, self._message_label)
            if not label.isHidden()
        ]
        height = sum(label.heightForWidth(width) for label in shown)
        height += layout.spacing() * len(shown) + margins.top() + margins.bottom()
        if not self.details_area.isHidden():
            height += self.details_area.minimumSizeHint().height()
        height += self.card.frameWidth() * 2
        if self.card.minimumHeight() != height:
            self.card.setMinimumHeight(height)
        # The inputs keep at least half of what the headline leaves, so a short column still
        # shows a few fields rather than the whole of the card's details.
        spare = self.height() - height - (self.layout() or layout).spacing()
        wanted = self.inputs_area.sizeHint().height()
        least = min(wanted, max(INPUTS_LEAST_HEIGHT, spare // 2))
        if self.inputs_area.minimumHeight() != least:
            self.inputs_area.setMinimumHeight(least)

    def _result_changed_visibly(self, before: str, after: str) -> None:
        """Highlight the card for a moment and tell screen readers what the dose is now."""
        self._shown_dose = after
        # The details start again at their top, under the state and dose that are always shown.
        self.details_area.verticalScrollBar().setValue(0)
        if not before:
            return  # the first result after an empty card needs no "changed" signal
        self._set_highlight(True)
        self._highlight.start()
        words = f"Dose changed to {after}" if after else "Dose removed: " + self._message
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.dose_label, words))

    def _set_highlight(self, on: bool) -> None:
        self._highlighted = on
        self.card.setStyleSheet(
            "QFrame#resultCard { border: 2px solid palette(highlight); }" if on else ""
        )

    def highlighted(self) -> bool:
        """Whether the result card is highlighted because the dose just changed."""
        return getattr(self, "_highlighted", False)

    # --- what the rest of the app reads ----------------------------------------------------

    def result(self) -> DoseResult | None:
        """The current result, or None while the inputs are incomplete or refused."""
        return self._result

    def message(self) -> str:
        """What the panel says instead of a result (a prompt or a refusal), or empty."""
        return self._message

    def acknowledged(self) -> bool:
        """Whether the clinician ticked the acknowledgement for the current warnings."""
        return bool(
            self._result and self._result.needs_acknowledgement and self._acknowledge.isChecked()
        )

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
