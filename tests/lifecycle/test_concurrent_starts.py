"""Starts of ketaref at the same moment on one account each reach the same, right answer.

Two windows opened at once, or workstations sharing a roaming profile, install the verified copy of
a new site pack side by side. Real processes, several rounds: none may remove another's half-made
copy, refuse a good pack, or leave anything behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ketaref import paths
from tests.lifecycle.conftest import Site

PROCESSES = 6
ROUNDS = 3
TIMEOUT_S = 120


def start_together() -> list[tuple[int, str, str]]:
    """Run ``ketaref --version`` PROCESSES times at once; (exit code, stdout, stderr) of each."""
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "ketaref", "--version"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=TIMEOUT_S)
        results.append((child.returncode, out, err))
    return results


def assert_all_use(version: str, results: list[tuple[int, str, str]], label: str) -> None:
    for code, out, err in results:
        assert code == 0, f"{label}: {err}"
        assert f"content {version} " in out, f"{label}: {out} {err}"
        assert err == "", f"{label}: {err}"
    copies = [entry.name for entry in (paths.state_dir() / "trusted-pack").iterdir()]
    assert len(copies) == 1, f"{label}: {copies}"
    assert not copies[0].startswith("."), f"{label}: {copies}"


@pytest.mark.timeout(300)  # many starts at once share two cores: over a minute under load
def test_simultaneous_first_starts_and_upgrades_agree(
    site: Site, small_packs: dict[str, Path]
) -> None:
    state = paths.state_dir()
    for round_number in range(1, ROUNDS + 1):
        shutil.rmtree(state / "trusted-pack", ignore_errors=True)  # a first start again
        (state / "trust-state.json").unlink(missing_ok=True)
        site.publish(small_packs["v1"])
        assert_all_use("2026.12.0", start_together(), f"first start, round {round_number}")

        site.publish(small_packs["v2"])
        assert_all_use("2026.12.1", start_together(), f"upgrade, round {round_number}")
