"""Shared fixtures: the bundled pack, and writable copies of it to break in tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from ketaref import paths
from ketaref.content.format.pack import Library, load_pack

# No wall-clock thresholds in tests: Hypothesis's default 200 ms deadline per example failed a
# calculator property on a loaded 2-core machine (255 ms once, 10 ms on the rerun).
settings.register_profile("ketaref", deadline=None)
settings.load_profile("ketaref")


@pytest.fixture(scope="session")
def bundled_library() -> Library:
    """The bundled content pack, loaded once."""
    return load_pack(paths.bundled_content_dir())


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled pack."""
    target = tmp_path / "pack"
    shutil.copytree(paths.bundled_content_dir(), target)
    return target


@pytest.fixture(autouse=True)
def isolated_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Keep every test away from the real user state dir, machine policy and user settings."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("KETAREF_STATE_DIR", str(state))
    monkeypatch.setenv("KETAREF_POLICY", str(state / "no-policy.toml"))
    monkeypatch.setenv("KETAREF_USER_SETTINGS", str(state / "user-settings.toml"))
    return state


@dataclass(frozen=True)
class CliResult:
    """What one in-process run of the ``ketaref`` command line returned and printed."""

    returncode: int
    stdout: str
    stderr: str


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``ketaref ARGS…`` in this process (fast); returns exit code, stdout and stderr."""
    from ketaref.cli import main

    def run(*args: object) -> CliResult:
        capsys.readouterr()
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
