"""The content pane: an item's text with citation markers, the dose calculator area, the sources.

``ItemView`` shows one protocol, checklist or contraindication list. Its text is rich text built
by ``ketaref.gui.rich_text``; links open other items (``itemLinkActivated``) or select a source in
the ``SourcesPanel``, which shows the full citation and copies the URL (the app works offline, so
it never opens a browser).
"""

from __future__ import annotations

import itertools
import re
from html import escape
from typing import TYPE_CHECKING, assert_never

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QFontMetricsF, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ketaref.content.format.kinds import kinds_in_words
from ketaref.content.in_use.summary import ContentSummary
from ketaref.gui.flow_layout import FlowLayout
from ketaref.gui.link_browser import LinkBrowser
from ketaref.gui.page_html import (
    CITE_SCHEME,
    COMPACT_TABLE_CHARACTERS,
    ITEM_SCHEME,
    READING_COLUMN_CHARACTERS,
    READING_POINT_SIZE,
    render_overview,
    style_sheet,
)
from ketaref.gui.palette import theme_from

if TYPE_CHECKING:  # the content model is imported when the first item is shown, not at start-up
    from ketaref.content.format.local_rules import LocalRulesInForce
    from ketaref.content.format.model import ContentItem, Protocol
    from ketaref.content.format.pack import Library
    from ketaref.gui.rich_text import CitedSource, RenderedItem

Index = QModelIndex | QPersistentModelIndex
#: Characters of a source's name in the sources list (the full citation is shown below it).
SHORT_NAME = 40
#: Characters of a locator in the sources list (long form-field locators are shown in full below).
SHORT_LOCATOR = 50
#: Initial width of the column holding the dose calculator and the sources.
SIDE_WIDTH = 340
#: The share of the side column's height the calculator may take (its inputs and details
#: scroll when it needs more), so the sources list keeps some rows.
CALCULATOR_SHARE = 0.7
#: The sources panel's least height, in lines of text: its title, a row of the list, the Copy button.
SOURCES_LEAST_LINES = 4
#: Lines of text the sources panel needs to be of use beside the calculator: below that (a short
#: screen, or 200 %) the calculator and the sources become two tabs, each with the whole height.
SOURCES_USEFUL_LINES = 10
#: The calculator box's title (its tab's, in a short column).
CALCULATOR_TITLE = "Dose calculator"
#: Text of ordinary width, to measure how wide 80 characters of the reading pane's font are.
_SAMPLE_TEXT = "The APA consensus statement reviews off-label ketamine for mood disorders; "
_SURNAME = re.compile(r"^([A-Z][\w'’-]+) [A-Z]{1,3}\b")
_NAME_END = re.compile(r"[(,:;]|\.\s")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def short_source_name(citation: str, kind: str) -> str:
    """A source as people cite it: first author and year ("Zarate 2021"), or "SPRAVATO label".

    Organisations and labels have no author: the citation's first phrase stands in for one.
    """
    surname = _SURNAME.match(citation)
    name = surname.group(1) if surname else _NAME_END.split(citation, maxsplit=1)[0].strip()
    if len(name) < 4:
        name = citation
    if len(name) > SHORT_NAME:
        name = name[:SHORT_NAME].rsplit(" ", 1)[0].rstrip(".,;: ") + "…"
    if kind == "label" and "label" not in name.lower():
        name += " label"
    year = _YEAR.search(citation)
    return f"{name} {year.group()}" if year else name


def source_labels(citations: tuple[CitedSource, ...]) -> list[str]:
    """Short labels for a list of citations, one per row, no two alike.

    Name, year and the place in the source ("Zarate 2021, paragraph 2"); two that would read
    the same get their source id, so the list never shows the same line twice.
    """
    labels = []
    for cited in citations:
        locator = cited.locator
        if len(locator) > SHORT_LOCATOR:
            locator = locator[:SHORT_LOCATOR].rsplit(" ", 1)[0].rstrip(".,;: ") + "…"
        if cited.source is None:
            labels.append(f"{cited.source_id}, {locator}")
            continue
        name = short_source_name(cited.source.citation, cited.source.kind.value)
        labels.append(f"{name}, {locator}")
    for position, label in enumerate(labels):
        if labels.count(label) > 1:
            labels[position] = f"{label} ({citations[position].source_id})"
    return [
        f"[{cited.number}] {label}" + (f" · {cited.tag}" if cited.tag else "")
        for cited, label in zip(citations, labels, strict=True)
    ]


class SourcesModel(QAbstractListModel):
    """The numbered citations of the item on screen."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._citations: tuple[CitedSource, ...] = ()
        self._labels: list[str] = []

    def set_citations(self, citations: tuple[CitedSource, ...]) -> None:
        """Replace the list (a new item is on screen)."""
        self.beginResetModel()
        self._citations = citations
        self._labels = source_labels(citations)
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
            return self._labels[index.row()]
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
        # Labels wrap: a sideways scroll bar would only take the last row of a short list.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAccessibleName("Sources")
        self.list.setAccessibleDescription(
            "The sources cited by the item on screen; the selected one is shown in full below"
        )
        self.detail = LinkBrowser(self)
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
            f"{escape(source.verification.label)} · <b>retrieved:</b> {source.retrieved}</p>"
            f"<p><b>URL:</b> {escape(source.url)}</p>{note}"
        )


def _mnemonic_text(widget: QWidget) -> str | None:
    """The text of a label with a buddy or of a button, if it claims an Alt key ("&Weight")."""
    if not (isinstance(widget, QLabel) and widget.buddy() is not None) and not isinstance(
        widget, QAbstractButton
    ):
        return None
    text = widget.text()
    return text if QKeySequence.mnemonic(text).count() else None


def tab_stops_inside(widget: QWidget) -> list[QWidget]:
    """The widgets inside ``widget`` that Tab stops at, in their present Tab order."""
    stops: list[QWidget] = []
    current = widget.nextInFocusChain()
    while current is not None and current is not widget:
        takes_tab = current.focusPolicy() & Qt.FocusPolicy.TabFocus
        if widget.isAncestorOf(current) and takes_tab and current.focusProxy() is None:
            stops.append(current)
        current = current.nextInFocusChain()
    return stops


class ReadingPane(LinkBrowser):
    """The item's text: 11 pt, lines of about 80 characters, however wide the window is."""

    #: The pane became narrow or wide (True: narrow; see ``narrow``).
    narrowChanged = QtSignal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setLineWrapMode(QTextEdit.LineWrapMode.FixedPixelWidth)
        self._narrow = False
        self.reset_font()

    def reset_font(self) -> None:
        """The reading size: the desktop's font, at least ``READING_POINT_SIZE`` points."""
        font = QGuiApplication.font()
        font.setPointSizeF(max(font.pointSizeF(), READING_POINT_SIZE))
        self.setFont(font)

    def column_width(self) -> int:
        """The width lines wrap at: about 80 characters, or the pane's width if it is narrower."""
        cap = self._characters_width(READING_COLUMN_CHARACTERS)
        # The vertical scroll bar's width is kept free, so it never pushes lines out of view. Its
        # size hint is the style's scroll-bar extent, asked without making QStyle's Python type
        # (which any style() call from Python makes, with its many enums: start-up time).
        scroll_bar = self.verticalScrollBar().sizeHint().width()
        room = self.width() - 2 * self.frameWidth() - scroll_bar - 2
        return max(1, int(min(cap, room)))

    def narrow(self) -> bool:
        """Whether lines are too short for tables to keep every word whole (then each table
        row is shown as a box of its own)."""
        return self.column_width() < self._characters_width(COMPACT_TABLE_CHARACTERS)

    def _characters_width(self, characters: int) -> float:
        """How wide a line of ``characters`` ordinary characters is, with the page margins."""
        metrics = QFontMetricsF(self.font())
        average = metrics.horizontalAdvance(_SAMPLE_TEXT) / len(_SAMPLE_TEXT)
        return average * characters + 2 * self.document().documentMargin()

    def _fit_column(self) -> None:
        width = self.column_width()
        if width != self.lineWrapColumnOrWidth():
            self.setLineWrapColumnOrWidth(width)
        if self.narrow() != self._narrow:
            self._narrow = not self._narrow
            self.narrowChanged.emit(self._narrow)

    def resizeEvent(self, event: object) -> None:
        """Keep the column at its width, or the pane's if narrower."""
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit_column()

    def changeEvent(self, event: QEvent) -> None:
        """Zooming changes the font: the column follows, still about 80 characters."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_column()


class SectionBar(QWidget):
    """Buttons above the text that jump to its sections (Dose · Administration · …).

    They wrap onto a second row when the text column is narrow, rather than widen the window.
    """

    def __init__(self, document: QTextBrowser, parent: QWidget | None = None):
        super().__init__(parent)
        self._document = document
        self.setAccessibleName("Sections")
        self._layout = FlowLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 2)
        self._layout.setSpacing(4)
        self._title = QLabel("Go to:", self)
        self.buttons: list[QPushButton] = []

    def set_sections(self, sections: tuple[tuple[str, str], ...]) -> None:
        """Show a button per section (label, anchor); none and the bar is hidden."""
        for button in self.buttons:
            button.hide()
            button.setParent(None)
            button.deleteLater()
        self.buttons = []
        while self._layout.count():
            self._layout.takeAt(0)
        self._layout.addWidget(self._title)
        for label, anchor in sections:
            button = QPushButton(label, self)
            button.setFlat(True)
            button.setAccessibleDescription(f"Scroll the text to {label}")
            button.clicked.connect(lambda _=False, a=anchor: self._document.scrollToAnchor(a))
            self._layout.addWidget(button)
            self.buttons.append(button)
        self.setVisible(bool(sections))


class ItemView(QWidget):
    """One item's text, the dose calculator area (protocols with dosing) and its sources."""

    #: The user followed a link to another item (its id).
    itemLinkActivated = QtSignal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.item: ContentItem | None = None
        #: The library and local rules the item on screen was shown with (to show it again).
        self._shown: tuple[Library | None, LocalRulesInForce | None] = (None, None)
        self.document = ReadingPane(self)
        self.document.setAccessibleName("Item text")
        self.document.setAccessibleDescription(
            f"The selected {kinds_in_words('or')}. Tab moves between links and citation markers;"
            " Enter follows one."
        )
        self.document.anchorClicked.connect(self._follow_link)
        self.document.narrowChanged.connect(self._render_again)
        self.section_bar = SectionBar(self.document, self)
        self.section_bar.hide()
        self.sources = SourcesPanel(self)
        # The dose calculator goes here for protocols with a regimen; see set_calculator().
        # No mnemonic: Ctrl+4 goes to the calculator, and its fields have their own Alt keys.
        self.calculator_area = QGroupBox(CALCULATOR_TITLE, self)
        self.calculator_area.setAccessibleName("Dose calculator")
        # As tall as the panel wants, no taller: the sources panel gets the rest. Should the
        # column be too short, the panel's inputs scroll up and down (never sideways) and its
        # result card stays in view.
        self._calculator_layout = QVBoxLayout(self.calculator_area)
        self.calculator_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._calculator: QWidget | None = None
        self.calculator_area.hide()

        self.side = QWidget(self)
        side_layout = QVBoxLayout(self.side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.calculator_area, 0)
        side_layout.addWidget(self.sources, 1)
        # The calculator is served first: the sources take what it leaves (their list scrolls),
        # never less than a few lines.
        self.sources.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.sources.setMinimumHeight(SOURCES_LEAST_LINES * self.fontMetrics().lineSpacing())
        self.side.installEventFilter(self)
        self.calculator_area.installEventFilter(self)
        # Two tabs in a column too short for both; built once, used only then (see _fit_side()).
        self.side_tabs = QTabWidget(self.side)
        self.side_tabs.setAccessibleName("Dose calculator and sources")
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.hide()
        side_layout.addWidget(self.side_tabs, 1)
        self._side_layout = side_layout
        #: Alt keys of the tab not shown, held by the tab shown (see _carry_alt_keys()).
        self._tab_shortcuts: list[QShortcut] = []
        reading = QWidget(self)
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 0, 0, 0)
        reading_layout.setSpacing(0)
        reading_layout.addWidget(self.section_bar)
        reading_layout.addWidget(self.document, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(reading)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        # Room for the dose calculator's fields beside the text (the user can drag the handle).
        self.splitter.setSizes([SIDE_WIDTH * 2, SIDE_WIDTH])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        #: The widget Tab comes from into this view (the window sets it: its search results).
        self.tab_predecessor: QWidget | None = None
        self.order_tabs()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The side column was resized, or the calculator's wanted height changed: the two
        share the column, or become tabs when it is too short for both."""
        if (watched is self.side and event.type() == QEvent.Type.Resize) or (
            watched is self.calculator_area and event.type() == QEvent.Type.LayoutRequest
        ):
            self._fit_side()
        return super().eventFilter(watched, event)

    @property
    def tabbed(self) -> bool:
        """Whether the calculator and the sources are shown as two tabs (a short column)."""
        return self.side_tabs.isVisibleTo(self.side)

    def _fit_side(self) -> None:
        """One above the other when the column holds the calculator's fields and a useful
        sources list; else two tabs, the calculator's first, so its fields get the whole height."""
        sources_useful = SOURCES_USEFUL_LINES * self.fontMetrics().lineSpacing()
        wanted = self.calculator_area.sizeHint().height() + sources_useful
        tabbed = self._calculator is not None and self.side.height() < wanted
        if tabbed != self.tabbed:
            self._arrange_side(tabbed)
        if not tabbed:
            self.calculator_area.setMaximumHeight(int(self.side.height() * CALCULATOR_SHARE))

    def _arrange_side(self, tabbed: bool) -> None:
        """Put the calculator and the sources into the tabs, or back one above the other."""
        # As a tab, the box's title would only repeat the tab's and take a line from the fields.
        self.calculator_area.setTitle("" if tabbed else CALCULATOR_TITLE)
        if tabbed:
            self.calculator_area.setMaximumHeight(16777215)  # the tab's whole height
            self.side_tabs.addTab(self.calculator_area, CALCULATOR_TITLE)
            self.side_tabs.addTab(self.sources, "Sources")
            self.side_tabs.setCurrentIndex(0)
            # As wide as the calculator needs, as without tabs (the tab row alone would widen
            # the column, and the calculator's form lays its rows out by the width it gets).
            self.side_tabs.setMinimumWidth(self.calculator_area.minimumWidth())
            self.side_tabs.show()
            self._carry_alt_keys()
        else:
            for shortcut in self._tab_shortcuts:
                shortcut.deleteLater()
            self._tab_shortcuts = []
            self.side_tabs.hide()
            self.side_tabs.clear()
            self._side_layout.insertWidget(0, self.calculator_area, 0)
            self._side_layout.insertWidget(1, self.sources, 1)
            self.calculator_area.show()
            self.sources.show()
        self.order_tabs()

    def _carry_alt_keys(self) -> None:
        """Each tab holds the Alt keys of the other: a hidden widget's own Alt key does nothing,
        and a field or Sources must be reached by its key whichever tab is in front."""
        pages = (self.calculator_area, self.sources)
        for page, holder in (pages, pages[::-1]):
            for widget in page.findChildren(QWidget):
                text = _mnemonic_text(widget)
                if text is None or not widget.isVisibleTo(page):
                    continue
                shortcut = QShortcut(QKeySequence.mnemonic(text), holder)
                shortcut.activated.connect(lambda p=page, w=widget: self._reach(p, w))
                self._tab_shortcuts.append(shortcut)

    def _reach(self, page: QWidget, widget: QWidget) -> None:
        """Do what ``widget``'s Alt key does, its tab brought in front first."""
        self.side_tabs.setCurrentWidget(page)
        if isinstance(widget, QLabel) and (buddy := widget.buddy()) is not None:
            buddy.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif isinstance(widget, QAbstractButton) and widget.isEnabled():
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
            widget.animateClick()

    def show_side_part(self, part: QWidget) -> None:
        """Bring ``part`` (the calculator area or the sources) into view if it is a tab."""
        if self.tabbed:
            self.side_tabs.setCurrentWidget(part)

    @property
    def protocol(self) -> Protocol | None:
        """The protocol on screen, if the item on screen is one."""
        item = self.item
        if item is None:  # the home page: the content model need not be imported yet
            return None
        from ketaref.content.format.model import Checklist, ContraindicationList, Protocol

        match item:
            case Protocol():
                return item
            case Checklist() | ContraindicationList():
                return None
            case _:
                assert_never(item)

    def show_item(
        self,
        library: Library,
        item: ContentItem,
        local_rules: LocalRulesInForce | None = None,
    ) -> None:
        """Show an item: its text, its sources, and the calculator area if it has dosing.

        ``local_rules`` (the clinic's, in force) fill the item's site-defined slots.
        """
        self.item = item
        self._shown = (library, local_rules)
        rendered = self._render()
        self.section_bar.set_sections(rendered.sections)
        self.sources.set_citations(rendered.citations)
        self.order_tabs()
        self.set_calculator(None)
        protocol = self.protocol
        self.calculator_area.setVisible(protocol is not None and protocol.dosing is not None)
        self.side.show()

    def _render(self) -> RenderedItem:
        """Put the item on screen into the text, its tables as boxes if the pane is narrow."""
        from ketaref.gui.rich_text import render_item

        library, local_rules = self._shown
        assert self.item is not None and library is not None
        theme = theme_from(self.document.palette())
        rendered = render_item(
            library, self.item, theme, local_rules, compact=self.document.narrow()
        )
        self.document.document().setDefaultStyleSheet(style_sheet(theme))
        self.document.setHtml(rendered.html)
        return rendered

    def _render_again(self) -> None:
        """The pane became narrow or wide: the same item, its tables laid out for the width,
        at the same place in the text."""
        if self.item is None:
            return
        bar = self.document.verticalScrollBar()
        place = bar.value() / bar.maximum() if bar.maximum() else 0.0
        self._render()
        bar.setValue(round(place * bar.maximum()))

    def show_overview(
        self,
        summary: ContentSummary,
        title: str,
        groups: list[tuple[str, list[str]]],
        intro: str = "",
    ) -> None:
        """Show groups of items as lists of links (the home page, or one navigation group)."""
        self.item = None
        self.document.document().setDefaultStyleSheet(style_sheet(theme_from(self.palette())))
        self.document.setHtml(render_overview(summary, title, groups, intro))
        self.section_bar.set_sections(())
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
            self._calculator_layout.removeWidget(self._calculator)
            self._calculator.deleteLater()
        self._calculator = widget
        self.calculator_area.setMinimumWidth(0)
        if widget is not None:
            # The column is never narrower than the panel: nothing in it is cut off at the side.
            self.calculator_area.setMinimumWidth(widget.minimumSizeHint().width() + 24)
            self._calculator_layout.addWidget(widget)
            widget.show()
        self._fit_side()
        self.order_tabs()

    def order_tabs(self) -> None:
        """Tab in screen order: section bar, text, calculator, sources list, citation, Copy URL."""
        chain: list[QWidget] = [self.tab_predecessor] if self.tab_predecessor else []
        chain += [*self.section_bar.buttons, self.document]
        if self.tabbed:
            chain.append(self.side_tabs.tabBar())
        if self._calculator is not None:
            chain += tab_stops_inside(self._calculator)
        chain += [self.sources.list, self.sources.detail, self.sources.copy_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    @property
    def calculator(self) -> QWidget | None:
        """The widget in the calculator area, if one was set for this protocol."""
        return self._calculator

    def _follow_link(self, url: QUrl) -> None:
        scheme, _, target = url.toString().partition(":")
        if scheme == ITEM_SCHEME:
            self.itemLinkActivated.emit(target)
        elif scheme == CITE_SCHEME and target.isdigit():
            self.show_side_part(self.sources)
            self.sources.select(int(target))
