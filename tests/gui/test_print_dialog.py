"""The Print dialog, driven by keys and clicks: the preview, Save as PDF… and Print…."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from ketaref.content.pack import Library
from ketaref.dosing.calculator import calculate
from ketaref.gui.print_dialog import NO_PRINTER_MESSAGE, PrintDialog
from ketaref.printing.checklist_pdf import build_checklist_pdf
from ketaref.printing.patient import PatientDetails
from tests.printing.pdf_tools import page_count, page_size, pdf_text

CANARY = "Ottoline Canaryfeather"


@pytest.fixture
def dialog(qtbot: QtBot, bundled_library: Library) -> PrintDialog:
    widget = PrintDialog(
        bundled_library,
        bundled_library.protocols["spravato-trd"],
        clinic_name="Riverside Mood Clinic",
        default_paper="letter",
        dose=calculate(bundled_library.protocols["spravato-trd"], dose="56 mg"),
    )
    qtbot.addWidget(widget)
    widget.show()
    return widget


def type_into(qtbot: QtBot, dialog: PrintDialog, widget: object, text: str) -> None:
    """Type as a user does and wait for the debounced preview."""
    with qtbot.waitSignal(dialog.previewUpdated, timeout=5000):
        qtbot.keyClicks(widget, text)


def answer_next_message_box(texts: list[str]) -> None:
    """Close the next modal message box, keeping its text."""

    def close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.text())
            box.done(0)
        else:
            QTimer.singleShot(20, close)

    QTimer.singleShot(20, close)


def preview_pages(dialog: PrintDialog) -> list[QLabel]:
    return [
        label
        for label in dialog.pages_widget.findChildren(QLabel)
        if label.pixmap() is not None and not label.pixmap().isNull()
    ]


def test_preview_shows_the_pages_of_the_pdf_to_be_saved(
    qtbot: QtBot, dialog: PrintDialog, tmp_path: Path
) -> None:
    assert dialog.paper.currentData() == "letter"
    type_into(qtbot, dialog, dialog.patient_name, CANARY)
    type_into(qtbot, dialog, dialog.weight, "70 kg")
    assert dialog.pdf is not None
    target = tmp_path / "saved.pdf"
    assert dialog.save_to(target)
    pages = page_count(target)
    qtbot.waitUntil(lambda: len(preview_pages(dialog)) == pages)
    for label in preview_pages(dialog):  # whole pages, scrolled rather than squeezed
        assert label.minimumSize() == label.pixmap().deviceIndependentSize().toSize()
    assert dialog.page_count_label.text() == f"Preview: {pages} pages, Letter"
    assert CANARY in pdf_text(target, 1)
    assert page_size(target) == (612, 792)


def test_saved_bytes_equal_the_core_build_with_the_same_inputs(
    qtbot: QtBot, dialog: PrintDialog, bundled_library: Library, tmp_path: Path
) -> None:
    type_into(qtbot, dialog, dialog.patient_name, CANARY)
    type_into(qtbot, dialog, dialog.patient_id, "MRN-31")
    type_into(qtbot, dialog, dialog.clinician, "Nurse Okafor")
    with qtbot.waitSignal(dialog.previewUpdated, timeout=5000):
        dialog.paper.setCurrentIndex(dialog.paper.findData("a4"))
    target = tmp_path / "checklist.pdf"
    assert dialog.save_to(target)

    expected = build_checklist_pdf(
        bundled_library,
        "spravato-trd",
        paper="a4",
        patient=PatientDetails(name=CANARY, patient_id="MRN-31"),
        clinic_name="Riverside Mood Clinic",
        clinician="Nurse Okafor",
        session_date=dialog.session_date.date().toPython(),  # the date the dialog shows
        dose=calculate(bundled_library.protocols["spravato-trd"], dose="56 mg"),
        printed_at=dialog.printed_at,
    )
    assert target.read_bytes() == expected


def test_save_as_suggests_a_name_without_the_patient(
    qtbot: QtBot, dialog: PrintDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    type_into(qtbot, dialog, dialog.patient_name, CANARY)
    suggested: list[str] = []

    def save_file_dialog(*args: object, **_kwargs: object) -> tuple[str, str]:
        suggested.append(str(args[2]))
        return str(tmp_path / "chosen"), "PDF files (*.pdf)"

    # The system file dialog is modal and out of the test's reach; answer it as a user would.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_file_dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    name = Path(suggested[0]).name
    shown_date = dialog.session_date.date().toPython()
    assert name == f"spravato-trd-checklist-{shown_date.isoformat()}.pdf"
    assert "Canary" not in suggested[0]
    assert os.listdir(tmp_path) == ["chosen.pdf"]
    assert (tmp_path / "chosen.pdf").read_bytes() == dialog.pdf


def test_a_bad_weight_is_explained_and_blocks_saving(qtbot: QtBot, dialog: PrintDialog) -> None:
    qtbot.keyClicks(dialog.weight, "70")
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=5000)
    assert "weight “70”" in dialog.problem.text()
    assert not dialog.save_button.isEnabled()
    assert not dialog.print_button.isEnabled()
    # The pages still shown are not what would print: greyed out until the field is fixed.
    assert not dialog.pages_widget.isEnabled()
    type_into(qtbot, dialog, dialog.weight, " lb")
    assert not dialog.problem.isVisible()
    assert dialog.save_button.isEnabled()
    assert dialog.pages_widget.isEnabled()


def test_the_preview_page_fills_the_preview_and_follows_its_width(
    qtbot: QtBot, dialog: PrintDialog
) -> None:
    def page_fills_preview() -> bool:
        page_width = preview_pages(dialog)[0].pixmap().deviceIndependentSize().width()
        return abs(page_width - dialog.preview_page_width()) <= 2

    dialog.resize(1100, 760)  # the size it asks for on a large enough screen
    qtbot.waitUntil(lambda: dialog.preview_page_width() > 460)
    qtbot.waitUntil(page_fills_preview)
    wide = dialog.preview_page_width()
    assert wide > 460  # wider than the old fixed preview, so small signs such as ÷ stay legible
    dialog.resize(dialog.width() - 200, dialog.height())
    qtbot.waitUntil(lambda: dialog.preview_page_width() < wide)
    qtbot.waitUntil(page_fills_preview)


def test_an_unwritable_target_is_a_clear_message_and_leaves_nothing(
    dialog: PrintDialog, tmp_path: Path
) -> None:
    texts: list[str] = []
    answer_next_message_box(texts)
    assert not dialog.save_to(tmp_path / "missing" / "checklist.pdf")
    assert texts
    assert "does not exist" in texts[0]
    assert os.listdir(tmp_path) == []


def test_no_printer_is_said_plainly(
    qtbot: QtBot, dialog: PrintDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine without printers, also where CUPS has queues (CI prints through two).
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(list))
    texts: list[str] = []
    answer_next_message_box(texts)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert texts == [NO_PRINTER_MESSAGE]


def test_printing_paints_every_page_of_the_same_pdf(dialog: PrintDialog, tmp_path: Path) -> None:
    # Qt's own PDF printer stands in for a system printer: same QPrinter, same painting.
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    printer.setFullPage(True)
    saved = tmp_path / "saved.pdf"
    assert dialog.save_to(saved)
    printer.setPageSize(dialog.printer_page_size())
    dialog.print_to(printer)
    assert page_count(printed) == page_count(saved)
    assert page_size(printed) == page_size(saved)


def test_closing_forgets_the_patient(qtbot: QtBot, dialog: PrintDialog) -> None:
    type_into(qtbot, dialog, dialog.patient_name, CANARY)
    assert dialog.pdf is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.patient_name.text() == ""
    assert dialog.pdf is None
    assert preview_pages(dialog) == []


def test_a_protocol_without_a_checklist_says_so(qtbot: QtBot, bundled_library: Library) -> None:
    protocol = bundled_library.protocols["spravato-trd"].model_copy(update={"checklist": None})
    library = dataclasses.replace(bundled_library, protocols={protocol.id: protocol})
    widget = PrintDialog(library, protocol)
    qtbot.addWidget(widget)
    assert "has no session checklist" in widget.problem.text()
    assert not widget.save_button.isEnabled()
    assert not widget.print_button.isEnabled()
    assert widget.pdf is None


@pytest.mark.parametrize(("lang", "paper"), [("en_US.UTF-8", "letter"), ("en_GB.UTF-8", "a4")])
def test_without_a_policy_paper_the_dialog_follows_the_locale(
    qtbot: QtBot,
    bundled_library: Library,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    paper: str,
) -> None:
    from PySide6.QtWidgets import QWidget

    from ketaref.gui.integration import MachineSettings, open_print_dialog

    for name in ("LC_ALL", "LC_PAPER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    parent = QWidget()
    qtbot.addWidget(parent)
    protocol = bundled_library.protocols["spravato-trd"]
    open_print_dialog(
        bundled_library,
        protocol,
        machine=MachineSettings(),
        dose=None,
        dose_acknowledged=False,
        parent=parent,
    )
    (dialog,) = parent.findChildren(PrintDialog)
    assert dialog.paper_key() == paper
    dialog.close()
