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

from ketaref.content.format.pack import Library
from ketaref.dosing.calculator import calculate
from ketaref.dosing.units import DoseInputError
from ketaref.gui.print_dialog import NO_PRINTER_MESSAGE, PrintDialog
from ketaref.printing.checklist_pdf import build_checklist_pdf
from ketaref.printing.errors import PrintError
from ketaref.printing.patient import PatientDetails
from tests.printing.pdf_tools import page_count, page_size, pdf_text, pdf_text_in_drawing_order

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
        for label in dialog.preview.pages_widget.findChildren(QLabel)
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
    assert dialog.preview.count_label.text() == f"Preview: {pages} pages, Letter"
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


def test_a_name_the_font_cannot_show_is_explained_and_nothing_prints(
    qtbot: QtBot, dialog: PrintDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed: list[object] = []
    monkeypatch.setattr("ketaref.gui.qt_printing.paint_pdf", lambda *a: printed.append(a))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **_k: printed.append(a))
    qtbot.keyClicks(dialog.patient_name, "Canary ")
    dialog.patient_name.insert("李")  # as an input method commits it (no key sends it)
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=5000)
    message = dialog.problem.text()
    assert "The patient name contains a character the printout's font cannot show" in message
    assert "U+674E" in message
    assert "write it by hand on the printout" in message
    assert "Canary" not in message
    assert not dialog.save_button.isEnabled()
    assert not dialog.print_button.isEnabled()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert printed == []


def test_a_bad_weight_is_explained_and_blocks_saving(qtbot: QtBot, dialog: PrintDialog) -> None:
    qtbot.keyClicks(dialog.weight, "70")
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=5000)
    assert dialog.problem.text().startswith("Weight “70”")  # a sentence, as the dose panel's
    assert not dialog.save_button.isEnabled()
    assert not dialog.print_button.isEnabled()
    # The pages still shown are not what would print: greyed out until the field is fixed.
    assert not dialog.preview.pages_widget.isEnabled()
    type_into(qtbot, dialog, dialog.weight, " lb")
    assert not dialog.problem.isVisible()
    assert dialog.save_button.isEnabled()
    assert dialog.preview.pages_widget.isEnabled()


def test_a_refusal_shows_what_was_typed_as_typed(qtbot: QtBot, dialog: PrintDialog) -> None:
    # The refusal quotes the typed weight; Qt would take “<b>…</b>” in it as markup and show
    # another weight than the one typed.
    qtbot.keyClicks(dialog.weight, "<b>70</b> kg")
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=5000)
    assert dialog.problem.text().startswith("Weight “<b>70</b> kg”")
    assert dialog.problem.textFormat() == Qt.TextFormat.PlainText


def test_the_preview_page_fills_the_preview_and_follows_its_width(
    qtbot: QtBot, dialog: PrintDialog
) -> None:
    def page_fills_preview() -> bool:
        page_width = preview_pages(dialog)[0].pixmap().deviceIndependentSize().width()
        return abs(page_width - dialog.preview.page_width()) <= 2

    dialog.resize(1100, 760)  # the size it asks for on a large enough screen
    qtbot.waitUntil(lambda: dialog.preview.page_width() > 460)
    qtbot.waitUntil(page_fills_preview)
    wide = dialog.preview.page_width()
    assert wide > 460  # wider than the old fixed preview, so small signs such as ÷ stay legible
    dialog.resize(dialog.width() - 200, dialog.height())
    qtbot.waitUntil(lambda: dialog.preview.page_width() < wide)
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


def test_a_weight_typed_here_fills_the_dose_records_weight_box(
    qtbot: QtBot, bundled_library: Library, tmp_path: Path
) -> None:
    widget = PrintDialog(bundled_library, bundled_library.protocols["iv-ketamine-trd"])
    qtbot.addWidget(widget)
    widget.show()
    type_into(qtbot, widget, widget.weight, "154 lb")
    target = tmp_path / "sheet.pdf"
    assert widget.save_to(target)
    text = " ".join(pdf_text_in_drawing_order(target).split())
    # 154 lb × 0.45359237 = 69.85322498 kg, as the calculator shows it.
    assert "Weight (kg) 69.9 kg (exact 69.85322498 kg) Prescriber" in text


def test_with_the_calculator_the_weight_box_holds_its_weight(
    qtbot: QtBot, bundled_library: Library, tmp_path: Path
) -> None:
    protocol = bundled_library.protocols["iv-ketamine-trd"]
    widget = PrintDialog(bundled_library, protocol, dose=calculate(protocol, weight="80 kg"))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.pdf is not None)
    target = tmp_path / "sheet.pdf"
    assert widget.save_to(target)
    assert "Weight (kg) 80 kg Prescriber" in " ".join(pdf_text_in_drawing_order(target).split())


@pytest.mark.parametrize("typed", ["80 kg", "900 kg"])
def test_the_dialog_refuses_a_weight_in_the_words_of_the_core(
    qtbot: QtBot, bundled_library: Library, typed: str
) -> None:
    protocol = bundled_library.protocols["iv-ketamine-trd"]
    dose = calculate(protocol, weight="70 kg", dose="0.5 mg/kg")
    with pytest.raises((PrintError, DoseInputError)) as core:
        build_checklist_pdf(
            bundled_library, protocol.id, patient=PatientDetails(weight=typed), dose=dose
        )
    dialog = PrintDialog(bundled_library, protocol, dose=dose)
    qtbot.addWidget(dialog)
    dialog.weight.setText(typed)
    dialog.rebuild()
    said = str(core.value)
    assert dialog.problem.text() == said[0].upper() + said[1:] + ("" if said.endswith(".") else ".")
    assert not dialog.save_button.isEnabled()


def test_the_dialog_opens_with_the_cores_print_defaults(
    qtbot: QtBot, bundled_library: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QWidget

    from ketaref.gui.integration import machine_settings, open_print_dialog
    from ketaref.policy import load_policy
    from ketaref.printing.paper import print_defaults

    policy_file = tmp_path / "policy.toml"
    policy_file.write_text('clinic_name = "North Clinic"\ndefault_paper = "letter"\n')
    monkeypatch.setenv("KETAREF_POLICY", str(policy_file))
    policy = load_policy()
    machine = machine_settings(policy)
    assert machine.printing == print_defaults(policy)
    parent = QWidget()
    qtbot.addWidget(parent)
    open_print_dialog(
        bundled_library,
        bundled_library.protocols["spravato-trd"],
        machine=machine,
        dose=None,
        dose_acknowledged=False,
        parent=parent,
    )
    (dialog,) = parent.findChildren(PrintDialog)
    assert (dialog.clinic_name, dialog.paper_key()) == ("North Clinic", "letter")
    dialog.close()


def test_a_weight_longer_than_any_weight_keeps_the_dialog_on_the_screen(
    qtbot: QtBot, dialog: PrintDialog
) -> None:
    width = dialog.width()
    dialog.weight.setText("7" * 300)
    dialog.rebuild()
    assert dialog.problem.isVisible()
    assert "300 characters long" in dialog.problem.text()
    qtbot.waitUntil(lambda: dialog.problem.isVisible())
    assert dialog.width() <= max(width, dialog.screen().availableGeometry().width())
    assert not dialog.save_button.isEnabled()
