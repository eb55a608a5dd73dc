"""Atomic writes: whole file or nothing, only regular files replaced, the user's umask kept."""

from __future__ import annotations

import os
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
    with pytest.raises(OSError, match="not a regular file"):
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
    def no_links(source: object, target: object) -> None:
        raise PermissionError(1, "Operation not permitted")  # as on FAT or some shares

    monkeypatch.setattr(os, "link", no_links)
    write_atomically(tmp_path / "key", b"secret", mode=0o600, overwrite=False)
    assert (tmp_path / "key").read_bytes() == b"secret"
    assert stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["key"]
    with pytest.raises(FileExistsError):
        write_atomically(tmp_path / "key", b"other", overwrite=False)
    assert (tmp_path / "key").read_bytes() == b"secret"
