"""Banners: strips across the top of the main window that say what the user must not miss."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ketaref.gui import accessibility
from ketaref.gui.palette import colors_for

if TYPE_CHECKING:  # the content model loads with the content, not at start-up
    from ketaref.content.format.local_rules import LocalRulesInForce


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop, for notices written as clauses."""
    text = text.strip()
    if not text:
        return ""
    end = "" if text.endswith((".", "!", "?")) else "."
    return text[0].upper() + text[1:] + end


def content_notice(
    *, refused: bool, standard: bool, expired: bool, local_rules: LocalRulesInForce | None
) -> tuple[str, str]:
    """What a banner says about the content in use, in plain words, and its severity.

    What happened and what to do; the technical reasons (paths, problems, versions) are for
    the Details dialog. ``standard``: the content in use is the bundled pack.
    """
    refusal = []
    if refused:
        refusal.append(
            "Your clinic's content could not be loaded; you are seeing the standard content."
            if standard
            else "Your clinic's new content could not be loaded; you are seeing the last copy"
            " this computer trusted."
        )
    warnings = []
    if local_rules is not None and local_rules.refusal:
        warnings.append(
            "Your clinic's local rules could not be loaded; the values they set show as not"
            " set by this clinic."
            if local_rules.rules is None
            else "Your clinic's new local rules could not be loaded; the last ones this computer"
            " trusted are in use."
        )
    if local_rules is not None and local_rules.past_review:
        warnings.append(
            "Your clinic's local rules are past their review date; their values are marked so."
        )
    if expired:
        warnings.append("The content in use is past its expiry date.")
    said = [*refusal, *warnings] or ["There is a note about the content in use."]
    severity = "critical" if refusal else "warning" if warnings else "info"
    return " ".join([*said, "Tell IT."]), severity


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
        # First: the role is fixed when assistive technology first meets the widget, which may
        # be as soon as a child is added (the content's banners appear on a window on screen).
        accessibility.mark_as_alert(self)
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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if button_text:
            self.button = QPushButton(button_text, self)
            self.button.setAccessibleDescription("List every problem found")
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
