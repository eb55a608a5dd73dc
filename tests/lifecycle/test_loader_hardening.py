"""Inputs found while fuzzing and reviewing the loader and the trust record, kept as regressions."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ketaref import paths
from ketaref.content.active import load_active_content
from ketaref.content.model import Manifest
from tests.lifecycle.conftest import Site

MANIFEST = {"released": "2026-01-01", "intended_use": "A reference.", "files": {}}


@pytest.mark.parametrize("version", ["٢٠٢٦.11.0", "2026.11.0\n", "2026", "2026.11.0.1.2"])
def test_a_version_has_one_spelling_only(version: str) -> None:
    with pytest.raises(ValidationError):
        Manifest.model_validate({"content_version": version, **MANIFEST})


@pytest.mark.parametrize(
    "damage",
    [
        b"[" * 100_000,
        b'{"version": "2026.12.0"}',
        '{"version": "١.1", "manifest_sha256": 1}'.encode(),
        b"",
    ],
)
def test_a_damaged_trust_record_never_crashes_the_start(
    site: Site, packs: dict[str, Path], damage: bytes
) -> None:
    site.publish(packs["v1"])
    (paths.state_dir() / "trust-state.json").write_bytes(damage)
    active = load_active_content()
    assert active.library.version == "2026.12.0"
    assert "record of trusted site packs is damaged" in active.notices[0]
