"""The main window: banners, search and navigation on the left, the item on the right.

Always visible: the content version and pack hash (status bar), a banner while the content is not
clinically reviewed, and a banner when a site pack was refused or the machine policy has problems.
Every action is in a menu with its shortcut (declared once in ``actions.py``).

The window never waits for the content. It is built and painted at once; until its
``ContentLoad`` (``content_load.py``) has loaded the pack in a worker, the reading pane, the
navigation and the status bar say "Loading content…", the search field takes typing (and searches
when the content is there), and what needs the content (print, the dose calculator, the glossary
and content dialogs) is disabled, saying why. The content is installed once, when the load ends;
a failed load is reported through ``contentFailed``. Back and Forward are in ``history.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSettings, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ketaref.content.format.kinds import Kind, kinds_in_words, linked_ids
from ketaref.content.in_use.summary import NOT_REVIEWED, ContentSummary, summarize
from ketaref.gui import accessibility, integration
from ketaref.gui.actions import ACTIONS, create_actions
from ketaref.gui.banner import Banner, content_notice, sentence
from ketaref.gui.content_load import ContentLoad
from ketaref.gui.history import History
from ketaref.gui.integration import MachineSettings
from ketaref.gui.item_view import ItemView
from ketaref.gui.navigation import (
    GROUP,
    ITEM_ID_ROLE,
    KIND_ROLE,
    NavigationModel,
    NavigationProxy,
    NavigationTree,
)
from ketaref.gui.palette import focus_style_sheet
from ketaref.gui.screen_fit import fit_to_screen, keep_on_screen
from ketaref.gui.search_panel import make_search_widgets
from ketaref.text import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent

    from ketaref.content.format.pack import Library
    from ketaref.content.in_use.active import ActiveContent

DEFAULT_SIZE = (1280, 800)
NAVIGATION_WIDTH = 290
ORIGIN_NAMES = {"bundled": "the bundled pack"}
LOADING = "Loading content…"
#: Said by what waits for the content (actions' tips, the search field, the status bar).
WHEN_LOADED = "available once the content has loaded"
#: Actions that need the content whatever is on screen (the others follow the item shown).
NEEDS_CONTENT = ("glossary", "local_rules", "content_history", "about")
#: What the navigation model holds until the content has loaded: nothing.
NO_ITEMS = ContentSummary(version="", pack_hash="", reviewed=False, origin="", entries=())


class MainWindow(QMainWindow):
    """Browse protocols, checklists and contraindication lists, with every source at hand."""

    #: The content could not be loaded (the exception): the app tells the user and stops.
    contentFailed = Signal(object)
    #: The content has loaded and is on screen: from now on the window is fully usable.
    contentShown = Signal()

    def __init__(
        self,
        content: ContentLoad | ActiveContent,
        settings: QSettings,
        machine: MachineSettings | None = None,
        parent: QWidget | None = None,
    ):
        """A window for ``content``: a load under way (shown when it ends), or loaded content."""
        super().__init__(parent)
        accessibility.install()  # before any widget is read by assistive technology
        self.settings = settings
        self.machine = machine or MachineSettings()
        #: The summary of the content on screen; None until it has loaded.
        self.summary: ContentSummary | None = None
        self._current_id: str | None = None
        self._history = History()
        self.setWindowTitle("ketaref")

        self.model = NavigationModel(NO_ITEMS, self)
        self.proxy = NavigationProxy(self.model, self)
        self.tree = NavigationTree(self.proxy, self)
        self.search_field, self.results = make_search_widgets(self._library_to_search, self)
        self._search_placeholder = self.search_field.placeholderText()
        self.loading_note = QLabel(LOADING, self)
        self.loading_note.setObjectName("loadingNote")
        self.loading_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading_note.setWordWrap(True)
        self.left_stack = QStackedWidget(self)
        self.left_stack.addWidget(self.tree)
        self.left_stack.addWidget(self.results)
        self.left_stack.addWidget(self.loading_note)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_field)
        # What the search found, under the field it answers, wrapped: in the status bar the
        # content version beside it cut it at 200 %.
        self.search_status = QLabel(self)
        self.search_status.setObjectName("searchStatus")
        self.search_status.setWordWrap(True)
        self.search_status.hide()
        left_layout.addWidget(self.search_status)
        left_layout.addWidget(self.left_stack, 1)

        self.item_view = ItemView(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.item_view)
        # On a narrow (or highly scaled) screen the navigation gives way too, 1 to 3, so the
        # text keeps a readable width.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([NAVIGATION_WIDTH, DEFAULT_SIZE[0] - NAVIGATION_WIDTH])
        self.splitter.setChildrenCollapsible(False)

        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 6, 6, 0)
        self._banner_layout = QVBoxLayout()
        self._banner_layout.setContentsMargins(0, 0, 0, 0)
        self.banners = self._add_banners(self._machine_banners())
        central_layout.addLayout(self._banner_layout)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        # A 2 px ring shows where the keyboard is, in this window and the dialogs it opens.
        self.setStyleSheet(focus_style_sheet(QApplication.palette()))
        self.actions_by_id = create_actions(self, self._handlers())
        self._build_menus()
        self._build_status_bar()
        self._connect()
        self._set_tab_order()
        self._restore_geometry()
        self._show_loading()

        self.content = content if isinstance(content, ContentLoad) else ContentLoad()
        self.content.setParent(self)
        self.content.loaded.connect(self._show_content)
        self.content.failed.connect(self.contentFailed)
        if not isinstance(content, ContentLoad):
            self.content.set(content)  # loaded already (tests, tools): on screen at once
        elif content.active is not None:
            self._show_content(content.active)

    @property
    def active(self) -> ActiveContent | None:
        """The content on screen; None while it is loading (never waits for it)."""
        return self.content.active

    @property
    def library(self) -> Library | None:
        """The validated pack on screen; None while it is loading (never waits for it)."""
        active = self.content.active
        return active.library if active is not None else None

    def _library_to_search(self) -> Library:
        # The search runs only once the content is there (see _search).
        library = self.library
        assert library is not None
        return library

    # -- loading -------------------------------------------------------------------------------

    def _show_loading(self) -> None:
        """Say, where the content will be, that it is loading; disable what needs it."""
        self.item_view.show_overview(
            NO_ITEMS,
            LOADING,
            [],
            "The content pack is being read and checked. Protocols, checklists and"
            " contraindication lists appear here as soon as it is ready; you can type a search"
            " now.",
        )
        self.left_stack.setCurrentWidget(self.loading_note)
        self.content_label.setText(LOADING)
        self.search_field.setPlaceholderText(f"{LOADING} Type a search now")
        self.search_field.setFocus(Qt.FocusReason.OtherFocusReason)
        for spec in ACTIONS:  # disabled now, or by the item on screen: say why while loading
            if spec.id in NEEDS_CONTENT:
                self.actions_by_id[spec.id].setEnabled(False)
            if spec.id in (*NEEDS_CONTENT, "print", "focus_calculator"):
                self._describe_action(spec.id, f"{spec.description} ({WHEN_LOADED})")
        self._update_actions()

    def _describe_action(self, action_id: str, text: str) -> None:
        action = self.actions_by_id[action_id]
        action.setStatusTip(text)
        action.setToolTip(text)

    def _show_content(self, active: ActiveContent) -> None:
        """Install the loaded content: navigation, banners, status bar, home page. Once."""
        if self.summary is not None:
            return
        self.summary = summarize(active)
        self.model.set_summary(self.summary)
        self.tree.expandAll()
        self.banners = self._add_banners(self._content_banners(), *self.banners)
        self.content_label.setText(self._status_text(self.summary))
        self.search_field.setPlaceholderText(self._search_placeholder)
        for spec in ACTIONS:
            self._describe_action(spec.id, spec.description)
            if spec.id in NEEDS_CONTENT:
                self.actions_by_id[spec.id].setEnabled(True)
        self.actions_by_id["content_problems"].setEnabled(self._has_problems())
        self._set_tab_order()
        typed = self.search_field.hasFocus()
        self.show_home(take_focus=False)
        self._search(self.search_field.text())  # a search typed while loading runs now
        if typed:
            self.search_field.setFocus(Qt.FocusReason.OtherFocusReason)
        self.contentShown.emit()

    # -- construction --------------------------------------------------------------------------

    def _content_banners(self) -> list[Banner]:
        """What the user must be told about the content: its review state and any notices."""
        summary = self.summary
        assert summary is not None
        banners = []
        if not summary.reviewed:
            banners.append(
                Banner(
                    "notReviewedBanner",
                    f"Not yet clinically reviewed. Content {summary.version} has no clinical"
                    " reviewer's sign-off yet: check each statement against its source before"
                    " relying on it.",
                )
            )
        if summary.notices:
            text, severity = content_notice(
                refused=summary.refused,
                standard=summary.origin == "bundled",
                expired=summary.expired,
                local_rules=self.active.local_rules if self.active else None,
            )
            banners.append(Banner("refusedPackBanner", text, "Detai&ls…", severity=severity))
        return banners

    def _machine_banners(self) -> list[Banner]:
        """What the user must be told about the machine policy (known before the content)."""
        if not self.machine.problems:
            return []
        return [
            Banner(
                "policyBanner",
                "This computer's settings from IT have a problem; ketaref uses its own default"
                " where a setting could not be used. Tell IT."
                if self.machine.machine_problem
                else "Your own settings have a problem; ketaref ignores what it could not use."
                " Set them again in File, Preferences.",
                "&Details…",
            )
        ]

    def _add_banners(self, new: list[Banner], *shown: Banner) -> list[Banner]:
        """Put ``new`` banners above those ``shown``; return them all, top first."""
        for row, banner in enumerate(new):
            if banner.button is not None:
                banner.button.clicked.connect(self.show_content_problems)
            self._banner_layout.insertWidget(row, banner)
        return [*new, *shown]

    def _origin_name(self, summary: ContentSummary) -> str:
        return ORIGIN_NAMES.get(summary.origin, f"the {summary.origin}")

    def _handlers(self) -> dict[str, Callable[[], object]]:
        return {
            "print": self.print_checklist,
            "quit": self.close,
            "find": self.focus_search,
            "copy_url": self.item_view.sources.copy_url,
            "focus_navigation": self.focus_navigation,
            "focus_content": self.item_view.document.setFocus,
            "focus_sources": self.focus_sources,
            "focus_calculator": self.focus_calculator,
            "zoom_in": lambda: self.item_view.document.zoomIn(1),
            "zoom_out": lambda: self.item_view.document.zoomOut(1),
            "zoom_reset": self._reset_zoom,
            "back": lambda: self._go_history(-1),
            "forward": lambda: self._go_history(1),
            "open_contraindications": lambda: self._open_linked(Kind.CONTRAINDICATIONS),
            "open_checklist": lambda: self._open_linked(Kind.CHECKLIST),
            "content_problems": self.show_content_problems,
            "shortcuts": self.show_shortcuts,
            "glossary": self.show_glossary,
            "about": self.show_about,
            "content_history": self.show_content_history,
            "local_rules": self.show_local_rules,
            "preferences": self.show_preferences,
        }

    def _build_menus(self) -> None:
        menus: dict[str, object] = {}
        for spec in ACTIONS:
            menu = menus.get(spec.menu)
            if menu is None:
                menu = menus[spec.menu] = self.menuBar().addMenu(spec.menu)
            menu.addAction(self.actions_by_id[spec.id])  # type: ignore[attr-defined]
        self.actions_by_id["content_problems"].setEnabled(self._has_problems())

    def _has_problems(self) -> bool:
        summary = self.summary
        content_problems = summary is not None and (summary.notices or summary.refused_problems)
        return bool(content_problems or self.machine.problems)

    def _status_text(self, summary: ContentSummary) -> str:
        review = "clinically reviewed" if summary.reviewed else NOT_REVIEWED
        return (
            f"Content {summary.version} · pack {summary.pack_hash} · {self._origin_name(summary)}"
            f" · {review}"
        )

    def _build_status_bar(self) -> None:
        self.content_label = QLabel(LOADING, self)
        # Its name is its text (Qt's default for a label), so a screen reader reads the version.
        self.content_label.setAccessibleDescription("Content version and pack hash")
        self.content_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.content_label)

    def _connect(self) -> None:
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        self.tree.activated.connect(lambda _: self.item_view.document.setFocus())
        self.search_field.textChanged.connect(self._search)
        self.search_field.returnPressed.connect(self._open_search_result)
        self.search_field.moveIntoResults.connect(self._enter_results)
        self.search_field.cleared.connect(self.tree.setFocus)
        self.results.leftAtTop.connect(self.search_field.setFocus)
        self.results.activated.connect(lambda _: self._open_search_result())
        # A click opens a result; arrowing through the list does not (Enter opens).
        self.results.clicked.connect(self._result_clicked)
        self.item_view.itemLinkActivated.connect(self.open_item)
        self.item_view.sources.list.selectionModel().currentChanged.connect(self._update_actions)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [b.button for b in self.banners if b.button is not None]
        chain += [
            self.search_field,
            self.tree,
            self.results,
        ]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)
        self.item_view.tab_predecessor = self.results
        self.item_view.order_tabs()

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            fit_to_screen(self, QSize(*DEFAULT_SIZE))
        else:
            keep_on_screen(self)
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        item_splitter = self.settings.value("window/item_splitter")
        if item_splitter is not None:
            self.item_view.splitter.restoreState(item_splitter)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the window's size and layout (never anything about patients)."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/item_splitter", self.item_view.splitter.saveState())
        self.settings.sync()
        super().closeEvent(event)

    def show_home(self, *, take_focus: bool = True) -> None:
        """The start page: every item by group, as links; the search field ready to type in."""
        if self.summary is None:
            return  # the loading page stays until the content is there
        groups = []
        for row in range(self.proxy.rowCount()):
            group = self.proxy.index(row, 0)
            groups.append((group.data(), self.proxy.children_ids(group)))
        self._current_id = None
        self.item_view.show_overview(
            self.summary,
            "ketaref",
            groups,
            f"Choose a {kinds_in_words('or')}, or search with Ctrl+K.",
        )
        self.setWindowTitle("ketaref")
        if take_focus:
            self.search_field.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_actions()

    # -- navigation ----------------------------------------------------------------------------

    def open_item(self, item_id: str, *, remember: bool = True) -> None:
        """Show an item by id, select it in the tree and remember it for Back.

        Nothing happens while the content is loading (there is no item to show yet).
        """
        active = self.active
        found = active.library.item(item_id) if active is not None else None
        if active is None or found is None:
            return
        if item_id != self._current_id:
            _, item = found
            self.item_view.show_item(active.library, item, active.local_rules)
            self._current_id = item_id
            self.setWindowTitle(f"{item.title} — ketaref")
            if remember:
                self._history.visit(item_id)
            self._install_calculator(active)
        index = self.proxy.find_item(item_id)
        if index.isValid() and self.tree.currentIndex() != index:
            self.tree.setCurrentIndex(index)
        self._update_actions()

    def _tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        item_id = current.data(ITEM_ID_ROLE)
        if item_id:
            self.open_item(item_id)
        elif current.data(KIND_ROLE) == GROUP and self.summary is not None:
            self._current_id = None
            self.item_view.show_overview(
                self.summary, current.data(), [(current.data(), self.proxy.children_ids(current))]
            )
            self.setWindowTitle(f"{current.data()} — ketaref")
            self._update_actions()

    def _go_history(self, step: int) -> None:
        item_id = self._history.step(step)
        if item_id is not None:
            self.open_item(item_id, remember=False)

    def _open_linked(self, kind: Kind) -> None:
        protocol = self.item_view.protocol
        targets = linked_ids(protocol, kind) if protocol else ()
        if targets:  # the first; the protocol's page links any others
            self.open_item(targets[0])
            self.item_view.document.setFocus()

    # -- search --------------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Move to the search field with its text selected, ready to type over."""
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def focus_navigation(self) -> None:
        """Move to the tree, or to the search results while a search is shown."""
        current = self.left_stack.currentWidget()
        if current is not None:
            current.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _search(self, text: str) -> None:
        query = text.strip()
        if self.summary is None:  # typed while loading: searched when the content is there
            self._show_search_status(
                f"{LOADING} The search for “{query}” runs as soon as it has loaded."
                if query
                else ""
            )
            return
        if not query:
            self.left_stack.setCurrentWidget(self.tree)
            self._show_search_status("")
            return
        count = self.results.model().search(text)  # type: ignore[attr-defined]
        self.left_stack.setCurrentWidget(self.results)
        self._show_search_status(
            f"{plural(count, 'result')} for “{query}”" if count else f"Nothing found for “{query}”"
        )

    def _show_search_status(self, text: str) -> None:
        """Say what the search found under the search field; hide the line when ``text`` is empty."""
        self.search_status.setText(text)
        self.search_status.setVisible(bool(text))

    def _enter_results(self) -> None:
        if self.left_stack.currentWidget() is self.results and self.results.model().rowCount():
            self.results.setFocus(Qt.FocusReason.OtherFocusReason)
            self.results.setCurrentIndex(self.results.model().index(0, 0))
        else:
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def _result_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_item(index.data(ITEM_ID_ROLE))

    def _open_search_result(self) -> None:
        if self.left_stack.currentWidget() is not self.results:
            return
        current = self.results.currentIndex()
        if not current.isValid():
            current = self.results.model().index(0, 0)
        if current.isValid():
            self.open_item(current.data(ITEM_ID_ROLE))
            self.item_view.document.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- actions -------------------------------------------------------------------------------

    def _update_actions(self, *_: object) -> None:
        protocol = self.item_view.protocol
        actions = self.actions_by_id
        actions["print"].setEnabled(protocol is not None and protocol.checklist is not None)
        actions["open_checklist"].setEnabled(bool(protocol and protocol.checklist))
        actions["open_contraindications"].setEnabled(bool(protocol and protocol.contraindications))
        actions["focus_calculator"].setEnabled(bool(protocol and protocol.dosing))
        actions["back"].setEnabled(self._history.can_go_back)
        actions["forward"].setEnabled(self._history.can_go_forward)
        selected = self.item_view.sources.selected()
        actions["copy_url"].setEnabled(selected is not None and selected.source is not None)

    def _install_calculator(self, active: ActiveContent) -> None:
        protocol = self.item_view.protocol
        if protocol is None or protocol.dosing is None:
            return
        panel = integration.make_dose_panel(
            active.library, protocol, self.item_view.calculator_area, active.local_rules
        )
        self.item_view.set_calculator(panel)

    def focus_calculator(self) -> None:
        """Put the cursor in the first field of the dose calculator (the text keeps Tab for links)."""
        calculator = self.item_view.calculator
        if calculator is None:
            return
        self.item_view.show_side_part(self.item_view.calculator_area)
        for child in calculator.findChildren(QWidget):
            focusable = child.focusPolicy() & Qt.FocusPolicy.TabFocus
            if focusable and child.isVisible() and child.isEnabled():
                child.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return

    def focus_sources(self) -> None:
        """Put the cursor in the sources list (its tab brought forward in a short column)."""
        self.item_view.show_side_part(self.item_view.sources)
        self.item_view.sources.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def print_checklist(self) -> None:
        """Open the print dialog for the session checklist of the protocol on screen."""
        protocol = self.item_view.protocol
        active = self.active
        if protocol is None or protocol.checklist is None or active is None:
            return
        calculator: object = self.item_view.calculator  # a DosePanel, or a stand-in in tests
        # The result itself, not text made from it: its figures go into the dose boxes.
        dose = calculator.result() if hasattr(calculator, "result") else None
        acknowledged = calculator.acknowledged() if hasattr(calculator, "acknowledged") else False
        integration.open_print_dialog(
            active.library,
            protocol,
            machine=self.machine,
            dose=dose,
            dose_acknowledged=acknowledged,
            local_rules=active.local_rules,
            parent=self,
        )

    def show_preferences(self) -> None:
        """Edit the user's clinic name and default paper (keys IT locked stay read-only)."""
        from ketaref.gui.preferences import PreferencesDialog
        from ketaref.policy import load_policy, read_user_settings, save_user_settings

        dialog = PreferencesDialog(self.machine, read_user_settings()[0], self)
        if dialog.exec() != PreferencesDialog.DialogCode.Accepted:
            return
        stored = {key: str(value) for key, value in read_user_settings()[0].items()}
        try:
            save_user_settings(stored | dialog.values())
        except OSError as exc:
            QMessageBox.warning(
                self, "Preferences not saved", f"Your preferences could not be saved: {exc}"
            )
            return
        self.machine = integration.machine_settings(load_policy())

    def _reset_zoom(self) -> None:
        self.item_view.document.reset_font()

    def show_content_problems(self) -> None:
        """List every problem of a refused site pack and of the machine policy."""
        from ketaref.gui.dialogs import problems_dialog

        summary = self.summary or NO_ITEMS  # while loading: the machine policy's problems
        running = (
            f"ketaref is running on {self._origin_name(summary)} (content {summary.version},"
            f" pack {summary.pack_hash})."
        )
        dialog = problems_dialog(
            [running, *(sentence(n) for n in summary.notices)] if summary.notices else [],
            list(summary.refused_problems),
            [self.machine.problem_summary, *self.machine.problems] if self.machine.problems else [],
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_shortcuts(self) -> None:
        """The keyboard shortcuts list."""
        from ketaref.gui.dialogs import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_glossary(self) -> None:
        """The abbreviations of the pack in use and what they stand for."""
        from ketaref.gui.dialogs import GlossaryDialog

        if self.active is None:
            return
        dialog = GlossaryDialog(self.active.library.glossary, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_local_rules(self) -> None:
        """The clinic's local rules in force, every slot, and any rule held back."""
        from ketaref.gui.dialogs import LocalRulesDialog

        if self.active is None:
            return
        dialog = LocalRulesDialog(self.active, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_content_history(self) -> None:
        """The content version, its reviewers (or that it has none) and its changelog."""
        from ketaref.gui.dialogs import ContentHistoryDialog

        if self.active is None:
            return
        dialog = ContentHistoryDialog(self.active, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        """Versions, intended use, licences and where the log is."""
        from ketaref.gui.dialogs import AboutDialog
        from ketaref.gui.error_log import log_file_path

        if self.active is None:
            return
        dialog = AboutDialog(self.active, log_file_path(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
