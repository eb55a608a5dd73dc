"""Render PDF bytes to page images with PDFium (pypdfium2), for the preview and for printing.

PySide6-Essentials has no QtPdf. pypdfium2 renders with the same PDFium engine QtPdf uses, does
not pin the PySide6 version (``pyside6-pdf`` requires one exact PySide6-Essentials release and
shares its package files), and is imported only here, when a print dialog opens.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QImage

POINTS_PER_INCH = 72


def render_pages(data: bytes, dpi: float) -> list[QImage]:
    """Every page of the PDF ``data`` as an image at ``dpi`` dots per inch."""
    return list(iter_pages(data, dpi))


def iter_pages(data: bytes, dpi: float) -> Iterator[QImage]:
    """The pages of the PDF ``data`` one at a time (a page at print resolution is large)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, prefer_bgrx=True, rev_byteorder=True)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            )
            yield image.copy()  # the bitmap's memory goes with the page
            page.close()
    finally:
        document.close()
