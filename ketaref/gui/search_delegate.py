"""How a search hit is drawn: a bold title over its kind and the matched text, both wrapped, with
the words the query matched highlighted.

Its own module so the painting classes it needs are imported when the first hits are shown, not
at start-up (``ResultsList.showEvent``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize
from PySide6.QtGui import QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ketaref.gui.palette import colors_for
from ketaref.gui.search_panel import DETAIL_ROLE, MATCHED_ROLE, TITLE_ROLE

Index = QModelIndex | QPersistentModelIndex
_MARGIN = 6
_WORD = re.compile(r"[^\W_]+")


def highlighted_html(text: str, matched: Collection[str], background: str, color: str) -> str:
    """``text`` as HTML with every word the query matched on a highlight colour."""
    parts = []
    last = 0
    for word in _WORD.finditer(text):
        if word.group().lower() in matched:
            parts.append(escape(text[last : word.start()]))
            parts.append(
                f'<span style="background-color:{background}; color:{color};">'
                f"{escape(word.group())}</span>"
            )
            last = word.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


class ResultDelegate(QStyledItemDelegate):
    """A hit as a bold title over its kind and matched text, wrapped to the list's width."""

    def _document(self, option: QStyleOptionViewItem, index: Index, width: int) -> QTextDocument:
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colors = colors_for(palette)
        matched = index.data(MATCHED_ROLE) or frozenset()

        def mark(text: str) -> str:
            return highlighted_html(text, matched, colors.match, colors.match_text)

        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(_MARGIN / 2)
        document.setHtml(
            f'<div style="color:{palette.color(role).name()};">'
            f"<b>{mark(index.data(TITLE_ROLE))}</b><br>{mark(index.data(DETAIL_ROLE))}</div>"
        )
        document.setTextWidth(max(1, width - _MARGIN))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        rect = option.rect
        document = self._document(option, index, rect.width())
        painter.save()
        painter.translate(QPointF(rect.left() + _MARGIN / 2, rect.top()))
        document.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else 300
        document = self._document(option, index, width)
        return QSize(width, int(document.size().height()) + _MARGIN // 2)
