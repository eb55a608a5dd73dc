"""The search field and its results list: results as the user types, keys to move and open.

The index (``ketaref.content.in_use.search``) is built the first time the user types, not at start-up,
from the library the window hands over then (loading it, if that has not happened yet).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QListView, QWidget

from ketaref.content.format.kinds import KINDS
from ketaref.gui.navigation import ITEM_ID_ROLE, KIND_ROLE
from ketaref.gui.search_roles import DETAIL_ROLE, MATCHED_ROLE, TITLE_ROLE

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QShowEvent

    from ketaref.content.format.pack import Library
    from ketaref.content.in_use.search import SearchHit, SearchIndex

Index = QModelIndex | QPersistentModelIndex


class SearchResultsModel(QAbstractListModel):
    """Search hits: title on the first line, kind and the matched text on the second."""

    def __init__(self, library: Callable[[], Library], parent: QObject | None = None):
        super().__init__(parent)
        self._library = library
        self._index: SearchIndex | None = None
        self._hits: list[SearchHit] = []

    def search(self, text: str) -> int:
        """Run a query and show its hits; return how many there are."""
        if self._index is None:
            from ketaref.content.in_use.search import (
                SearchIndex,  # built on first use, not at start-up
            )

            self._index = SearchIndex.for_library(self._library())
        self.beginResetModel()
        self._hits = self._index.query(text)
        self.endResetModel()
        return len(self._hits)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        heading = KINDS[hit.kind].heading
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.title}\n{heading} · {hit.snippet}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.title}. {heading}. {hit.snippet}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.snippet
        if role == TITLE_ROLE:
            return hit.title
        if role == DETAIL_ROLE:
            return f"{heading} · {hit.snippet}"
        if role == MATCHED_ROLE:
            return frozenset(hit.matched)
        if role == ITEM_ID_ROLE:
            return hit.item_id
        if role == KIND_ROLE:
            return hit.kind
        return None


class SearchField(QLineEdit):
    """A line edit that hands Down, Up and Escape to the window (move into results, clear)."""

    #: The user pressed Down (or Up): move into the results list.
    moveIntoResults = QtSignal()
    #: The user pressed Escape: clear the search.
    cleared = QtSignal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.moveIntoResults.emit()
        elif key == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.cleared.emit()
        else:
            super().keyPressEvent(event)


class ResultsList(QListView):
    """The list of hits; Up on the first row goes back to the search field."""

    _delegate_set = False

    #: The user pressed Up on the first row.
    leftAtTop = QtSignal()

    def showEvent(self, event: QShowEvent) -> None:
        """Draw hits with their own delegate, made the first time there are hits to show.

        Its painting classes (QStyle and friends) are not needed before then: not at start-up.
        """
        if not self._delegate_set:
            from ketaref.gui.search_delegate import ResultDelegate

            self.setItemDelegate(ResultDelegate(self))
            self._delegate_set = True
        super().showEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Up and self.currentIndex().row() <= 0:
            self.leftAtTop.emit()
        else:
            super().keyPressEvent(event)


def make_search_widgets(
    library: Callable[[], Library], parent: QWidget
) -> tuple[SearchField, ResultsList]:
    """The search field and the results list (with its model), named for assistive technology.

    ``library`` is called on the first search, for the content to index.
    """
    field = SearchField(parent)
    field.setPlaceholderText("Search (Ctrl+K): protocol, condition, drug, item…")
    field.setClearButtonEnabled(True)
    # Qt's clear button has no text, so screen readers would read an unnamed button.
    clear = field.findChild(QAction, "_q_qlineeditclearaction")
    if clear is not None:
        clear.setText("Clear search")
    field.setAccessibleName("Search")
    field.setAccessibleDescription(
        "Search titles, indications, statements, checklist items and synonyms; small typos are"
        " forgiven. Down moves into the results, Enter opens the first, Escape clears."
    )
    results = ResultsList(parent)
    results.setModel(SearchResultsModel(library, results))
    results.setResizeMode(QListView.ResizeMode.Adjust)  # re-wrap when the list is resized
    results.setAccessibleName("Search results")
    results.setAccessibleDescription("Enter opens the selected result; Up on the first goes back")
    return field, results
