"""scripts/package-site: a .deb with exactly the signed site files, or a refusal."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ketaref.content.lifecycle.signing import generate_keypair
from tests.conftest import Cli
from tests.lifecycle.conftest import make_pack
from tests.local_rule_files import rules_text, write_rules

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")


def package_site(*args: object) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "packaging" / "site_package.py"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    return generate_keypair(tmp_path / "keys", "clinic")


def test_a_signed_site_folder_becomes_a_deb_with_only_its_signed_files(
    tmp_path: Path, keys: tuple[Path, Path], cli: Cli
) -> None:
    private, public = keys
    site = make_pack(tmp_path / "site", "2026.12.0", private, small=True)
    rules = write_rules(site / "local-rules.yaml", rules_text({"iv-weight-basis": "ideal"}))
    assert cli("local-rules", "sign", rules, "--key", private).returncode == 0
    done = package_site(
        site, "--name", "north", "--version", "3", "--key", public, "--out", tmp_path
    )
    assert done.returncode == 0, done.stderr
    deb = Path(done.stdout.strip())
    assert deb.name == "ketaref-site-north_3_all.deb"
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    installed = {line.split()[-1] for line in listing.splitlines() if not line.startswith("d")}
    base = "./usr/share/ketaref-site/north/"
    assert {
        f"{base}local-rules.yaml",
        f"{base}local-rules.yaml.sig",
        f"{base}manifest.sig",
    } < installed
    assert all(name.startswith(base) for name in installed)
    assert all(
        line.startswith("-rw-r--r-- root/root") for line in listing.splitlines() if line[0] == "-"
    )
    fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True).stdout
    assert "Package: ketaref-site-north" in fields
    assert "Architecture: all" in fields


def test_unsigned_or_foreign_content_is_refused(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    _private, public = keys
    site = tmp_path / "site"
    write_rules(site / "local-rules.yaml", rules_text())
    done = package_site(
        site, "--name", "north", "--version", "1", "--key", public, "--out", tmp_path
    )
    assert done.returncode == 1
    assert "is not signed" in done.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    done = package_site(empty, "--name", "north", "--version", "1", "--key", public)
    assert done.returncode == 1
    assert "neither a signed site pack nor" in done.stderr
    bad = package_site(site, "--name", "North Clinic", "--version", "1", "--key", public)
    assert bad.returncode == 2
