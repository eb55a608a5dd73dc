"""Deciding whether a site pack may be used: signature, version, expiry, a verified copy.

An accepted pack is copied into the user's state dir and the *copy* is checked and used, so a later
bad write to the shared folder cannot touch what is in use. The copies live in
``state_dir()/trusted-pack/<sha256 of manifest.yaml>/``; ``state_dir()/trust-state.json`` names
the newest trusted version and its manifest hash. That file is written (atomically) only after every
check passed, and it is the single commit point: until it names a copy, the copy is not used.
docs/security.md lists the attacks this defends against.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from ketaref import paths
from ketaref.atomic import write_atomically
from ketaref.content.format.model import Manifest
from ketaref.content.format.pack import (
    MANIFEST,
    SIGNATURE,
    Library,
    check_manifest_path,
    load_pack,
    parse_model,
    read_limited,
)
from ketaref.content.format.problems import ContentError, ContentProblem
from ketaref.content.lifecycle.signing import (
    PublicKey,
    SignatureRefused,
    SigningError,
    check_signature,
    load_public_key,
    read_signature,
    verify_signed_pack,
)
from ketaref.policy import Policy
from ketaref.safe_read import NO_SUCH_FOLDER, FileRefused, folder_trouble, read_file
from ketaref.text import first_few

TRUST_STATE = "trust-state.json"
TRUSTED_PACKS = "trusted-pack"
INCOMING_PREFIX = ".incoming-"
#: How long a start waits for another one's install before going on without the lock.
LOCK_WAIT_S = 120.0
LOCK_POLL_S = 0.05
#: A leftover copy this old belongs to a start that stopped; younger ones may still be written.
ABANDONED_AFTER_S = 24 * 3600
MAX_TRUST_STATE_BYTES = 64 * 1024
_LOCK_OPEN_FLAGS = (
    os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
)
#: The most a site pack may hold in all (each file is also capped at 1 MiB): no endless data.
MAX_PACK_BYTES = 32 * 1024 * 1024


class PackRefused(Exception):
    """A site pack that must not be used, with the one-line reason and any content problems."""

    def __init__(self, reason: str, problems: tuple[ContentProblem, ...] = ()):
        super().__init__(reason)
        self.reason = reason
        self.problems = problems


@dataclass(frozen=True)
class TrustRecord:
    """The newest site pack this machine has trusted: its version and sha256(manifest.yaml)."""

    version: str
    manifest_sha256: str

    def version_tuple(self) -> tuple[int, ...]:
        """The version as integers, for ordering."""
        return tuple(int(part) for part in self.version.split("."))


class TrustStateError(Exception):
    """The trust record exists but cannot be used.

    ``unreadable``: its content could not even be looked at (no permission, an offline share,
    or a folder, named pipe or device in its place), so it says nothing about any kept copy;
    ``advice`` then says what IT can do about it.
    """

    def __init__(self, message: str, *, unreadable: bool = False, advice: str = ""):
        super().__init__(message)
        self.unreadable = unreadable
        self.advice = advice

    def refusal(self, record_of: str) -> str:
        """Why nothing is decided with this record, what is wrong and what IT should do.

        ``record_of`` names what the record is of (``site packs``); the caller adds what is
        used instead.
        """
        return (
            f"the record of trusted {record_of} {self}, so a rollback cannot be ruled out; the"
            f" verified copy kept on this machine is not used this time, and is kept; {self.advice}"
        )


def read_trust_state(state: Path, name: str = TRUST_STATE) -> TrustRecord | None:
    """The trust record ``name`` in ``state``, None if there is none yet."""
    path = state / name
    try:
        document = json.loads(read_file(path, MAX_TRUST_STATE_BYTES))
        record = TrustRecord(str(document["version"]), str(document["manifest_sha256"]))
    except FileRefused as refused:
        if refused.missing:
            return None
        if refused.not_a_file:  # never opened: it stays in the way until someone removes it
            advice = "IT: remove it (ketaref then writes a new one)"
            raise TrustStateError(str(refused), unreadable=True, advice=advice) from None
        if refused.unreadable:  # may pass (a backup holding it, an offline share)
            advice = "if this lasts, IT: give this user account read and write access to it"
            message = f"{path} cannot be read this time ({refused.cause})"
            raise TrustStateError(message, unreadable=True, advice=advice) from None
        raise TrustStateError(str(refused)) from None
    except (ValueError, RecursionError):
        raise TrustStateError(f"{path} is not a trust record (not valid JSON)") from None
    except (KeyError, TypeError):
        record = None
    if (
        record is None
        or not re.fullmatch(r"[0-9]+(\.[0-9]+){0,3}", record.version)
        or not re.fullmatch(r"[0-9a-f]{64}", record.manifest_sha256)
    ):
        raise TrustStateError(f"{path} does not hold a version and a manifest hash")
    return record


def write_trust_state(state: Path, record: TrustRecord, name: str = TRUST_STATE) -> None:
    """Record ``record`` atomically (the commit point of activating a site pack)."""
    document = {"version": record.version, "manifest_sha256": record.manifest_sha256}
    write_atomically(state / name, (json.dumps(document, indent=2) + "\n").encode())


def describe(library: Library) -> str:
    """A pack as users see it named: version and pack hash, e.g. ``2026.12.0 (3f9c0a1b22de)``."""
    return f"{library.version} ({library.pack_hash})"


def _expiry(
    manifest: Manifest, today: dt.date, policy: Policy, what: str
) -> tuple[bool, str | None]:
    """(expired, notice); raise PackRefused when the policy blocks expired content."""
    if manifest.expires is None or today <= manifest.expires:
        return False, None
    if policy.expired_content == "block":
        raise PackRefused(
            f"it expired on {manifest.expires.isoformat()} and the machine policy blocks expired"
            " content"
        )
    return True, (
        f"{what} expired on {manifest.expires.isoformat()}; check with the clinic's content"
        " lead before relying on it (printouts are marked “expired content”)"
    )


def _content_refusal(reason: str, problems: tuple[ContentProblem, ...]) -> PackRefused:
    """A refusal whose one line names the first few problems, not only how many there are."""
    named = first_few([str(problem) for problem in problems])
    return PackRefused(f"{reason} ({named})" if named else reason, problems)


class SiteGate:
    """Decides, for one start of the app, which pack to use when a site pack is configured.

    The decision is made under ``exclusive()``: starts of ketaref on the same account (or on
    machines sharing a roaming profile) take turns, so each sees the others' finished installs
    and none removes what another is still copying.
    """

    def __init__(self, policy: Policy, today: dt.date):
        self.policy = policy
        self.today = today
        self.state = paths.state_dir()
        self.packs = self.state / TRUSTED_PACKS
        self.notices: list[str] = []
        #: Configured keys that could not be read this time (never evidence against a pack).
        self.unavailable_keys: list[Path] = []
        self.keys = self._load_keys()
        self.record: TrustRecord | None = None
        #: Why the trust record could not be read, and what to do ("" when it could).
        self.record_unreadable = ""

    def _load_keys(self) -> list[PublicKey]:
        keys = []
        for path in self.policy.trusted_keys:
            try:
                keys.append(load_public_key(path))
            except SigningError as exc:
                self.unavailable_keys.append(path)
                self.notices.append(f"a trusted key in the machine policy cannot be used: {exc}")
        return keys

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Take the install lock of this account's state dir, then read the trust record."""
        with _install_lock(paths.install_lock_path()):
            try:
                self.record = read_trust_state(self.state)
            except TrustStateError as exc:
                if exc.unreadable:
                    # Like an unreadable key: no evidence about anything, so nothing is removed.
                    self.record_unreadable = exc.refusal("site packs")
                else:
                    self.notices.append(f"the record of trusted site packs is damaged: {exc}")
                self.record = None
            yield

    # -- checking --------------------------------------------------------------------------

    def _verified(self, directory: Path) -> Library:
        """Load ``directory``, checking its signature first when the policy requires one."""
        if self.policy.require_signed_content:
            return verify_signed_pack(directory, self.keys)
        return load_pack(directory)

    def _candidate_manifest(self, source: Path) -> tuple[bytes, Manifest]:
        """The site pack's manifest, its signature checked before any YAML is parsed."""
        trouble = folder_trouble(source)
        if trouble == NO_SUCH_FOLDER:
            raise PackRefused("the folder does not exist or cannot be reached")
        if trouble:
            raise PackRefused(f"the folder cannot be used: {trouble}")
        try:
            manifest_bytes = read_limited(source / MANIFEST, MANIFEST)
            if self.policy.require_signed_content:
                check_signature(manifest_bytes, read_signature(source), self.keys)
            manifest, problems = parse_model(manifest_bytes, Manifest, MANIFEST)
        except SignatureRefused as exc:
            raise PackRefused(f"{exc}{self.keys_unread()}") from None
        except ContentError as exc:
            raise _content_refusal(exc.summary, exc.problems) from None
        if problems:
            raise _content_refusal("its manifest is invalid", tuple(problems))
        return manifest_bytes, manifest

    def keys_unread(self) -> str:
        """`` (the trusted key K cannot be read this time)``, or "" when every key was read."""
        if not self.unavailable_keys:
            return ""
        unread = ", ".join(str(path) for path in self.unavailable_keys)
        return f" (the trusted key {unread} cannot be read this time)"

    def _check_version(self, manifest: Manifest, digest: str) -> None:
        if self.record is None:
            return
        if manifest.version_tuple() < self.record.version_tuple():
            raise PackRefused(
                f"it is version {manifest.content_version}, older than version"
                f" {self.record.version} this machine already trusted (a rollback)"
            )
        if (
            manifest.version_tuple() == self.record.version_tuple()
            and digest != self.record.manifest_sha256
        ):
            raise PackRefused(
                f"it differs from the version {self.record.version} this machine already trusted"
                " (a changed pack must get a new version number)"
            )

    # -- the kept copy ---------------------------------------------------------------------

    def kept_copy(self) -> tuple[Library, bool, str | None] | None:
        """The last trusted copy if it still verifies: (library, expired, notice).

        A copy is removed only on evidence against it: a signature that fails although every
        trusted key could be read, or files that do not match. A key that cannot be read this
        time (missing for a moment, no permission, share offline) only keeps it out of use.
        """
        if self.record_unreadable:
            return None  # which copy is trusted is unknown this time: keep every copy, use none
        self._remove_stale(keep=self.record.manifest_sha256 if self.record else None)
        if self.record is None:
            return None
        copy = self.packs / self.record.manifest_sha256
        if not copy.is_dir():
            return None
        what = f"the kept copy of site pack {self.record.version}"
        try:
            library = self._verified(copy)
            if hashlib.sha256(library.manifest_bytes).hexdigest() != self.record.manifest_sha256:
                raise SignatureRefused("it is not the pack the trust record names")
        except SignatureRefused as exc:
            if self.unavailable_keys:
                self.notices.append(
                    f"{what} is not used this time: {exc}{self.keys_unread()}; it is kept for"
                    " when the key can be read again"
                )
                return None
            self._discard(copy, what, str(exc))
            return None
        except ContentError as exc:
            self._discard(copy, what, first_few([str(problem) for problem in exc.problems]))
            return None
        try:
            expired, notice = _expiry(library.manifest, self.today, self.policy, "the site pack")
        except PackRefused as exc:
            self.notices.append(
                f"the last trusted site pack {describe(library)} is not used: {exc.reason}"
            )
            return None
        return library, expired, notice

    def _discard(self, copy: Path, what: str, why: str) -> None:
        shutil.rmtree(copy, ignore_errors=True)
        self.notices.append(f"{what} no longer verifies ({why}) and was removed")

    def _install(self, source: Path, manifest_bytes: bytes, manifest: Manifest) -> Library:
        """Copy the pack's listed files into a new folder, check the copy, then commit."""
        digest = hashlib.sha256(manifest_bytes).hexdigest()
        self.packs.mkdir(parents=True, exist_ok=True)
        self._remove_stale(keep=self.record.manifest_sha256 if self.record else None)
        # A name of this process's own: a start running beside this one never touches it.
        incoming = Path(tempfile.mkdtemp(prefix=INCOMING_PREFIX, dir=self.packs))
        try:
            write_atomically(incoming / MANIFEST, manifest_bytes)
            if (source / SIGNATURE).is_file():
                signature = read_limited(source / SIGNATURE, SIGNATURE)
                write_atomically(incoming / SIGNATURE, signature)
            for name in manifest.files:
                if reason := check_manifest_path(name):
                    problem = ContentProblem(MANIFEST, None, None, f"lists “{name}”: {reason}")
                    raise _content_refusal("its manifest lists a file outside the pack", (problem,))
                raw = read_limited(source / name, name)
                (incoming / name).parent.mkdir(parents=True, exist_ok=True)
                write_atomically(incoming / name, raw)
            library = self._verified(incoming)
            if library.manifest_bytes != manifest_bytes:
                raise PackRefused(f"{MANIFEST} changed while it was being copied")
            final = self.packs / digest
            _move_into_place(incoming, final)
        except ContentError as exc:
            shutil.rmtree(incoming, ignore_errors=True)
            raise _content_refusal(exc.summary, exc.problems) from None
        except SignatureRefused as exc:
            shutil.rmtree(incoming, ignore_errors=True)
            raise PackRefused(str(exc)) from None
        except BaseException:
            shutil.rmtree(incoming, ignore_errors=True)
            raise
        write_trust_state(self.state, TrustRecord(manifest.content_version, digest))
        self.record = TrustRecord(manifest.content_version, digest)
        self._remove_stale(keep=digest)
        return dataclasses.replace(library, directory=final)

    def _remove_stale(self, keep: str | None) -> None:
        """Remove copies other than ``keep``, and leftovers of starts that stopped long ago.

        A recent ``.incoming-*`` folder may be another start copying a pack right now (on a file
        system without locks): it is left alone.
        """
        with suppress(OSError):
            for entry in self.packs.iterdir():
                if entry.name == keep:
                    continue
                if entry.name.startswith(".") and not _abandoned(entry):
                    continue
                shutil.rmtree(entry, ignore_errors=True)

    # -- deciding --------------------------------------------------------------------------

    def accept(self, source: Path) -> tuple[Library, bool, str | None]:
        """The site pack at ``source`` as a checked copy, or PackRefused saying why not."""
        if self.record_unreadable:
            raise PackRefused(self.record_unreadable)
        manifest_bytes, manifest = self._candidate_manifest(source)
        digest = hashlib.sha256(manifest_bytes).hexdigest()
        self._check_version(manifest, digest)
        expired, notice = _expiry(manifest, self.today, self.policy, "the site pack")
        total = sum(entry.bytes for entry in manifest.files.values())
        if total > MAX_PACK_BYTES:
            raise PackRefused(f"it holds {total} bytes, more than a content pack may")
        if self.record and digest == self.record.manifest_sha256:
            kept = self.kept_copy()
            if kept is not None:
                damaged = _damaged_files(source, manifest)
                if not damaged:
                    return kept
                library, kept_expired, kept_notice = kept
                damage = (
                    f"the site pack at {source} has missing or changed files"
                    f" ({', '.join(damaged[:3])}{', …' if len(damaged) > 3 else ''});"
                    f" using the verified copy of content {manifest.content_version} kept on"
                    " this machine"
                )
                return library, kept_expired, "; ".join(filter(None, (kept_notice, damage)))
        try:
            library = self._install(source, manifest_bytes, manifest)
        except OSError as exc:
            raise PackRefused(
                f"it could not be copied into {self.packs} ({exc.strerror or exc})"
            ) from None
        return library, expired, notice


def _abandoned(entry: Path) -> bool:
    """Whether a leftover folder is old enough that no start can still be writing it."""
    try:
        return time.time() - entry.stat().st_mtime > ABANDONED_AFTER_S
    except OSError:
        return False


def _move_into_place(incoming: Path, final: Path) -> None:
    """Rename the checked copy to its final name; a copy already there is moved aside first.

    The same pack installed by another start (or left by one that stopped before its commit) is
    replaced by this checked copy, never deleted while something might read it under that name.
    """
    try:
        incoming.rename(final)
        return
    except OSError:
        if not final.exists():
            raise
    aside = Path(tempfile.mkdtemp(prefix=INCOMING_PREFIX, dir=final.parent))
    aside.rmdir()
    with suppress(FileNotFoundError):
        final.rename(aside)
    incoming.rename(final)
    shutil.rmtree(aside, ignore_errors=True)


@contextmanager
def _install_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` while the block runs (other starts wait for it).

    Where locks are not supported (some network file systems), or another start holds it longer
    than ``LOCK_WAIT_S``, the block runs unlocked: each start's copy still has a name of its own
    and is renamed into place, so an unlocked race costs work, never a wrong decision.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, _LOCK_OPEN_FLAGS, 0o600)
    except OSError:
        yield  # a state dir that cannot be written: nothing will be installed either
        return
    try:
        _wait_for_lock(descriptor, time.monotonic() + LOCK_WAIT_S)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _wait_for_lock(descriptor: int, deadline: float) -> None:
    while True:
        try:
            _try_lock(descriptor)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                return
            time.sleep(LOCK_POLL_S)
        except OSError:
            return  # no lock support here


if sys.platform == "win32":
    import msvcrt

    def _try_lock(descriptor: int) -> None:
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):
                raise BlockingIOError(exc.errno, "locked by another start") from None
            raise

else:
    import fcntl

    def _try_lock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _damaged_files(source: Path, manifest: Manifest) -> list[str]:
    """Files of the shared pack that no longer match its manifest (the copy in use is unaffected)."""
    damaged = []
    for name, entry in manifest.files.items():
        try:
            raw = read_limited(source / name, name)
        except ContentError:
            damaged.append(name)
            continue
        if len(raw) != entry.bytes or hashlib.sha256(raw).hexdigest() != entry.sha256:
            damaged.append(name)
    return damaged
