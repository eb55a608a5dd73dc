"""The one way ketaref reads a file: never blocks, plain files only, never more than a limit.

Every file ketaref reads — pack files, ``manifest.sig``, trusted keys, the machine policy, the
user's settings, ``trust-state.json``, fonts — can be replaced by something that is not a
file: a named pipe (FIFO) would make a plain ``open`` wait forever for a writer, a
device could hand out endless bytes. So each read here

1. looks at the path first (``stat``, or ``lstat`` where links are refused) and refuses anything
   but a regular file before opening it;
2. opens it without blocking (``O_NONBLOCK``; a FIFO swapped in after the look still opens at
   once) and checks that what it opened is a regular file and the very file it looked at;
3. reads at most ``limit`` bytes, refusing a larger file.

Failures raise ``FileRefused`` with a reason in words (``is a special file …``); the caller puts
it in its own context. Nothing here imports more than ``os`` and ``stat``: it is on the start-up
path.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Open flags: read only, never wait (FIFOs), not inherited by children, binary on Windows.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


class FileRefused(Exception):
    """A file that was not read; ``reason`` completes a sentence that starts with its name."""

    def __init__(self, path: Path, reason: str, *, missing: bool = False, unreadable: bool = False):
        super().__init__(f"{path} {reason}")
        self.path = path
        self.reason = reason
        #: The file does not exist (often normal: no policy file, no settings yet).
        self.missing = missing
        #: The system would not let it be read (permissions, an offline share): says nothing
        #: about what the file holds, and may pass.
        self.unreadable = unreadable


def size_text(limit: int) -> str:
    """A byte count as people say it: ``256 KiB``, ``1024 KiB``, ``32 MiB``."""
    mebibyte = 1024 * 1024
    if limit > mebibyte and limit % mebibyte == 0:
        return f"{limit // mebibyte} MiB"
    if limit % 1024 == 0:
        return f"{limit // 1024} KiB"
    return f"{limit} bytes"


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    return "is a special file (such as a named pipe or a device), not a plain file"


def read_file(path: Path, limit: int, *, follow_links: bool = True, what: str = "") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; else FileRefused.

    ``follow_links=False`` refuses a symbolic link at ``path`` itself (content packs hold plain
    files only). ``what`` names the kind of file in the size message (``for a content file``).
    """
    path = Path(path)
    try:
        looked_at = os.stat(path) if follow_links else os.lstat(path)
        if not stat.S_ISREG(looked_at.st_mode):
            raise FileRefused(path, _kind_of(looked_at.st_mode))
        descriptor = os.open(path, _OPEN_FLAGS | (0 if follow_links else _NO_FOLLOW))
        try:
            opened = os.fstat(descriptor)
            if not stat.S_ISREG(opened.st_mode):
                raise FileRefused(path, _kind_of(opened.st_mode))
            if (opened.st_dev, opened.st_ino) != (looked_at.st_dev, looked_at.st_ino):
                raise FileRefused(path, "changed while it was being read; try again")
            data = _read_up_to(descriptor, min(opened.st_size, limit) + 1, limit + 1)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise FileRefused(path, "does not exist", missing=True) from None
    except IsADirectoryError:
        raise FileRefused(path, "is a folder, not a file") from None
    except OSError as exc:
        raise FileRefused(path, f"cannot be read: {exc.strerror or exc}", unreadable=True) from None
    if len(data) > limit:
        limit_text = f"the {size_text(limit)} limit{f' for {what}' if what else ''}"
        raise FileRefused(path, f"is larger than {limit_text}")
    return data


def _read_up_to(descriptor: int, first: int, most: int) -> bytes:
    """Read until end of file or ``most`` bytes; the first read asks for ``first`` (its size)."""
    chunks = []
    total = 0
    want = first
    while total < most:
        chunk = os.read(descriptor, min(want, most - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = 64 * 1024  # the file grew while it was read: keep going up to the limit
    return b"".join(chunks)
