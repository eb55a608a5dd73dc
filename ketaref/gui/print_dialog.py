"""The Print dialog: optional patient fields, a preview of the real PDF, Save as PDF… and Print….

The preview shows the very bytes that are saved or printed: every change of a field rebuilds the
PDF (debounced), the pages are rendered from those bytes, and Save and Print use them unchanged.
Patient details live only in the dialog's fields and the PDF in memory: nothing is written to
settings, recent-file lists, logs or default file names.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

from PySide6.QtCore import QDate, QSettings, QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketaref.content.format.local_rules import NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.format.model import Protocol
from ketaref.content.format.pack import Library
from ketaref.dosing.result import DoseResult
from ketaref.dosing.units import DoseInputError
from ketaref.gui.banner import sentence
from ketaref.gui.palette import colors_for
from ketaref.gui.print_preview import PagePreview
from ketaref.gui.screen_fit import fit_to_screen
from ketaref.printing.checklist_pdf import build_checklist_pdf, save_pdf
from ketaref.printing.errors import PrintError
from ketaref.printing.patient import PatientDetails

PAPERS = (("A4", "a4"), ("Letter", "letter"))
#: The size the dialog asks for; it gets less on a smaller screen (``fit_to_screen``).
DIALOG_SIZE = (1100, 900)
#: Quiet time after the last keystroke before the PDF is rebuilt.
DEBOUNCE_MS = 250

NO_PRINTER_MESSAGE = (
    "No printer is installed on this computer, so the checklist cannot be printed from here.\n\n"
    "Use “Save as PDF…” and print the file from a computer with a printer, "
    "or ask IT to add a printer."
)


class PrintDialog(QDialog):
    """Print the session checklist of ``protocol``: fields, live preview, save and print."""

    #: Emitted after the preview shows a freshly built PDF (argument: its page count).
    previewUpdated = Signal(int)

    def __init__(
        self,
        library: Library,
        protocol: Protocol,
        *,
        clinic_name: str = "",
        default_paper: str = "a4",
        dose: DoseResult | None = None,
        dose_acknowledged: bool = False,
        local_rules: LocalRulesInForce | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        #: The clinic's local rules printed into their slots.
        self.local_rules = local_rules or NO_LOCAL_RULES
        self.protocol = protocol
        self.clinic_name = clinic_name
        #: The dose calculator's result printed on this checklist, if any, and whether its
        #: warnings were acknowledged on screen.
        self.dose = dose
        self.dose_acknowledged = dose_acknowledged
        #: The PDF the preview shows, and that Save and Print use.
        self.pdf: bytes | None = None
        self.printed_at: dt.datetime | None = None

        self.setWindowTitle(f"Print session checklist: {protocol.title}")
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.rebuild)
        self._build_widgets(default_paper)
        # The weight the dose was worked out for, to start from (the printout holds it to it).
        self.weight.setText(dose.weight.entered_text() if dose and dose.weight else "")
        self.rebuild()

    # --- widgets ----------------------------------------------------------------------------

    def _build_widgets(self, default_paper: str) -> None:
        self.patient_name = QLineEdit(placeholderText="optional")
        self.patient_id = QLineEdit(placeholderText="optional")
        self.weight = QLineEdit(placeholderText="optional, e.g. 70 kg or 154 lb")
        self.clinician = QLineEdit(placeholderText="optional")
        self.print_date = QCheckBox("Print the date")
        self.print_date.setChecked(True)
        self.session_date = QDateEdit(QDate.currentDate())
        self.session_date.setCalendarPopup(True)
        self.session_date.setDisplayFormat("yyyy-MM-dd")
        # The "Date" row holds the check box too, so the field gets its own name to be read by.
        self.session_date.setAccessibleName("Session date")
        self.paper = QComboBox()
        for label, key in PAPERS:
            self.paper.addItem(label, key)
        self.paper.setCurrentIndex(max(0, self.paper.findData(default_paper)))

        self.print_date.setText("Print the &date")
        form = QFormLayout()
        form.addRow("Patient &name", self.patient_name)
        form.addRow("Patient &ID", self.patient_id)
        form.addRow("&Weight", self.weight)
        form.addRow("C&linician", self.clinician)
        date_row = QHBoxLayout()
        date_row.addWidget(self.print_date)
        date_row.addWidget(self.session_date, 1)
        form.addRow("Date", date_row)
        form.addRow("P&aper", self.paper)

        privacy = QLabel(
            "Fields left empty are printed as blank lines to fill in by pen. Patient details "
            "go onto the printout only; ketaref does not keep them."
        )
        privacy.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self.problem.setWordWrap(True)
        colors = colors_for(self.palette())
        self.problem.setStyleSheet(f"color: {colors.error_text}; font-weight: bold;")
        self.problem.hide()

        self.save_button = QPushButton("&Save as PDF…")
        self.print_button = QPushButton("&Print…")
        close_button = QPushButton("Close")
        # Enter prints (the dialog's purpose); Save and Close need their own click or Alt key.
        self.print_button.setDefault(True)
        for button in (self.save_button, close_button):
            button.setAutoDefault(False)
        self.save_button.clicked.connect(self.choose_file_and_save)
        self.print_button.clicked.connect(self.choose_printer_and_print)
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.save_button, self.print_button, close_button):
            buttons.addWidget(button)

        fields = QVBoxLayout()
        fields.addLayout(form)
        fields.addWidget(privacy)
        fields.addWidget(self.problem)
        fields.addStretch(1)

        self.preview = PagePreview(self)

        # The fields take the width they need; the preview gets the rest, for legible pages.
        columns = QHBoxLayout()
        columns.addLayout(fields, 0)
        columns.addWidget(self.preview, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, QSize(*DIALOG_SIZE))

        for line_edit in (self.patient_name, self.patient_id, self.weight, self.clinician):
            line_edit.textChanged.connect(self.schedule_rebuild)
        self.print_date.toggled.connect(self.session_date.setEnabled)
        self.print_date.toggled.connect(self.schedule_rebuild)
        self.session_date.dateChanged.connect(self.schedule_rebuild)
        self.paper.currentIndexChanged.connect(self.schedule_rebuild)

    # --- building and preview ---------------------------------------------------------------

    def schedule_rebuild(self) -> None:
        """Rebuild the PDF once typing pauses; Save and Print are off until it is fresh."""
        self._set_ready(False)
        self._debounce.start()

    def paper_key(self) -> str:
        """The chosen paper size, ``"a4"`` or ``"letter"``."""
        return str(self.paper.currentData())

    def printer_page_size(self) -> QPageSize:
        """The chosen paper size for a QPrinter."""
        from ketaref.gui.qt_printing import page_size

        return page_size(self.paper_key())

    def chosen_date(self) -> dt.date | None:
        """The session date to print, or None for a blank line."""
        if not self.print_date.isChecked():
            return None
        return cast("dt.date", self.session_date.date().toPython())  # typed as object by Qt

    def rebuild(self) -> None:
        """Build the PDF from the fields now and show its pages."""
        self._debounce.stop()
        try:
            # The core refuses a weight the calculator would, and one that is not the dose's.
            patient = PatientDetails(
                name=self.patient_name.text().strip(),
                patient_id=self.patient_id.text().strip(),
                weight=self.weight.text().strip(),
            )
            printed_at = dt.datetime.now().astimezone()
            pdf = build_checklist_pdf(
                self.library,
                self.protocol.id,
                paper=self.paper_key(),
                patient=patient,
                clinic_name=self.clinic_name,
                clinician=self.clinician.text().strip(),
                session_date=self.chosen_date(),
                dose=self.dose,
                dose_acknowledged=self.dose_acknowledged,
                printed_at=printed_at,
                local_rules=self.local_rules,
            )
        except (PrintError, DoseInputError) as exc:
            self._show_problem(sentence(str(exc)))  # the core words it as a clause
            return

        self.pdf, self.printed_at = pdf, printed_at
        self.preview.show_pdf(pdf, _page_width_points(self.paper_key()), self.paper.currentText())
        self.problem.hide()
        self._set_ready(True)
        self.previewUpdated.emit(len(self.preview.page_images))

    def _show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
        # The old pages, greyed: not what would print.
        self.preview.mark_out_of_date("Preview out of date: correct the field on the left")
        self._set_ready(False)

    def _set_ready(self, ready: bool) -> None:
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    def done(self, result: int) -> None:
        """Close, forgetting the patient: the fields, the PDF and its page images."""
        self._debounce.stop()
        for line_edit in (self.patient_name, self.patient_id, self.weight):
            line_edit.blockSignals(True)
            line_edit.clear()
            line_edit.blockSignals(False)
        self.pdf = None
        self.preview.clear()
        super().done(result)

    # --- saving -----------------------------------------------------------------------------

    def default_file_name(self) -> str:
        """The suggested file name: protocol and date, never anything about the patient."""
        day = self.chosen_date() or dt.datetime.now().astimezone().date()
        return f"{self.protocol.id}-checklist-{day.isoformat()}.pdf"

    def choose_file_and_save(self) -> None:
        """Ask where to save (no recent-files list, no remembered folder), then save."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        # Native dialogs add the file (often named after the patient) to the desktop's recent
        # items: the GTK list on Linux, Recent Items and jump lists on Windows. Qt's own does not.
        options = QFileDialog.Option.DontUseNativeDialog
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save checklist as PDF",
            str(Path(folder or Path.home()) / self.default_file_name()),
            "PDF files (*.pdf)",
            options=options,
        )
        forget_visited_folders()
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Write the previewed PDF to ``path`` atomically; a message box says why if it fails."""
        if self.pdf is None:
            return False
        if not path.suffix:
            path = path.with_suffix(".pdf")
        try:
            save_pdf(self.pdf, path)
        except PrintError as exc:
            QMessageBox.warning(self, "Checklist not saved", str(exc))
            return False
        return True

    # --- printing ---------------------------------------------------------------------------

    def choose_printer_and_print(self) -> None:
        """Let the user pick a system printer and print; say so plainly if there is none."""
        if self.pdf is None:
            return
        if not QPrinterInfo.availablePrinters():
            QMessageBox.information(self, "No printer", NO_PRINTER_MESSAGE)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        # The job name shows in print queues: the checklist's title, never the patient.
        printer.setDocName(self.library.checklists[self.protocol.checklist or ""].title)
        printer.setPageSize(self.printer_page_size())
        printer.setFullPage(True)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Paint the previewed PDF's pages on ``printer``, rendered from the same bytes."""
        if self.pdf is None:
            return
        from ketaref.gui.qt_printing import paint_pdf

        try:
            paint_pdf(self.pdf, printer)
        except PrintError as exc:
            QMessageBox.warning(self, "Not printed", str(exc))


def _page_width_points(paper: str) -> float:
    from ketaref.printing.paper import PAPER_SIZES

    return PAPER_SIZES[paper][0]


def forget_visited_folders() -> None:
    """Remove the folders Qt's file dialog remembers (its ``QtProject`` settings).

    Qt records the last folder and a history of folders visited, shared by every Qt program of
    the user; a folder's name may name a patient, so none is kept. Its other settings (view
    mode, column widths, sidebar) stay.
    """
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.beginGroup("FileDialog")
    for key in ("history", "lastVisited"):
        settings.remove(key)
    settings.endGroup()
    settings.sync()
