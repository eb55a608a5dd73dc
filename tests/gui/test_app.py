"""Start-up, the unexpected-error handler and the log, as a user and an IT admin meet them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from ketaref.content.format.problems import ContentError, ContentProblem
from ketaref.gui import app, error_log
from ketaref.gui.main_window import LOADING, MainWindow
from tests.conftest import Cli
from tests.gui.conftest import the_app_window

REPO = Path(__file__).resolve().parents[2]


def run_python(code: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"} | env_extra
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )


def test_exit_after_startup_exits_zero(tmp_path: Path) -> None:
    result = run_python(
        "import sys; from ketaref.cli import main; sys.exit(main(['--exit-after-startup']))",
        {"KETAREF_STATE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_line_imports_neither_qt_nor_reportlab() -> None:
    result = run_python(
        "import sys, ketaref.cli; print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('PySide6', 'shiboken6', 'reportlab')))",
        {},
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_startup_does_not_import_printing_schemas_or_search(tmp_path: Path) -> None:
    result = run_python(
        "import sys; from ketaref.gui.app import run_app; run_app(True);"
        " print(sorted(m for m in sys.modules if m.startswith(('reportlab', 'pypdfium2',"
        " 'PySide6.QtPdf', 'PySide6.QtPrintSupport', 'ketaref.printing.checklist_pdf',"
        " 'ketaref.printing.fonts', 'ketaref.gui.print_dialog',"
        " 'ketaref.gui.pdf_pages', 'ketaref.content.format.schema', 'ketaref.content.in_use.search',"
        " 'ketaref.gui.dialogs'))))",
        {"KETAREF_STATE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_startup_makes_no_python_type_it_does_not_need(tmp_path: Path) -> None:
    # PySide6 makes a class's Python type (with all its enums) when it is first touched: QStyle's
    # alone is some 12 ms. A module's dict holds only the types made so far. QCalendarWidget
    # stands for the 60 widget types made when a scroll area's viewport() is first asked for.
    unneeded = ("QStyle", "QTextCharFormat", "QTextFormat", "QPen", "QCalendarWidget")
    result = run_python(
        "import sys; from ketaref.gui.app import run_app; run_app(True);"
        " import PySide6.QtGui as gui, PySide6.QtWidgets as widgets;"
        f" print(sorted(name for name in {unneeded!r}"
        " if name in vars(widgets) or name in vars(gui)))",
        {"KETAREF_STATE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


@pytest.mark.usefixtures("qapp")
def test_content_that_fails_even_bundled_is_reported_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_policy: object = None, **_: object) -> None:
        raise ContentError([ContentProblem("manifest.yaml", 2, 1, "“content_version” is missing")])

    monkeypatch.setattr("ketaref.content.in_use.active.load_active_content", broken)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    assert app.run_app(exit_after_startup=True) == 1
    err = capsys.readouterr().err
    assert "cannot show any content" in err
    assert "manifest.yaml:2:1: “content_version” is missing" in err
    assert "Traceback" not in err


def test_an_unexpected_error_is_logged_without_its_message_and_shown_in_a_dialog(
    qtbot: QtBot, window: MainWindow, isolated_state: Path
) -> None:
    log_file = error_log.log_file_path()
    handler = error_log.ExceptionHandler(log_file)
    name, weight = "Jane " + "Doe", "70 " + "kg"  # typed by a user, never in our source
    try:
        raise ValueError(f"weight of {name}: {weight}")
    except ValueError:
        handler(*sys.exc_info())  # type: ignore[arg-type]

    def dialog() -> QDialog | None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "unexpectedErrorDialog" and widget.isVisible():
                return widget  # type: ignore[return-value]
        return None

    qtbot.waitUntil(lambda: dialog() is not None)
    shown = dialog()
    assert shown is not None
    assert "the app is still running" in shown.message.text()  # type: ignore[attr-defined]
    qtbot.mouseClick(shown.copy_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    copied = QGuiApplication.clipboard().text()
    assert "builtins.ValueError" in copied
    assert "test_app.py" in copied
    assert shown.isVisible()  # copying does not close the dialog

    for log_handler in error_log.LOGGER.handlers[:]:
        log_handler.close()
        error_log.LOGGER.removeHandler(log_handler)
    logged = log_file.read_text(encoding="utf-8")
    assert log_file.parent == isolated_state / "logs"
    assert "builtins.ValueError" in logged
    assert "Jane Doe" not in logged
    assert "70 kg" not in logged
    assert "Jane Doe" not in copied
    shown.close()
    assert window.isVisible()


def run_app_with_a_broken_pack(monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    """Run the app on a pack that fails to load; return its exit code and the message shown.

    The message is (title, text, details); it is closed as soon as it appears.
    """

    def broken(_policy: object = None, **_: object) -> None:
        raise ContentError([ContentProblem("sources.yaml", 7, 3, "“url” is missing")])

    monkeypatch.setattr("ketaref.content.in_use.active.load_active_content", broken)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    seen: list[str] = []
    QTimer.singleShot(20, lambda: read_and_close_message(seen))
    return app.run_app(exit_after_startup=False), seen


def read_and_close_message(seen: list[str]) -> None:
    """Once a modal message is up, add its title, text and details to ``seen``, then close it.

    Any "Something went wrong" dialog open beside it is added too, by its object name.
    """
    box = QApplication.activeModalWidget()
    if box is None:
        QTimer.singleShot(20, lambda: read_and_close_message(seen))
        return
    seen += [box.windowTitle(), box.text(), box.detailedText()]  # type: ignore[attr-defined]
    others = [w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()]
    seen += [name for name in others if name == "unexpectedErrorDialog"]
    box.close()


@pytest.mark.usefixtures("qtbot")
def test_content_that_fails_shows_a_dialog_when_the_app_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, seen = run_app_with_a_broken_pack(monkeypatch)
    assert code == 1
    assert seen[0] == "ketaref cannot start"
    assert "Reinstall ketaref" in seen[1]
    assert seen[2] == "sources.yaml:7:3: “url” is missing"


def test_exit_after_startup_with_a_broken_site_pack_still_exits_zero(
    tmp_path: Path, pack_copy: Path
) -> None:
    (pack_copy / "sources.yaml").write_text("sources: [unclosed\n", encoding="utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text(f'content_dir = "{pack_copy.as_posix()}"\n', encoding="utf-8")
    result = run_python(
        "import sys; from ketaref.cli import main; sys.exit(main(['--exit-after-startup']))",
        {
            "KETAREF_STATE_DIR": str(tmp_path / "state"),
            "KETAREF_POLICY": str(policy),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        },
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def held_content(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The app's content load waits for the returned event (set at the end of the test)."""
    from ketaref.content.in_use import active

    gate = threading.Event()
    real = active.load_active_content

    def held(*args: object, **kwargs: object) -> object:
        gate.wait()
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(active, "load_active_content", held)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    yield gate
    gate.set()


@pytest.mark.usefixtures("qapp", "held_content")
def test_exit_after_first_paint_returns_at_the_paint_with_the_window_saying_loading() -> None:
    assert app.run_app(exit_after_first_paint=True) == 0  # returns on the window's first paint
    window = the_app_window()
    assert window.active is None
    assert LOADING in window.item_view.document.toPlainText()
    window.close()


@pytest.mark.usefixtures("qapp")
def test_exit_after_startup_returns_only_once_the_content_is_on_screen(
    held_content: threading.Event,
) -> None:
    shown: list[MainWindow] = []
    seen_loading: list[str] = []

    def release_in_the_event_loop() -> None:
        shown.append(the_app_window())
        seen_loading.append(shown[0].content_label.text())
        held_content.set()

    QTimer.singleShot(0, release_in_the_event_loop)  # runs in the app's event loop
    assert app.run_app(exit_after_startup=True) == 0
    (window,) = shown
    assert seen_loading == [LOADING]
    assert window.active is not None
    assert window.model.rowCount() > 0
    assert "SPRAVATO" in window.item_view.document.toPlainText()
    window.close()


def test_the_help_names_both_start_up_exits(cli: Cli) -> None:
    result = cli("--help")
    assert "--exit-after-startup" in result.stdout
    assert "--exit-after-first-paint" in result.stdout
    both = cli("--exit-after-startup", "--exit-after-first-paint")
    assert both.returncode == 2
    assert "not allowed with" in both.stderr
