"""The Qt step of ``ketaref self-test``, run in a child process (``self-test --qt-probe``).

Qt aborts the whole process when a platform plugin cannot load, so the command line runs this in a
child and reports what it said. It lives here because only ``ketaref.gui`` imports Qt.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


class QtProbeFailed(Exception):
    """Qt started but something the app needs from it does not work; the message says what."""


def probe(modules: Sequence[str], sample_checklist: Callable[[], tuple[str, bytes]]) -> str:
    """Import ``modules`` of PySide6 and every module of the app, start Qt, and render the PDF
    ``sample_checklist`` builds (protocol id, bytes) as the print preview does.

    Returns one line saying what worked; raises QtProbeFailed (or whatever Qt raised) if not.
    """
    for module in modules:
        importlib.import_module(f"PySide6.{module}")
    importlib.import_module("ketaref.gui.app")  # every module the desktop app needs is there
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication(["ketaref"])
    platform = app.platformName()
    detail = f"Qt starts with the {platform} platform plugin; {', '.join(modules)} import"
    if sys.platform.startswith("linux") and platform != "xcb":
        problem = _xcb_plugin_problem(QCoreApplication.libraryPaths())
        if problem:
            raise QtProbeFailed(f"the X11 (xcb) platform plugin cannot load: {problem}")
        detail += "; the X11 (xcb) plugin loads"
    return f"{detail}; {_render_preview(*sample_checklist())}"


def _xcb_plugin_problem(library_paths: list[str]) -> str | None:
    """Load the X11 platform plugin without using it: proves its system libraries are present."""
    from PySide6.QtCore import QPluginLoader

    for folder in library_paths:
        plugin = Path(folder) / "platforms" / "libqxcb.so"
        if plugin.is_file():
            loader = QPluginLoader(str(plugin))
            if loader.load():
                return None
            return loader.errorString()
    return "the xcb platform plugin is not bundled"


def _render_preview(protocol_id: str, pdf: bytes) -> str:
    """Render a checklist as the print preview does (proves PDFium is bundled)."""
    from ketaref.gui.pdf_pages import render_pages

    pages = render_pages(pdf, dpi=36)
    if not pages or pages[0].isNull():
        raise QtProbeFailed(f"the print preview of the {protocol_id} checklist came out empty")
    return f"the print preview renders the {protocol_id} checklist ({len(pages)} pages)"
