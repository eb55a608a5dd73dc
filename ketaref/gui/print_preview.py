"""The print dialog's preview: the pages of the very PDF that is saved or printed.

Pages are drawn as wide as the preview (fit width) by default, again whenever it is resized, and
sharp on high-DPI screens (rendered in device pixels). On a small or highly scaled screen a fitted
page can be too small to read, "÷" looking like "+": Ctrl+= (or Ctrl++) and Ctrl+- zoom in steps
of the paper's real size, and Ctrl+0 fits the width again; the buttons beside the page count do
the same. A zoomed page scrolls.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ketaref.gui.palette import colors_for

POINTS_PER_INCH = 72
#: Zoom steps, as fractions of the paper's real size on screen.
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
#: A fitted page is never drawn narrower than this (logical px); the preview scrolls instead.
MIN_PAGE_WIDTH = 160
#: Room round the pages and between them (logical px).
PAGE_MARGIN = 4
#: Quiet time after the preview is resized before the pages are drawn again at the new width.
RESIZE_DEBOUNCE_MS = 150


class PagePreview(QWidget):
    """The pages of a PDF, stacked, fitted to the width or zoomed, with their count."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.pdf: bytes | None = None
        #: The pages as drawn, in device pixels.
        self.page_images: list[QImage] = []
        #: None: the pages fit the preview's width; else a fraction of the paper's real size.
        self.zoom: float | None = None
        self._paper_points = 0.0
        self._rendered_width = 0

        self.count_label = QLabel(self)
        self.count_label.setWordWrap(True)  # the zoom buttons beside it stay on screen
        self.zoom_label = QLabel(self)
        self.zoom_label.setAccessibleName("Zoom")
        self.zoom_out_button = self._button("−", "Zoom out", self.zoom_out, ["Ctrl+-"])
        self.fit_button = self._button(
            "Fit width", "Fit the page to the width", self.fit_width, ["Ctrl+0"]
        )
        # Ctrl++ too: where + needs no Shift, that is the usual zoom key.
        self.zoom_in_button = self._button("+", "Zoom in", self.zoom_in, ["Ctrl+=", "Ctrl++"])
        self.fit_button.setCheckable(True)

        self.pages_widget = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self.pages_layout.setSpacing(2 * PAGE_MARGIN)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(self.pages_widget)
        self.scroll_area.setWidgetResizable(True)
        # Always there, so the pages' width never changes the room they have (a scroll bar
        # appearing would narrow a fitted page's room, and it would scroll sideways).
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll_area.setMinimumWidth(MIN_PAGE_WIDTH)
        self.scroll_area.setAccessibleName("Preview of the printed pages")
        grey = colors_for(self.palette()).preview_background
        self.scroll_area.setStyleSheet(f"QScrollArea {{ background: {grey}; }}")
        self.pages_widget.setStyleSheet(f"background: {grey};")
        self._resize_debounce = QTimer(self, singleShot=True, interval=RESIZE_DEBOUNCE_MS)
        self._resize_debounce.timeout.connect(self._render)

        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        for widget in (self.zoom_label, self.zoom_out_button, self.fit_button):
            top.addWidget(widget)
        top.addWidget(self.zoom_in_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)

    def _button(
        self, text: str, name: str, action: Callable[[], None], keys: list[str]
    ) -> QToolButton:
        """A button for ``action``, which ``keys`` do too, at once (a button's own shortcut
        would wait for its click animation)."""
        button = QToolButton(self)
        button.setText(text)
        button.setAccessibleName(name)
        shown = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{name} ({shown})")
        button.clicked.connect(action)
        for key in keys:
            QShortcut(QKeySequence(key), self, action)
        return button

    # --- what the dialog calls ---------------------------------------------------------------

    def show_pdf(self, pdf: bytes, paper_points: float, paper_name: str) -> None:
        """Show the pages of ``pdf``, on paper ``paper_points`` wide, named ``paper_name``."""
        self.pdf, self._paper_points = pdf, paper_points
        self._render()
        self.pages_widget.setEnabled(True)
        count = len(self.page_images)
        self.count_label.setText(
            f"Preview: {count} {'page' if count == 1 else 'pages'}, {paper_name}"
        )

    def mark_out_of_date(self, why: str) -> None:
        """Grey the pages shown: they are not what would print now."""
        self.count_label.setText(why)
        self.pages_widget.setEnabled(False)

    def clear(self) -> None:
        """Drop the PDF and its pages (the dialog forgets the patient)."""
        self.pdf = None
        self.page_images = []
        self._show_pages()

    # --- sizes and zoom ----------------------------------------------------------------------

    def fitted_page_width(self) -> int:
        """How wide a page is drawn to fit the preview (logical px)."""
        margins = self.pages_layout.contentsMargins()
        room = self.scroll_area.viewport().width() - margins.left() - margins.right()
        return max(MIN_PAGE_WIDTH, room)

    def page_width(self) -> int:
        """How wide a page is drawn now (logical px): fitted, or zoomed."""
        if self.zoom is None or not self._paper_points:
            return self.fitted_page_width()
        return round(self._real_width() * self.zoom)

    def _real_width(self) -> float:
        """The paper's real width on this screen (logical px)."""
        return self._paper_points / POINTS_PER_INCH * self.logicalDpiX()

    def zoom_in(self) -> None:
        """The next larger zoom step."""
        shown = self.page_width() / self._real_width() if self._paper_points else 1.0
        self._zoom_to(next((z for z in ZOOM_STEPS if z > shown * 1.01), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        """The next smaller zoom step."""
        shown = self.page_width() / self._real_width() if self._paper_points else 1.0
        smaller = [z for z in ZOOM_STEPS if z < shown * 0.99]
        self._zoom_to(smaller[-1] if smaller else ZOOM_STEPS[0])

    def fit_width(self) -> None:
        """Pages as wide as the preview again."""
        self._zoom_to(None)

    def _zoom_to(self, zoom: float | None) -> None:
        bar = self.scroll_area.verticalScrollBar()
        place = bar.value() / bar.maximum() if bar.maximum() else 0.0
        self.zoom = zoom
        self._render()
        # The same place in the pages once the scroll area has taken their new size.
        QTimer.singleShot(0, bar, lambda: bar.setValue(round(place * bar.maximum())))

    # --- drawing -----------------------------------------------------------------------------

    def _render(self) -> None:
        """Draw the pages at the width wanted (sharp on high-DPI screens too)."""
        self._rendered_width = self.page_width()
        self.fit_button.setChecked(self.zoom is None)
        if self._paper_points:
            percent = round(100 * self._rendered_width / self._real_width())
            self.zoom_label.setText(f"{percent} %")
        if self.pdf is None:
            return
        from ketaref.gui.pdf_pages import render_pages

        ratio = self.devicePixelRatioF()
        dpi = POINTS_PER_INCH * self._rendered_width * ratio / self._paper_points
        self.page_images = render_pages(self.pdf, dpi)
        self._show_pages()

    def _show_pages(self) -> None:
        ratio = self.devicePixelRatioF()
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.setParent(None)  # gone from the dialog now, not at the next event loop pass
                old.deleteLater()
        for image in self.page_images:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            page = QLabel()
            page.setPixmap(pixmap)
            # Full size always: the scroll area scrolls rather than squeezing the pages.
            page.setMinimumSize(pixmap.deviceIndependentSize().toSize())
            page.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.pages_layout.addWidget(page)
        self.pages_layout.addStretch(1)

    def showEvent(self, event: QShowEvent) -> None:
        """Laid out at last: draw the pages at the preview's real width before they are seen."""
        super().showEvent(event)
        if self.page_width() != self._rendered_width:
            self._render()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fitted pages follow the preview's width, once the resizing settles."""
        super().resizeEvent(event)
        if self.zoom is None:
            self._resize_debounce.start()
