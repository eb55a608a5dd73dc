"""Print a checklist PDF through Qt's printing: the print dialog and ``ketaref print --printer``.

Qt cannot pass a PDF to a printer as it is, so the pages are rendered from the PDF's bytes with
PDFium (``pdf_pages``) at the printer's resolution, at most ``MAX_PRINT_DPI``, and painted on a
``QPrinter`` one at a time. The dialog and the command line print the same way through here.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication, QImage, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ketaref.printing.errors import PrintError

#: Pages are rasterised for the printer at its resolution up to this (a 600 dpi A4 page would be
#: 140 MB of pixels; 300 dpi keeps 7 pt text crisp at 35 MB).
MAX_PRINT_DPI = 300

_PAGE_SIZES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}


def page_size(paper: str) -> QPageSize:
    """The QPageSize of ``"a4"`` or ``"letter"``."""
    return QPageSize(_PAGE_SIZES[paper])


def paint_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Paint every page of ``pdf`` on ``printer`` (one job); return the number of pages.

    Raises PrintError when the printer cannot be started or reports that the job failed.
    """
    from ketaref.gui.pdf_pages import iter_pages

    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("The printer could not be started. Nothing was printed.")
    pages = 0
    try:
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        for pages, image in enumerate(iter_pages(pdf, dpi), start=1):
            if pages > 1:
                printer.newPage()
            painter.drawImage(fit(image, painter.viewport()), image)
    finally:
        painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrintError("The printer reported an error; the checklist may not have printed.")
    return pages


def fit(image: QImage, area: QRect) -> QRect:
    """The largest rectangle of the image's shape that fits in ``area``, centred."""
    scale = min(area.width() / image.width(), area.height() / image.height())
    width, height = int(image.width() * scale), int(image.height() * scale)
    return QRect(
        area.x() + (area.width() - width) // 2,
        area.y() + (area.height() - height) // 2,
        width,
        height,
    )


def ensure_gui_application() -> None:
    """A Qt application for printing without a window: offscreen where there is no display."""
    if QGuiApplication.instance() is not None:
        return
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display:
        # Printing on Linux goes through CUPS, which needs no display; other systems print
        # through their own platform plugin, so it is left alone there.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    QGuiApplication(["ketaref"])


def queue_printer(queue: str, *, paper: str, job_name: str) -> QPrinter:
    """A QPrinter for the print queue ``queue``, checked to exist and to be ready.

    Raises PrintError, before anything is sent, when there is no such queue or it is stopped:
    a job left waiting in a stopped queue could come out hours later, away from the session.
    """
    ensure_gui_application()
    info = QPrinterInfo.printerInfo(queue)
    if info.isNull():
        names = ", ".join(QPrinterInfo.availablePrinterNames()) or "none"
        raise PrintError(
            f"There is no printer called “{queue}” on this computer (printers here: {names})."
            " Nothing was printed."
        )
    if info.state() == QPrinter.PrinterState.Error:
        raise PrintError(
            f"The printer “{queue}” is stopped or has a problem, so nothing was sent to it."
            " Ask IT to start it again, or save the checklist with --out and print the file."
        )
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    # The job name shows in print queues: the checklist's title, never the patient.
    printer.setDocName(job_name)
    printer.setPageSize(page_size(paper))
    printer.setFullPage(True)
    return printer
