"""Write files so that a reader sees the old file or the whole new one, never a part.

The bytes go to a temporary file in the target's own directory (so the final rename stays on
one file system), are flushed and fsynced, then ``os.replace`` puts them in place. On any failure
the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def _default_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets what the user's umask allows."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


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
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(target)
            raise
    os.unlink(temporary)


def write_atomically(
    target: Path, data: bytes, mode: int | None = None, *, overwrite: bool = True
) -> None:
    """Replace ``target`` with ``data`` atomically; on failure raise OSError, leave nothing.

    Only a regular file is ever replaced (never a folder, device or link). With
    ``overwrite=False`` an existing target is an error (FileExistsError), checked atomically.
    """
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.lstat(target).st_mode):
            raise OSError(errno.EINVAL, "it exists and is not a regular file", str(target))
    directory = target.parent
    chosen_mode = _default_mode(target) if mode is None else mode
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
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
