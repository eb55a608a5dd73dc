"""A main window on the bundled pack, driven as a user would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.content.in_use.active import ActiveContent
from ketaref.gui.content_load import ContentLoad
from ketaref.gui.integration import MachineSettings
from ketaref.gui.main_window import MainWindow
from ketaref.gui.palette import dark_palette, is_dark

WindowFactory = Callable[..., MainWindow]


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path: Path) -> None:
    """QSettings() (what the app itself uses) writes into the test's folder, not the user's."""
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Window settings in a temporary file, never the user's own."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot: QtBot, settings: QSettings, bundled_library: Library) -> WindowFactory:
    """Build, show and focus a main window on the given content (default: the bundled pack)."""

    def make(
        active: ActiveContent | ContentLoad | None = None,
        machine: MachineSettings | None = None,
        size: tuple[int, int] | None = (790, 580),
    ) -> MainWindow:
        window = MainWindow(
            active or ActiveContent(library=bundled_library, origin="bundled"), settings, machine
        )
        qtbot.addWidget(window)
        if size is not None:  # inside the offscreen screen, so every widget can be clicked
            window.resize(*size)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    """A main window on the bundled pack."""
    return make_window()


def light_palette() -> QPalette:
    """The style's own light palette."""
    palette = QApplication.style().standardPalette()
    assert not is_dark(palette)
    return palette


PALETTES = {"light": light_palette, "dark": dark_palette}


@pytest.fixture(params=sorted(PALETTES))
def themed(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[QPalette]:
    """The application in a light, then in a dark palette (restored afterwards)."""
    before = qapp.palette()
    palette = PALETTES[request.param]()
    qapp.setPalette(palette)
    yield palette
    qapp.setPalette(before)


def the_app_window() -> MainWindow:
    """The window ``run_app`` shows: the one visible (earlier tests closed theirs)."""
    (window,) = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]
    return window
