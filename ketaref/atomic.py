"""Write files so that a reader sees the old file or the whole new one, never a part.

The bytes go to a temporary file in the target's own directory (so the final rename stays on
one file system), are flushed and fsynced, then ``os.replace`` puts them in place. On any failure
the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace ``target`` with ``data`` atomically; on failure raise OSError, leave nothing."""
    directory = target.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
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
