"""A keyboard-only session, key by key through the window system's event queue.

Keys go to the window that has the keyboard (``QTest.keyClick`` on a ``QWindow`` enters them as
the platform does), never straight to a chosen widget, so shortcuts, focus moves and dialogs
behave as for a user. After every step the focus must be somewhere the user can see: a focus
widget exists, is visible, has focus, and its window is the active one. The same walk is
documented in docs/keyboard.md.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.gui.main_window import MainWindow

PROTOCOL = "iv-ketamine-trd"
CTRL = Qt.KeyboardModifier.ControlModifier


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """One key press and release in the window that has the keyboard."""
    window = QApplication.focusWindow()
    assert window is not None, "no window has the keyboard"
    QTest.keyClick(window, key, modifier)
    qtbot.wait(0)  # let queued work (a dialog opening, a focus move) happen, as between keys


def type_text(qtbot: QtBot, text: str) -> None:
    for character in text:
        press(qtbot, Qt.Key(ord(character.upper())))


def visible_focus() -> QWidget:
    """The widget with the keyboard, asserted to be one the user can see."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    assert widget.isVisible(), widget
    assert widget.hasFocus(), widget
    assert widget.window().isActiveWindow(), widget.window()
    return widget


def test_search_protocol_calculator_dose_print_cancel(
    qtbot: QtBot, window: MainWindow, bundled_library: Library
) -> None:
    protocol = bundled_library.protocols[PROTOCOL]
    qtbot.waitUntil(lambda: QApplication.focusWindow() is window.windowHandle())

    press(qtbot, Qt.Key.Key_K, CTRL)  # search
    assert visible_focus() is window.search_field

    type_text(qtbot, "racemic trd")
    assert window.results.isVisible()
    press(qtbot, Qt.Key.Key_Down)  # into the results: the first one is the protocol
    assert visible_focus() is window.results
    press(qtbot, Qt.Key.Key_Return)  # open it and move to its text
    assert window.item_view.protocol == protocol
    assert visible_focus() is window.item_view.document

    press(qtbot, Qt.Key.Key_4, CTRL)  # the dose calculator's first field: the weight
    calculator = window.item_view.calculator
    assert calculator is not None
    weight = visible_focus()
    assert calculator.isAncestorOf(weight)
    assert weight.accessibleName() == "Weight"

    type_text(qtbot, "70")
    assert not calculator.dose_lines()  # type: ignore[attr-defined]  # the screen picks no dose
    assert visible_focus() is weight

    press(qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Alt+O: the dose field
    dose_field = visible_focus()
    assert calculator.isAncestorOf(dose_field)
    assert dose_field is not weight
    type_text(qtbot, "0.5")
    assert calculator.dose_lines()  # type: ignore[attr-defined]  # a dose, worked out for 70 kg
    assert visible_focus() is dose_field

    press(qtbot, Qt.Key.Key_P, CTRL)  # the print dialog, on top, with the keyboard
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), QDialog))
    dialog = QApplication.activeWindow()
    assert dialog is not None
    assert dialog.windowTitle().startswith("Print session checklist")
    assert dialog.isAncestorOf(visible_focus())

    press(qtbot, Qt.Key.Key_Escape)  # cancel: back where the user was, nothing printed
    qtbot.waitUntil(lambda: QApplication.activeWindow() is not dialog)
    # A window manager hands the keyboard back to the dialog's parent; offscreen has none.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert visible_focus() is dose_field
