"""Work that may block (file reads, hashing, loading the content) runs here, off the screen thread.

The screen thread never waits: ``run_in_background`` starts the work in a worker thread and
returns at once; when the work ends, its outcome (a finished ``Future``: the result, or the
exception it raised) is handed to ``on_done`` *on the screen thread*, through a queued Qt signal.
Nothing polls and nothing sleeps. The shape follows Anki's ``aqt/taskman.py``.

Workers are daemon threads: one stuck on a network share that stopped answering cannot keep the
app alive after the user quits. A worker must not touch Qt; only ``on_done`` does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal

T = TypeVar("T")


class TaskRunner(QObject):
    """Runs callables in worker threads and calls back on the thread it was made on."""

    #: Emitted by workers; its queued connection runs the pending callbacks on this thread.
    _callbacks_pending = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._callbacks: list[tuple[Callable[[], None], QObject | None]] = []
        self._callbacks_pending.connect(self._run_callbacks)

    def run_in_background(
        self,
        task: Callable[[], T],
        on_done: Callable[[Future[T]], None],
        *,
        context: QObject | None = None,
        name: str = "ketaref task",
    ) -> Future[T]:
        """Run ``task`` in a worker thread; then ``on_done(future)`` on this thread.

        ``future.result()`` in ``on_done`` returns the task's result or raises its exception.
        With ``context``, ``on_done`` is dropped if that object was deleted meanwhile (a window
        closed while its content was loading).
        """
        future: Future[T] = Future()

        def work() -> None:
            future.set_running_or_notify_cancel()
            try:
                result = task()
            except BaseException as exc:  # noqa: BLE001  handed to on_done, which reports it
                future.set_exception(exc)
            else:
                future.set_result(result)
            self._post(lambda: on_done(future), context)

        threading.Thread(target=work, name=name, daemon=True).start()
        return future

    def _post(self, callback: Callable[[], None], context: QObject | None) -> None:
        """Queue ``callback`` for this object's thread (callable from any thread)."""
        with self._lock:
            self._callbacks.append((callback, context))
        try:
            self._callbacks_pending.emit()
        except RuntimeError:  # the app has gone (the worker outlived it): nobody to tell
            return

    def _run_callbacks(self) -> None:
        with self._lock:
            pending, self._callbacks = self._callbacks, []
        for callback, context in pending:
            if context is None or shiboken6.isValid(context):
                callback()


def task_runner() -> TaskRunner:
    """The app's one task runner (made on first use, owned by the application object)."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("the task runner needs the Qt application to exist")
    runner = app.findChild(TaskRunner, "ketarefTaskRunner")
    if runner is None:
        runner = TaskRunner(app)
        runner.setObjectName("ketarefTaskRunner")
    return runner
