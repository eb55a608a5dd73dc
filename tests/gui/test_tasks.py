"""The task runner: work in a worker, its outcome back on the screen thread, never a wait."""

from __future__ import annotations

import threading
from concurrent.futures import Future

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ketaref.gui.tasks import task_runner


def test_the_result_comes_back_on_the_screen_thread(qtbot: QtBot) -> None:
    outcome: list[tuple[int, bool]] = []
    worker_threads: list[threading.Thread] = []

    def task() -> int:
        worker_threads.append(threading.current_thread())
        return 42

    def on_done(future: Future[int]) -> None:
        outcome.append((future.result(), threading.current_thread() is threading.main_thread()))

    task_runner().run_in_background(task, on_done)
    qtbot.waitUntil(lambda: bool(outcome))
    assert outcome == [(42, True)]
    assert worker_threads[0] is not threading.main_thread()


def test_an_exception_comes_back_to_be_reported(qtbot: QtBot) -> None:
    raised: list[BaseException | None] = []

    def task() -> None:
        raise OSError(5, "Input/output error")

    task_runner().run_in_background(task, lambda future: raised.append(future.exception()))
    qtbot.waitUntil(lambda: bool(raised))
    assert isinstance(raised[0], OSError)


def test_the_outcome_is_dropped_when_its_window_is_gone() -> None:
    gate, started = threading.Event(), threading.Event()
    workers: list[threading.Thread] = []
    called: list[bool] = []

    def task() -> None:
        workers.append(threading.current_thread())
        started.set()
        gate.wait()

    context = QObject()
    task_runner().run_in_background(task, lambda _: called.append(True), context=context)
    context.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gate.set()
    started.wait()
    workers[0].join()  # its outcome is queued for the screen thread now
    QApplication.processEvents()
    assert called == []
