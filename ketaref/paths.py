"""Where ketaref's resources and per-user state live.

This is the only module that knows the three ways ketaref runs:

* from a source checkout: ``resources/`` sits beside the ``ketaref`` package;
* from an installed wheel: ``resources`` is package data at ``ketaref/resources``;
* from a PyInstaller bundle: ``resources`` is collected under ``sys._MEIPASS``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


def state_dir() -> Path:
    """Return the per-user state directory (logs, trusted-pack copy, rollback record).

    ``KETAREF_STATE_DIR`` overrides it (tests, IT trials). Nothing about patients is
    ever written here.
    """
    override = os.environ.get("KETAREF_STATE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Ketaref"
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "ketaref"


def log_dir() -> Path:
    """Return the folder of the rotating error log (inside the state directory)."""
    return state_dir() / "logs"


def install_lock_path() -> Path:
    """Return the lock file starts of ketaref on one account take turns with to install a pack."""
    return state_dir() / "trusted-pack.lock"


def user_settings_path() -> Path:
    """Return the user's own settings file (clinic name, paper size; never patient details).

    ``KETAREF_USER_SETTINGS`` overrides it (tests).
    """
    override = os.environ.get("KETAREF_USER_SETTINGS")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
        return base / "Ketaref" / "settings.toml"
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "ketaref" / "settings.toml"


def machine_policy_path() -> Path:
    """Return where IT's machine policy file is read from (``KETAREF_POLICY`` overrides)."""
    override = os.environ.get("KETAREF_POLICY")
    if override:
        return Path(override)
    if sys.platform == "win32":
        program_data = Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData"))
        return program_data / "Ketaref" / "policy.toml"
    return Path("/etc/ketaref/policy.toml")
