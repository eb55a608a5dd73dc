"""Inputs found while fuzzing and reviewing the loader and the trust record, kept as regressions."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ketaref import paths
from ketaref.content.format.model import Manifest
from ketaref.content.in_use.active import load_active_content
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


def test_a_site_folder_this_user_may_not_read_is_refused_not_a_crash(
    site: Site, packs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    site.publish(packs["v1"])
    looked_at = Path.is_symlink

    def denied(self: Path) -> bool:  # tests run as root, where permissions would not bite
        if self.is_relative_to(site.shared):
            raise PermissionError(13, "Permission denied", str(self))
        return looked_at(self)

    monkeypatch.setattr(Path, "is_symlink", denied)
    active = load_active_content()
    assert active.refused
    assert active.origin == "bundled"
    assert "Permission denied" in " ".join(
        active.notices + tuple(map(str, active.refused_problems))
    )
