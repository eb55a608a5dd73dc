"""The keyboard: every Alt key of a window is claimed once and does what it says, the focus is
always visible, and Tab goes through the window in the order it is on screen."""

from __future__ import annotations

import contextlib
import re
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.content.in_use.active import ActiveContent
from ketaref.gui.dialogs import (
    AboutDialog,
    ContentHistoryDialog,
    GlossaryDialog,
    LocalRulesDialog,
    ShortcutsDialog,
    TextReportDialog,
)
from ketaref.gui.integration import MachineSettings
from ketaref.gui.main_window import MainWindow
from ketaref.gui.palette import colors_for
from ketaref.gui.preferences import PreferencesDialog
from ketaref.gui.print_dialog import PrintDialog
from tests.gui.conftest import WindowFactory

_MNEMONIC = re.compile(r"&([^&])")


def mnemonic(text: str) -> str | None:
    """The Alt key a text claims ("&Weight" → "w"), if any."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def on_a_tab_behind(widget: QWidget) -> bool:
    """Shown but for a tab in front of its own (its Alt key still reaches it)."""
    page = widget
    while (parent := page.parentWidget()) is not None:
        if isinstance(parent.parentWidget(), QTabWidget):  # a tab widget's pages are in a stack
            return parent.parentWidget().isVisible() and widget.isVisibleTo(page)
        page = parent
    return False


def mnemonics(top: QWidget) -> dict[str, list[QObject]]:
    """Every Alt key claimed in a window, by what claims it (visible widgets and menus)."""
    claimed: dict[str, list[QObject]] = defaultdict(list)
    for widget in top.findChildren(QWidget):
        if not (widget.isVisible() or on_a_tab_behind(widget)) or widget.window() is not top:
            continue
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or isinstance(
            widget, QAbstractButton
        ):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        key = mnemonic(text)
        if key:
            claimed[key].append(widget)
    if isinstance(top, QMainWindow):
        for action in top.menuBar().actions():
            key = mnemonic(action.text())
            if key:
                claimed[key].append(action.menu())
    return claimed


def press_alt(qtbot: QtBot, top: QWidget, key: str) -> None:
    """Alt+key, sent where a user's keystroke goes: the widget with the focus."""
    target = QApplication.focusWidget() or top
    qtbot.keyClick(target, getattr(Qt.Key, f"Key_{key.upper()}"), Qt.KeyboardModifier.AltModifier)


def focus_is_on(widget: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is widget or widget.isAncestorOf(focused))


def assert_every_alt_key_works(qtbot: QtBot, top: QWidget) -> set[str]:
    """No Alt key claimed twice; each moves the focus, presses its button or opens its menu."""
    claimed = mnemonics(top)
    duplicates = {
        key: [str(o) for o in owners] for key, owners in claimed.items() if len(owners) > 1
    }
    assert not duplicates
    # Menus last: closing one leaves the menu bar in charge of the keyboard for a moment.
    for key, (owner,) in sorted(claimed.items(), key=lambda k: (isinstance(k[1][0], QMenu), k[0])):
        if isinstance(owner, QMenu):
            press_alt(qtbot, top, key)
            qtbot.waitUntil(lambda menu=owner: QApplication.activePopupWidget() is menu)
            qtbot.keyClick(owner, Qt.Key.Key_Escape)
            qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
            focused = QApplication.focusWidget()
            if focused is not None and focused.inherits("QMenuBar"):
                qtbot.keyClick(focused, Qt.Key.Key_Escape)
        elif isinstance(owner, QLabel):
            press_alt(qtbot, top, key)
            buddy = owner.buddy()
            qtbot.waitUntil(lambda b=buddy: focus_is_on(b), timeout=1000)
        else:
            assert isinstance(owner, QAbstractButton)
            # Only the key is under test: no file dialog, printer or problem list opens.
            with warnings.catch_warnings(), contextlib.suppress(RuntimeError, TypeError):
                warnings.simplefilter("ignore", RuntimeWarning)
                owner.clicked.disconnect()
            qtbot.waitUntil(owner.isEnabled)  # e.g. Print, while the preview is rebuilt
            with qtbot.waitSignal(owner.clicked, timeout=1000):
                press_alt(qtbot, top, key)
    return set(claimed)


def show_active(qtbot: QtBot, window: QWidget) -> None:
    """Show a window and wait until it is the active one: its Alt keys work only then."""
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


@pytest.fixture
def troubled_window(make_window: WindowFactory, bundled_library: Library) -> MainWindow:
    """A window with every banner: not reviewed, refused site pack, policy problems."""
    active = ActiveContent(
        library=bundled_library,
        origin="bundled",
        notices=("the site pack at /srv/pack was refused: 1 problem",),
        refused=True,
    )
    machine = MachineSettings(problems=("paper_size: not a paper size",))
    return make_window(active, machine, size=(790, 700))


@pytest.mark.parametrize("item_id", ["iv-ketamine-trd", "spravato-trd"])
def test_every_alt_key_of_the_main_window_is_unique_and_works(
    qtbot: QtBot, troubled_window: MainWindow, item_id: str
) -> None:
    troubled_window.open_item(item_id)
    troubled_window.item_view.document.setFocus()
    keys = assert_every_alt_key_works(qtbot, troubled_window)
    assert {"f", "e", "v", "g", "h", "s", "l", "d"} <= keys  # menus, sources, banners' details
    if item_id == "iv-ketamine-trd":
        assert {"w", "o", "u", "t"} <= keys  # weight, dose, duration, concentration


def test_every_alt_key_of_the_print_dialog_is_unique_and_works(
    qtbot: QtBot, bundled_library: Library
) -> None:
    dialog = PrintDialog(bundled_library, bundled_library.protocols["spravato-trd"])
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    dialog.patient_name.setFocus()
    qtbot.waitUntil(dialog.patient_name.hasFocus)
    keys = assert_every_alt_key_works(qtbot, dialog)
    assert {"n", "i", "w", "l", "a", "d", "s", "p"} <= keys


def test_every_alt_key_of_the_preferences_is_unique_and_works(qtbot: QtBot) -> None:
    dialog = PreferencesDialog(MachineSettings(), {})
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    assert assert_every_alt_key_works(qtbot, dialog) >= {"c", "p"}


@pytest.mark.parametrize(
    "make_dialog",
    [
        lambda active: AboutDialog(active, Path("ketaref.log")),
        LocalRulesDialog,
        ContentHistoryDialog,
        lambda _active: ShortcutsDialog(),
        lambda active: GlossaryDialog(active.library.glossary),
        lambda _active: TextReportDialog("Content problems", "Tell IT.", "1 problem"),
    ],
    ids=["about", "local rules", "content history", "shortcuts", "glossary", "text report"],
)
def test_every_alt_key_of_the_other_dialogs_is_unique_and_works(
    qtbot: QtBot, bundled_library: Library, make_dialog: Callable[[ActiveContent], QDialog]
) -> None:
    dialog = make_dialog(ActiveContent(library=bundled_library, origin="bundled"))
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    assert_every_alt_key_works(qtbot, dialog)


def test_enter_in_the_print_dialog_prints_rather_than_saves(
    qtbot: QtBot, bundled_library: Library
) -> None:
    dialog = PrintDialog(bundled_library, bundled_library.protocols["spravato-trd"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for button in (dialog.print_button, dialog.save_button):
        button.clicked.disconnect()
    saved: list[bool] = []
    dialog.save_button.clicked.connect(lambda: saved.append(True))
    dialog.patient_id.setFocus()
    with qtbot.waitSignal(dialog.print_button.clicked, timeout=1000):
        qtbot.keyClick(dialog.patient_id, Qt.Key.Key_Return)
    assert not saved


def ring_pixels(widget: QWidget) -> int:
    """How many pixels of the focus ring's colour run along the widget's top edge."""
    ring = QColor(colors_for(widget.palette()).focus)
    image = widget.grab().toImage()
    row = 1
    return sum(
        1 for x in range(image.width()) if QColor(image.pixel(QPoint(x, row))).name() == ring.name()
    )


def test_the_focus_ring_shows_on_the_reading_pane_and_a_field(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.open_item("iv-ketamine-trd")
    for widget in (window.item_view.document, window.item_view.calculator.weight_edit):  # type: ignore[union-attr]
        window.search_field.setFocus()
        qtbot.waitUntil(window.search_field.hasFocus)
        assert ring_pixels(widget) < widget.width() // 2
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus)
        assert ring_pixels(widget) > widget.width() // 2, widget


def tab_stops(qtbot: QtBot, start: QWidget, presses: int) -> list[QWidget]:
    """The widgets Tab visits from ``start``, in order, by real Tab key presses.

    The reading pane takes Tab for its links first, so it is counted once however many it has.
    """
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus)
    visited = [start]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if focused is not visited[-1]:
            visited.append(focused)
    return visited


def test_tab_goes_through_the_window_in_screen_order_and_every_stop_is_visible(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(size=(790, 700))
    window.open_item("iv-ketamine-trd")
    view = window.item_view
    calculator = view.calculator
    assert calculator is not None
    stops = tab_stops(qtbot, window.search_field, 120)
    assert all(stop.isVisible() for stop in stops), [s for s in stops if not s.isVisible()]

    def first(widget: QWidget) -> int:
        return next(
            i for i, stop in enumerate(stops) if stop is widget or widget.isAncestorOf(stop)
        )

    order = [
        first(window.search_field),
        first(window.tree),
        first(view.section_bar),
        first(view.document),
        first(calculator),
        first(view.sources.list),
    ]
    assert order == sorted(order)
