"""The main window: banners, search and navigation on the left, the item on the right.

Always visible: the content version and pack hash (status bar), a banner while the content is not
clinically reviewed, and a banner when a site pack was refused or the machine policy has problems.
Every action is in a menu with its shortcut (declared once in ``actions.py``).

The window is built from the content summary (``ketaref.content.summary``): the navigation, the
home page, the banners and the status bar need nothing more. Items, searches, dialogs and
printouts need the full content: ``app.py`` loads it in the background once the window is painted,
and they wait for it (``loaded_content``) should the user be quicker.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ketaref.content.kinds import Kind, kinds_in_words, linked_ids
from ketaref.content.summary import (
    NOT_REVIEWED,
    ContentSummary,
    ContentUnavailable,
    DeferredContent,
    summarize,
)
from ketaref.gui import accessibility, integration
from ketaref.gui.actions import ACTIONS, create_actions
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
from ketaref.gui.palette import colors_for, focus_style_sheet
from ketaref.gui.screen_fit import fit_to_screen, keep_on_screen
from ketaref.gui.search_panel import make_search_widgets
from ketaref.text import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent

    from ketaref.content.active import ActiveContent
    from ketaref.content.pack import Library

DEFAULT_SIZE = (1280, 800)
NAVIGATION_WIDTH = 290
ORIGIN_NAMES = {"bundled": "the bundled pack"}


def _sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop, for notices written as clauses."""
    text = text.strip()
    if not text:
        return ""
    end = "" if text.endswith((".", "!", "?")) else "."
    return text[0].upper() + text[1:] + end


#: Banner severities: the sign shown, its name for screen readers, and its colours' names.
SEVERITIES = {
    "info": ("\u2139", "Information", "info_banner"),
    "warning": ("\u26a0", "Warning", "warning_banner"),
    "critical": ("\u2716", "Problem", "critical_banner"),
}


class Banner(QFrame):
    """A strip across the top of the window that says something the user must not miss.

    Its colours and sign say how serious it is (``SEVERITIES``); its text says what happened and
    what to do.
    """

    def __init__(
        self,
        name: str,
        text: str,
        button_text: str = "",
        parent: QWidget | None = None,
        *,
        severity: str = "warning",
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self.severity = severity
        sign, sign_name, colour_name = SEVERITIES[severity]
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        colors = colors_for(QApplication.palette())
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(getattr(colors, colour_name)))
        palette.setColor(
            QPalette.ColorRole.WindowText, QColor(getattr(colors, colour_name + "_text"))
        )
        self.setPalette(palette)
        # The sign in the text's own font: sharp at any scale, and cheaper at start-up than the
        # style's icon (making QStyle's Python type alone costs about 6 ms).
        icon = QLabel(f"<big><b>{sign}</b></big>", self)
        icon.setTextFormat(Qt.TextFormat.RichText)
        icon.setAccessibleName(sign_name)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName(text.split(".")[0])
        self.setAccessibleDescription(text)
        accessibility.mark_as_alert(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if button_text:
            self.button = QPushButton(button_text, self)
            self.button.setAccessibleDescription("List every problem found")
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)


class MainWindow(QMainWindow):
    """Browse protocols, checklists and contraindication lists, with every source at hand."""

    #: The content pack could not be loaded after the window was built from its summary.
    contentUnavailable = Signal()

    def __init__(
        self,
        content: ActiveContent | DeferredContent,
        settings: QSettings,
        machine: MachineSettings | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        accessibility.install()  # before any widget is read by assistive technology
        if not isinstance(content, DeferredContent):
            content = DeferredContent.of(content)
        self.content = content
        self.summary = content.summary
        self._summary_confirmed = content.is_loaded
        self.settings = settings
        self.machine = machine or MachineSettings()
        self._current_id: str | None = None
        self._history: list[str] = []
        self._history_position = -1
        self.setWindowTitle("ketaref")

        self.model = NavigationModel(self.summary, self)
        self.proxy = NavigationProxy(self.model, self)
        self.tree = NavigationTree(self.proxy, self)
        self.search_field, self.results = make_search_widgets(lambda: self.library, self)
        self.left_stack = QStackedWidget(self)
        self.left_stack.addWidget(self.tree)
        self.left_stack.addWidget(self.results)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_field)
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
        self.banners = self._make_banners()
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
        self.show_home()

    @property
    def active(self) -> ActiveContent:
        """The content in use, fully loaded (see ``loaded_content``)."""
        return self.loaded_content()

    def loaded_content(self) -> ActiveContent:
        """The fully loaded content, waiting for the background load (or loading) if need be.

        The first time, the window is brought up to date with what was loaded, should it differ
        from the summary it was built from (``ketaref.content.snapshot``). If the load failed,
        ``contentUnavailable`` is emitted (the app tells the user and stops) and
        ``ContentUnavailable`` raised, so the action that needed the content goes no further.
        """
        try:
            active = self._wait_for_content()
        except ContentUnavailable:
            self.contentUnavailable.emit()
            raise
        if not self._summary_confirmed:
            self._summary_confirmed = True
            self._show_summary(summarize(active))
        return active

    def _wait_for_content(self) -> ActiveContent:
        if not self.content.is_loading:
            return self.content.active()
        # Only if the user acts within the moment the pack takes to load: say so while waiting.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.statusBar().showMessage("Loading the content pack…")
        try:
            return self.content.active()
        finally:
            self.statusBar().clearMessage()
            QApplication.restoreOverrideCursor()

    def _show_summary(self, summary: ContentSummary) -> None:
        """Rebuild what was built from the summary: navigation, banners, status bar, home.

        The item or group the user is on stays on screen and selected, and focus stays put.
        """
        if summary == self.summary:
            return
        current = self.tree.currentIndex()
        current_group = current.data() if current.data(KIND_ROLE) == GROUP else None
        self.summary = summary
        self.model.set_summary(summary)
        self.tree.expandAll()
        for banner in self.banners:
            banner.hide()
            banner.setParent(None)  # gone from the window at once; deleted by Qt later
            banner.deleteLater()
        self.banners = self._make_banners()
        for banner in self.banners:
            banner.show()  # added to a window that is on screen already
        self.content_label.setText(self._status_text())
        self.actions_by_id["content_problems"].setEnabled(self._has_problems())
        self._set_tab_order()
        if self._current_id is not None:
            found = self.proxy.find_item(self._current_id)
            if found.isValid():
                self.tree.setCurrentIndex(found)  # the item itself is on screen already
                return
        elif current_group is not None:
            rows = (self.proxy.index(row, 0) for row in range(self.proxy.rowCount()))
            group = next((index for index in rows if index.data() == current_group), None)
            if group is not None:
                self.tree.setCurrentIndex(group)  # shows the group's overview again
                return
        self.show_home(take_focus=False)

    @property
    def library(self) -> Library:
        """The validated pack the window shows."""
        return self.active.library

    # -- construction --------------------------------------------------------------------------

    def _make_banners(self) -> list[Banner]:
        summary = self.summary
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
            running = (
                f"ketaref is running on {self._origin_name()} (content {summary.version},"
                f" pack {summary.pack_hash})"
            )
            if summary.refused:
                text = (
                    "Your clinic's content could not be loaded; you are seeing the standard"
                    f" content: {running}. Tell IT; Details lists what was wrong. "
                )
            else:
                text = f"About the content in use. {running}. "
            text += " ".join(_sentence(notice) for notice in summary.notices)
            severity = "critical" if summary.refused else "info"
            banners.append(Banner("refusedPackBanner", text, "Detai&ls…", severity=severity))
        if self.machine.problems:
            banners.append(
                Banner(
                    "policyBanner",
                    f"{self.machine.problem_summary} Tell IT; Details lists the problems.",
                    "&Details…",
                )
            )
        for banner in banners:
            if banner.button is not None:
                banner.button.clicked.connect(self.show_content_problems)
            self._banner_layout.addWidget(banner)
        return banners

    def _origin_name(self) -> str:
        return ORIGIN_NAMES.get(self.summary.origin, f"the {self.summary.origin}")

    def _handlers(self) -> dict[str, Callable[[], object]]:
        return {
            "print": self.print_checklist,
            "quit": self.close,
            "find": self.focus_search,
            "copy_url": self.item_view.sources.copy_url,
            "focus_navigation": self.focus_navigation,
            "focus_content": self.item_view.document.setFocus,
            "focus_sources": self.item_view.sources.list.setFocus,
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
        return bool(self.summary.notices or self.summary.refused_problems or self.machine.problems)

    def _status_text(self) -> str:
        summary = self.summary
        review = "clinically reviewed" if summary.reviewed else NOT_REVIEWED
        return (
            f"Content {summary.version} · pack {summary.pack_hash} · {self._origin_name()}"
            f" · {review}"
        )

    def _build_status_bar(self) -> None:
        self.content_label = QLabel(self._status_text(), self)
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
        """Show an item by id, select it in the tree and remember it for Back."""
        found = self.library.item(item_id)
        if found is None:
            return
        if item_id != self._current_id:
            _, item = found
            self.item_view.show_item(self.library, item, self.active.local_rules)
            self._current_id = item_id
            self.setWindowTitle(f"{item.title} — ketaref")
            if remember:
                del self._history[self._history_position + 1 :]
                self._history.append(item_id)
                self._history_position = len(self._history) - 1
            self._install_calculator()
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
        elif current.data(KIND_ROLE) == GROUP:
            self._current_id = None
            self.item_view.show_overview(
                self.summary, current.data(), [(current.data(), self.proxy.children_ids(current))]
            )
            self.setWindowTitle(f"{current.data()} — ketaref")
            self._update_actions()

    def _go_history(self, step: int) -> None:
        position = self._history_position + step
        if 0 <= position < len(self._history):
            self._history_position = position
            self.open_item(self._history[position], remember=False)

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
        if not text.strip():
            self.left_stack.setCurrentWidget(self.tree)
            self.statusBar().clearMessage()
            return
        count = self.results.model().search(text)  # type: ignore[attr-defined]
        self.left_stack.setCurrentWidget(self.results)
        self.statusBar().showMessage(
            f"{plural(count, 'result')} for “{text.strip()}”"
            if count
            else f"Nothing found for “{text.strip()}”"
        )

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
        actions["back"].setEnabled(self._history_position > 0)
        actions["forward"].setEnabled(self._history_position < len(self._history) - 1)
        selected = self.item_view.sources.selected()
        actions["copy_url"].setEnabled(selected is not None and selected.source is not None)

    def _install_calculator(self) -> None:
        protocol = self.item_view.protocol
        if protocol is None or protocol.dosing is None:
            return
        panel = integration.make_dose_panel(self.library, protocol, self.item_view.calculator_area)
        self.item_view.set_calculator(panel)

    def focus_calculator(self) -> None:
        """Put the cursor in the first field of the dose calculator (the text keeps Tab for links)."""
        calculator = self.item_view.calculator
        if calculator is None:
            return
        for child in calculator.findChildren(QWidget):
            focusable = child.focusPolicy() & Qt.FocusPolicy.TabFocus
            if focusable and child.isVisible() and child.isEnabled():
                child.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return

    def print_checklist(self) -> None:
        """Open the print dialog for the session checklist of the protocol on screen."""
        protocol = self.item_view.protocol
        if protocol is None or protocol.checklist is None:
            return
        calculator: object = self.item_view.calculator  # a DosePanel, or a stand-in in tests
        # The result itself, not text made from it: its figures go into the dose boxes.
        dose = calculator.result() if hasattr(calculator, "result") else None
        acknowledged = calculator.acknowledged() if hasattr(calculator, "acknowledged") else False
        integration.open_print_dialog(
            self.library,
            protocol,
            machine=self.machine,
            dose=dose,
            dose_acknowledged=acknowledged,
            local_rules=self.active.local_rules,
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

        dialog = problems_dialog(
            [_sentence(n) for n in self.summary.notices],
            list(self.summary.refused_problems),
            self.machine.problems,
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

        dialog = GlossaryDialog(self.active.library.glossary, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_local_rules(self) -> None:
        """The clinic's local rules in force, every slot, and any rule held back."""
        from ketaref.gui.dialogs import LocalRulesDialog

        dialog = LocalRulesDialog(self.active, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_content_history(self) -> None:
        """The content version, its reviewers (or that it has none) and its changelog."""
        from ketaref.gui.dialogs import ContentHistoryDialog

        dialog = ContentHistoryDialog(self.active, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        """Versions, intended use, licences and where the log is."""
        from ketaref.gui.app import log_file_path
        from ketaref.gui.dialogs import AboutDialog

        dialog = AboutDialog(self.active, log_file_path(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
