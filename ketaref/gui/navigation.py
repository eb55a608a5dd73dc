"""The navigation tree: indications → protocols, then checklists and contraindication lists.

A read-only ``QAbstractItemModel`` over the content summary (empty until the content has loaded,
then filled once), sorted by a ``QSortFilterProxyModel`` (groups
in a fixed order, items by title). Each row carries the item id and kind in custom roles, so the
window never needs to know how the tree is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from ketaref.content.format.kinds import KINDS, Kind, kinds_in_words
from ketaref.content.in_use.summary import CatalogueEntry, ContentSummary

ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

GROUP = "group"

Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class _Node:
    label: str
    kind: str
    item_id: str
    sort_key: str
    tooltip: str = ""
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    row: int = 0

    def add(self, child: _Node) -> _Node:
        child.parent, child.row = self, len(self.children)
        self.children.append(child)
        return child


def _group_of(entry: CatalogueEntry) -> tuple[str, str]:
    """The label of the group an entry is listed under, and that group's sort key.

    Kinds without a group of their own (protocols) are listed under their indications, which come
    first, by name; the other kinds' groups follow in ``Kind`` order.
    """
    group = KINDS[entry.kind].group
    if group is None:
        return entry.indication, f"0 {entry.indication.casefold()}"
    return group, f"1 {list(Kind).index(entry.kind):02d}"


def _build_tree(summary: ContentSummary) -> _Node:
    root = _Node("", GROUP, "", "")
    groups: dict[tuple[str, str], _Node] = {}
    for entry in summary.entries:
        label, order = _group_of(entry)
        group = groups.get((label, order))
        if group is None:
            group = groups[label, order] = root.add(_Node(label, GROUP, "", order))
        tooltip = f"{entry.title}\n{entry.status}" if entry.status else entry.title
        group.add(_Node(entry.title, entry.kind, entry.item_id, entry.title.casefold(), tooltip))
    return root


def _group_font() -> QFont:
    font = QGuiApplication.font()
    font.setBold(True)
    return font


class NavigationModel(QAbstractItemModel):
    """Indications and their protocols, then checklists and contraindication lists."""

    def __init__(self, summary: ContentSummary, parent: QObject | None = None):
        super().__init__(parent)
        self._root = _build_tree(summary)

    def set_summary(self, summary: ContentSummary) -> None:
        """Show the items of ``summary`` (the content, once it has loaded)."""
        self.beginResetModel()
        self._root = _build_tree(summary)
        self.endResetModel()

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, _parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self._node(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return node.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip or None
        if role == Qt.ItemDataRole.FontRole and node.kind == GROUP:
            return _group_font()  # group rows read as headings, not as items to open
        if role == ITEM_ID_ROLE:
            return node.item_id or None
        if role == KIND_ROLE:
            return node.kind
        if role == SORT_ROLE:
            return node.sort_key
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class NavigationProxy(QSortFilterProxyModel):
    """Sorts the navigation tree: groups in their fixed order, items by title."""

    def __init__(self, source: NavigationModel, parent: QObject | None = None):
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.sort(0, Qt.SortOrder.AscendingOrder)

    def find_item(self, item_id: str) -> QModelIndex:
        """The proxy index of the item with ``item_id``, or an invalid index."""
        matches = self.match(
            self.index(0, 0),
            ITEM_ID_ROLE,
            item_id,
            1,
            Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
        )
        return matches[0] if matches else QModelIndex()

    def children_ids(self, group: QModelIndex) -> list[str]:
        """The item ids under a group row, in the order shown."""
        return [self.index(row, 0, group).data(ITEM_ID_ROLE) for row in range(self.rowCount(group))]


class _WrappingDelegate(QStyledItemDelegate):
    """Rows tall enough for their whole title wrapped to the tree's width (no "…")."""

    def __init__(self, view: NavigationTree):
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        depth = 1 if index.data(KIND_ROLE) == GROUP else 2  # groups, then the items under them
        width = self._view.wrap_width - self._view.indentation() * depth - 12
        if width <= 0:  # not laid out yet: one line for now, wrapped once the width is known
            return hint
        bounds = option.fontMetrics.boundingRect(
            QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, str(index.data())
        )
        return QSize(hint.width(), max(hint.height(), bounds.height() + 6))


class NavigationTree(QTreeView):
    """The navigation tree: whole titles, wrapped, one selection, no header."""

    def __init__(self, proxy: NavigationProxy, parent: QWidget | None = None):
        super().__init__(parent)
        #: The width titles wrap to: the viewport's, known once the tree is laid out.
        self.wrap_width = 0
        self.setModel(proxy)
        self.setHeaderHidden(True)
        self.setWordWrap(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setItemDelegate(_WrappingDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        every_kind = kinds_in_words(plural=True)
        self.setAccessibleName(every_kind[:1].upper() + every_kind[1:])
        self.setAccessibleDescription(
            "Grouped by indication. Up and Down choose an item, Enter moves to its text."
        )
        self.expandAll()

    def _viewport(self) -> QWidget:
        """The viewport, found by its Qt name as a plain QWidget where that works.

        ``viewport()`` returns it under a C++ class PySide6 cannot name; working out which Python
        type to give it makes the types of some 60 widget classes, which start-up does not need
        (about 20 ms). Once found here, ``viewport()`` returns the same Python object.
        """
        found = self.findChild(
            QWidget, "qt_scrollarea_viewport", Qt.FindChildOption.FindDirectChildrenOnly
        )
        return found if found is not None else self.viewport()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-wrap the titles to the new width."""
        super().resizeEvent(event)
        width = self._viewport().width()
        if width != self.wrap_width:
            self.wrap_width = width
            self.scheduleDelayedItemsLayout()
