"""The window never waits for the content: it paints, answers, and says the content is loading.

Loads that never end are gated by a ``threading.Event`` that each test sets when it finishes, so
no worker is left waiting. "Answers" means a timer queued on the screen thread fires within
100 ms, as a click or a key would be handled.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketaref.content.format import pack
from ketaref.content.format.pack import Library
from ketaref.content.format.problems import ContentError, ContentProblem
from ketaref.content.in_use.active import ActiveContent
from ketaref.gui import app
from ketaref.gui.content_load import ContentLoad
from ketaref.gui.main_window import LOADING, MainWindow
from tests.gui.conftest import the_app_window

#: Said by the actions that wait for the content.
WHEN_LOADED = "available once the content has loaded"


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """Holds a load until set; set at the end of the test, so the worker ends."""
    event = threading.Event()
    yield event
    event.set()


def held_load(gate: threading.Event, active: ActiveContent) -> Callable[[], ActiveContent]:
    """A load that returns ``active`` once ``gate`` is set, and never before."""

    def load() -> ActiveContent:
        gate.wait()
        return active

    return load


class PaintCounter(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def assert_answers(qtbot: QtBot) -> None:
    """The screen thread handles an event within 100 ms: it is not waiting for anything."""
    answered: list[bool] = []
    QTimer.singleShot(0, lambda: answered.append(True))
    qtbot.waitUntil(lambda: bool(answered), timeout=100)


def assert_says_loading(window: MainWindow) -> None:
    """Reading pane, navigation, status bar and search field say the content is loading."""
    assert LOADING in window.item_view.document.toPlainText()
    assert window.left_stack.currentWidget() is window.loading_note
    assert window.loading_note.isVisible()
    assert window.loading_note.text() == LOADING
    assert window.content_label.text() == LOADING
    assert LOADING in window.search_field.placeholderText()
    assert window.search_field.isEnabled()
    for action_id in ("print", "focus_calculator", "glossary", "about"):
        action = window.actions_by_id[action_id]
        assert not action.isEnabled()
        assert WHEN_LOADED in action.statusTip()
        assert WHEN_LOADED in action.toolTip()
    assert window.active is None
    assert window.library is None


@pytest.fixture
def loading_window(
    qtbot: QtBot, settings: QSettings, gate: threading.Event, bundled_library: Library
) -> tuple[MainWindow, PaintCounter]:
    """A window whose content load is held at the gate, shown, with its paints counted."""
    content = ContentLoad()
    window = MainWindow(content, settings)
    qtbot.addWidget(window)
    painted = PaintCounter()
    window.installEventFilter(painted)
    content.start(held_load(gate, ActiveContent(library=bundled_library, origin="bundled")))
    window.resize(790, 580)
    window.show()
    return window, painted


def test_a_load_that_does_not_end_leaves_the_window_painted_answering_and_saying_so(
    qtbot: QtBot, loading_window: tuple[MainWindow, PaintCounter]
) -> None:
    window, painted = loading_window
    qtbot.waitUntil(lambda: painted.paints > 0)
    assert_answers(qtbot)
    assert_says_loading(window)
    window.actions_by_id["find"].trigger()  # what needs no content works
    assert window.search_field.hasFocus()
    assert_answers(qtbot)

    window.close()
    assert not window.isVisible()
    assert_answers(qtbot)


def test_a_search_typed_during_the_load_does_not_wait_and_runs_once_it_has_loaded(
    qtbot: QtBot, loading_window: tuple[MainWindow, PaintCounter], gate: threading.Event
) -> None:
    window, _ = loading_window
    qtbot.waitExposed(window)
    qtbot.keyClicks(window.search_field, "ptsd")
    assert_answers(qtbot)
    assert window.search_field.text() == "ptsd"
    assert LOADING in window.search_status.text()
    assert window.left_stack.currentWidget() is window.loading_note
    model = window.model

    gate.set()
    qtbot.waitUntil(lambda: window.active is not None)
    assert window.left_stack.currentWidget() is window.results
    assert window.results.model().rowCount() > 0
    assert "result" in window.search_status.text()
    assert window.model is model
    assert window.model.rowCount() > 0
    assert "SPRAVATO" in window.item_view.document.toPlainText()  # the home page
    assert window.content_label.text().startswith("Content ")
    assert window.actions_by_id["glossary"].isEnabled()
    assert WHEN_LOADED not in window.actions_by_id["print"].statusTip()


def test_a_load_that_fails_is_reported_by_the_window(qtbot: QtBot, settings: QSettings) -> None:
    problem = ContentProblem("sources.yaml", 7, 3, "“url” is missing")

    def broken() -> ActiveContent:
        raise ContentError([problem])

    content = ContentLoad()
    window = MainWindow(content, settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.contentFailed) as failed:
        content.start(broken)
    assert isinstance(failed.args[0], ContentError)
    assert list(failed.args[0].problems) == [problem]
    assert window.active is None
    assert LOADING in window.item_view.document.toPlainText()


def test_a_site_folder_that_does_not_answer_never_holds_up_the_app(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pack_copy: Path,
    gate: threading.Event,
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(f'content_dir = "{pack_copy.as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv("KETAREF_POLICY", str(policy))
    read_on_screen_thread: list[Path] = []
    waiting: list[Path] = []
    real_read = pack.read_file

    def share_that_does_not_answer(path: Path, *args: object, **kwargs: object) -> bytes:
        if pack_copy in Path(path).parents:
            if threading.current_thread() is threading.main_thread():
                read_on_screen_thread.append(path)  # told, not waited on: the test goes on
            else:
                waiting.append(path)
                gate.wait()
        return real_read(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pack, "read_file", share_that_does_not_answer)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    failures: list[AssertionError] = []

    def inspect() -> None:
        window = the_app_window()
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # gone before the load ends
        try:
            painted = PaintCounter()
            window.installEventFilter(painted)
            window.update()
            qtbot.waitUntil(lambda: painted.paints > 0 and bool(waiting))
            assert_answers(qtbot)
            assert_says_loading(window)
        except AssertionError as failure:  # run_app's error handler would only show a dialog
            failures.append(failure)
        window.close()  # the app quits with the load still waiting on the share

    QTimer.singleShot(0, inspect)
    assert app.run_app() == 0
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not failures, failures[0]
    assert waiting
    assert waiting[0].name == "manifest.yaml"
    assert read_on_screen_thread == []
