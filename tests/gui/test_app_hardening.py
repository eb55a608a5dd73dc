"""The app on a clinic's real machines: no display, offscreen checks, logout mid-save, odd input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.gui.print_dialog import PrintDialog
from tests.processes import end_a_held_write, needs_proc

REPO = Path(__file__).resolve().parents[2]
CANARY = "Quillon Canarybeak"


def start_app(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ketaref", "--exit-after-startup"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip


def without_display(tmp_path: Path) -> dict[str, str]:
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    return env | {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="X11/Wayland systems only")
def test_no_display_says_so_in_plain_words_and_exits_2(tmp_path: Path) -> None:
    result = start_app(without_display(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "needs a display" in result.stderr
    assert "ketaref self-test" in result.stderr
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert "Reinstall" not in result.stderr
    assert "Traceback" not in result.stderr


def test_an_offscreen_start_prints_nothing_about_size_hints(tmp_path: Path) -> None:
    env = without_display(tmp_path) | {"QT_QPA_PLATFORM": "offscreen"}
    result = start_app(env)
    assert result.returncode == 0, result.stderr
    assert "propagateSizeHints" not in result.stderr


def test_start_up_removes_a_killed_save_from_the_documents_folder(tmp_path: Path) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    left_over = documents / ".ketaref-k1ll3d_x.part"
    left_over.write_text(CANARY)
    os.utime(left_over, (0, 0))  # long ago
    mine = documents / "notes.part"
    mine.write_text("the user's own")
    os.utime(mine, (0, 0))
    result = start_app(without_display(tmp_path) | {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert [p.name for p in documents.iterdir()] == ["notes.part"]


#: Saves the print dialog's PDF into the folder ``sys.argv[1]``.
SAVE_FROM_THE_DIALOG = f"""
from pathlib import Path
from PySide6.QtWidgets import QApplication
from ketaref import paths
from ketaref.content.format.pack import load_pack
from ketaref.gui.print_dialog import PrintDialog

app = QApplication([])
library = load_pack(paths.bundled_content_dir())
dialog = PrintDialog(library, library.protocols["spravato-trd"])
dialog.patient_name.setText({CANARY!r})
dialog.rebuild()
sys.exit(0 if dialog.save_to(Path(sys.argv[1]) / "session.pdf") else 3)
"""


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_save_ended_by_logout_leaves_no_file(tmp_path: Path, signum: int) -> None:
    out_dir = tmp_path / "printouts"
    out_dir.mkdir()
    code, stderr = end_a_held_write(SAVE_FROM_THE_DIALOG, out_dir, signum)
    assert code == -signum, stderr
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("field", ["patient_name", "patient_id", "clinician"])
def test_the_print_dialog_refuses_a_control_character_in_plain_words(
    qtbot: QtBot, bundled_library: Library, field: str
) -> None:
    dialog = PrintDialog(bundled_library, bundled_library.protocols["spravato-trd"])
    qtbot.addWidget(dialog)
    getattr(dialog, field).setText("Quillon\x1bCanarybeak")
    dialog.rebuild()
    assert dialog.problem.isVisibleTo(dialog)
    assert "invisible control character (U+001B" in dialog.problem.text()
    assert "Canary" not in dialog.problem.text()
    assert not dialog.save_button.isEnabled()
    assert not dialog.print_button.isEnabled()


#: Saves through the Save dialog into a folder named after the patient, in ``sys.argv[1]``.
SAVE_THROUGH_THE_FILE_DIALOG = f"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from ketaref import paths
from ketaref.content.format.pack import load_pack
from ketaref.gui.print_dialog import PrintDialog

app = QApplication([])
library = load_pack(paths.bundled_content_dir())
dialog = PrintDialog(library, library.protocols["spravato-trd"])
dialog.rebuild()
target = Path(sys.argv[1]) / {CANARY!r} / "session.pdf"

def choose():
    chooser = next(w for w in app.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible())
    chooser.selectFile(str(target))
    chooser.accept()

QTimer.singleShot(0, choose)
dialog.choose_file_and_save()
sys.exit(0 if target.is_file() else 3)
"""


def test_saving_leaves_no_folder_name_in_qts_file_dialog_settings(tmp_path: Path) -> None:
    (tmp_path / "home" / CANARY).mkdir(parents=True)
    env = os.environ | {
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-c", SAVE_THROUGH_THE_FILE_DIALOG, str(tmp_path / "home")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = [p for p in (tmp_path / "config").rglob("*") if p.is_file()]
    assert written  # Qt did keep its settings: the check below is not vacuous
    for settings in written:
        assert "Canarybeak" not in settings.read_text(errors="replace"), settings
