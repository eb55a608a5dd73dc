"""Layered settings: built-in defaults < machine policy (IT's TOML file) < the user's own settings.

IT writes the machine policy (``/etc/ketaref/policy.toml``, ``%ProgramData%\\Ketaref\\policy.toml``,
or wherever ``KETAREF_POLICY`` points). Keys it names in ``locked`` cannot be changed by users; the
keys that decide which content is trusted are never the user's to change at all. The GUI passes the
user's settings in as a plain mapping (it reads them from QSettings); this module never touches Qt.

Every problem is reported as ``FILE:LINE: message``. A bad value (wrong type, not one of the
choices, a clinic name no printout can hold) affects its own key only: that key keeps its built-in
default and the rest of the policy applies, so one typo does not silently swap the clinic's site
pack for the bundled one. An unknown key is reported and ignored. A file that cannot be read or
parsed at all is not applied: the app runs on the built-in defaults, which keep signed content
required. A broken policy never turns signature checks off. A missing policy file is normal: most
machines have none.

Both files are read through ``ketaref.safe_read`` (plain files only, never waiting on a named
pipe, size-capped); a UTF-8 byte-order mark, as Notepad writes, is accepted.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ketaref import paths
from ketaref.safe_read import FileRefused, read_file
from ketaref.text import escape_controls

POLICY_KEYS = (
    "clinic_name",
    "default_paper",
    "content_dir",
    "trusted_keys",
    "require_signed_content",
    "expired_content",
    "locked",
)
#: Keys only the machine policy may set: they decide which content this machine trusts.
MACHINE_ONLY_KEYS = frozenset(
    {"content_dir", "trusted_keys", "require_signed_content", "expired_content", "locked"}
)
DEFAULTS: Mapping[str, object] = {
    "clinic_name": "",
    "default_paper": None,  # None: follow the locale (letter in the US and Canada, else A4)
    "content_dir": None,
    "trusted_keys": (),
    "require_signed_content": True,
    "expired_content": "warn",
    "locked": (),
}
DEFAULT_ORIGIN = "default"
USER_ORIGIN = "user"

_MAX_POLICY_BYTES = 256 * 1024
#: The most characters a header box of the printed checklist (clinic name, clinician) holds
#: legibly; the printout refuses longer, so the policy refuses a longer clinic name up front.
MAX_HEADER_TEXT = 80
#: Two short keys; anything near this size is not a file ketaref wrote.
MAX_USER_SETTINGS_BYTES = 64 * 1024
#: Where Group Policy puts ketaref's machine policy on Windows (under HKEY_LOCAL_MACHINE).
REGISTRY_KEY = r"Software\Policies\Ketaref"


class PolicyValueError(ValueError):
    """A value of the wrong type or outside the allowed choices; the message says what fits."""


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise PolicyValueError(f"must be text in quotes, not {_type_name(value)}")
    return value


def _clinic_name(value: object) -> str:
    """Text the printout's header box can hold: one line, at most MAX_HEADER_TEXT characters."""
    text = _text(value)
    if len(text) > MAX_HEADER_TEXT:
        raise PolicyValueError(
            f"is {len(text)} characters long; a printed checklist holds at most {MAX_HEADER_TEXT}"
        )
    if not text.isprintable():
        raise PolicyValueError(
            f"holds control characters (such as tabs or line breaks): {_shown(text)}"
        )
    return text


def _paper(value: object) -> str | None:
    if value is None:
        return None
    if value not in ("a4", "letter"):
        raise PolicyValueError(f'must be "a4" or "letter", not {_shown(value)}')
    return str(value)


def _path_converter(base: Path) -> Callable[[object], Path]:
    def convert(value: object) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise PolicyValueError(f"must be a folder or file path in quotes, not {_shown(value)}")
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path

    return convert


def _optional_path(base: Path) -> Callable[[object], Path | None]:
    convert = _path_converter(base)

    def optional(value: object) -> Path | None:
        return None if value is None else convert(value)

    return optional


def _path_list(base: Path) -> Callable[[object], tuple[Path, ...]]:
    convert = _path_converter(base)

    def paths_of(value: object) -> tuple[Path, ...]:
        if not isinstance(value, (list, tuple)):
            raise PolicyValueError(
                f'must be a list of paths, e.g. ["/etc/ketaref/site.pub"], not {_shown(value)}'
            )
        return tuple(convert(item) for item in value)

    return paths_of


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise PolicyValueError(f"must be true or false (no quotes), not {_shown(value)}")
    return value


def _expired(value: object) -> str:
    if value not in ("warn", "block"):
        raise PolicyValueError(f'must be "warn" or "block", not {_shown(value)}')
    return str(value)


def _locked(value: object) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise PolicyValueError(f'must be a list of key names, e.g. ["clinic_name"], not {value!r}')
    unknown = [v for v in value if v not in POLICY_KEYS]
    if unknown:
        raise PolicyValueError(
            f"names unknown keys: {', '.join(unknown)} (known: {', '.join(POLICY_KEYS)})"
        )
    return tuple(value)


def _type_name(value: object) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list"}.get(
        type(value), type(value).__name__
    )


def _shown(value: object) -> str:
    """A value in a message: text in quotes, control characters escaped; else its kind."""
    return f"'{escape_controls(value)}'" if isinstance(value, str) else _type_name(value)


def _converters(base: Path) -> dict[str, Callable[[object], object]]:
    """How each key's raw value is checked and converted; relative paths start at ``base``."""
    return {
        "clinic_name": _clinic_name,
        "default_paper": _paper,
        "content_dir": _optional_path(base),
        "trusted_keys": _path_list(base),
        "require_signed_content": _flag,
        "expired_content": _expired,
        "locked": _locked,
    }


@dataclass(frozen=True)
class Setting:
    """One key's effective value, the layer it came from, and whether users may change it."""

    key: str
    value: object
    origin: str
    locked: bool


class Policy:
    """The effective settings of this machine and user, and any problems found reading them."""

    def __init__(
        self,
        settings: Mapping[str, Setting],
        machine_problems: tuple[str, ...],
        policy_path: Path,
        policy_file_found: bool,
        *,
        user_problems: tuple[str, ...] = (),
        not_applied: tuple[str, ...] = (),
        applied: bool = True,
    ):
        self._settings = dict(settings)
        #: Problems of the machine policy (file or Group Policy), as ``FILE:LINE: message``.
        self.machine_problems = machine_problems
        #: Problems of the user's own settings file (the machine policy is unaffected).
        self.user_problems = user_problems
        self.problems = machine_problems + user_problems
        #: Machine policy keys whose bad value was not used (each keeps its built-in default).
        self.not_applied = not_applied
        #: False when the policy file could not be read or parsed at all (defaults apply).
        self.applied = applied
        self.policy_path = policy_path
        self.policy_file_found = policy_file_found

    def summary(self) -> str:
        """One sentence for a banner: what is wrong and what ketaref does about it, or ``""``."""
        parts = []
        if not self.applied:
            parts.append(
                "The machine policy could not be read; ketaref uses its built-in defaults"
                " (signed content stays required)."
            )
        elif self.not_applied:
            keys = ", ".join(self.not_applied)
            parts.append(
                f"The machine policy has a bad value for {keys}; ketaref uses the built-in"
                f" default for {'that key' if len(self.not_applied) == 1 else 'those keys'}"
                " and applies the rest."
            )
        elif self.machine_problems:
            parts.append(
                "The machine policy has problems (see Details); the keys ketaref understood apply."
            )
        if self.user_problems:
            parts.append("Your own settings file has a problem; what it could not set is ignored.")
        return " ".join(parts)

    def setting(self, key: str) -> Setting:
        """The effective value of ``key`` with its origin and lock."""
        return self._settings[key]

    def is_locked(self, key: str) -> bool:
        """Whether the user may not change ``key`` (IT manages it)."""
        return self._settings[key].locked

    def settings(self) -> list[tuple[str, object, str, bool]]:
        """Every key as (key, value, origin, locked), in the documented order."""
        return [(s.key, s.value, s.origin, s.locked) for s in self._settings.values()]

    # One typed property per key: the converters checked every value, so each is of its type;
    # the fallbacks only keep a hand-built Policy from handing out a value of another type.
    @property
    def clinic_name(self) -> str:
        """The clinic name printed at the top of every checklist, or "" (a line to write on)."""
        value = self._value("clinic_name")
        return value if isinstance(value, str) else ""

    @property
    def default_paper(self) -> str | None:
        """``a4`` or ``letter`` as IT or the user chose it; None: follow the locale."""
        value = self._value("default_paper")
        return value if isinstance(value, str) and value in ("a4", "letter") else None

    @property
    def content_dir(self) -> Path | None:
        """The site pack folder IT configured, or None for the bundled pack."""
        value = self._value("content_dir")
        return value if isinstance(value, Path) else None

    @property
    def trusted_keys(self) -> tuple[Path, ...]:
        """The public key files site packs must be signed with."""
        value = self._value("trusted_keys")
        return tuple(value) if isinstance(value, tuple) else ()

    @property
    def require_signed_content(self) -> bool:
        """Whether a site pack must carry a signature from a trusted key (never off by accident)."""
        return self._value("require_signed_content") is not False

    @property
    def expired_content(self) -> str:
        """``warn`` or ``block``: what happens to a site pack past its ``expires`` date."""
        return "block" if self._value("expired_content") == "block" else "warn"

    @property
    def locked(self) -> tuple[str, ...]:
        """The keys IT named in ``locked`` (users may not change them)."""
        value = self._value("locked")
        return tuple(value) if isinstance(value, tuple) else ()

    def _value(self, key: str) -> object:
        return self._settings[key].value


def _line_of_key(text: str, key: str) -> int | None:
    """The line where ``key`` is set (``key = …``) or opened as a table (``[key]``)."""
    pattern = re.compile(rf"""^\s*(\[+\s*)?["']?{re.escape(key)}["']?\s*(=|\])""")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _read_toml(path: Path, limit: int) -> tuple[dict[str, object] | None, str, list[str]]:
    """Read a TOML settings file: (data or None, its text, problems as ``FILE[:LINE]: …``).

    None without problems: there is no such file. None with problems: it cannot be used at all.
    """
    try:
        raw = read_file(path, limit)
    except FileRefused as refused:
        return None, "", [] if refused.missing else [f"{path}: {refused.reason}"]
    import tomllib  # only when there is a file: most machines have none

    raw = raw.removeprefix(codecs.BOM_UTF8)  # Notepad's byte-order mark
    try:
        text = raw.decode("utf-8")
        return tomllib.loads(text), text, []
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        return None, "", [f"{path}:{bad_line}: is not UTF-8 text; save the file as UTF-8"]
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        position = f"{path}:{found.group(1)}" if found else f"{path}"
        return None, "", [f"{position}: is not valid TOML: {reason}"]


def _read_policy_file(path: Path) -> tuple[_Checked, bool, bool]:
    """Read and check the policy file: (checked values, whether it exists, whether usable)."""
    data, text, problems = _read_toml(path, _MAX_POLICY_BYTES)
    if data is None:
        return _Checked({}, problems, []), bool(problems), not problems

    def where(key: str) -> str:
        line = _line_of_key(text, key)
        return f"{path}:{line}" if line else str(path)

    return _check_values(data, _converters(path.parent), where), True, True


@dataclass
class _Checked:
    """Policy values that passed their check, the problems, and the known keys whose value failed."""

    values: dict[str, object]
    problems: list[str]
    bad_keys: list[str]


def _check_values(
    data: Mapping[str, object],
    converters: Mapping[str, Callable[[object], object]],
    where: Callable[[str], str],
) -> _Checked:
    """Check and convert raw policy values, each on its own; problems name ``where(key)``."""
    checked = _Checked({}, [], [])
    for key, raw_value in data.items():
        if key not in converters:
            checked.problems.append(
                f"{where(key)}: unknown key “{key}” ignored (known keys: {', '.join(POLICY_KEYS)})"
            )
            continue
        try:
            checked.values[key] = converters[key](raw_value)
        except PolicyValueError as exc:
            checked.bad_keys.append(key)
            checked.problems.append(f"{where(key)}: {key} {exc}; {key} keeps its default")
    return checked


def registry_value(value: object, kind: int) -> object:
    """A Group Policy registry value as the TOML value it stands for.

    REG_DWORD 0/1 is false/true, REG_MULTI_SZ a list, REG_EXPAND_SZ text with %VARIABLES% expanded.
    """
    reg_expand_sz, reg_dword, reg_multi_sz = 2, 4, 7
    if kind == reg_dword and value in (0, 1):
        return bool(value)
    if kind == reg_multi_sz and isinstance(value, list):
        return [str(item) for item in value]
    if kind == reg_expand_sz and isinstance(value, str):
        return os.path.expandvars(value)
    return value


def _registry_values() -> dict[str, object] | None:
    """The values IT set through Group Policy, or None (not Windows, no such key, or overridden)."""
    if sys.platform != "win32" or os.environ.get("KETAREF_POLICY"):
        return None
    import winreg

    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, REGISTRY_KEY)
    except OSError:
        return None
    values: dict[str, object] = {}
    with key:
        for index in range(1024):
            try:
                name, value, kind = winreg.EnumValue(key, index)
            except OSError:
                break
            values[name] = registry_value(value, kind)
    return values


def _check_user_value(key: str, value: object) -> object:
    # User settings hold no paths (those keys are machine-only), so the base folder is unused.
    return _converters(Path.cwd())[key](value)


#: Keys users may set for themselves (unless the machine policy locks them).
USER_KEYS = ("clinic_name", "default_paper")


def read_user_settings() -> tuple[dict[str, object], list[str]]:
    """The user's own settings file (``paths.user_settings_path()``) and any problems in it."""
    path = paths.user_settings_path()
    values, _, problems = _read_toml(path, MAX_USER_SETTINGS_BYTES)
    if values is None:
        return {}, [f"{problem}; your own settings are not applied" for problem in problems]
    unknown = sorted(set(values) - set(USER_KEYS))
    problems = [f"{path}: unknown setting “{key}” ignored" for key in unknown]
    return {key: values[key] for key in USER_KEYS if key in values}, problems


def save_user_settings(values: Mapping[str, str]) -> None:
    """Write the user's own settings atomically; an empty value removes the key."""
    from ketaref.atomic import write_atomically

    path = paths.user_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # json.dumps writes a string TOML reads back unchanged (same escapes, always quoted).
    lines = [f"{key} = {json.dumps(values[key])}" for key in USER_KEYS if values.get(key)]
    text = "# ketaref: your own settings (Preferences). Never anything about a patient.\n"
    write_atomically(path, (text + "\n".join(lines) + "\n").encode("utf-8"))


def load_policy(user_settings: Mapping[str, object] | None = None) -> Policy:
    """Read the machine policy and combine it with the user's settings.

    ``user_settings`` defaults to the user's settings file, so the CLI and the GUI agree.

    On Windows, values IT sets through Group Policy (``HKLM\\Software\\Policies\\Ketaref``)
    win over the same keys in the policy file.
    """
    path = paths.machine_policy_path()
    from_file, found, applied = _read_policy_file(path)
    machine = {key: (value, f"machine policy {path}") for key, value in from_file.values.items()}
    problems, bad_keys = list(from_file.problems), list(from_file.bad_keys)
    registry = _registry_values()
    if registry is not None:
        origin = f"Group Policy HKLM\\{REGISTRY_KEY}"
        checked = _check_values(registry, _converters(path.parent), lambda key: f"{origin}\\{key}")
        problems += checked.problems
        bad_keys += checked.bad_keys
        machine |= {key: (value, origin) for key, value in checked.values.items()}
    if not applied:
        problems.append(
            f"{path}: the machine policy was not applied; using built-in defaults"
            " (signed content stays required)"
        )
    # A key given a bad value (in the file or Group Policy) and no good one keeps its default.
    not_applied = tuple(key for key in POLICY_KEYS if key in bad_keys and key not in machine)
    user_problems: list[str] = []
    if user_settings is None:
        user_settings, user_problems = read_user_settings()
    locked_keys = machine.get("locked", ((), ""))[0]
    locked = set(locked_keys) | MACHINE_ONLY_KEYS  # type: ignore[call-overload]

    settings: dict[str, Setting] = {}
    for key in POLICY_KEYS:
        value, origin = machine.get(key, (DEFAULTS[key], DEFAULT_ORIGIN))
        if user_settings and key in user_settings and key not in locked:
            try:
                value, origin = _check_user_value(key, user_settings[key]), USER_ORIGIN
            except PolicyValueError as exc:
                user_problems.append(f"user settings: {key} {exc}; using {origin} value")
        settings[key] = Setting(key, value, origin, key in locked)
    return Policy(
        settings,
        tuple(problems),
        path,
        found or registry is not None,
        user_problems=tuple(user_problems),
        not_applied=not_applied,
        applied=applied,
    )
