"""A trusted key that cannot be read for a moment never costs the machine its verified site pack.

The key's permissions are taken away as they are on a real workstation: the command runs without
the power to override file permissions (as root here, the child drops CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH with ``setpriv``, so it meets EACCES like any other user).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ketaref import paths
from tests.lifecycle.conftest import Site

TIMEOUT_S = 60


def as_ordinary_user() -> list[str]:
    """The command prefix that makes a child meet file permissions; skip if that is impossible."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def content_version() -> subprocess.CompletedProcess[str]:
    """``ketaref --version`` as an ordinary user would run it."""
    return subprocess.run(
        [*as_ordinary_user(), sys.executable, "-m", "ketaref", "--version"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def take_permission(key: Path) -> Callable[[], None]:
    key.chmod(0)
    return lambda: key.chmod(0o644)


def take_the_file_away(key: Path) -> Callable[[], None]:
    away = key.with_name(key.name + ".away")
    key.rename(away)
    return lambda: away.rename(key)


@pytest.mark.parametrize("fault", [take_permission, take_the_file_away])
def test_an_unreadable_key_keeps_the_verified_copy(
    fault: Callable[[Path], Callable[[], None]],
    site: Site,
    small_packs: dict[str, Path],
    tmp_path: Path,
) -> None:
    key = tmp_path / "keys" / "clinic.pub"
    key.parent.mkdir()
    shutil.copy2(site.keys.public, key)
    site.configure(trusted_keys=[str(key)])
    site.publish(small_packs["v1"])
    first = content_version()
    assert "content 2026.12.0" in first.stdout, first.stderr
    copies = sorted((paths.state_dir() / "trusted-pack").iterdir())

    restore = fault(key)
    without_key = content_version()
    restore()

    assert without_key.returncode == 0, without_key.stderr
    assert "Traceback" not in without_key.stderr
    assert f"the public key {key}" in without_key.stderr
    assert "kept copy of site pack 2026.12.0 is not used this time" in without_key.stderr
    assert "it is kept for when the key can be read again" in without_key.stderr
    assert "was removed" not in without_key.stderr
    assert sorted((paths.state_dir() / "trusted-pack").iterdir()) == copies

    # The key is back but the share is offline: the kept copy carries on.
    site.shared.rename(site.shared.with_name("offline"))
    offline = content_version()
    assert "content 2026.12.0" in offline.stdout, offline.stderr
    assert "using the last trusted site pack 2026.12.0" in offline.stderr


def test_an_unreadable_trust_record_keeps_the_verified_copy(
    site: Site, small_packs: dict[str, Path]
) -> None:
    site.publish(small_packs["v1"])
    assert "content 2026.12.0" in content_version().stdout
    copies = sorted((paths.state_dir() / "trusted-pack").iterdir())
    record = paths.state_dir() / "trust-state.json"
    site.publish(small_packs["v2"])

    restore = take_permission(record)
    unreadable = content_version()
    restore()

    # The bundled pack, this time only.
    assert "content 2026.12" not in unreadable.stdout
    assert "using the bundled content" in unreadable.stderr
    assert f"record of trusted site packs {record} cannot be read this time" in unreadable.stderr
    assert "give this user account read and write access to it" in unreadable.stderr
    assert "so a rollback cannot be ruled out" in unreadable.stderr
    assert sorted((paths.state_dir() / "trusted-pack").iterdir()) == copies
    assert b"2026.12.0" in record.read_bytes()

    readable_again = content_version()
    assert "content 2026.12.1" in readable_again.stdout, readable_again.stderr
