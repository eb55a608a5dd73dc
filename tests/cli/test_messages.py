"""CLI messages in plain words: counts in the right number, keygen says what is wrong."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ketaref.text import plural
from tests.content.packs import run_cli


def test_counts_take_the_right_number() -> None:
    assert plural(1, "problem") == "1 problem"
    assert plural(2, "problem") == "2 problems"
    assert plural(0, "contraindication list") == "0 contraindication lists"


def test_keygen_out_naming_a_file_says_it_is_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "keys.txt"
    existing.write_text("the user's notes")
    result = run_cli("content", "keygen", "--out", existing)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"ketaref: {existing} is a file, not a folder; --out names the folder the keys are"
        " written into"
    )
    assert existing.read_text() == "the user's notes"


@pytest.mark.parametrize("mode", [0o550, 0o750, 0o755])
def test_keygen_leaves_an_existing_folders_permissions_alone(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    folder.chmod(mode)
    try:
        result = run_cli("content", "keygen", "--out", folder)
        if os.geteuid() != 0 and not mode & stat.S_IWUSR:
            assert result.returncode == 2
            assert "permission denied" in result.stderr.lower()
        else:
            assert result.returncode == 0, result.stderr
        assert stat.S_IMODE(folder.stat().st_mode) == mode
    finally:
        folder.chmod(0o755)


def test_keygen_makes_a_new_folder_for_the_owner_alone(tmp_path: Path) -> None:
    result = run_cli("content", "keygen", "--out", tmp_path / "new" / "keys")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "new" / "keys").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "keys" / "ketaref-content.key").stat().st_mode) == 0o600
