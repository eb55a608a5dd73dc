"""Starting the desktop app: Qt set-up, content loading, the error handler, the main window.

``run_app`` is what ``ketaref`` (no command) calls. It follows the system's font size, scaling and
colour scheme (no colours or font sizes of our own), remembers only the window's geometry, and
turns every failure a user can meet into a dialog, never a traceback.

Start-up order: when the start-up snapshot (``ketaref.content.snapshot``) matches every input,
the window is built and painted from its summary and is in the user's hands at once, while the
pack is loaded in full in a background thread; whatever needs the pack (an item, a search, a
printout) waits for that load, and the window is brought up to date if the pack differs from the
summary. Without a usable snapshot the pack is loaded first, then the window is built. Items,
doses and printouts always come from the fully loaded, validated pack.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
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

from ketaref import __version__, paths
from ketaref.atomic import remove_stale_temporaries
from ketaref.content.problems import ContentError
from ketaref.content.snapshot import forget_snapshot, load_and_keep, startup_summary
from ketaref.content.summary import ContentUnavailable, DeferredContent

if TYPE_CHECKING:
    from ketaref.gui.main_window import MainWindow

LOGGER = logging.getLogger("ketaref")
LOG_MAX_BYTES = 512 * 1024
LOG_BACKUPS = 3
ORGANIZATION = "Ketaref"
APPLICATION = "ketaref"
#: How long start-up waits for the window system to show the window (seconds), so it is painted
#: before the pack is loaded.
FIRST_PAINT_WAIT = 0.2
#: How long quitting waits for a background load still running, so it can finish its writes.
QUIT_WAIT_S = 5.0
#: How often the GUI thread looks whether the background load has ended.
LOAD_POLL_MS = 20
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


def log_file_path() -> Path:
    """Where unexpected errors are recorded (rotating; never patient details)."""
    return paths.log_dir() / "ketaref.log"


def configure_logging() -> Path:
    """Send ketaref's log records to the rotating log file; return its path.

    Called when the first error is logged, so a normal start-up neither imports the handlers
    nor creates the log folder.
    """
    import logging.handlers

    log_file = log_file_path()
    already = any(
        isinstance(h, logging.handlers.RotatingFileHandler) and h.baseFilename == str(log_file)
        for h in LOGGER.handlers
    )
    if not already:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                log_file,
                maxBytes=LOG_MAX_BYTES,
                backupCount=LOG_BACKUPS,
                encoding="utf-8",
                delay=True,
            )
        except OSError as exc:
            print(
                f"ketaref: cannot write the log in {log_file.parent}: {exc.strerror}",
                file=sys.stderr,
            )
            return log_file
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        LOGGER.addHandler(handler)
        LOGGER.setLevel(logging.INFO)
    return log_file


def error_details(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """The kind of error and where it happened, without its message.

    The message is left out on purpose: it may quote what a user typed (a name, a weight), and
    nothing about patients may reach the log.
    """
    import traceback

    frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
    return (
        f"ketaref {__version__}: {exc_type.__module__}.{exc_type.__qualname__}\n"
        f"Traceback (most recent call last):\n{frames}"
        "(The error message is left out: it may contain what was typed.)"
    )


class ExceptionHandler:
    """``sys.excepthook`` for the app: log, tell the user in plain words, keep running."""

    def __init__(self, log_file: Path):
        self.log_file = log_file
        self._dialog_open = False
        self._logging_ready = False

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if issubclass(exc_type, ContentUnavailable):
            return  # not unexpected: the app tells the user and stops (_stop_without_content)
        details = error_details(exc_type, tb)
        if not self._logging_ready:
            self.log_file = configure_logging()
            self._logging_ready = True
        LOGGER.error("Unexpected error\n%s", details)
        if self._dialog_open or QApplication.instance() is None:
            return  # one dialog at a time; the log has every occurrence
        from ketaref.gui.dialogs import TextReportDialog

        dialog = TextReportDialog(
            "Something went wrong",
            "Something went wrong inside ketaref. What you were doing may not have finished, but"
            " the app is still running. The details below were saved in the log file "
            f"{self.log_file}. If it happens again, send them to IT.",
            details,
            QApplication.activeWindow(),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("unexpectedErrorDialog")
        self._dialog_open = True
        dialog.finished.connect(self._closed)
        dialog.open()

    def _closed(self) -> None:
        self._dialog_open = False


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


def _content_failed(
    problems: list[str], exit_after_startup: bool, over: QWidget | None = None
) -> int:
    """Tell the user no content can be shown (a dialog, over ``over`` if given); return 1."""
    message = (
        "ketaref cannot show any content: even the content pack installed with it failed its"
        " checks, so nothing it could show can be trusted. Reinstall ketaref or call IT."
    )
    if exit_after_startup:
        print(f"ketaref: {message}", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, "ketaref cannot start", message, parent=over)
    box.setDetailedText("\n".join(problems))
    box.exec()
    return 1


def _paint(app: QApplication, window: QWidget) -> None:
    """Let ``window`` reach the screen, leaving the user's input queued for later."""
    deadline = time.monotonic() + FIRST_PAINT_WAIT
    while True:
        app.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        handle = window.windowHandle()
        if handle is None or handle.isExposed() or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    app.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


def run_app(exit_after_startup: bool) -> int:
    """Start the desktop app; with ``exit_after_startup``, build the window, then return 0.

    Returns 2 without a display, saying so in words.
    """
    if QApplication.instance() is None and missing_display():
        print(f"ketaref: {NO_DISPLAY_MESSAGE}", file=sys.stderr)
        return 2
    app = _application()
    sys.excepthook = ExceptionHandler(log_file_path())
    from ketaref.gui.integration import machine_settings
    from ketaref.policy import load_policy

    settings = QSettings()
    policy = load_policy()
    today = dt.datetime.now().astimezone().date()

    summary = startup_summary(policy, today)
    content = DeferredContent(summary, lambda: load_and_keep(policy, today)) if summary else None
    if content is None:
        try:
            content = DeferredContent.of(load_and_keep(policy, today))
        except (ContentError, OSError) as exc:
            return _content_failed(_problems_of(exc), exit_after_startup)

    from ketaref.gui.main_window import MainWindow

    window = MainWindow(content, settings, machine_settings(policy))
    window.show()
    _paint(app, window)
    _remove_stale_printouts()  # after the first paint: Documents may be on a slow share
    if exit_after_startup:
        return 0
    if content.is_loaded:
        return app.exec()
    # Reported once the action that met the failure has stopped (hence queued).
    window.contentUnavailable.connect(
        lambda: _stop_without_content(window), Qt.ConnectionType.QueuedConnection
    )
    content.load_in_background()
    _when_loaded(window)
    code = app.exec()
    if not content.wait(QUIT_WAIT_S):
        return code  # a share that does not answer: leave the load behind rather than hang
    if content.failure is not None:
        forget_snapshot()  # failed after the user quit: the next start loads the pack first
    return code


def _remove_stale_printouts() -> None:
    """Remove temporary files left by checklist saves that were killed, in the default folder.

    Saves elsewhere are cleaned at the next save into the same folder; ketaref keeps no list of
    the folders it saved to (their names may name a patient).
    """
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents:
        remove_stale_temporaries(Path(documents))


def _when_loaded(window: MainWindow) -> None:
    """Once the background load ends, bring the window up to date (or report its failure)."""
    watcher = QTimer(window)
    watcher.setInterval(LOAD_POLL_MS)

    def check() -> None:
        if window.content.is_loading:
            return
        watcher.stop()
        with contextlib.suppress(ContentUnavailable):  # reported through contentUnavailable
            window.loaded_content()

    watcher.timeout.connect(check)
    watcher.start()


def _stop_without_content(window: MainWindow) -> None:
    """The pack failed to load behind a window built from the snapshot: say so, then stop."""
    failure = window.content.failure
    if failure is None or not window.isVisible():
        return  # told already (several actions may have met the failure)
    forget_snapshot()
    # Over the window, so closing the message is not closing the last window (which would leave
    # Qt a quit request of its own to act on later).
    code = _content_failed(_problems_of(failure), exit_after_startup=False, over=window)
    window.hide()
    QApplication.exit(code)


def _problems_of(exc: Exception) -> list[str]:
    if isinstance(exc, ContentError):
        return [str(problem) for problem in exc.problems]
    if isinstance(exc, OSError) and exc.strerror:
        return [f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror]
    return [str(exc) or "an unexpected error while loading the content"]
