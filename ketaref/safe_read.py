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
it in its own context. :func:`path_trouble` is the one wording of what the system said about a
path (a name too long, a loop of links, a file where a folder should be, no permission), for
reading and writing alike, and :func:`folder_trouble` the one check of a folder a user named.
Nothing here imports more than ``os``, ``errno`` and ``stat``: it is on the start-up path.
"""

from __future__ import annotations

import errno
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


#: The longest file or folder name (one path component) most file systems take, in bytes.
NAME_MAX_BYTES = 255
#: What :func:`folder_trouble` says of a folder that is not there (callers may say more).
NO_SUCH_FOLDER = "no such folder"


class FileRefused(Exception):
    """A file that was not read; ``reason`` completes a sentence that starts with its name."""

    def __init__(
        self,
        path: Path,
        reason: str,
        *,
        missing: bool = False,
        unreadable: bool = False,
        not_a_file: bool = False,
        cause: str = "",
    ):
        super().__init__(f"{path} {reason}")
        self.path = path
        self.reason = reason
        #: The file does not exist (often normal: no policy file, no settings yet).
        self.missing = missing
        #: The system would not let it be read (permissions, an offline share): says nothing
        #: about what the file holds, and may pass.
        self.unreadable = unreadable
        #: A folder, named pipe, device or link is where the file should be: its content was
        #: never looked at, and only someone removing it makes room for the file again.
        self.not_a_file = not_a_file
        #: Why the system would not let it be read, in plain words (with ``unreadable``).
        self.cause = cause


def path_trouble(error: OSError, path: Path) -> str:
    """What ``error``, met while using ``path``, means, in words a nurse or IT admin follows.

    Completes a sentence such as "cannot save the checklist to PATH: …". Names the part of the
    path at fault where the error says which (the name that is too long, the file that stands
    where a folder should be); the system's own words for anything else.
    """
    path = Path(path)
    code = error.errno
    if code == errno.ENAMETOOLONG:
        longest = max(path.parts, key=lambda part: len(os.fsencode(part)), default="")
        size = len(os.fsencode(longest))
        if size > NAME_MAX_BYTES:
            shown = longest if len(longest) <= 40 else f"{longest[:30]}…{longest[-8:]}"
            return (
                f"the name “{shown}” is {size} bytes long, longer than the {NAME_MAX_BYTES} a"
                " file or folder name may have; choose a shorter name"
            )
        return "the path is longer than this system allows; choose a shorter one"
    if code == errno.ELOOP:
        return "the path goes round in a loop of symbolic links"
    if code == errno.ENOTDIR:
        blocking = _file_in_the_way(path)
        if blocking is not None:
            return f"{blocking} is a file, not a folder"
        return "a part of the path that should be a folder is not one"
    if code == errno.ENOENT:
        missing = _first_missing(path.parent)
        if missing is None:  # every folder is there, yet the file cannot be made (e.g. /proc)
            return "a file cannot be created in that folder"
        return f"the folder {missing} does not exist"
    return _PLAIN_WORDS.get(code) or error.strerror or str(error)


#: The system's errors that need no part of the path named, in plain words.
_PLAIN_WORDS = {
    errno.EACCES: "permission denied for this user account",
    errno.EPERM: "permission denied for this user account",
    errno.EISDIR: "that is a folder, not a file name",
    errno.EROFS: "the folder is on a read-only disk or share",
    # Where there is no EDQUOT (Windows) its stand-in key is ENOSPC, set again on the next line.
    getattr(errno, "EDQUOT", errno.ENOSPC): "this user account's disk quota is used up",
    errno.ENOSPC: "the disk is full",
}


def _file_in_the_way(path: Path) -> Path | None:
    """The first part of ``path`` (from the top) that exists and is not a folder."""
    for part in (*reversed(path.parents), path):
        try:
            if not stat.S_ISDIR(os.stat(part).st_mode):
                return part if part != path else None
        except OSError:
            return None
    return None


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder on the way to ``folder`` that does not exist, so the message names
    the one to create; ``folder`` itself if that cannot be told, None if every one exists."""
    for part in (*reversed(folder.parents), folder):
        try:
            os.stat(part)
        except FileNotFoundError:
            return part
        except OSError:
            return folder
    return None


def folder_trouble(path: Path) -> str | None:
    """Why ``path`` cannot be used as an existing folder, in plain words; None when it can.

    The one check of a folder a user names on the command line (a pack to validate, verify or
    compare): never raises, whatever the path holds.
    """
    try:
        details = os.stat(path)
    except FileNotFoundError:
        return NO_SUCH_FOLDER
    except OSError as exc:
        return path_trouble(exc, path)
    if not stat.S_ISDIR(details.st_mode):
        return "is a file, not a folder"
    return None


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
            raise FileRefused(path, _kind_of(looked_at.st_mode), not_a_file=True)
        descriptor = os.open(path, _OPEN_FLAGS | (0 if follow_links else _NO_FOLLOW))
        try:
            opened = os.fstat(descriptor)
            if not stat.S_ISREG(opened.st_mode):
                raise FileRefused(path, _kind_of(opened.st_mode), not_a_file=True)
            if (opened.st_dev, opened.st_ino) != (looked_at.st_dev, looked_at.st_ino):
                raise FileRefused(path, "changed while it was being read; try again")
            data = _read_up_to(descriptor, min(opened.st_size, limit) + 1, limit + 1)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise FileRefused(path, "does not exist", missing=True) from None
    except IsADirectoryError:
        raise FileRefused(path, "is a folder, not a file", not_a_file=True) from None
    except OSError as exc:
        cause = path_trouble(exc, path)
        raise FileRefused(path, f"cannot be read: {cause}", unreadable=True, cause=cause) from None
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
