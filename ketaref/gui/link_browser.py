"""A rich-text view whose keyboard-focused link can be seen, in light and dark palettes.

QTextBrowser lets Tab move from link to link and selects the focused one, but draws that
selection as a 1 px dotted outline at most, and in several styles not at all: a keyboard user
cannot see which link Enter would follow. ``LinkBrowser`` fills the focused link with the focus
colour, 2 px wider than the text all round, its text in a colour that reads on it (both from
``ketaref.gui.palette``); its links take the palette module's link colour too. Every rich-text
view of the app (reading pane, selected source, dialogs) is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from ketaref.gui.palette import colors_for

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent

#: Width of the focus colour round a focused link's text, in pixels (WCAG 2.4.13: at least 2).
FOCUS_WIDTH = 2


class LinkBrowser(QTextBrowser):
    """A QTextBrowser that shows the link Tab has moved to (and opens no links itself)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        # Qt colours links in the application palette's link colour, which a dark desktop may
        # leave at dark blue; a view with its own style sheet (the reading pane) replaces this.
        link = colors_for(self.palette()).link
        self.document().setDefaultStyleSheet(f"a {{ color: {link}; }}")
        #: (anchor, position) of the selection Tab made on a link, while it is that selection.
        self._focused_link: tuple[int, int] | None = None
        self.cursorPositionChanged.connect(self._show_focused_link)
        self.textChanged.connect(self._forget_focused_link)

    def focused_link(self) -> str:
        """The address of the link the keyboard is on, or "" when it is on none."""
        cursor = self.textCursor()
        if not self._is_on_link() or not cursor.hasSelection():
            return ""
        probe = self.textCursor()
        probe.setPosition(cursor.selectionStart() + 1)
        return probe.charFormat().anchorHref()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab: to the next or previous link, then out of the text."""
        moved = super().focusNextPrevChild(next)
        cursor = self.textCursor()
        on_link = self.hasFocus() and cursor.hasSelection()
        self._focused_link = (cursor.anchor(), cursor.position()) if on_link else None
        self._show_focused_link()
        return moved

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Back in the text (e.g. after a dialog): the link it was on is shown again."""
        super().focusInEvent(event)
        self._show_focused_link()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """The keyboard is elsewhere: no link here looks focused."""
        super().focusOutEvent(event)
        self._show_focused_link()

    def _forget_focused_link(self) -> None:
        """New text: the link Tab was on is gone with the old."""
        self._focused_link = None
        self._show_focused_link()

    def _is_on_link(self) -> bool:
        cursor = self.textCursor()
        return self._focused_link == (cursor.anchor(), cursor.position())

    def _show_focused_link(self) -> None:
        if not (self.hasFocus() and self._is_on_link()):
            if self.extraSelections():
                self.setExtraSelections([])
            return
        # Imported at the first link Tab moves to: making their Python types is start-up time.
        from PySide6.QtGui import QColor, QPen, QTextCharFormat, QTextFormat

        colors = colors_for(self.palette())
        look = QTextCharFormat()
        look.setBackground(QColor(colors.focus))
        look.setForeground(QColor(colors.focus_link_text))
        look.setProperty(QTextFormat.Property.OutlinePen, QPen(QColor(colors.focus), FOCUS_WIDTH))
        selection = QTextEdit.ExtraSelection()
        selection.cursor = self.textCursor()
        selection.format = look
        self.setExtraSelections([selection])
