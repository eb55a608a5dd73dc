"""Windows and dialogs fit the screen they open on: buttons and the status bar stay visible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize

from ketaref.gui.screen_fit import FRAME_ALLOWANCE, fitted_position, fitted_size

REPO = Path(__file__).resolve().parents[2]

#: Opens the main window and the print dialog on the screen it is given and reports, in global
#: coordinates, where their buttons and the status bar's content version are.
PROBE = r"""
import json, os, sys
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QApplication, QAbstractButton
app = QApplication([])
from ketaref.content.in_use.active import load_active_content
from ketaref.gui.main_window import MainWindow
from ketaref.gui.print_dialog import PrintDialog
active = load_active_content()
window = MainWindow(active, QSettings(sys.argv[1], QSettings.Format.IniFormat))
window.show()
window.open_item("iv-ketamine-trd")  # the widest: section bar and a weight-based calculator
for _ in range(5):
    app.processEvents()
window.open_item("spravato-trd")
dialog = PrintDialog(active.library, active.library.protocols["spravato-trd"], parent=window)
dialog.show()
for _ in range(10):
    app.processEvents()
def box(widget):
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]
buttons = [w for w in dialog.findChildren(QAbstractButton) if w.isVisible()]
print(json.dumps({
    "screen": list(app.primaryScreen().availableGeometry().getRect()),
    "status": box(window.content_label),
    "window": box(window),
    "dialog": box(dialog),
    "buttons": {b.text(): box(b) for b in buttons},
    "preview_width": dialog.preview.page_width(),
    "text_width": window.item_view.document.width(),
    "navigation_width": window.splitter.widget(0).width(),
}), flush=True)
os._exit(0)  # no teardown: only the report above is under test
"""


def test_a_wanted_size_is_cut_to_the_available_area_less_the_frame() -> None:
    small = QRect(0, 0, 1024, 600)
    assert fitted_size(QSize(1280, 800), small) == QSize(1024 - 16, 600 - 40)
    assert fitted_size(QSize(640, 480), small) == QSize(640, 480)
    task_bar_left = QRect(60, 0, 1220, 720)
    size = fitted_size(QSize(1280, 800), task_bar_left)
    position = fitted_position(size, task_bar_left)
    outer = QRect(position, size + FRAME_ALLOWANCE)
    assert task_bar_left.contains(outer)


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(1024, 600, 1), (1280, 720, 1), (1280, 800, 1.5), (1280, 800, 2)],
)
def test_on_a_small_screen_every_button_and_the_content_version_are_on_it(
    tmp_path: Path, width: int, height: int, scale: float
) -> None:
    """Also at 150 % and 200 %, where a protocol's section bar once made the window wider
    than the screen (its buttons now wrap)."""
    found = run_probe(PROBE, tmp_path, width, height, scale)
    screen = QRect(*found["screen"])
    assert screen.size() == QSize(round(width / scale), round(height / scale))
    for name in ("status", "window", "dialog"):
        assert screen.contains(QRect(*found[name])), (name, found[name])
    assert {"&Save as PDF…", "&Print…", "Close"} <= set(found["buttons"])
    for text, rect in found["buttons"].items():
        assert screen.contains(QRect(*rect)), (text, rect)
    # The navigation gives way too: the text is never the narrower of the two.
    assert found["text_width"] >= found["navigation_width"], found
    # The preview fills its column rather than a fixed 460 px.
    assert found["preview_width"] > 460 or width < 1280 or scale > 1


#: Opens every other dialog of the main window on a screen smaller than their wanted sizes and
#: reports, in global coordinates, where each dialog is.
DIALOGS_PROBE = r"""
import json, os, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog
app = QApplication([])
from ketaref.content.in_use.active import load_active_content
from ketaref.gui.main_window import MainWindow
window = MainWindow(load_active_content(), QSettings(sys.argv[1], QSettings.Format.IniFormat))
window.show()
found = {}
for name in ("show_about", "show_shortcuts", "show_glossary", "show_local_rules",
             "show_content_history"):
    getattr(window, name)()
    for _ in range(5):
        app.processEvents()
    dialog = next(w for w in app.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible())
    top_left = dialog.mapToGlobal(dialog.rect().topLeft())
    found[name] = [top_left.x(), top_left.y(), dialog.width(), dialog.height()]
    dialog.close()
    for _ in range(5):
        app.processEvents()
print(json.dumps({"screen": list(app.primaryScreen().availableGeometry().getRect()),
                  "dialogs": found}), flush=True)
os._exit(0)  # no teardown: only the report above is under test
"""


def test_every_dialog_fits_a_screen_smaller_than_it_asks_for(tmp_path: Path) -> None:
    found = run_probe(DIALOGS_PROBE, tmp_path, 640, 480)
    screen = QRect(*found["screen"])
    assert len(found["dialogs"]) == 5
    for name, rect in found["dialogs"].items():
        assert screen.contains(QRect(*rect)), (name, rect)


def run_probe(
    probe: str, tmp_path: Path, width: int, height: int, scale: float = 1, *args: str
) -> dict[str, Any]:
    """Run ``probe`` on an offscreen screen of ``width`` × ``height`` scaled by ``scale``
    (QT_SCALE_FACTOR, as the desktop's 150 % or 200 %); return its JSON report.

    The probe gets the settings file, then ``args``, as its arguments.
    """
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {"screens": [{"name": "test", "x": 0, "y": 0, "width": width, "height": height}]}
        ),
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        KETAREF_STATE_DIR=str(tmp_path / "state"),
        KETAREF_POLICY=str(tmp_path / "no-policy.toml"),
        QT_SCALE_FACTOR=str(scale),
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "settings.ini"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report
