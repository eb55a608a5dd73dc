"""Atomic writes: whole file or nothing, only regular files replaced, the user's umask kept."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from ketaref.atomic import write_atomically


def test_a_new_file_gets_what_the_umask_allows(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        write_atomically(tmp_path / "private.pdf", b"%PDF")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "private.pdf").stat().st_mode) == 0o600


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize("kind", ["folder", "symlink", "fifo"])
def test_only_a_regular_file_is_replaced(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "target"
    if kind == "folder":
        target.mkdir()
    elif kind == "symlink":
        (tmp_path / "elsewhere").write_bytes(b"untouched")
        target.symlink_to(tmp_path / "elsewhere")
    else:
        os.mkfifo(target)
    with pytest.raises(OSError, match=r"not a regular file|is a folder, not a file name"):
        write_atomically(target, b"data")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    if kind == "symlink":
        assert (tmp_path / "elsewhere").read_bytes() == b"untouched"


def test_no_overwrite_refuses_an_existing_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "key"
    target.write_bytes(b"original")
    with pytest.raises(FileExistsError):
        write_atomically(target, b"replacement", overwrite=False)
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["key"]


def test_no_overwrite_works_where_hard_links_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(_source: object, _target: object) -> None:
        raise PermissionError(1, "Operation not permitted")  # as on FAT or some shares

    monkeypatch.setattr(os, "link", no_links)
    write_atomically(tmp_path / "key", b"secret", mode=0o600, overwrite=False)
    assert (tmp_path / "key").read_bytes() == b"secret"
    assert stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["key"]
    with pytest.raises(FileExistsError):
        write_atomically(tmp_path / "key", b"other", overwrite=False)
    assert (tmp_path / "key").read_bytes() == b"secret"


def test_a_signal_mid_write_goes_to_the_callers_handler_after_the_cleanup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: list[int] = []

    def callers_handler(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGTERM, callers_handler)
    real_fsync = os.fsync

    def fsync_then_terminated(_descriptor: int) -> None:
        monkeypatch.setattr(os, "fsync", real_fsync)
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(os, "fsync", fsync_then_terminated)
    try:
        with pytest.raises(OSError, match="interrupted by a signal"):
            write_atomically(tmp_path / "checklist.pdf", b"%PDF patient")
        assert received == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is callers_handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []


def test_the_temporary_name_does_not_grow_with_the_target_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real_fsync = os.fsync

    def note_files(descriptor: int) -> None:
        seen.extend(p.name for p in tmp_path.iterdir() if not seen)
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", note_files)
    write_atomically(tmp_path / ("p" * 251 + ".pdf"), b"%PDF")
    assert [len(name) for name in seen] == [len(".ketaref-12345678.part")]
