"""Render the desktop app's main views and dialogs to PNG (called by scripts/screenshots OUTDIR).

The offscreen platform is given a screen of 1280×800 device pixels (``--size 1920x1080`` for
another), scaled as QT_SCALE_FACTOR says (1920×1080 at 1.5 is 1280×720 to the app), and the main
window fills its available area, as if maximised; dialogs open on it as on a user's screen, fitted
to it. ``--dark`` gives a dark palette. Each view is saved with QWidget.grab(), in device pixels:
protocols, the dose
calculator with a result and with a warning, a link focused from the keyboard, search, the print
dialog (fitted and zoomed), the glossary, the shortcuts, a refused site pack and About.
Settings go to a temporary file and the state dir to a temporary folder, so nothing of the user's
is read or changed. The refused-site-pack view uses a deliberately broken copy of the bundled pack.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from ketaref import paths
from ketaref.content.format.model import Route
from ketaref.content.in_use.active import ActiveContent, load_active_content
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


def type_into(field: QLineEdit | None, text: str) -> None:
    """Type ``text`` into a calculator field, as a user does."""
    if field is None:
        raise SystemExit("the dose calculator has no such field for this protocol")
    field.clear()
    QTest.keyClicks(field, text)


def use_screen(workdir: Path, size: tuple[int, int]) -> None:
    """Before Qt starts: an offscreen screen of ``size`` device pixels, unless on a real one."""
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") != "offscreen":
        return
    width, height = size
    config = workdir / "screen.json"
    screen = {"name": "screenshot", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96}]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def window_on(active: ActiveContent, settings_file: Path) -> MainWindow:
    """A main window filling the screen's available area, as if maximised."""
    window = MainWindow(active, QSettings(str(settings_file), QSettings.Format.IniFormat))
    window.show()
    window.setGeometry(QApplication.primaryScreen().availableGeometry())
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
    """Render every view into ``outdir``, on a screen of ``size`` device pixels."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        use_screen(workdir, size)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("ketaref")
        if dark:
            app.setStyle("Fusion")
            app.setPalette(dark_palette())
        os.environ["KETAREF_STATE_DIR"] = str(workdir / "state")
        os.environ["KETAREF_POLICY"] = str(workdir / "no-policy.toml")
        active = load_active_content()
        library = active.library
        window = window_on(active, workdir / "settings.ini")

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
            calculator = window.item_view.calculator
            type_into(calculator.weight_edit, "70")  # type: ignore[union-attr]
            type_into(calculator.dose_edit, "0.5")  # type: ignore[union-attr]
            type_into(calculator.duration_edit, "40")  # type: ignore[union-attr]
            type_into(calculator.concentration_edit, "10")  # type: ignore[union-attr]
            save(window, outdir / "iv-calculator-result.png")
            type_into(calculator.weight_edit, "160")  # type: ignore[union-attr]
            save(window, outdir / "iv-calculator-warning.png")
            document = window.item_view.document
            document.setFocus(Qt.FocusReason.TabFocusReason)
            QTest.keyClick(document, Qt.Key.Key_Tab)  # onto the first link, as a keyboard user
            save(window, outdir / "iv-protocol-link-focused.png")
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
        fixed = window.item_view.calculator.fixed_dose_choice  # type: ignore[union-attr]
        if fixed is not None:
            fixed.buttons[0].click()  # the first published dose, so the sheet has its formula
        save(window, outdir / "spravato-calculator.png")
        window.print_checklist()
        print_dialog = open_dialog(f"Print session checklist: {spravato.title}")
        save(print_dialog, outdir / "print-dialog.png")
        print_dialog.activateWindow()
        QApplication.processEvents()
        QTest.keyClick(print_dialog, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
        save(print_dialog, outdir / "print-dialog-zoomed.png")
        print_dialog.close()

        window.show_glossary()
        glossary = open_dialog("Glossary of abbreviations")
        save(glossary, outdir / "glossary.png")
        glossary.close()
        window.show_shortcuts()
        shortcuts = open_dialog("Keyboard shortcuts")
        save(shortcuts, outdir / "shortcuts.png")
        shortcuts.close()

        refused = window_on(broken_site_pack(workdir), workdir / "settings.ini")
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
    parser.add_argument(
        "--size", type=_size, default=SIZE, help="screen size in device pixels, e.g. 1920x1080"
    )
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    arguments = parser.parse_args()
    raise SystemExit(main(arguments.outdir, arguments.size, arguments.dark))
