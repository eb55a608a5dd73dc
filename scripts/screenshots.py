"""Render the desktop app's main views to PNG (called by scripts/screenshots OUTDIR).

Each view is shown in a 1280×800 window on the offscreen platform and saved with QWidget.grab().
Settings go to a temporary file and the state dir to a temporary folder, so nothing of the user's
is read or changed. The refused-site-pack view uses a deliberately broken copy of the bundled pack.

With ``--screen WxH --scale S [--dark]`` it renders instead the protocol with a calculated dose
and the print dialog as they look on a screen of W×H device pixels at S × scaling (Qt's
QT_SCALE_FACTOR, so 1920×1080 at 1.5 is 1280×720 to the app), the window filling the screen, in a
dark palette if asked. Each such run is its own process: Qt reads the scale once, at start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ketaref import paths
from ketaref.content.active import ActiveContent, load_active_content
from ketaref.content.model import Route
from ketaref.gui.main_window import MainWindow
from ketaref.gui.page_html import section_anchor

SIZE = (1280, 800)


def save(widget: QWidget, path: Path, area: QRect | None = None) -> None:
    """Let the widget lay out and paint, then save it (or only ``area`` of it) as PNG."""
    for _ in range(3):
        QApplication.processEvents()
    if not widget.grab(area or QRect(0, 0, -1, -1)).save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def open_dialog(title: str) -> QWidget:
    """The visible top-level window with ``title``."""
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.windowTitle() == title:
            return widget
    raise SystemExit(f"the “{title}” dialog did not open")


def window_on(active: ActiveContent, settings_file: Path) -> MainWindow:
    """A main window at the screenshot size."""
    window = MainWindow(active, QSettings(str(settings_file), QSettings.Format.IniFormat))
    window.show()
    window.resize(*SIZE)
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


def main(outdir: Path) -> int:
    """Render every view into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("ketaref")
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
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

        refused = window_on(broken_site_pack(workdir), workdir / "settings.ini")
        save(refused, outdir / "refused-site-pack.png")
        refused.show_content_problems()
        details = open_dialog("Content problems")
        save(details, outdir / "refused-site-pack-details.png")
        details.close()

        window.show_about()
        save(open_dialog("About ketaref"), outdir / "about.png")
    return 0


DARK_COLOURS = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.AlternateBase: "#333333",
    QPalette.ColorRole.ToolTipBase: "#3c3c3c",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#9a9a9a",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6e6e",
    QPalette.ColorRole.Link: "#6cb4ff",
    QPalette.ColorRole.LinkVisited: "#c29bff",
    QPalette.ColorRole.Highlight: "#2f6db5",
    QPalette.ColorRole.HighlightedText: "#ffffff",
}


def dark_palette() -> QPalette:
    """A dark palette like a desktop's dark theme (Breeze Dark, Adwaita dark) gives Qt apps."""
    palette = QPalette()
    for role, colour in DARK_COLOURS.items():
        palette.setColor(role, QColor(colour))
    return palette


def use_screen(workdir: Path, width: int, height: int, scale: float) -> None:
    """Before Qt starts: an offscreen screen of ``width``×``height`` device pixels at ``scale``."""
    config = workdir / "screen.json"
    screen = {"name": "screenshot", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96}]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"


def variant(outdir: Path, width: int, height: int, scale: float, dark: bool) -> int:
    """The protocol with a dose worked out, and its print dialog, on one screen set-up."""
    outdir.mkdir(parents=True, exist_ok=True)
    suffix = f"{width}x{height}-{round(scale * 100)}pct" + ("-dark" if dark else "")
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        use_screen(workdir, width, height, scale)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("ketaref")
        if dark:
            app.setPalette(dark_palette())
        os.environ["KETAREF_STATE_DIR"] = str(workdir / "state")
        os.environ["KETAREF_POLICY"] = str(workdir / "no-policy.toml")
        active = load_active_content()
        window = MainWindow(active, QSettings(str(workdir / "s.ini"), QSettings.Format.IniFormat))
        window.show()
        window.setGeometry(app.primaryScreen().availableGeometry())  # as if maximised
        protocols = active.library.protocols
        # One with a standard dose, so the calculator shows a result for the weight.
        protocol = protocols.get("iv-ketamine-trd") or next(iter(protocols.values()))
        window.open_item(protocol.id)
        weight = getattr(window.item_view.calculator, "weight_edit", None)
        if weight is not None:
            weight.setText("70")
        save(window, outdir / f"protocol-dose-{suffix}.png")
        window.print_checklist()
        QApplication.processEvents()
        dialog = next(
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and w.windowTitle().startswith("Print session checklist")
        )
        # Only what the screen shows of it: a dialog larger than the screen is cut off there.
        dialog.move(0, 0)
        screen = app.primaryScreen().availableGeometry()
        save(
            dialog,
            outdir / f"print-dialog-{suffix}.png",
            dialog.rect().intersected(QRect(0, 0, screen.width(), screen.height())),
        )
        dialog.close()
        window.close()
    return 0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Render the desktop app's views to PNG.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--screen", metavar="WxH", help="screen size in device pixels")
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR, e.g. 1.5")
    parser.add_argument("--dark", action="store_true", help="a dark palette")
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_arguments()
    if arguments.screen is None:
        raise SystemExit(main(arguments.outdir))
    screen_width, _, screen_height = arguments.screen.partition("x")
    raise SystemExit(
        variant(
            arguments.outdir,
            int(screen_width),
            int(screen_height),
            arguments.scale,
            arguments.dark,
        )
    )
