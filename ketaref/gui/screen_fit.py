"""Windows and dialogs sized to the screen they open on, so their buttons are never off-screen.

A window asks for the size it would like; it gets at most the screen's available area (without
task bars and docks), less the room its title bar and frame take, and is placed inside that area.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Room for a window's frame and title bar before the window manager has told us (logical px).
FRAME_ALLOWANCE = QSize(16, 40)


def fitted_size(wanted: QSize, available: QRect, frame: QSize = FRAME_ALLOWANCE) -> QSize:
    """``wanted``, made smaller where needed so that it and its frame fit in ``available``."""
    return QSize(
        max(1, min(wanted.width(), available.width() - frame.width())),
        max(1, min(wanted.height(), available.height() - frame.height())),
    )


def fitted_position(size: QSize, available: QRect, frame: QSize = FRAME_ALLOWANCE) -> QPoint:
    """Where a window of ``size`` goes: centred in ``available``, frame included."""
    outer = size + frame
    return QPoint(
        available.x() + max(0, (available.width() - outer.width()) // 2),
        available.y() + max(0, (available.height() - outer.height()) // 2),
    )


def available_geometry(widget: QWidget) -> QRect:
    """The available area of the screen ``widget`` is on (or will open on)."""
    parent = widget.parentWidget()
    screen = (parent or widget).screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, wanted: QSize) -> None:
    """Size ``widget`` to ``wanted``, or to its screen's available area if that is smaller.

    The widget's minimum size gives way too, so a layout never pushes buttons off-screen.
    """
    available = available_geometry(widget)
    size = fitted_size(wanted, available)
    widget.setMinimumSize(widget.minimumSize().boundedTo(size))
    widget.resize(size)
    widget.move(fitted_position(size, available))


def keep_on_screen(widget: QWidget) -> None:
    """Shrink and move a window (e.g. one restored from last time) to fit its screen now."""
    available = available_geometry(widget)
    size = fitted_size(widget.size(), available)
    if size != widget.size():
        widget.resize(size)
    if not available.contains(QRect(widget.pos(), size)):
        widget.move(fitted_position(size, available))
