"""A scroll area as tall as its content wants, for the parts of the dose calculator."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FittingScrollArea(QScrollArea):
    """Asks for its content's height at the width it has, so it scrolls only when the column
    is shorter than that; never scrolls sideways and is no Tab stop of its own.

    ``least_height`` is the height it may shrink to (the layout never makes it shorter).
    """

    def __init__(self, content: QWidget, least_height: int = 60, parent: QWidget | None = None):
        super().__init__(parent)
        self._least_height = least_height
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no invisible Tab stop
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)
        content.installEventFilter(self)

    def content_height(self) -> int:
        """How tall the content is at the width it is shown at (wrapped text included)."""
        widget = self.widget()
        if widget is None:
            return 0
        width = self.viewport().width()
        if widget.hasHeightForWidth() and width > 0:
            # A wrapping label's own size hint guesses a width; at the real one it may be
            # shorter (no empty space under it) or taller (no scroll bar while there is room).
            return int(widget.heightForWidth(width))
        return int(widget.sizeHint().height())

    def sizeHint(self) -> QSize:
        widget = self.widget()
        if widget is None:
            return QSize(0, 0)
        frame = 2 * self.frameWidth()
        return QSize(widget.sizeHint().width() + frame, self.content_height() + frame)

    def minimumSizeHint(self) -> QSize:
        widget = self.widget()
        # As wide as the content's narrowest and the scroll bar: it never scrolls sideways.
        width = widget.minimumSizeHint().width() if widget is not None else 0
        width += self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(width, min(self._least_height, self.sizeHint().height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A warning shown or hidden changes the content's height: ask for the new size."""
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)
