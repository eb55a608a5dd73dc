"""A failure of any file operation while a new site pack is activated leaves the old one in use."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ketaref import paths
from ketaref.content.format.pack import load_pack
from ketaref.content.in_use.active import load_active_content
from tests.lifecycle.conftest import Site

#: Every os-level call activation makes that writes, moves, removes or syncs a file.
FILE_OPERATIONS = ("open", "replace", "rename", "fsync", "mkdir", "unlink", "rmdir", "chmod")


@contextmanager
def failing_on_call(number: int | None) -> Iterator[list[str]]:
    """Count file operations; make the ``number``-th (1-based) raise OSError. Yields the log."""
    calls: list[str] = []
    originals: dict[str, Callable[..., Any]] = {n: getattr(os, n) for n in FILE_OPERATIONS}

    def wrap(name: str) -> Callable[..., Any]:
        def operation(*args: Any, **kwargs: Any) -> Any:
            if name == "open" and not _writes(*args, **kwargs):
                return originals[name](*args, **kwargs)  # reading is not what is tested here
            calls.append(name)
            if len(calls) == number:
                raise OSError(28, "No space left on device (injected)")
            return originals[name](*args, **kwargs)

        return operation

    with pytest.MonkeyPatch.context() as patch:
        for name in FILE_OPERATIONS:
            patch.setattr(os, name, wrap(name))
        yield calls


def _writes(_path: object, flags: int, *_args: Any, **_kwargs: Any) -> bool:
    return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))


def trust_state_bytes() -> bytes:
    return (paths.state_dir() / "trust-state.json").read_bytes()


def trust_v1_then_publish_v2(site: Site, packs: dict[str, Path], snapshot: Path) -> bytes:
    """A machine that trusts 2026.12.0, with 2026.12.1 just published; return its record."""
    state = paths.state_dir()
    shutil.rmtree(state / "trusted-pack", ignore_errors=True)
    (state / "trust-state.json").unlink(missing_ok=True)
    if snapshot.exists():
        shutil.copytree(snapshot / "trusted-pack", state / "trusted-pack")
        shutil.copy2(snapshot / "trust-state.json", state / "trust-state.json")
    else:
        site.publish(packs["v1"])
        assert load_active_content().library.version == "2026.12.0"
        shutil.copytree(state / "trusted-pack", snapshot / "trusted-pack")
        shutil.copy2(state / "trust-state.json", snapshot / "trust-state.json")
    site.publish(packs["v2"])
    return trust_state_bytes()


def test_a_failed_activation_keeps_the_previous_pack_and_record(
    site: Site, small_packs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", lambda _fd: None)  # durability is not what is tested here
    snapshot = tmp_path / "snapshot"
    trust_v1_then_publish_v2(site, small_packs, snapshot)
    with failing_on_call(None) as calls:
        assert load_active_content().library.version == "2026.12.1"
    total = len(calls)
    assert total > 10

    kept_old = 0
    for number in range(1, total + 1):
        before = trust_v1_then_publish_v2(site, small_packs, snapshot)
        with failing_on_call(number):
            active = load_active_content()
        record = trust_state_bytes()
        in_use = load_pack(active.library.directory)  # whatever is in use fully verifies
        assert in_use.manifest_bytes == active.library.manifest_bytes
        if active.library.version == "2026.12.0":
            kept_old += 1
            assert record == before, f"operation {number}: record changed, old pack in use"
            # a failed write says "could not be copied"; a failed read, that a file cannot be read
            assert "was refused" in active.notices[-1]
        else:  # the failure came after the commit (cleaning up): the new pack is complete
            assert active.library.version == "2026.12.1", f"operation {number}"
            assert b'"2026.12.1"' in record, f"operation {number}: new pack in use, not recorded"
        # with the disk healthy again, the upgrade goes through and leaves nothing behind
        active = load_active_content()
        assert active.library.version == "2026.12.1"
        copies = [p.name for p in (paths.state_dir() / "trusted-pack").iterdir()]
        assert copies == [active.library.directory.name], f"operation {number}: {copies}"
        assert not [p for p in paths.state_dir().iterdir() if p.name.endswith(".part")]
    assert kept_old >= total // 2
