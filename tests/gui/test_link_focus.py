"""The link Tab moves to is seen: filled with the focus colour, 2 px beyond its text, in light
and dark palettes, in the reading pane and in every other rich-text view of the app."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from ketaref.gui.link_browser import FOCUS_WIDTH, LinkBrowser
from ketaref.gui.main_window import MainWindow
from ketaref.gui.palette import FOCUS_CONTRAST, colors_for, contrast_ratio


def snapshot(widget: QWidget) -> QImage:
    """What ``widget`` shows now, in device pixels."""
    QApplication.processEvents()
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def changed_area(before: QImage, after: QImage) -> QRect:
    """The smallest rectangle holding every pixel that differs between two snapshots."""
    changed = QRect()
    for y in range(before.height()):
        xs = [x for x in range(before.width()) if before.pixel(x, y) != after.pixel(x, y)]
        if xs:
            changed = changed.united(QRect(xs[0], y, xs[-1] - xs[0] + 1, 1))
    return changed


def close_to(pixel: int, color: str) -> bool:
    """Whether a pixel is ``color`` (within rounding of anti-aliasing)."""
    shown, wanted = QColor(pixel), QColor(color)
    return all(
        abs(a - b) <= 24 for a, b in zip(shown.getRgb()[:3], wanted.getRgb()[:3], strict=True)
    )


def assert_shows_focused_link(before: QImage, after: QImage, widget: QWidget) -> None:
    """The change between the snapshots is a block of the focus colour with the link's text on
    it: at least 2 px of focus colour above the text, 3:1 against what was there before."""
    colors = colors_for(widget.palette())
    area = changed_area(before, after)
    assert area.isValid(), "nothing on screen shows which link the keyboard is on"
    # Rows of solid focus colour (over and under the text): a band, not a hairline.
    solid = 0
    for y in range(area.top(), area.bottom() + 1):
        changed = [
            x
            for x in range(area.left(), area.right() + 1)
            if before.pixel(x, y) != after.pixel(x, y)
        ]
        focus = sum(close_to(after.pixel(x, y), colors.focus) for x in changed)
        solid += focus >= 0.9 * len(changed) > 0
    assert solid >= FOCUS_WIDTH * widget.devicePixelRatioF(), (area, solid)
    was = QColor(before.pixel(area.center().x(), area.top())).name()
    assert contrast_ratio(colors.focus, was) >= FOCUS_CONTRAST, (colors.focus, was)
    text = sum(
        close_to(after.pixel(x, y), colors.focus_link_text)
        for x in range(area.left(), area.right() + 1)
        for y in range(area.top(), area.bottom() + 1)
    )
    assert text > area.height(), "the link's own text is not drawn in the focused colours"


def reading_pane_on_a_protocol(window: MainWindow) -> LinkBrowser:
    window.open_item("iv-ketamine-trd")
    QApplication.processEvents()  # laid out: the calculator beside the text narrows it
    document = window.item_view.document
    document.setFocus(Qt.FocusReason.TabFocusReason)
    return document


@pytest.mark.usefixtures("themed")
def test_tab_onto_a_link_of_the_text_fills_it_with_the_focus_colour(
    qtbot: QtBot, window: MainWindow
) -> None:
    document = reading_pane_on_a_protocol(window)
    before = snapshot(document.viewport())
    qtbot.keyClick(document, Qt.Key.Key_Tab)
    assert document.focused_link().startswith("item:")
    assert_shows_focused_link(before, snapshot(document.viewport()), document)

    # Shift+Tab goes back from the second link to the first: one link is marked at a time.
    qtbot.keyClick(document, Qt.Key.Key_Tab)
    second = document.focused_link()
    qtbot.keyClick(document, Qt.Key.Key_Backtab)
    assert document.focused_link() not in ("", second)
    assert len(document.extraSelections()) == 1


def focus_fill(widget: QWidget) -> int:
    """How many pixels of the text's viewport are the focus colour."""
    image = snapshot(widget.viewport())  # type: ignore[attr-defined]
    focus = QColor(colors_for(widget.palette()).focus).rgb()
    return sum(
        image.pixel(x, y) == focus for y in range(image.height()) for x in range(image.width())
    )


def test_the_mark_goes_with_the_focus_and_is_back_after_a_dialog(
    qtbot: QtBot, window: MainWindow
) -> None:
    document = reading_pane_on_a_protocol(window)
    qtbot.keyClick(document, Qt.Key.Key_Tab)
    link = document.focused_link()
    marked = focus_fill(document)
    assert marked > 0

    qtbot.keyClick(document, Qt.Key.Key_F1)  # the shortcuts dialog takes the focus
    dialog = QApplication.activeModalWidget()
    assert dialog is not None
    qtbot.waitUntil(lambda: not document.hasFocus())
    assert focus_fill(document) == 0
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    # A window manager hands the keyboard back to the dialog's parent; offscreen has none.
    window.activateWindow()
    qtbot.waitUntil(lambda: document.hasFocus())
    assert document.focused_link() == link
    assert focus_fill(document) == marked

    # Elsewhere by a shortcut: the text forgets its link (as Qt does), so nothing stays marked.
    qtbot.keyClick(document, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert not document.hasFocus()
    assert focus_fill(document) == 0


def test_a_new_item_forgets_the_link_of_the_last(qtbot: QtBot, window: MainWindow) -> None:
    document = reading_pane_on_a_protocol(window)
    qtbot.keyClick(document, Qt.Key.Key_Tab)
    window.open_item("spravato-trd")
    document.setFocus(Qt.FocusReason.OtherFocusReason)
    assert document.focused_link() == ""
    assert not document.extraSelections()


def test_a_link_in_a_dialog_is_marked_on_a_dark_desktop_with_a_poor_link_colour(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """Qt colours links with the application palette's link colour; a dark desktop may leave
    it at dark blue. The dialogs' text takes the palette module's instead, and marks focus."""
    from ketaref.gui.palette import dark_palette

    before = qapp.palette()
    desktop = dark_palette()
    desktop.setColor(QPalette.ColorRole.Link, QColor("#0000ff"))
    qapp.setPalette(desktop)
    try:
        text = LinkBrowser()
        qtbot.addWidget(text)
        text.setHtml('<p>Read <a href="item:x">the label</a> first.</p>')
        text.resize(400, 120)
        text.show()
        qtbot.waitExposed(text)
        link = next(
            fragment.charFormat()
            for fragment in _fragments(text)
            if fragment.charFormat().anchorHref() == "item:x"
        )
        colors = colors_for(text.palette())
        assert link.foreground().color().name() == colors.link
        base = text.palette().color(QPalette.ColorRole.Base).name()
        assert contrast_ratio(colors.link, base) >= 4.5

        text.setFocus(Qt.FocusReason.TabFocusReason)
        plain = snapshot(text.viewport())
        qtbot.keyClick(text, Qt.Key.Key_Tab)
        assert text.focused_link() == "item:x"
        assert_shows_focused_link(plain, snapshot(text.viewport()), text)
    finally:
        qapp.setPalette(before)


def _fragments(text: QTextBrowser) -> list:  # type: ignore[type-arg]
    found = []
    block = text.document().begin()
    while block.isValid():
        fragment = block.begin()
        while not fragment.atEnd():
            found.append(fragment.fragment())
            fragment += 1
        block = block.next()
    return found


def test_every_rich_text_view_of_the_app_marks_its_focused_link(window: MainWindow) -> None:
    views = list(window.findChildren(QTextBrowser))
    for name in ("show_about", "show_local_rules", "show_content_history"):
        getattr(window, name)()
        dialog = QApplication.activeModalWidget() or next(
            w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window
        )
        views += dialog.findChildren(QTextBrowser)
        dialog.close()
    assert len(views) >= 5
    assert all(isinstance(view, LinkBrowser) for view in views), [type(v) for v in views]
