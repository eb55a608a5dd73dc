"""Write files so that a reader sees the old file or the whole new one, never a part.

The bytes go to a temporary file in the target's own directory (so the final rename stays on
one file system), are written with one call, flushed and fsynced, then ``os.replace`` puts them
in place. On any failure the temporary file is removed and the target is untouched.

A temporary file may hold a patient's details (a checklist PDF), so none must outlive the write:

* its name is short and fixed (``.ketaref-XXXXXXXX.part``), never derived from the target's
  name, so it neither carries the target's name nor makes a long one fail;
* SIGTERM and SIGHUP (logout, shutdown) during the write remove it before the signal takes its
  course (SIGINT already does, as KeyboardInterrupt);
* one left by a process that could not clean up (killed outright, power lost) is removed by the
  next write into the same folder, and by :func:`remove_stale_temporaries` at start-up, once it
  is older than :data:`STALE_AFTER_S`. Nothing records which folders were written to.

Every OSError a write raises carries, as its ``strerror``, what went wrong in plain words
(``safe_read.path_trouble``: a name too long, a loop of links, a file where a folder should be, no
permission, a full disk), with its ``errno`` and ``filename`` kept, so each caller reports it as
one line without wording the system's errors again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from ketaref.safe_read import path_trouble

TEMPORARY_PREFIX = ".ketaref-"
TEMPORARY_SUFFIX = ".part"
#: Exactly the names ``tempfile.mkstemp`` makes with our prefix and suffix, and nothing else.
TEMPORARY_NAME = re.compile(r"\.ketaref-[a-z0-9_]{8}\.part")
#: A temporary file older than this is left over from a write that did not finish (a write is
#: one call and takes well under a second; the margin covers slow network shares and clocks).
STALE_AFTER_S = 10 * 60
#: Signals a session sends when it ends; each interrupts a write, which then cleans up.
ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class _EndedBySignal(BaseException):
    """Raised inside a write when a session-ending signal arrives, so the write cleans up."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_ended(signum: int, _frame: FrameType | None) -> None:
    raise _EndedBySignal(signum)


@contextlib.contextmanager
def _signals_clean_up() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP abort it (its cleanup runs); then they act.

    After the block the previous handlers come back and a signal that arrived is raised again,
    so it does what it would have done: by default, end the process. Signals only reach Python's
    main thread; a write in another thread (the app's content load installing a site pack)
    holds no patient details.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in ENDING_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # e.g. nohup: the user chose to go on
            previous[signum] = signal.signal(signum, _raise_ended)
    try:
        yield
    except _EndedBySignal as ended:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        previous.clear()
        signal.raise_signal(ended.signum)
        # A handler of the caller's own chose to go on: the write did not happen.
        raise OSError(errno.EINTR, "interrupted by a signal; nothing was written") from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _block_signals() -> set[int | signal.Signals] | None:
    """Hold back SIGINT, SIGTERM and SIGHUP; return the mask to restore (None: not possible)."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, *ENDING_SIGNALS})


def _restore_signals(mask: set[int | signal.Signals] | None) -> None:
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def remove_stale_temporaries(directory: Path, older_than_s: float = STALE_AFTER_S) -> None:
    """Remove ketaref's own temporary files in ``directory`` left by writes that did not finish.

    Only names of exactly our pattern, only regular files, only older than ``older_than_s``
    (a write running now in another process is left alone). Never raises.
    """
    cutoff = time.time() - older_than_s
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not TEMPORARY_NAME.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                details = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(details.st_mode) and details.st_mtime < cutoff:
                    os.unlink(entry.path)


def _default_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets what the user's umask allows."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_all(descriptor: int, data: bytes) -> None:
    """Write ``data`` to the open file (one call unless the system takes less), then fsync."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
    os.fsync(descriptor)


def _place_without_overwriting(temporary: Path, target: Path, data: bytes, mode: int) -> None:
    """Move the finished ``temporary`` to ``target`` unless something already has that name."""
    try:
        os.link(temporary, target)  # atomic, and fails if the target appeared meanwhile
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, some network shares): create the name exclusively instead.
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            _write_all(descriptor, data)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(target)
            raise
        finally:
            os.close(descriptor)
    os.unlink(temporary)


def check_target(target: Path) -> None:
    """Raise OSError (``strerror`` in plain words) unless a file could be written at ``target``.

    ``target`` must be absent or a regular file, in an existing folder; a name too long, a loop
    of links or a file where a folder should be are said as such, never raised as they come.
    """
    try:
        details = os.lstat(target)
    except FileNotFoundError:
        try:
            folder = os.stat(target.parent)
        except OSError as exc:
            raise _in_words(exc, target) from None
        if not stat.S_ISDIR(folder.st_mode):
            raise _in_words(OSError(errno.ENOTDIR, "", str(target)), target) from None
        return
    except OSError as exc:
        raise _in_words(exc, target) from None
    if stat.S_ISDIR(details.st_mode):
        raise OSError(errno.EISDIR, "that is a folder, not a file name", str(target))
    if not stat.S_ISREG(details.st_mode):
        raise OSError(
            errno.EINVAL,
            "it exists and is not a regular file (a link, named pipe or device): choose another"
            " name",
            str(target),
        )


def _in_words(error: OSError, path: Path) -> OSError:
    """``error`` with its ``strerror`` in plain words (errno and file name kept)."""
    return OSError(error.errno, path_trouble(error, path), error.filename or str(path))


def write_atomically(
    target: Path, data: bytes, mode: int | None = None, *, overwrite: bool = True
) -> None:
    """Replace ``target`` with ``data`` atomically; on failure raise OSError, leave nothing.

    Only a regular file is ever replaced (never a folder, device or link). With
    ``overwrite=False`` an existing target is an error (FileExistsError), checked atomically.
    The error's ``strerror`` says what went wrong in plain words.
    """
    target = Path(target)
    check_target(target)
    try:
        _write(target, data, mode, overwrite)
    except OSError as exc:
        raise _in_words(exc, target) from None


def _write(target: Path, data: bytes, mode: int | None, overwrite: bool) -> None:
    """The write itself: temporary file, one write, fsync, rename; the temporary never stays."""
    directory = target.parent
    chosen_mode = _default_mode(target) if mode is None else mode
    remove_stale_temporaries(directory)
    with _signals_clean_up():
        # Signals wait while the file is made, so none arrives before the cleanup is in place.
        mask = _block_signals()
        try:
            handle, temporary = tempfile.mkstemp(
                prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=directory
            )
        except BaseException:
            _restore_signals(mask)
            raise
        try:
            _restore_signals(mask)  # a signal that waited acts here, inside the cleanup
            try:
                _write_all(handle, data)
            finally:
                os.close(handle)
            os.chmod(temporary, chosen_mode)
            if overwrite:
                os.replace(temporary, target)
            else:
                _place_without_overwriting(Path(temporary), target, data, chosen_mode)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        directory_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)
