"""Shared fixtures: the bundled pack, and writable copies of it to break in tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.content.pack import Library, load_pack


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
    """Keep every test away from the real user state dir and machine policy."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("KETAREF_STATE_DIR", str(state))
    monkeypatch.setenv("KETAREF_POLICY", str(state / "no-policy.toml"))
    return state
