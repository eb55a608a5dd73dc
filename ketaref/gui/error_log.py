"""The unexpected-error handler and its log: a dialog in plain words, never a traceback.

``ExceptionHandler`` is the app's ``sys.excepthook``. It records where an error happened (the kind
of error and the stack, never its message, which may quote what a user typed) in a rotating log
file, and tells the user in plain words that the app is still running.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ketaref import __version__, paths

LOGGER = logging.getLogger("ketaref")
LOG_MAX_BYTES = 512 * 1024
LOG_BACKUPS = 3


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
