"""The content pane: an item's text with citation markers, the dose calculator area, the sources.

``ItemView`` shows one protocol, checklist or contraindication list. Its text is rich text built
by ``ketaref.gui.rich_text``; links open other items (``itemLinkActivated``) or select a source in
the ``SourcesPanel``, which shows the full citation and copies the URL (the app works offline, so
it never opens a browser).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QUrl
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ketaref.content.summary import ContentSummary
from ketaref.gui.page_html import CITE_SCHEME, ITEM_SCHEME, Theme, render_overview, style_sheet

if TYPE_CHECKING:  # the content model is imported when the first item is shown, not at start-up
    from ketaref.content.local_rules import LocalRulesInForce
    from ketaref.content.model import Protocol
    from ketaref.content.pack import ContentItem, Library
    from ketaref.gui.rich_text import CitedSource

Index = QModelIndex | QPersistentModelIndex
#: Characters of a citation shown in the sources list (the full one is shown below it).
SHORT_CITATION = 64
#: Initial width of the column holding the dose calculator and the sources.
SIDE_WIDTH = 340


def theme_from(palette: QPalette) -> Theme:
    """Colours for rich text taken from a palette, so dark and light modes both work."""
    role = QPalette.ColorRole
    return Theme(
        text=palette.color(role.Text).name(),
        muted=palette.color(QPalette.ColorGroup.Disabled, role.Text).name(),
        badge=palette.color(role.Highlight).name(),
        badge_text=palette.color(role.HighlightedText).name(),
        shade=palette.color(role.AlternateBase).name(),
        border=palette.color(role.Mid).name(),
    )


class SourcesModel(QAbstractListModel):
    """The numbered citations of the item on screen."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._citations: tuple[CitedSource, ...] = ()

    def set_citations(self, citations: tuple[CitedSource, ...]) -> None:
        """Replace the list (a new item is on screen)."""
        self.beginResetModel()
        self._citations = citations
        self.endResetModel()

    def citation(self, row: int) -> CitedSource | None:
        """The citation in ``row``, or None."""
        return self._citations[row] if 0 <= row < len(self._citations) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._citations)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        cited = self.citation(index.row()) if index.isValid() else None
        if cited is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            tag = f" ({cited.tag})" if cited.tag else ""
            title = cited.source.citation if cited.source else cited.source_id
            if len(title) > SHORT_CITATION:
                title = title[:SHORT_CITATION].rsplit(" ", 1)[0] + "…"
            return f"[{cited.number}] {title}\n      {cited.locator}{tag}"
        if role == Qt.ItemDataRole.ToolTipRole and cited.source is not None:
            return cited.source.citation
        return None


class SourcesPanel(QWidget):
    """A list of the item's citations, the selected one in full, and a button to copy its URL."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = SourcesModel(self)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Sources")
        self.list.setAccessibleDescription(
            "The sources cited by the item on screen; the selected one is shown in full below"
        )
        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        self.detail.setAccessibleName("Selected source")
        self.detail.setAccessibleDescription("Full citation, place in the source and web address")
        self.copy_button = QPushButton("Copy URL", self)
        self.copy_button.setAccessibleDescription(
            "Copy the web address of the selected source to the clipboard"
        )
        self.copy_button.clicked.connect(self.copy_url)
        title = QLabel("&Sources", self)
        title.setBuddy(self.list)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.copy_button)
        self.list.selectionModel().currentChanged.connect(self._show_selected)
        self.set_citations(())

    def set_citations(self, citations: tuple[CitedSource, ...]) -> None:
        """Show the citations of a new item; nothing is selected yet."""
        self.model.set_citations(citations)
        self._show_selected()

    def select(self, number: int) -> None:
        """Select citation ``number`` (as shown in the markers, from 1) and show it in full."""
        index = self.model.index(number - 1, 0)
        if index.isValid():
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)

    def selected(self) -> CitedSource | None:
        """The citation shown in full, if any."""
        return self.model.citation(self.list.currentIndex().row())

    def copy_url(self) -> None:
        """Put the selected source's URL on the clipboard."""
        cited = self.selected()
        if cited is not None and cited.source is not None:
            QGuiApplication.clipboard().setText(cited.source.url)

    def _show_selected(self, *_: object) -> None:
        cited = self.selected()
        self.copy_button.setEnabled(cited is not None and cited.source is not None)
        if cited is None:
            count = self.model.rowCount()
            hint = (
                "Choose a citation marker such as [1] in the text, or a source in the list above."
                if count
                else "Nothing on screen cites a source."
            )
            self.detail.setHtml(f"<p>{escape(hint)}</p>")
            return
        source = cited.source
        if source is None:
            self.detail.setHtml(
                f"<p>[{cited.number}] {escape(cited.source_id)}: unknown source</p>"
            )
            return
        tag = f"<p><b>Check against the primary: {escape(cited.tag)}.</b></p>" if cited.tag else ""
        note = f"<p><i>{escape(source.note)}</i></p>" if source.note else ""
        self.detail.setHtml(
            f"<p><b>[{cited.number}]</b> {escape(source.citation)}</p>"
            f"<p><b>Where:</b> {escape(cited.locator)}</p>{tag}"
            f"<p><b>Kind:</b> {escape(source.kind.value)} · <b>verified:</b> "
            f"{escape(source.verification.value)} · <b>retrieved:</b> {source.retrieved}</p>"
            f"<p><b>URL:</b> {escape(source.url)}</p>{note}"
        )


class ItemView(QWidget):
    """One item's text, the dose calculator area (protocols with dosing) and its sources."""

    #: The user followed a link to another item (its id).
    itemLinkActivated = QtSignal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.item: ContentItem | None = None
        self.kind = ""
        self.document = QTextBrowser(self)
        self.document.setOpenLinks(False)
        self.document.setAccessibleName("Item text")
        self.document.setAccessibleDescription(
            "The selected protocol, checklist or contraindication list. Tab moves between links"
            " and citation markers; Enter follows one."
        )
        self.document.anchorClicked.connect(self._follow_link)
        self.sources = SourcesPanel(self)
        # The dose calculator goes here for protocols whose `dosing` is not None; see
        # set_calculator(). The lead wires ketaref.gui.dose_panel.DosePanel in through it.
        self.calculator_area = QGroupBox("Dose &calculator", self)
        self.calculator_area.setAccessibleName("Dose calculator")
        # The result, formula and sources can be long: they scroll, never get clipped.
        self._calculator_scroll = QScrollArea(self.calculator_area)
        self._calculator_scroll.setWidgetResizable(True)
        self._calculator_scroll.setFrameShape(QFrame.Shape.NoFrame)
        QVBoxLayout(self.calculator_area).addWidget(self._calculator_scroll)
        self._calculator: QWidget | None = None
        self.calculator_area.hide()

        # The calculator has the larger share of the side column; the sources panel the rest.
        self.side = QWidget(self)
        side_layout = QVBoxLayout(self.side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.calculator_area, 3)
        side_layout.addWidget(self.sources, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.document)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        # Room for the dose calculator's fields beside the text (the user can drag the handle).
        self.splitter.setSizes([SIDE_WIDTH * 2, SIDE_WIDTH])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.setTabOrder(self.document, self.sources.list)
        self.setTabOrder(self.sources.list, self.sources.detail)
        self.setTabOrder(self.sources.detail, self.sources.copy_button)

    @property
    def protocol(self) -> Protocol | None:
        """The protocol on screen, if the item on screen is one."""
        return cast("Protocol", self.item) if self.kind == "protocol" else None

    def show_item(
        self,
        library: Library,
        kind: str,
        item: ContentItem,
        local_rules: LocalRulesInForce | None = None,
    ) -> None:
        """Show an item: its text, its sources, and the calculator area if it has dosing.

        ``local_rules`` (the clinic's, in force) fill the item's site-defined slots.
        """
        from ketaref.gui.rich_text import render_item

        self.item, self.kind = item, kind
        theme = theme_from(self.document.palette())
        rendered = render_item(library, kind, item, theme, local_rules)
        self.document.document().setDefaultStyleSheet(style_sheet(theme))
        self.document.setHtml(rendered.html)
        self.sources.set_citations(rendered.citations)
        self.set_calculator(None)
        protocol = self.protocol
        self.calculator_area.setVisible(protocol is not None and protocol.dosing is not None)
        self.side.show()

    def show_overview(
        self,
        summary: ContentSummary,
        title: str,
        groups: list[tuple[str, list[str]]],
        intro: str = "",
    ) -> None:
        """Show groups of items as lists of links (the home page, or one navigation group)."""
        self.item, self.kind = None, ""
        self.document.document().setDefaultStyleSheet(style_sheet(theme_from(self.palette())))
        self.document.setHtml(render_overview(summary, title, groups, intro))
        self.sources.set_citations(())
        self.set_calculator(None)
        self.calculator_area.hide()
        self.side.hide()  # nothing cited: the links get the whole width

    def set_calculator(self, widget: QWidget | None) -> None:
        """Put ``widget`` (the dose panel for the protocol on screen) in the calculator area."""
        if self._calculator is not None:
            # Hidden at once: deleteLater() waits for the event loop, and the old panel must
            # never show beside the next protocol.
            self._calculator.hide()
            self._calculator_scroll.takeWidget()
            self._calculator.deleteLater()
        self._calculator = widget
        if widget is not None:
            self._calculator_scroll.setWidget(widget)
            widget.show()
            self.setTabOrder(self.document, widget)

    @property
    def calculator(self) -> QWidget | None:
        """The widget in the calculator area, if one was set for this protocol."""
        return self._calculator

    def _follow_link(self, url: QUrl) -> None:
        scheme, _, target = url.toString().partition(":")
        if scheme == ITEM_SCHEME:
            self.itemLinkActivated.emit(target)
        elif scheme == CITE_SCHEME and target.isdigit():
            self.sources.select(int(target))
