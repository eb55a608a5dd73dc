"""Starting the desktop app: Qt set-up, the main window, the content load, failures in words.

``run_app`` is what ``ketaref`` (no command) calls. It follows the system's font size, scaling and
colour scheme (no colours or font sizes of our own), remembers only the window's geometry, and
turns every failure a user can meet into a dialog, never a traceback (``error_log.py``).

Start-up order: read the policy (small local files, read without blocking), build and show the
main window at once, saying "Loading content…", and from its first paint load the active content
in a worker (``ketaref.gui.tasks``): the site folder walk, signature checks, hashes and validation
never run on the screen thread. The window installs the content when the load ends; a load that
fails stops the app with a message in plain words. ``--exit-after-first-paint`` returns once the
window has been painted (loading nothing); ``--exit-after-startup`` once the loaded content is on
screen (the app is usable).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QObject,
    QSettings,
    QStandardPaths,
    Qt,
    QTimer,
    QtMsgType,
    qFormatLogMessage,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from ketaref import __version__
from ketaref.content.format.problems import ContentError
from ketaref.gui.content_load import ContentLoad
from ketaref.gui.error_log import ExceptionHandler, log_file_path
from ketaref.gui.tasks import task_runner

if TYPE_CHECKING:
    from ketaref.content.in_use.active import ActiveContent
    from ketaref.gui.main_window import MainWindow
    from ketaref.policy import Policy

ORGANIZATION = "Ketaref"
APPLICATION = "ketaref"
#: Qt warnings that tell a user nothing: the offscreen platform (checks, CI) cannot pass a
#: window's size hints on, and says so for every window.
QUIET_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})
#: Said instead of Qt's abort ("Reinstalling the application may fix this problem").
NO_DISPLAY_MESSAGE = (
    "the desktop app needs a display, and this session has none (neither DISPLAY nor"
    " WAYLAND_DISPLAY is set). Start ketaref from a desktop session. To check an installation"
    " without a display, run `ketaref self-test`; to start the app without a screen for automated"
    " checks, set QT_QPA_PLATFORM=offscreen."
)
#: The content load starts at the window's first paint, or after this long if the window system
#: has not painted it (started minimised, on a hidden desktop).
LOAD_ANYWAY_MS = 300
#: Said when no content can be shown at all.
NO_CONTENT_MESSAGE = (
    "ketaref cannot show any content: even the content pack installed with it failed its"
    " checks, so nothing it could show can be trusted. Reinstall ketaref or call IT."
)


def missing_display() -> bool:
    """Whether Qt would find no display to open (Linux and other X11/Wayland systems).

    Checked before QApplication exists: without a display Qt aborts the process with advice to
    reinstall, which is wrong. A platform named in QT_QPA_PLATFORM is left to Qt.
    """
    if sys.platform in ("win32", "darwin"):
        return False
    return not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )


def _pass_on_qt_messages() -> None:
    """Let Qt's messages through to stderr as before, except :data:`QUIET_QT_MESSAGES`."""

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message not in QUIET_QT_MESSAGES:
            sys.stderr.write(qFormatLogMessage(kind, context, message) + "\n")

    qInstallMessageHandler(handler)


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    _pass_on_qt_messages()
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("ketaref")
    app.setApplicationVersion(__version__)
    return app


def _content_failed(problems: list[str], over: QWidget | None) -> int:
    """Tell the user no content can be shown, in a dialog over ``over``; return 1."""
    from PySide6.QtWidgets import QMessageBox

    # Over the window, so closing the message is not closing the last window (which would leave
    # Qt a quit request of its own to act on later).
    box = QMessageBox(
        QMessageBox.Icon.Critical, "ketaref cannot start", NO_CONTENT_MESSAGE, parent=over
    )
    box.setDetailedText("\n".join(problems))
    box.exec()
    return 1


class _AfterPaint(QObject):
    """Calls ``then`` once, as soon as the watched window has painted (and not before)."""

    def __init__(self, window: QWidget, then: Callable[[], None]):
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)
        window.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after this paint has reached the screen
        return False


def run_app(exit_after_startup: bool = False, *, exit_after_first_paint: bool = False) -> int:
    """Start the desktop app and return its exit code.

    With ``exit_after_first_paint``, return 0 once the window has painted (loading nothing); with
    ``exit_after_startup``, return 0 once the loaded content is on screen, or 1 (and the reason on
    stderr) if it cannot be loaded. Returns 2 without a display, saying so in words.
    """
    if QApplication.instance() is None and missing_display():
        print(f"ketaref: {NO_DISPLAY_MESSAGE}", file=sys.stderr)
        return 2
    # Start-up makes many objects and no garbage worth a collection (Qt's enum types, the
    # content models): the cycle collector waits until the content is on screen.
    gc.disable()
    app = _application()
    sys.excepthook = ExceptionHandler(log_file_path())
    from ketaref.gui.integration import machine_settings
    from ketaref.gui.main_window import MainWindow
    from ketaref.policy import load_policy

    policy = load_policy()  # small local files, read without blocking (ketaref.safe_read)
    window = MainWindow(ContentLoad(), QSettings(), machine_settings(policy))
    startup = _Startup(window, policy, exit_after_startup=exit_after_startup)
    window.show()
    if exit_after_first_paint:  # nothing is loaded: the app ends at the paint
        _AfterPaint(window, lambda: QApplication.exit(0))
    else:
        startup.load_once_painted()
    try:
        return app.exec()
    finally:
        _collect_again()


class _Startup:
    """What happens after the window is shown: the content load, and the exits for checks."""

    def __init__(self, window: MainWindow, policy: Policy, *, exit_after_startup: bool):
        self.window = window
        self.policy = policy
        self.today = dt.datetime.now().astimezone().date()  # the clinic's local date
        self.exit_after_startup = exit_after_startup
        self.started = False
        #: What --exit-after-startup waits for: the content on screen, and start-up's other task.
        self.waiting_for = {"content", "printouts"}
        window.contentShown.connect(self._shown)
        # Reported once the event that met the failure has been handled (hence queued).
        window.contentFailed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    def load_once_painted(self) -> None:
        """Start the load at the window's first paint (or after LOAD_ANYWAY_MS without one).

        Not before: the worker would take turns with the screen thread for Python's interpreter
        lock, and the first paint would come later.
        """
        _AfterPaint(self.window, self._start)
        QTimer.singleShot(LOAD_ANYWAY_MS, self._start)

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        self.window.content.start(self._load)
        task_runner().run_in_background(_remove_stale_printouts, self._printouts_removed)

    def _load(self) -> ActiveContent:  # in the worker
        from ketaref.content.in_use.active import load_active_content

        return load_active_content(self.policy, today=self.today)

    def _shown(self) -> None:
        _collect_again()
        _AfterPaint(self.window, lambda: self._done("content"))

    def _printouts_removed(self, removal: Future[None]) -> None:
        try:
            removal.result()  # an unexpected error goes to the error handler
        finally:
            self._done("printouts")

    def _done(self, part: str) -> None:
        self.waiting_for.discard(part)
        if self.exit_after_startup and not self.waiting_for:
            QApplication.exit(0)

    def _failed(self, failure: BaseException) -> None:
        _collect_again()
        _stop_without_content(self.window, failure, tell_in_dialog=not self.exit_after_startup)


def _collect_again() -> None:
    """Start-up is over: keep what it made out of future collections, collect from now on."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _remove_stale_printouts() -> None:
    """Remove temporary files left by checklist saves that were killed, in the default folder.

    Runs in a worker: Documents may be on a slow share. Saves elsewhere are cleaned at the next
    save into the same folder; ketaref keeps no list of the folders it saved to (their names may
    name a patient).
    """
    from ketaref.atomic import remove_stale_temporaries

    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents:
        remove_stale_temporaries(Path(documents))


def _stop_without_content(window: QWidget, failure: BaseException, *, tell_in_dialog: bool) -> None:
    """The content could not be loaded: say so (a dialog, or stderr), then stop with 1."""
    problems = _problems_of(failure)
    if tell_in_dialog:
        _content_failed(problems, over=window)
    else:
        print(f"ketaref: {NO_CONTENT_MESSAGE}", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
    window.hide()
    QApplication.exit(1)


def _problems_of(exc: BaseException) -> list[str]:
    if isinstance(exc, ContentError):
        return [str(problem) for problem in exc.problems]
    if isinstance(exc, OSError) and exc.strerror:
        return [f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror]
    return [str(exc) or "an unexpected error while loading the content"]
