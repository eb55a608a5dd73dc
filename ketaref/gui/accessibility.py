"""What assistive technology needs beyond the accessible names set where widgets are made.

Qt gives a plain frame the role "panel", so a screen reader reads a banner as any other box.
Widgets marked with ``mark_as_alert`` are given the role "alert" instead (AT-SPI and UI
Automation), which screen readers announce when it appears.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QAccessibleInterface

_ROLE_PROPERTY = "ketarefAccessibleRole"
_ALERT = "alert"
_installed = False


def mark_as_alert(widget: QWidget) -> None:
    """Have assistive technology treat ``widget`` as an alert (see ``install``)."""
    widget.setProperty(_ROLE_PROPERTY, _ALERT)


def _interface(_class_name: str, obj: QObject) -> QAccessibleInterface | None:
    if isinstance(obj, QWidget) and obj.property(_ROLE_PROPERTY) == _ALERT:
        from PySide6.QtGui import QAccessible
        from PySide6.QtWidgets import QAccessibleWidget

        return QAccessibleWidget(obj, QAccessible.Role.AlertMessage)
    return None  # Qt's own interface


def install() -> None:
    """Install the factory that gives marked widgets their role (once per process).

    Qt asks it only while assistive technology is reading the app, so it costs nothing otherwise.
    """
    global _installed
    if not _installed:
        from PySide6.QtGui import QAccessible  # its Python types only when a window is made

        QAccessible.installFactory(_interface)
        _installed = True
