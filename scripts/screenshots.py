"""Render the desktop app's main views to PNG (called by scripts/screenshots OUTDIR).

Each view is shown in a 1280×800 window (``--size 1920x1080`` for another size, ``--dark`` for a
dark palette) on the offscreen platform and saved with QWidget.grab().
Settings go to a temporary file and the state dir to a temporary folder, so nothing of the user's
is read or changed. The refused-site-pack view uses a deliberately broken copy of the bundled pack.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from ketaref import paths
from ketaref.content.active import ActiveContent, load_active_content
from ketaref.content.model import Route
from ketaref.gui.main_window import MainWindow
from ketaref.gui.page_html import section_anchor
from ketaref.gui.palette import dark_palette

SIZE = (1280, 800)


def save(widget: QWidget, path: Path) -> None:
    """Let the widget lay out and paint, then save it as PNG."""
    for _ in range(8):  # scroll bars settle after a few passes of layout
        QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def open_dialog(title: str) -> QWidget:
    """The visible top-level window with ``title``."""
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.windowTitle() == title:
            return widget
    raise SystemExit(f"the “{title}” dialog did not open")


def window_on(active: ActiveContent, settings_file: Path, size: tuple[int, int]) -> MainWindow:
    """A main window at the screenshot size."""
    window = MainWindow(active, QSettings(str(settings_file), QSettings.Format.IniFormat))
    window.show()
    window.resize(*size)
    return window


def broken_site_pack(workdir: Path) -> ActiveContent:
    """Active content as it is when the machine policy names a broken site pack."""
    pack = workdir / "site-pack"
    shutil.copytree(paths.bundled_content_dir(), pack)
    protocol = next((pack / "protocols").glob("*.yaml"))
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(text.replace("route:", "rout:", 1), encoding="utf-8")
    (pack / "protocols" / "notes.txt").write_text("stray file\n", encoding="utf-8")
    policy = workdir / "policy.toml"
    # Unsigned packs allowed, so the refusal is about the content problems, not the signature.
    policy.write_text(
        f'content_dir = "{pack.as_posix()}"\nrequire_signed_content = false\n', encoding="utf-8"
    )
    os.environ["KETAREF_POLICY"] = str(policy)
    active = load_active_content()
    if active.refused:
        return active
    raise SystemExit("the broken site pack loaded; the screenshot would show nothing")


def main(outdir: Path, size: tuple[int, int] = SIZE, dark: bool = False) -> int:
    """Render every view into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("ketaref")
    if dark:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        os.environ["KETAREF_STATE_DIR"] = str(workdir / "state")
        os.environ["KETAREF_POLICY"] = str(workdir / "no-policy.toml")
        active = load_active_content()
        library = active.library
        window = window_on(active, workdir / "settings.ini", size)

        nasal = [p for p in library.protocols.values() if p.route is Route.NASAL]
        spravato = library.protocols.get("spravato-trd") or nasal[0]
        window.open_item(spravato.id)
        window.item_view.sources.select(1)
        save(window, outdir / "spravato-protocol.png")

        intravenous = [p for p in library.protocols.values() if p.route is Route.INTRAVENOUS]
        iv = library.protocols.get("iv-ketamine-trd") or next(iter(intravenous), None)
        if iv is not None:
            window.open_item(iv.id)
            save(window, outdir / "iv-protocol.png")
            window.item_view.document.scrollToAnchor(section_anchor("Monitoring"))
            save(window, outdir / "iv-protocol-monitoring.png")
        else:
            print("no intravenous protocol in this content pack yet; skipped", file=sys.stderr)

        contraindications = next(iter(library.contraindications.values()))
        window.open_item(contraindications.id)
        save(window, outdir / "contraindications.png")

        window.search_field.setFocus()
        window.search_field.setText("esketamin")  # a typo on purpose
        window.results.setCurrentIndex(window.results.model().index(0, 0))
        save(window, outdir / "search.png")
        window.search_field.clear()

        window.open_item(spravato.id)
        window.print_checklist()
        print_dialog = open_dialog(f"Print session checklist: {spravato.title}")
        save(print_dialog, outdir / "print-dialog.png")
        print_dialog.close()

        refused = window_on(broken_site_pack(workdir), workdir / "settings.ini", size)
        save(refused, outdir / "refused-site-pack.png")
        refused.show_content_problems()
        details = open_dialog("Content problems")
        save(details, outdir / "refused-site-pack-details.png")
        details.close()

        window.show_about()
        save(open_dialog("About ketaref"), outdir / "about.png")
    return 0


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="scripts/screenshots")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", type=_size, default=SIZE, help="window size, e.g. 1920x1080")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    arguments = parser.parse_args()
    raise SystemExit(main(arguments.outdir, arguments.size, arguments.dark))
