"""``ketaref self-test`` fails when the site pack the policy names was refused (deployment.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketaref.cli import main
from ketaref.content.in_use.active import load_active_content
from tests.lifecycle.conftest import Site


def rollback(site: Site, packs: dict[str, Path]) -> str:
    site.publish(packs["v2"])
    assert load_active_content().library.version == "2026.12.1"
    site.publish(packs["v1"])
    return "older than version 2026.12.1 this machine already trusted (a rollback)"


def untrusted_key(site: Site, packs: dict[str, Path]) -> str:
    site.publish(packs["foreign"])
    return "signature not from a trusted key"


def missing_folder(_site: Site, _packs: dict[str, Path]) -> str:
    return "the folder does not exist or cannot be reached"


@pytest.mark.parametrize("refusal", [rollback, untrusted_key, missing_folder])
def test_a_refused_site_pack_fails_the_self_test(
    refusal: object, site: Site, packs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    reason = refusal(site, packs)  # type: ignore[operator]
    capsys.readouterr()

    status = main(["self-test"])

    lines = capsys.readouterr().out.splitlines()
    assert status == 1, lines
    content = next(line for line in lines if line.startswith(("ok  content", "FAIL content")))
    assert content.startswith(f"FAIL content: the site pack at {site.shared} was refused: ")
    assert reason in content
    assert lines[-1] == "self-test FAILED: 1 step failed"
