"""The start-up snapshot: the content summary of the last full load, and the inputs it came from.

Reading a pack in full (PyYAML, then pydantic's models) takes longer than building the whole main
window. After a full load the app keeps the summary of what it loaded (``ContentSummary``) in
``state_dir()/startup-snapshot.json`` together with a fingerprint of everything that load read:

* the app version and this file's format;
* today's date (packs expire);
* the policy settings that decide which content is used (``MACHINE_ONLY_KEYS``);
* the bytes of every file of the bundled pack and of the trusted keys;
* the state dir (the verified copy of the site pack, the trust record), except the logs and the
  snapshot itself;
* the name, size and modification time of every file in the site pack folder. Its files are not
  read here: files its manifest does not list are never read (``docs/security.md``), and the
  folder may be a slow network share. A change that keeps size and time is caught by the full
  load after the window is painted.

At the next start the window is built from the snapshot only if the fingerprint is the same.
Anything else (no snapshot, a damaged one, a changed input, a folder too big to fingerprint)
means a full load before the window is built, as without a snapshot. The app still loads the pack
in full, in the background, once the window has been painted; items, doses and printouts come from
that load, and the window is brought up to date if its result differs: the snapshot makes the
window appear sooner, it never decides what is shown for longer than that.

Nothing here imports the content model: this module is on the start-up path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketaref import __version__, paths
from ketaref.content.kinds import Kind
from ketaref.content.summary import CatalogueEntry, ContentSummary
from ketaref.policy import MACHINE_ONLY_KEYS
from ketaref.safe_read import read_file

if TYPE_CHECKING:
    from ketaref.content.active import ActiveContent
    from ketaref.policy import Policy

SNAPSHOT_NAME = "startup-snapshot.json"
#: Raise when the snapshot's layout or the meaning of a summary field changes.
FORMAT = 1
#: Inputs larger than this are not fingerprinted (the full load then runs at every start).
MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_INPUT_ENTRIES = 5000
#: A summary is a few KiB; anything much larger is not one of ours.
MAX_SNAPSHOT_BYTES = 1024 * 1024


class _TooLarge(Exception):
    """The inputs are too many or too large to fingerprint at every start."""


def snapshot_path() -> Path:
    """Where the start-up snapshot is kept."""
    return paths.state_dir() / SNAPSHOT_NAME


def startup_summary(policy: Policy, today: dt.date) -> ContentSummary | None:
    """The kept summary, if every input is as it was when it was kept; else None."""
    fingerprint = input_fingerprint(policy, today)
    return read_snapshot(fingerprint) if fingerprint else None


def load_and_keep(policy: Policy, today: dt.date) -> ActiveContent:
    """Load the active content in full, and keep its summary for the next start.

    The summary is kept only if no input changed while loading (the first use of a site pack
    installs its verified copy, so that start keeps nothing and the next one does), and written
    only if it differs from the one kept. Raises what ``load_active_content`` raises.
    """
    from ketaref.content.active import load_active_content
    from ketaref.content.summary import summarize

    # The state dir is an input: make it before the first fingerprint, not while writing the
    # snapshot, or a new user's first snapshot would not match their second start.
    with contextlib.suppress(OSError):
        paths.state_dir().mkdir(parents=True, exist_ok=True)
    before = input_fingerprint(policy, today)
    active = load_active_content(policy, today=today)
    if before is not None and input_fingerprint(policy, today) == before:
        summary = summarize(active)
        if read_snapshot(before) != summary:
            write_snapshot(before, summary)
    return active


def input_fingerprint(policy: Policy, today: dt.date) -> str | None:
    """A digest of every input of loading the active content, or None if it cannot be taken.

    Never raises: the snapshot is a cache, and nothing about it may stop the app from starting
    (an odd file name, a folder too deep or too large, an unreadable file: a full load instead).
    """
    try:
        return _fingerprint(policy, today)
    except Exception:  # noqa: BLE001  a cache: the full load reports what is really wrong
        return None


def _fingerprint(policy: Policy, today: dt.date) -> str | None:
    digest = hashlib.sha256()
    digest.update(f"ketaref {__version__}\0format {FORMAT}\0today {today.isoformat()}\0".encode())
    # Only the keys that decide which content is used (the clinic name does not).
    trust = sorted((key, repr(policy.setting(key).value)) for key in MACHINE_ONLY_KEYS)
    digest.update(repr(trust).encode())
    state = paths.state_dir()
    # Not inputs: the snapshot itself, the logs, and the (empty) lock of installing a site pack.
    skipped = {state / SNAPSHOT_NAME, paths.log_dir(), paths.install_lock_path()}
    tree = _Tree(digest, skipped={path.resolve() for path in skipped})
    try:
        # Roots are followed if they are links (inside them, a link is refused by the loader).
        for root in (paths.bundled_content_dir(), state, *policy.trusted_keys):
            tree.add(root.resolve(), read=True)
        if policy.content_dir is not None:
            tree.add(policy.content_dir.resolve(), read=False)
    except _TooLarge:
        return None
    return digest.hexdigest()


class _Tree:
    """Adds files and folders to a digest, within the size and entry budget."""

    def __init__(self, digest: Any, skipped: set[Path]):
        self.digest = digest
        self.skipped = skipped
        self.entries = 0
        self.bytes = 0

    def _spend(self, size: int) -> None:
        self.entries += 1
        self.bytes += size
        if self.entries > MAX_INPUT_ENTRIES or self.bytes > MAX_INPUT_BYTES:
            raise _TooLarge

    def add(self, root: Path, *, read: bool) -> None:
        """Add ``root`` and everything under it: links by target, files, missing paths.

        Files are added by their bytes with ``read``, else by their size and modification time.
        Names go in as the file system's bytes, so any name can be fingerprinted.
        """
        pending = [root]
        while pending:  # depth first, in name order, without recursion (folders may be deep)
            path = pending.pop()
            if path in self.skipped:
                continue
            self.digest.update(b"\0path " + os.fsencode(path) + b"\0")
            self._spend(0)
            if path.is_symlink():
                self.digest.update(b"link " + os.fsencode(os.readlink(path)))
            elif path.is_dir():
                self.digest.update(b"folder")
                pending += sorted(path.iterdir(), reverse=True)
            elif path.is_file():
                status = path.stat()
                self.digest.update(f"file {status.st_size}".encode())
                if read:
                    self._spend(status.st_size)  # before reading: a huge file is never read
                    self.digest.update(read_file(path, MAX_INPUT_BYTES))
                else:
                    self.digest.update(f" {status.st_mtime_ns}".encode())
            else:
                self.digest.update(b"missing" if not path.exists() else b"special")


def read_snapshot(fingerprint: str) -> ContentSummary | None:
    """The summary kept for ``fingerprint``, or None (no snapshot, another one, or damaged)."""
    try:
        document = json.loads(read_file(snapshot_path(), MAX_SNAPSHOT_BYTES))
        if document.get("format") != FORMAT or document.get("fingerprint") != fingerprint:
            return None
        return _summary_from(document["summary"])
    except Exception:  # noqa: BLE001  a damaged cache (any shape, any depth) is no cache
        return None


def write_snapshot(fingerprint: str, summary: ContentSummary) -> None:
    """Keep ``summary`` for the next start (a cache: failing to write it only costs time)."""
    from ketaref.atomic import write_atomically  # tempfile and friends: not on a snapshot start

    document = {"format": FORMAT, "fingerprint": fingerprint, "summary": _summary_to(summary)}
    try:
        paths.state_dir().mkdir(parents=True, exist_ok=True)
        write_atomically(snapshot_path(), json.dumps(document).encode("ascii"))
    except OSError:
        return


def forget_snapshot() -> None:
    """Remove the snapshot (its summary turned out not to match what the pack holds now)."""
    with contextlib.suppress(OSError):
        snapshot_path().unlink(missing_ok=True)


def _summary_to(summary: ContentSummary) -> dict[str, Any]:
    return {
        "version": summary.version,
        "pack_hash": summary.pack_hash,
        "reviewed": summary.reviewed,
        "origin": summary.origin,
        "entries": [[e.kind, e.item_id, e.title, e.indication, e.status] for e in summary.entries],
        "notices": list(summary.notices),
        "refused_problems": list(summary.refused_problems),
        "expired": summary.expired,
        "refused": summary.refused,
    }


def _typed(value: object, kind: type) -> Any:
    if type(value) is not kind:
        raise TypeError(f"expected {kind.__name__}")
    return value


def _texts(value: object) -> tuple[str, ...]:
    return tuple(_typed(text, str) for text in _typed(value, list))


def _summary_from(data: dict[str, Any]) -> ContentSummary:
    entries = []
    for row in _typed(data["entries"], list):
        kind, item_id, title, indication, status = _texts(row)
        entries.append(CatalogueEntry(Kind(kind), item_id, title, indication, status))
    return ContentSummary(
        version=_typed(data["version"], str),
        pack_hash=_typed(data["pack_hash"], str),
        reviewed=_typed(data["reviewed"], bool),
        origin=_typed(data["origin"], str),
        entries=tuple(entries),
        notices=_texts(data["notices"]),
        refused_problems=_texts(data["refused_problems"]),
        expired=_typed(data["expired"], bool),
        refused=_typed(data["refused"], bool),
    )
