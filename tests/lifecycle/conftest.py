"""Real keys and real signed packs (copies of the bundled pack, re-versioned, sealed and signed)."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.content.lifecycle.signing import generate_keypair, sign_pack

#: The one content item a small pack keeps besides sources.yaml.
SMALL_PACK_ITEM = "contraindications/" + min(
    item.name for item in (paths.bundled_content_dir() / "contraindications").iterdir()
)


def make_pack(
    target: Path,
    version: str,
    key: Path | None,
    *,
    expires: str | None = None,
    local_note: str | None = None,
    small: bool = False,
) -> Path:
    """A copy of the bundled pack at ``version``, sealed and (with ``key``) signed.

    ``small`` keeps only the sources and one contraindication list: a real, valid pack that stays
    quick to load however much content the bundled pack gains (for tests that load hundreds).
    """
    shutil.copytree(paths.bundled_content_dir(), target)
    if small:
        shutil.rmtree(target / "protocols")
        shutil.rmtree(target / "checklists")
        for item in (target / "contraindications").iterdir():
            if item.relative_to(target).as_posix() != SMALL_PACK_ITEM:
                item.unlink()
    manifest = target / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index('content_version: "') + len('content_version: "')
    text = text[:start] + version + text[text.index('"', start) :]
    if expires:
        text = text.replace("\nreleased:", f"\nexpires: {expires}\nreleased:", 1)
    manifest.write_text(text, encoding="utf-8")
    if local_note:  # a different pack under the same version: one changed byte is enough
        with (target / "sources.yaml").open("a", encoding="utf-8") as stream:
            stream.write(f"# {local_note}\n")
    from ketaref.content.lifecycle.seal import seal

    seal(target, same_version=True)  # a test pack, not a release: its version is the test's
    if key is not None:
        sign_pack(target, key)
    return target


def write_policy(values: dict[str, object]) -> Path:
    """Write the machine policy KETAREF_POLICY points at (TOML) and return its path."""
    path = Path(os.environ["KETAREF_POLICY"])
    lines = [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Keys:
    """A trusted key pair and an untrusted one."""

    private: Path
    public: Path
    other_private: Path
    other_public: Path


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    folder = tmp_path_factory.mktemp("keys")
    private, public = generate_keypair(folder, "clinic")
    other_private, other_public = generate_keypair(folder, "intruder")
    return Keys(private, public, other_private, other_public)


def build_packs(root: Path, keys: Keys, small: bool) -> dict[str, Path]:
    """Signed packs: versions, a same-version variant, expired, foreign, unsigned."""
    return {
        "v1": make_pack(root / "v1", "2026.12.0", keys.private, small=small),
        "v2": make_pack(root / "v2", "2026.12.1", keys.private, small=small),
        "v3": make_pack(root / "v3", "2027.1.0", keys.private, small=small),
        "v2-variant": make_pack(
            root / "v2b", "2026.12.1", keys.private, local_note="variant", small=small
        ),
        "expired": make_pack(
            root / "expired", "2026.12.2", keys.private, expires="2026-01-31", small=small
        ),
        "foreign": make_pack(root / "foreign", "2026.12.3", keys.other_private, small=small),
        "unsigned": make_pack(root / "unsigned", "2026.12.4", None, small=small),
    }


@pytest.fixture(scope="session")
def packs(tmp_path_factory: pytest.TempPathFactory, keys: Keys) -> dict[str, Path]:
    """Full copies of the bundled pack, re-versioned and signed."""
    return build_packs(tmp_path_factory.mktemp("packs"), keys, small=False)


@pytest.fixture(scope="session")
def small_packs(tmp_path_factory: pytest.TempPathFactory, keys: Keys) -> dict[str, Path]:
    """The same packs, cut down to sources and contraindication lists (quick to load)."""
    return build_packs(tmp_path_factory.mktemp("small-packs"), keys, small=True)


@dataclass
class Site:
    """A clinic's shared folder and this machine's policy pointing at it."""

    shared: Path
    keys: Keys

    def publish(self, pack: Path) -> None:
        """IT copies a pack into the shared folder, replacing what was there."""
        if self.shared.exists():
            shutil.rmtree(self.shared)
        shutil.copytree(pack, self.shared)

    def configure(self, **overrides: object) -> Path:
        values: dict[str, object] = {
            "content_dir": str(self.shared),
            "trusted_keys": [str(self.keys.public)],
        }
        values.update(overrides)
        return write_policy(values)


@pytest.fixture
def site(tmp_path: Path, keys: Keys) -> Site:
    """A shared folder (empty until a pack is published) and a policy naming it."""
    shared_site = Site(tmp_path / "shared" / "ketaref-content", keys)
    shared_site.configure()
    return shared_site


def state_record() -> dict[str, str] | None:
    """The trust record as written on disk, None if there is none."""
    path = paths.state_dir() / "trust-state.json"
    return json.loads(path.read_text()) if path.exists() else None
