"""Which pack is used when the machine policy names a site pack: every refusal path, real keys."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.content.format.pack import load_pack
from ketaref.content.in_use.active import load_active_content
from tests.conftest import Cli
from tests.lifecycle.conftest import Keys, Site, make_pack, state_record, write_policy

BUNDLED_VERSION = load_pack(paths.bundled_content_dir()).version


def tamper(file: Path) -> None:
    """Change one byte in the middle of ``file``, keeping its length."""
    data = bytearray(file.read_bytes())
    middle = len(data) // 2
    data[middle] = ord("X") if data[middle] != ord("X") else ord("Y")
    file.write_bytes(bytes(data))


def test_without_content_dir_the_bundled_pack_is_used(site: Site) -> None:
    site.configure().write_text('clinic_name = "North"\n')
    active = load_active_content()
    assert active.origin == "bundled"
    assert active.notices == ()
    assert state_record() is None


def test_a_signed_pack_is_used_from_a_verified_copy(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["v1"])
    active = load_active_content()
    assert active.library.version == "2026.12.0"
    assert active.origin == f"site pack {site.shared}"
    assert active.notices == ()
    copy = active.library.directory
    assert copy.parent == paths.state_dir() / "trusted-pack"
    assert (copy / "manifest.sig").is_file()
    record = state_record()
    assert record is not None
    assert record["version"] == "2026.12.0"
    assert copy.name == record["manifest_sha256"]
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]  # no leftovers


def test_a_later_bad_write_to_the_shared_folder_does_not_touch_the_pack_in_use(
    site: Site, packs: dict[str, Path]
) -> None:
    site.publish(packs["v1"])
    first = load_active_content()
    tamper(site.shared / "protocols" / "spravato-trd.yaml")
    active = load_active_content()  # same manifest: the verified copy stays in use
    assert active.library.directory == first.library.directory
    assert active.library.version == "2026.12.0"
    assert load_pack(active.library.directory).manifest_bytes == first.library.manifest_bytes
    # …and the damage on the share is reported, so IT can repair it
    assert "protocols/spravato-trd.yaml" in active.notices[-1]
    assert "using the verified copy of content 2026.12.0" in active.notices[-1]


def test_a_broken_upgrade_keeps_the_last_trusted_pack(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["v1"])
    first = load_active_content()
    site.publish(packs["v2"])
    tamper(site.shared / "protocols" / "spravato-trd.yaml")
    active = load_active_content()
    assert active.refused
    assert not first.refused
    assert active.library.version == "2026.12.0"
    assert active.library.directory == first.library.directory
    assert active.origin.startswith("last trusted site pack")
    (notice,) = active.notices
    assert f"the site pack at {site.shared} was refused" in notice
    assert "using the last trusted site pack 2026.12.0" in notice
    assert any("protocols/spravato-trd.yaml" in str(p) for p in active.refused_problems)
    assert state_record()["version"] == "2026.12.0"  # type: ignore[index]


def test_unsigned_pack_is_refused_when_signing_is_required(
    site: Site, packs: dict[str, Path]
) -> None:
    site.publish(packs["unsigned"])
    active = load_active_content()
    assert active.origin == "bundled"
    assert active.library.version == BUNDLED_VERSION
    (notice,) = active.notices
    assert "not signed" in notice
    assert f"using the bundled content {BUNDLED_VERSION}" in notice
    assert state_record() is None


def test_unsigned_pack_is_used_when_the_policy_allows_it(
    site: Site, packs: dict[str, Path]
) -> None:
    site.configure(require_signed_content=False)
    site.publish(packs["unsigned"])
    active = load_active_content()
    assert active.library.version == "2026.12.4"
    assert active.notices == ()


def test_pack_signed_with_another_key_is_refused(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["foreign"])
    active = load_active_content()
    assert active.origin == "bundled"
    assert "signature not from a trusted key" in active.notices[0]


def test_no_trusted_keys_means_no_site_pack(site: Site, packs: dict[str, Path]) -> None:
    site.configure(trusted_keys=[])
    site.publish(packs["v1"])
    active = load_active_content()
    assert active.origin == "bundled"
    assert "no trusted key is available" in active.notices[0]


def test_an_unreadable_trusted_key_is_reported(
    site: Site, packs: dict[str, Path], keys: Keys, tmp_path: Path
) -> None:
    site.configure(trusted_keys=[str(tmp_path / "missing.pub"), str(keys.public)])
    site.publish(packs["v1"])
    active = load_active_content()
    assert active.library.version == "2026.12.0"
    assert any("missing.pub does not exist" in n for n in active.notices)


def pack_files(pack: Path) -> list[str]:
    return sorted(p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", [*pack_files(paths.bundled_content_dir()), "manifest.sig"])
def test_tampering_with_any_file_of_a_signed_pack_refuses_it(
    site: Site, packs: dict[str, Path], name: str
) -> None:
    site.publish(packs["v1"])
    tamper(site.shared / name)
    active = load_active_content()
    assert active.origin == "bundled"
    assert active.library.version == BUNDLED_VERSION
    assert "was refused" in active.notices[0]
    assert state_record() is None
    assert not list((paths.state_dir() / "trusted-pack").glob("*"))


def test_a_removed_file_refuses_the_pack(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["v1"])
    (site.shared / "sources.yaml").unlink()
    active = load_active_content()
    assert active.origin == "bundled"
    assert any("sources.yaml" in str(p) and "missing" in str(p) for p in active.refused_problems)


def test_an_upgrade_replaces_the_kept_copy(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["v1"])
    load_active_content()
    site.publish(packs["v2"])
    active = load_active_content()
    assert active.library.version == "2026.12.1"
    assert state_record()["version"] == "2026.12.1"  # type: ignore[index]
    assert [p.name for p in (paths.state_dir() / "trusted-pack").iterdir()] == [
        active.library.directory.name
    ]


def test_rollback_to_an_older_version_is_refused(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["v2"])
    load_active_content()
    site.publish(packs["v1"])
    active = load_active_content()
    assert active.library.version == "2026.12.1"
    assert "older than version 2026.12.1 this machine already trusted" in active.notices[0]
    assert state_record()["version"] == "2026.12.1"  # type: ignore[index]


def test_a_different_pack_under_a_trusted_version_is_refused(
    site: Site, packs: dict[str, Path]
) -> None:
    site.publish(packs["v2"])
    trusted = load_active_content().library.pack_hash
    site.publish(packs["v2-variant"])
    active = load_active_content()
    assert active.library.pack_hash == trusted
    assert "differs from the version 2026.12.1 this machine already trusted" in active.notices[0]


def test_expired_pack_warns_and_is_marked(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["expired"])
    active = load_active_content(today=dt.date(2026, 2, 1))
    assert active.library.version == "2026.12.2"
    assert active.expired
    (notice,) = active.notices
    assert "expired on 2026-01-31" in notice


def test_pack_is_not_expired_on_its_last_day(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["expired"])
    active = load_active_content(today=dt.date(2026, 1, 31))
    assert not active.expired
    assert active.notices == ()


def test_expired_pack_is_refused_when_the_policy_blocks(site: Site, packs: dict[str, Path]) -> None:
    site.configure(expired_content="block")
    site.publish(packs["expired"])
    active = load_active_content(today=dt.date(2026, 2, 1))
    assert active.origin == "bundled"
    assert not active.expired
    assert "it expired on 2026-01-31" in active.notices[0]


@pytest.mark.usefixtures("site", "packs")
def test_a_missing_content_dir_falls_back() -> None:
    active = load_active_content()
    assert active.origin == "bundled"
    assert "does not exist or cannot be reached" in active.notices[0]


def test_shared_folder_gone_uses_the_kept_copy(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["v1"])
    load_active_content()
    shutil.rmtree(site.shared)
    active = load_active_content()
    assert active.library.version == "2026.12.0"
    assert "using the last trusted site pack 2026.12.0" in active.notices[0]


def test_a_kept_copy_that_no_longer_verifies_is_discarded(
    site: Site, packs: dict[str, Path]
) -> None:
    site.publish(packs["v1"])
    copy = load_active_content().library.directory
    tamper(copy / "sources.yaml")
    tamper(site.shared / "sources.yaml")
    active = load_active_content()
    assert active.origin == "bundled"
    assert not copy.exists()
    assert any("kept copy of site pack 2026.12.0 no longer verifies" in n for n in active.notices)
    assert state_record()["version"] == "2026.12.0"  # type: ignore[index]  # never decreases


def test_a_damaged_trust_record_is_reported(site: Site, packs: dict[str, Path]) -> None:
    (paths.state_dir() / "trust-state.json").write_text("{not json")
    site.publish(packs["v1"])
    active = load_active_content()
    assert active.library.version == "2026.12.0"
    assert "record of trusted site packs is damaged" in active.notices[0]
    assert state_record()["version"] == "2026.12.0"  # type: ignore[index]


def test_every_cli_command_says_why_on_one_line(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["foreign"])
    result = subprocess.run(
        [sys.executable, "-m", "ketaref", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert f"content {BUNDLED_VERSION}" in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ketaref: the site pack at {site.shared} was refused")


def test_validate_without_a_folder_checks_the_pack_in_use(
    site: Site, packs: dict[str, Path], cli: Cli
) -> None:
    site.publish(packs["v1"])
    copy = load_active_content().library.directory
    result = cli("content", "validate")
    assert result.returncode == 0
    assert f"ketaref: {copy}: valid — content 2026.12.0" in result.stderr


def test_an_expired_bundled_pack_is_still_used_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = make_pack(tmp_path / "bundled", "2026.1.0", None, expires="2026-01-31")
    monkeypatch.setattr(paths, "bundled_content_dir", lambda: bundled)
    write_policy({"expired_content": "block"})  # nothing to fall back to from the bundled pack
    active = load_active_content(today=dt.date(2026, 2, 1))
    assert active.origin == "bundled"
    assert active.expired
    assert active.notices == ("the bundled content expired on 2026-01-31; install an update",)
