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
import hashlib
import json
import re
import shutil
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from ketaref import paths
from ketaref.atomic import write_atomically
from ketaref.content.model import Manifest
from ketaref.content.pack import (
    MANIFEST,
    SIGNATURE,
    Library,
    check_manifest_path,
    load_pack,
    parse_model,
    read_limited,
)
from ketaref.content.problems import ContentError, ContentProblem
from ketaref.content.signing import (
    PublicKey,
    SignatureRefused,
    SigningError,
    check_signature,
    load_public_key,
    read_signature,
    verify_signed_pack,
)
from ketaref.policy import Policy

TRUST_STATE = "trust-state.json"
TRUSTED_PACKS = "trusted-pack"
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
    """The trust record exists but cannot be read."""


def read_trust_state(state: Path) -> TrustRecord | None:
    """The trust record in ``state``, None if there is none yet."""
    path = state / TRUST_STATE
    try:
        with path.open("rb") as stream:
            document = json.loads(stream.read(64 * 1024))
        record = TrustRecord(str(document["version"]), str(document["manifest_sha256"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise TrustStateError(f"{path} cannot be read ({type(exc).__name__})") from None
    if not re.fullmatch(r"[0-9]+(\.[0-9]+){1,3}", record.version) or not re.fullmatch(
        r"[0-9a-f]{64}", record.manifest_sha256
    ):
        raise TrustStateError(f"{path} does not hold a version and a manifest hash")
    return record


def write_trust_state(state: Path, record: TrustRecord) -> None:
    """Record ``record`` atomically (the commit point of activating a site pack)."""
    document = {"version": record.version, "manifest_sha256": record.manifest_sha256}
    write_atomically(state / TRUST_STATE, (json.dumps(document, indent=2) + "\n").encode())


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
        raise PackRefused(f"it expired on {manifest.expires.isoformat()}")
    return True, (
        f"{what} expired on {manifest.expires.isoformat()}; check with the clinic's content"
        " lead before relying on it (printouts are marked “expired content”)"
    )


class SiteGate:
    """Decides, for one start of the app, which pack to use when a site pack is configured."""

    def __init__(self, policy: Policy, today: dt.date):
        self.policy = policy
        self.today = today
        self.state = paths.state_dir()
        self.packs = self.state / TRUSTED_PACKS
        self.notices: list[str] = []
        self.keys = self._load_keys()
        try:
            self.record = read_trust_state(self.state)
        except TrustStateError as exc:
            self.notices.append(f"the record of trusted site packs is damaged: {exc}")
            self.record = None

    def _load_keys(self) -> list[PublicKey]:
        keys = []
        for path in self.policy.trusted_keys:
            try:
                keys.append(load_public_key(path))
            except SigningError as exc:
                self.notices.append(f"a trusted key in the machine policy cannot be used: {exc}")
        return keys

    # -- checking --------------------------------------------------------------------------

    def _verified(self, directory: Path) -> Library:
        """Load ``directory``, checking its signature first when the policy requires one."""
        if self.policy.require_signed_content:
            return verify_signed_pack(directory, self.keys)
        return load_pack(directory)

    def _candidate_manifest(self, source: Path) -> tuple[bytes, Manifest]:
        """The site pack's manifest, its signature checked before any YAML is parsed."""
        if not source.is_dir():
            raise PackRefused("the folder does not exist or cannot be reached")
        try:
            manifest_bytes = read_limited(source / MANIFEST, MANIFEST)
            if self.policy.require_signed_content:
                check_signature(manifest_bytes, read_signature(source), self.keys)
            manifest, problems = parse_model(manifest_bytes, Manifest, MANIFEST)
        except SignatureRefused as exc:
            raise PackRefused(str(exc)) from None
        except ContentError as exc:
            raise PackRefused(exc.summary, exc.problems) from None
        if problems:
            raise PackRefused("its manifest is invalid", tuple(problems))
        return manifest_bytes, manifest

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
        """The last trusted copy if it still verifies: (library, expired, notice)."""
        self._remove_stale(keep=self.record.manifest_sha256 if self.record else None)
        if self.record is None:
            return None
        copy = self.packs / self.record.manifest_sha256
        if not copy.is_dir():
            return None
        try:
            library = self._verified(copy)
            if hashlib.sha256(library.manifest_bytes).hexdigest() != self.record.manifest_sha256:
                raise SignatureRefused("it is not the pack the trust record names")
        except (SignatureRefused, ContentError) as exc:
            shutil.rmtree(copy, ignore_errors=True)
            self.notices.append(
                f"the kept copy of site pack {self.record.version} no longer verifies"
                f" ({exc}) and was removed"
            )
            return None
        try:
            expired, notice = _expiry(library.manifest, self.today, self.policy, "the site pack")
        except PackRefused as exc:
            self.notices.append(f"the last trusted site pack {describe(library)} {exc.reason}")
            return None
        return library, expired, notice

    def _install(self, source: Path, manifest_bytes: bytes, manifest: Manifest) -> Library:
        """Copy the pack's listed files into a new folder, check the copy, then commit."""
        digest = hashlib.sha256(manifest_bytes).hexdigest()
        self.packs.mkdir(parents=True, exist_ok=True)
        self._remove_stale(keep=self.record.manifest_sha256 if self.record else None)
        incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.packs))
        try:
            write_atomically(incoming / MANIFEST, manifest_bytes)
            if (source / SIGNATURE).is_file():
                signature = read_limited(source / SIGNATURE, SIGNATURE)
                write_atomically(incoming / SIGNATURE, signature)
            for name in manifest.files:
                if reason := check_manifest_path(name):
                    problem = ContentProblem(MANIFEST, None, None, f"lists “{name}”: {reason}")
                    raise PackRefused("its manifest lists a file outside the pack", (problem,))
                raw = read_limited(source / name, name)
                (incoming / name).parent.mkdir(parents=True, exist_ok=True)
                write_atomically(incoming / name, raw)
            library = self._verified(incoming)
            if library.manifest_bytes != manifest_bytes:
                raise PackRefused(f"{MANIFEST} changed while it was being copied")
            final = self.packs / digest
            if final.exists():  # left by an earlier start that stopped before its commit
                shutil.rmtree(final)
            incoming.rename(final)
        except ContentError as exc:
            shutil.rmtree(incoming, ignore_errors=True)
            raise PackRefused(exc.summary, exc.problems) from None
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
        """Remove copies and leftovers other than ``keep`` (best effort)."""
        with suppress(OSError):
            for entry in self.packs.iterdir():
                if entry.name != keep:
                    shutil.rmtree(entry, ignore_errors=True)

    # -- deciding --------------------------------------------------------------------------

    def accept(self, source: Path) -> tuple[Library, bool, str | None]:
        """The site pack at ``source`` as a checked copy, or PackRefused saying why not."""
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
