"""Where ketaref's resources and per-user state live.

This is the only module that knows the three ways ketaref runs:

* from a source checkout: ``resources/`` sits beside the ``ketaref`` package;
* from an installed wheel: ``resources`` is package data at ``ketaref/resources``;
* from a PyInstaller bundle: ``resources`` is collected under ``sys._MEIPASS``.

Per-user and machine-wide folders come from ``platformdirs`` (imported only when asked), so
Windows, macOS and Linux each get their own conventions; the ``KETAREF_*`` variables override.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformdirs.api import PlatformDirsABC

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """Return the directory holding the bundled content pack, fonts and icons."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    candidates += [_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources"]
    for candidate in candidates:
        if (candidate / "content" / "manifest.yaml").is_file():
            return candidate
    raise FileNotFoundError(
        "ketaref's bundled resources are missing; looked in: "
        + ", ".join(str(c) for c in candidates)
        + ". Reinstall ketaref."
    )


def bundled_content_dir() -> Path:
    """Return the directory of the content pack shipped with the app."""
    return resources_dir() / "content"


def fonts_dir() -> Path:
    """Return the directory of the bundled fonts."""
    return resources_dir() / "fonts"


def icons_dir() -> Path:
    """Return the directory of the bundled icons."""
    return resources_dir() / "icons"


def _platform_dirs(*, roaming: bool = False) -> PlatformDirsABC:
    """platformdirs' folders for this operating system (Windows, macOS, or Linux and the like).

    The folder is ``Ketaref`` where names are capitalised by custom (Windows, macOS) and
    ``ketaref`` on Linux, where platformdirs follows the XDG variables (``XDG_STATE_HOME``…).
    ``roaming`` puts Windows' per-user folder under ``%APPDATA%`` (it follows the user between
    machines) instead of ``%LOCALAPPDATA%``.
    """
    if sys.platform == "win32":
        from platformdirs.windows import Windows

        return Windows(appname="Ketaref", appauthor=False, roaming=roaming)
    if sys.platform == "darwin":
        from platformdirs.macos import MacOS

        return MacOS(appname="Ketaref")
    from platformdirs.unix import Unix

    return Unix(appname="ketaref")


def state_dir() -> Path:
    """Return the per-user state directory (logs, trusted-pack copy, rollback record).

    ``KETAREF_STATE_DIR`` overrides it (tests, IT trials). Otherwise: ``%LOCALAPPDATA%\\Ketaref``
    on Windows, ``~/Library/Application Support/Ketaref`` on macOS, ``$XDG_STATE_HOME/ketaref``
    (``~/.local/state/ketaref``) on Linux. Nothing about patients is ever written here.
    """
    override = os.environ.get("KETAREF_STATE_DIR")
    if override:
        return Path(override)
    return Path(_platform_dirs().user_state_dir)


def log_dir() -> Path:
    """Return the folder of the rotating error log (inside the state directory)."""
    return state_dir() / "logs"


def install_lock_path() -> Path:
    """Return the lock file starts of ketaref on one account take turns with to install a pack."""
    return state_dir() / "trusted-pack.lock"


def user_settings_path() -> Path:
    """Return the user's own settings file (clinic name, paper size; never patient details).

    ``KETAREF_USER_SETTINGS`` overrides it (tests). Otherwise ``settings.toml`` in
    ``%APPDATA%\\Ketaref`` on Windows (it roams with the user), ``~/Library/Application
    Support/Ketaref`` on macOS, ``$XDG_CONFIG_HOME/ketaref`` (``~/.config/ketaref``) on Linux.
    """
    override = os.environ.get("KETAREF_USER_SETTINGS")
    if override:
        return Path(override)
    return Path(_platform_dirs(roaming=True).user_config_dir) / "settings.toml"


def machine_policy_path() -> Path:
    """Return where IT's machine policy file is read from (``KETAREF_POLICY`` overrides).

    ``%ProgramData%\\Ketaref\\policy.toml`` on Windows (platformdirs asks the shell where
    ProgramData is); fixed paths elsewhere, where IT expects them: ``/etc/ketaref/policy.toml`` on
    Linux (not XDG's ``/etc/xdg``) and ``/Library/Application Support/Ketaref/policy.toml`` on
    macOS (platformdirs would move it under Homebrew's prefix when run by a Homebrew Python, and
    a machine policy must not depend on which Python runs the app).
    """
    override = os.environ.get("KETAREF_POLICY")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(_platform_dirs().site_config_dir) / "policy.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/Ketaref/policy.toml")
    return Path("/etc/ketaref/policy.toml")
