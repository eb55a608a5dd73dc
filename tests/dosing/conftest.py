"""Fixtures for the dose calculator tests: a pack holding the test-only weight-based protocol."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ketaref import paths
from ketaref.content.lifecycle.seal import seal
from tests.dosing.fake_protocols import BOLUS_OVER_TIME, RATE_RANGE, make_protocol

TEST_SOURCE_IDS = (
    "test-source",
    "test-dose",
    "test-range",
    "test-warn",
    "test-duration",
    "test-rate-range",
    "test-dilution",
    "test-durations",
    "test-rapid",
    "test-bolus",
)


def _test_source(source_id: str) -> dict[str, Any]:
    return {
        "id": source_id,
        "citation": f"Test-only source {source_id}; cites nothing real.",
        "url": "https://example.org/test-only",
        "retrieved": "2026-11-25",
        "kind": "review",
        "verification": "secondary",
    }


def write_test_protocol(pack: Path) -> None:
    """Add the test-only protocols (``test-iv``, ``test-no-dosing``) and their invented sources."""
    protocol = make_protocol(BOLUS_OVER_TIME, RATE_RANGE).model_dump(
        mode="json", exclude_defaults=True
    )
    protocol["checklist"] = "spravato-session"
    protocol["contraindications"] = "spravato-contraindications"
    (pack / "protocols" / "test-iv.yaml").write_text(
        yaml.safe_dump(protocol, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    sources_file = pack / "sources.yaml"
    sources = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
    sources["sources"] += [_test_source(source_id) for source_id in TEST_SOURCE_IDS]
    sources_file.write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    without_dosing = protocol | {"id": "test-no-dosing", "title": "Test-only protocol, no dosing"}
    del without_dosing["dosing"]
    (pack / "protocols" / "test-no-dosing.yaml").write_text(
        yaml.safe_dump(without_dosing, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    seal(pack, same_version=True)


@pytest.fixture
def pack_with_test_protocol(pack_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled pack plus the test-only protocol ``test-iv``, used as the pack in use."""
    write_test_protocol(pack_copy)
    monkeypatch.setattr(paths, "bundled_content_dir", lambda: pack_copy)
    return pack_copy
