"""How a search hit is drawn: a bold title over its kind and the matched text, both wrapped.

Its own module so the painting classes it needs are imported when the first hits are shown, not
at start-up (``ResultsList.showEvent``).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ketaref.gui.search_panel import DETAIL_ROLE, TITLE_ROLE

Index = QModelIndex | QPersistentModelIndex
_MARGIN = 6


class ResultDelegate(QStyledItemDelegate):
    """A hit as a bold title over its kind and matched text, both wrapped to the list's width."""

    def _layout(self, option: QStyleOptionViewItem, index: Index) -> tuple[QFont, QRect, QRect]:
        bold = QFont(option.font)  # type: ignore[attr-defined]
        bold.setBold(True)
        rect = option.rect.adjusted(_MARGIN, _MARGIN // 2, -_MARGIN, 0)  # type: ignore[attr-defined]
        flags = Qt.TextFlag.TextWordWrap
        title = QFontMetrics(bold).boundingRect(
            QRect(rect.left(), rect.top(), rect.width(), 10_000), flags, index.data(TITLE_ROLE)
        )
        detail = option.fontMetrics.boundingRect(  # type: ignore[attr-defined]
            QRect(rect.left(), title.bottom() + 2, rect.width(), 10_000),
            flags,
            index.data(DETAIL_ROLE),
        )
        return bold, title, detail

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        text_role = QPalette.ColorRole.Text
        if option.state & QStyle.StateFlag.State_Selected:  # type: ignore[attr-defined]
            text_role = QPalette.ColorRole.HighlightedText
        option.text = ""  # type: ignore[attr-defined]
        style = option.widget.style()  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)  # type: ignore[attr-defined]
        bold, title, detail = self._layout(option, index)
        painter.save()
        painter.setPen(option.palette.color(text_role))  # type: ignore[attr-defined]
        painter.setFont(bold)
        painter.drawText(title, Qt.TextFlag.TextWordWrap, index.data(TITLE_ROLE))
        painter.setFont(option.font)  # type: ignore[attr-defined]
        painter.drawText(detail, Qt.TextFlag.TextWordWrap, index.data(DETAIL_ROLE))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else 300
        option.rect = QRect(0, 0, width, 0)  # type: ignore[attr-defined]
        _, _, detail = self._layout(option, index)
        return QSize(width, detail.bottom() + _MARGIN)
