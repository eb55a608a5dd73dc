"""A main window on the bundled pack (or a pack built in memory), driven as a user would."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from ketaref.content.active import ActiveContent
from ketaref.content.model import EvidenceFinding, RegulatoryStatus
from ketaref.content.pack import Library
from ketaref.gui.integration import MachineSettings
from ketaref.gui.main_window import MainWindow

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Window settings in a temporary file, never the user's own."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot: QtBot, settings: QSettings, bundled_library: Library) -> WindowFactory:
    """Build, show and focus a main window on the given content (default: the bundled pack)."""

    def make(
        active: ActiveContent | None = None,
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


@pytest.fixture
def wider_library(bundled_library: Library) -> Library:
    """The bundled pack plus chronic-pain, PTSD and research protocols built in memory."""
    base = bundled_library.protocols["spravato-trd"]
    statement = base.status_statement
    pain = base.model_copy(
        update={
            "id": "test-chronic-pain",
            "title": "Test infusion for chronic pain",
            "indication": "Chronic pain",
            "synonyms": ("CRPS", "complex regional pain syndrome"),
        }
    )
    research = base.model_copy(
        update={
            "id": "test-ptsd",
            "title": "Test infusion for PTSD",
            "indication": "Post-traumatic stress disorder",
            "synonyms": ("PTSD",),
            "regulatory_status": RegulatoryStatus.RESEARCH_ONLY,
            "dosing": None,
            "checklist": None,
            "evidence": (
                EvidenceFinding(
                    text="<Study A> found fewer symptoms.",
                    source=statement.source,
                    locator="Results",
                    study="Study A",
                    finding="positive",
                ),
                EvidenceFinding(
                    text="Study B found no difference.",
                    source=statement.source,
                    locator="Abstract",
                    study="Study B",
                    finding="negative",
                ),
            ),
        }
    )
    protocols = dict(bundled_library.protocols) | {pain.id: pain, research.id: research}
    return dataclasses.replace(bundled_library, protocols=MappingProxyType(protocols))
