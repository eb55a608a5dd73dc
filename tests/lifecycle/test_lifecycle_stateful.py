"""A hypothesis state machine drives a workstation through installs, upgrades, tampering,
rollbacks and expiry, and starts the app after every step, checking that what is in use is a whole,
trusted pack (or the bundled one) and that the recorded trusted version never goes down."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from ketaref import paths
from ketaref.content.format.pack import Library, load_pack
from ketaref.content.in_use.active import ActiveContent, load_active_content
from ketaref.content.lifecycle.signing import PublicKey, load_public_key, verify_signed_pack
from tests.lifecycle.conftest import SMALL_PACK_ITEM, Keys, make_pack, state_record, write_policy

TRUSTED_PACKS = ("v1", "v2", "v3", "v2-variant", "expired")
ALL_PACKS = (*TRUSTED_PACKS, "foreign", "unsigned")
FILES = (
    "manifest.yaml",
    "manifest.sig",
    "sources.yaml",
    SMALL_PACK_ITEM,
)
BEFORE_EXPIRY, AFTER_EXPIRY = dt.date(2026, 1, 1), dt.date(2026, 6, 1)


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class Workstation(RuleBasedStateMachine):
    """One workstation and its shared site folder; the test sets the packs and keys it uses."""

    packs: dict[str, Path]
    keys: Keys
    bundled: Library
    trusted_key: PublicKey

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="ketaref-lifecycle-"))
        os.environ["KETAREF_STATE_DIR"] = str(self.root / "state")
        os.environ["KETAREF_POLICY"] = str(self.root / "policy.toml")
        self.shared = self.root / "shared"
        self.block_expired = False
        self.configure()
        self.published: str | None = None
        self.shared_intact = False
        self.highest_recorded: tuple[int, ...] = ()
        self.after_expiry = False

    def configure(self) -> None:
        write_policy(
            {
                "content_dir": str(self.shared),
                "trusted_keys": [str(self.keys.public)],
                "expired_content": "block" if self.block_expired else "warn",
            }
        )

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    @initialize(name=st.sampled_from(TRUSTED_PACKS))
    def publish_a_first_pack(self, name: str) -> None:
        self.publish(name)

    @rule(name=st.sampled_from(TRUSTED_PACKS))
    def publish_a_signed_pack(self, name: str) -> None:
        self.publish(name)

    @rule(name=st.sampled_from(ALL_PACKS))
    def publish(self, name: str) -> None:
        shutil.rmtree(self.shared, ignore_errors=True)
        shutil.copytree(self.packs[name], self.shared)
        self.published, self.shared_intact = name, True

    @rule(file=st.sampled_from(FILES))
    def tamper_with_shared_folder(self, file: str) -> None:
        target = self.shared / file
        if target.exists():
            target.write_bytes(target.read_bytes() + b"\n# changed\n")
            self.shared_intact = False

    @rule()
    def remove_shared_folder(self) -> None:
        shutil.rmtree(self.shared, ignore_errors=True)
        self.published = None

    @rule(file=st.sampled_from(FILES))
    def tamper_with_kept_copy(self, file: str) -> None:
        for copy in (paths.state_dir() / "trusted-pack").glob("*/"):
            if (copy / file).exists():
                (copy / file).write_bytes((copy / file).read_bytes() + b"#")

    @rule(block=st.booleans())
    def set_expiry_policy(self, block: bool) -> None:
        self.block_expired = block
        self.configure()

    @rule()
    def time_passes_the_expiry_date(self) -> None:
        self.after_expiry = True

    @invariant()
    def start_the_app(self) -> None:
        record_before = state_record()
        today = AFTER_EXPIRY if self.after_expiry else BEFORE_EXPIRY
        active = load_active_content(today=today)
        self.check_whole_and_trusted(active)
        self.check_a_fresh_pack_is_used(active, record_before)
        if self.published in ("foreign", "unsigned"):
            assert active.notices
            assert "refused" in " ".join(active.notices)
        self.check_the_recorded_version_never_goes_down()

    @property
    def blocked(self) -> bool:
        """Whether expired content is refused now."""
        return self.block_expired and self.after_expiry

    def check_whole_and_trusted(self, active: ActiveContent) -> None:
        """In use: the bundled pack, or a copy that verifies with a trusted key right now."""
        library = active.library
        if active.origin == "bundled":
            assert library.directory == self.bundled.directory
        else:
            assert library.directory.parent == paths.state_dir() / "trusted-pack"
            checked = verify_signed_pack(library.directory, [self.trusted_key])
            assert checked.manifest_bytes == library.manifest_bytes
            record = state_record()
            assert record is not None
            assert record["version"] == library.version
            digest = hashlib.sha256(library.manifest_bytes).hexdigest()
            assert record["manifest_sha256"] == digest
        if library.version == "2026.12.2":  # the pack that expires on 2026-01-31
            assert not self.blocked
            assert active.expired == self.after_expiry

    def check_a_fresh_pack_is_used(
        self, active: ActiveContent, record_before: dict[str, str] | None
    ) -> None:
        """A freshly published, intact, trusted pack newer than anything trusted is used."""
        if self.published not in TRUSTED_PACKS or not self.shared_intact:
            return
        version = load_pack(self.packs[self.published]).version
        newer = record_before is None or version_tuple(version) > version_tuple(
            record_before["version"]
        )
        if newer and not (self.published == "expired" and self.blocked):
            assert active.library.version == version, active.notices

    def check_the_recorded_version_never_goes_down(self) -> None:
        record = state_record()
        if record is not None:
            version = version_tuple(record["version"])
            assert version >= self.highest_recorded
            self.highest_recorded = version


def test_pack_lifecycle_keeps_its_invariants(
    small_packs: dict[str, Path], keys: Keys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(os, "fsync", lambda _fd: None)  # durability is not what is tested here
    # A small "bundled" pack: the fallback is loaded hundreds of times here, and its size is
    # not what this test is about.
    small_bundled = make_pack(tmp_path / "bundled", "2026.11.0", None, small=True)
    monkeypatch.setattr(paths, "bundled_content_dir", lambda: small_bundled)
    machine = type(
        "Workstation",
        (Workstation,),
        {
            "packs": small_packs,
            "keys": keys,
            "bundled": load_pack(small_bundled),
            "trusted_key": load_public_key(keys.public),
        },
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            derandomize=True,
            report_multiple_bugs=False,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no slow shrinking
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
