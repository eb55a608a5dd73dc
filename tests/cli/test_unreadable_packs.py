"""A pack the user may not read is reported, file by file, never a traceback (run as non-root)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ketaref import paths
from tests.processes import as_a_user

BUNDLED = paths.bundled_content_dir()

#: (what is made unreadable, its mode, the name the problem must be reported under).
LAYOUTS = [
    ("protocols", 0o311, "protocols/"),  # may be entered, not listed
    ("protocols", 0o000, "protocols/"),
    ("protocols", 0o644, "protocols/spravato-trd.yaml"),  # listed, not entered
    (".", 0o111, "."),
    ("manifest.yaml", 0o000, "manifest.yaml"),
    ("sources.yaml", 0o000, "sources.yaml"),
    ("protocols/spravato-trd.yaml", 0o000, "protocols/spravato-trd.yaml"),
]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    from ketaref.content.lifecycle.signing import generate_keypair

    generate_keypair(folder)
    return folder


@pytest.fixture(params=LAYOUTS, ids=lambda layout: f"{layout[0]}-{layout[1]:o}")
def unreadable_pack(
    request: pytest.FixtureRequest, tmp_path: Path, keys: Path
) -> Iterator[tuple[Path, str]]:
    target, mode, reported = request.param
    pack = tmp_path / "pack"
    shutil.copytree(BUNDLED, pack)
    from ketaref.content.lifecycle.signing import sign_pack

    sign_pack(pack, keys / "ketaref-content.key")
    (pack / target).chmod(mode)
    try:
        yield pack, reported
    finally:
        (pack / target).chmod(0o755)


@pytest.mark.parametrize(
    "command",
    [
        ("content", "validate", "{pack}"),
        ("content", "verify", "{pack}", "--key", "{pub}"),
        ("content", "diff", str(BUNDLED), "{pack}"),
        ("content", "seal", "{pack}"),
    ],
    ids=lambda command: command[1],
)
def test_an_unreadable_part_of_a_pack_is_named_without_a_traceback(
    unreadable_pack: tuple[Path, str], keys: Path, command: tuple[str, ...]
) -> None:
    pack, reported = unreadable_pack
    args = [a.format(pack=pack, pub=keys / "ketaref-content.pub") for a in command]
    result = subprocess.run(
        [*as_a_user(), sys.executable, "-m", "ketaref", *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "Error:" not in output, output
    assert result.returncode == 1, output
    assert f"{reported}:1:1: " in output, output
    assert "cannot write" not in output  # seal blames what it could not read
