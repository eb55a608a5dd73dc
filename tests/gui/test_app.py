"""Start-up, the unexpected-error handler and the log, as a user and an IT admin meet them."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThread, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from ketaref.content.problems import ContentError, ContentProblem
from ketaref.content.snapshot import load_and_keep, snapshot_path
from ketaref.content.summary import DeferredContent
from ketaref.gui import app
from ketaref.gui.main_window import MainWindow
from ketaref.policy import load_policy

REPO = Path(__file__).resolve().parents[2]


def local_today() -> dt.date:
    """Today where the app runs, as it takes it."""
    return dt.datetime.now().astimezone().date()


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
        " 'ketaref.gui.pdf_pages', 'ketaref.content.schema', 'ketaref.content.search',"
        " 'ketaref.gui.dialogs'))))",
        {"KETAREF_STATE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


@pytest.mark.usefixtures("qapp")
def test_content_that_fails_even_bundled_is_reported_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_policy: object = None, **_: object) -> None:
        raise ContentError([ContentProblem("manifest.yaml", 2, 1, "“content_version” is missing")])

    monkeypatch.setattr("ketaref.content.active.load_active_content", broken)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    assert app.run_app(exit_after_startup=True) == 1
    err = capsys.readouterr().err
    assert "cannot show any content" in err
    assert "manifest.yaml:2:1: “content_version” is missing" in err
    assert "Traceback" not in err


def test_an_unexpected_error_is_logged_without_its_message_and_shown_in_a_dialog(
    qtbot: QtBot, window: MainWindow, isolated_state: Path
) -> None:
    log_file = app.log_file_path()
    handler = app.ExceptionHandler(log_file)
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

    for log_handler in app.LOGGER.handlers[:]:
        log_handler.close()
        app.LOGGER.removeHandler(log_handler)
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

    monkeypatch.setattr("ketaref.content.active.load_active_content", broken)
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


START_TWICE = (
    "import sys; from ketaref.gui.app import run_app; run_app(True);"
    " print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml')"
    " or m in ('ketaref.content.model', 'ketaref.content.pack')))"
)


def test_a_start_with_unchanged_content_builds_the_window_without_the_content_model(
    tmp_path: Path,
) -> None:
    env = {"KETAREF_STATE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    first = run_python(START_TWICE, env)
    assert "pydantic" in first.stdout, first.stderr  # no snapshot yet: the pack is loaded first
    second = run_python(START_TWICE, env)
    assert second.stdout.strip().splitlines()[-1] == "[]", second.stderr


def main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def run_app_and_inspect(
    monkeypatch: pytest.MonkeyPatch,
    inspect: Callable[[MainWindow], None],
    ready: Callable[[MainWindow], bool] = lambda _window: True,
) -> int:
    """Run the app; once its event loop runs and ``ready`` holds, ``inspect`` the window, quit.

    ``ready`` gets 10 s; then the window is inspected as it is.
    """
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    seen: list[MainWindow] = []
    failures: list[AssertionError] = []
    deadline = time.monotonic() + 10

    def check() -> None:
        visible = [w for w in main_windows() if w.isVisible()]
        in_event_loop = QThread.currentThread().loopLevel() > 0
        waited_enough = in_event_loop and visible and time.monotonic() > deadline
        if not (in_event_loop and visible and ready(visible[0])) and not waited_enough:
            QTimer.singleShot(20, check)
            return
        seen.append(visible[0])
        try:
            assert len(visible) == 1
            inspect(visible[0])
        except AssertionError as failure:  # run_app's error handler would only show a dialog
            failures.append(failure)
        for window in visible:
            window.close()

    QTimer.singleShot(0, check)
    code = app.run_app(exit_after_startup=False)
    assert seen, "the window never came up"
    if failures:
        raise failures[0]
    return code


def loaded(window: MainWindow) -> bool:
    return window.content.is_loaded and not window.content.is_loading


@pytest.fixture
def background_loads(monkeypatch: pytest.MonkeyPatch) -> list[DeferredContent]:
    """Every DeferredContent whose load went to the background: a start from the snapshot."""
    started: list[DeferredContent] = []
    original = DeferredContent.load_in_background

    def recorded(self: DeferredContent) -> None:
        started.append(self)
        original(self)

    monkeypatch.setattr(DeferredContent, "load_in_background", recorded)
    return started


@pytest.mark.usefixtures("qapp")
def test_a_start_from_the_snapshot_loads_the_pack_behind_the_window_it_shows(
    monkeypatch: pytest.MonkeyPatch, background_loads: list[DeferredContent]
) -> None:
    load_and_keep(load_policy(), local_today())  # an earlier start kept the snapshot

    def inspect(window: MainWindow) -> None:
        assert background_loads == [window.content]
        window.open_item("spravato-trd")
        assert "SPRAVATO" in window.windowTitle()

    assert run_app_and_inspect(monkeypatch, inspect, loaded) == 0


@pytest.mark.usefixtures("qapp")
def test_a_snapshot_that_differs_from_the_pack_gives_way_to_what_was_loaded(
    monkeypatch: pytest.MonkeyPatch, background_loads: list[DeferredContent]
) -> None:
    load_and_keep(load_policy(), local_today())
    kept = json.loads(snapshot_path().read_text(encoding="utf-8"))
    real_title = kept["summary"]["entries"][0][2]
    kept["summary"]["entries"][0][2] = "A stale title"
    kept["summary"]["reviewed"] = True
    snapshot_path().write_text(json.dumps(kept), encoding="utf-8")
    first_paint: list[str] = []
    paint = app._paint  # noqa: SLF001  (the first paint has no public hook to watch)

    def remember_first_paint(qt_app: QApplication, window: MainWindow) -> None:
        paint(qt_app, window)
        first_paint.append(window.item_view.document.toPlainText())

    monkeypatch.setattr(app, "_paint", remember_first_paint)

    def inspect(window: MainWindow) -> None:
        assert "A stale title" in first_paint[0]  # what the snapshot said, painted first
        assert background_loads == [window.content]
        shown = window.item_view.document.toPlainText()
        assert real_title in shown
        assert "A stale title" not in shown
        banner = window.findChild(QWidget, "notReviewedBanner")
        assert banner is not None
        assert banner.isVisible()
        assert "not yet clinically reviewed" in window.content_label.text()

    def updated(window: MainWindow) -> bool:  # by the app itself, without any user action
        return "A stale title" not in window.item_view.document.toPlainText()

    assert run_app_and_inspect(monkeypatch, inspect, updated) == 0
    assert "A stale title" not in snapshot_path().read_text(encoding="utf-8")


def held_load(
    monkeypatch: pytest.MonkeyPatch, release: threading.Event, fail: bool = False
) -> list[int]:
    """Hold the full load until ``release`` is set (then fail, with ``fail``); return a list of
    loads. The hold is bounded only so that a failed test cannot leave it waiting for ever."""
    from ketaref.content import active

    loads: list[int] = []
    real = active.load_active_content

    def held(policy: object = None, **kwargs: object) -> object:
        loads.append(1)
        release.wait(timeout=60)
        if fail:
            raise ContentError([ContentProblem("sources.yaml", 7, 3, "“url” is missing")])
        return real(policy, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(active, "load_active_content", held)
    return loads


@pytest.mark.usefixtures("qapp")
def test_a_failure_met_by_a_search_is_told_once_and_stops_the_app(
    monkeypatch: pytest.MonkeyPatch, background_loads: list[DeferredContent]
) -> None:
    load_and_keep(load_policy(), local_today())
    release = threading.Event()
    loads = held_load(monkeypatch, release, fail=True)
    real_wait = DeferredContent.wait

    def wait(self: DeferredContent, timeout: float | None = None) -> bool:
        if self.is_loading:  # the search meets the load before it has ended
            release.set()
        return real_wait(self, timeout)

    monkeypatch.setattr(DeferredContent, "wait", wait)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    messages: list[str] = []

    def type_a_search() -> None:
        windows = [w for w in main_windows() if w.isVisible()]
        if QThread.currentThread().loopLevel() == 0 or not windows:
            QTimer.singleShot(10, type_a_search)
            return
        QTimer.singleShot(20, lambda: read_and_close_message(messages))
        windows[0].search_field.setText("ptsd")

    QTimer.singleShot(0, type_a_search)
    assert app.run_app(exit_after_startup=False) == 1
    assert background_loads
    assert loads == [1]
    assert messages[0] == "ketaref cannot start"
    assert len(messages) == 3  # one message, no "Something went wrong" beside it
    assert not snapshot_path().exists()


@pytest.mark.usefixtures("qapp")
def test_quitting_during_a_load_that_does_not_end_does_not_hang(
    monkeypatch: pytest.MonkeyPatch, background_loads: list[DeferredContent]
) -> None:
    """The app quits though the load never ends (pytest-timeout fails a hang)."""
    load_and_keep(load_policy(), local_today())
    release = threading.Event()
    held_load(monkeypatch, release)
    monkeypatch.setattr(app, "QUIT_WAIT_S", 0.2)
    try:
        assert run_app_and_inspect(monkeypatch, lambda _window: None) == 0
        assert background_loads
        assert background_loads[0].is_loading
    finally:
        release.set()


@pytest.mark.usefixtures("qapp")
def test_a_pack_that_fails_after_a_snapshot_start_stops_the_app_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_and_keep(load_policy(), local_today())
    code, seen = run_app_with_a_broken_pack(monkeypatch)
    assert code == 1
    assert seen[2] == "sources.yaml:7:3: “url” is missing"
    assert not snapshot_path().exists()  # the next start loads the pack first
    assert not any(w.isVisible() for w in main_windows())
