"""Per-user and machine folders on Linux, Windows and macOS, and the overrides that beat them.

platformdirs answers for the platform ``sys.platform`` names; on this (Linux) test machine the
Windows shell's folders are stood in for by a fixed table, as the shell would answer for "ana".
"""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import platformdirs.windows
import pytest

from ketaref import paths

OVERRIDES = ("KETAREF_STATE_DIR", "KETAREF_USER_SETTINGS", "KETAREF_POLICY")
WINDOWS_FOLDERS = {
    "CSIDL_APPDATA": r"C:\Users\ana\AppData\Roaming",
    "CSIDL_LOCAL_APPDATA": r"C:\Users\ana\AppData\Local",
    "CSIDL_COMMON_APPDATA": r"C:\ProgramData",
}


@pytest.fixture
def no_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No KETAREF_* or XDG variables; HOME is a folder of the test's."""
    for name in (*OVERRIDES, "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def on(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    monkeypatch.setattr("sys.platform", platform)
    if platform == "win32":
        monkeypatch.setattr(platformdirs.windows, "get_win_folder", WINDOWS_FOLDERS.__getitem__)


def test_linux_follows_xdg_and_keeps_the_policy_in_etc(
    monkeypatch: pytest.MonkeyPatch, no_overrides: Path
) -> None:
    on(monkeypatch, "linux")
    assert paths.state_dir() == no_overrides / ".local" / "state" / "ketaref"
    assert paths.user_settings_path() == no_overrides / ".config" / "ketaref" / "settings.toml"
    assert paths.machine_policy_path() == Path("/etc/ketaref/policy.toml")
    monkeypatch.setenv("XDG_STATE_HOME", "/var/tmp/state")
    monkeypatch.setenv("XDG_CONFIG_HOME", "/var/tmp/config")
    assert paths.state_dir() == Path("/var/tmp/state/ketaref")
    assert paths.user_settings_path() == Path("/var/tmp/config/ketaref/settings.toml")
    assert paths.log_dir() == Path("/var/tmp/state/ketaref/logs")


@pytest.mark.usefixtures("no_overrides")
def test_windows_uses_local_roaming_and_program_data(monkeypatch: pytest.MonkeyPatch) -> None:
    on(monkeypatch, "win32")

    def windows(path: Path) -> PureWindowsPath:
        return PureWindowsPath(str(path))

    assert windows(paths.state_dir()) == PureWindowsPath(r"C:\Users\ana\AppData\Local\Ketaref")
    assert windows(paths.user_settings_path()) == PureWindowsPath(
        r"C:\Users\ana\AppData\Roaming\Ketaref\settings.toml"
    )
    assert windows(paths.machine_policy_path()) == PureWindowsPath(
        r"C:\ProgramData\Ketaref\policy.toml"
    )


def test_macos_uses_its_library_folders(
    monkeypatch: pytest.MonkeyPatch, no_overrides: Path
) -> None:
    on(monkeypatch, "darwin")
    support = no_overrides / "Library" / "Application Support" / "Ketaref"
    assert paths.state_dir() == support
    assert paths.user_settings_path() == support / "settings.toml"
    assert paths.machine_policy_path() == Path("/Library/Application Support/Ketaref/policy.toml")


@pytest.mark.usefixtures("no_overrides")
@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_the_overrides_win_on_every_platform(
    monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    on(monkeypatch, platform)
    for name in OVERRIDES:
        monkeypatch.setenv(name, f"/srv/trial/{name}")
    assert paths.state_dir() == Path("/srv/trial/KETAREF_STATE_DIR")
    assert paths.log_dir() == Path("/srv/trial/KETAREF_STATE_DIR/logs")
    assert paths.user_settings_path() == Path("/srv/trial/KETAREF_USER_SETTINGS")
    assert paths.machine_policy_path() == Path("/srv/trial/KETAREF_POLICY")
