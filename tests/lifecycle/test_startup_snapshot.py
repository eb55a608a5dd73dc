"""The start-up snapshot: used while every input is as it was, never once one has changed."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketaref import paths
from ketaref.content import snapshot
from ketaref.content.active import ActiveContent
from ketaref.content.pack import Library
from ketaref.content.problems import ContentError, ContentProblem
from ketaref.content.snapshot import load_and_keep, snapshot_path, startup_summary
from ketaref.content.summary import (
    ContentSummary,
    ContentUnavailable,
    DeferredContent,
    summarize,
)
from ketaref.policy import Policy, load_policy
from tests.lifecycle.conftest import Site, make_pack

TODAY = dt.date(2026, 11, 25)


def kept_summary(today: dt.date = TODAY) -> ContentSummary | None:
    """What the next start would build its window from (None: it loads the pack first)."""
    return startup_summary(load_policy(), today)


def full_start(today: dt.date = TODAY) -> ContentSummary:
    """A start without a usable snapshot: load in full (keeping the summary), as the app does."""
    return summarize(load_and_keep(load_policy(), today))


def test_a_full_load_keeps_the_summary_the_next_start_uses() -> None:
    assert kept_summary() is None
    loaded = full_start()
    kept = kept_summary()
    assert kept == loaded
    assert kept is not None
    assert kept.origin == "bundled"
    assert not kept.refused
    assert not kept.reviewed
    titles = {entry.item_id: entry for entry in kept.entries}
    assert titles["spravato-trd"].kind == "protocol"
    assert titles["spravato-trd"].status == "FDA-approved labelling"
    assert {"checklist", "contraindications"} <= {entry.kind for entry in kept.entries}


def test_an_unchanged_start_does_not_rewrite_the_snapshot() -> None:
    full_start()
    os.utime(snapshot_path(), ns=(10**18, 10**18))  # a mark any rewrite would replace
    full_start()
    assert snapshot_path().stat().st_mtime_ns == 10**18


def test_another_day_does_not_use_yesterdays_snapshot() -> None:
    full_start()
    assert kept_summary(TODAY + dt.timedelta(days=1)) is None  # packs expire by the day


def test_a_change_to_which_content_is_trusted_does_not_use_the_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.toml"
    monkeypatch.setenv("KETAREF_POLICY", str(policy))
    full_start()
    policy.write_text('clinic_name = "North"\n', encoding="utf-8")
    assert kept_summary() is not None  # the clinic name does not decide the content
    policy.write_text('expired_content = "block"\n', encoding="utf-8")
    assert kept_summary() is None


def test_another_app_version_does_not_use_the_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    full_start()
    monkeypatch.setattr(snapshot, "__version__", "99.0.0")
    assert kept_summary() is None


def test_logs_do_not_count_as_an_input() -> None:
    full_start()
    paths.log_dir().mkdir(parents=True, exist_ok=True)
    (paths.log_dir() / "ketaref.log").write_text("an error\n", encoding="utf-8")
    assert kept_summary() is not None


def test_a_site_pack_is_kept_from_its_second_start(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["v1"])
    first = full_start()  # installs the verified copy: an input changed while loading
    assert first.version == "2026.12.0"
    assert kept_summary() is None
    assert full_start() == first
    assert kept_summary() == first


@pytest.mark.parametrize(
    "change",
    [
        "a byte of a file",
        "a file added",
        "a file removed",
        "the trusted key",
        "the trust record",
        "the verified copy",
    ],
)
def test_any_changed_input_stops_the_snapshot_being_used(
    site: Site, packs: dict[str, Path], change: str
) -> None:
    site.publish(packs["v1"])
    full_start()
    full_start()
    assert kept_summary() is not None
    state = paths.state_dir()
    if change == "a byte of a file":
        sources = site.shared / "sources.yaml"
        sources.write_bytes(sources.read_bytes().replace(b"https", b"httpS", 1))
    elif change == "a file added":
        (site.shared / "notes.txt").write_text("new\n", encoding="utf-8")
    elif change == "a file removed":
        (site.shared / "manifest.sig").unlink()
    elif change == "the trusted key":
        key = site.keys.public
        key.write_bytes(key.read_bytes())  # same bytes: still the same input
        assert kept_summary() is not None
        site.configure(trusted_keys=[str(site.keys.other_public)])
    elif change == "the trust record":
        record = state / "trust-state.json"
        record.write_text(record.read_text(encoding="utf-8") + " ", encoding="utf-8")
    else:
        copy = next((state / "trusted-pack").iterdir())
        (copy / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    assert kept_summary() is None


def test_a_site_folder_named_through_a_link_is_followed(
    tmp_path: Path, site: Site, packs: dict[str, Path]
) -> None:
    site.publish(packs["v1"])
    link = tmp_path / "content-link"
    link.symlink_to(site.shared, target_is_directory=True)
    site.configure(content_dir=str(link))
    full_start()
    full_start()
    assert kept_summary() is not None
    (site.shared / "manifest.sig").unlink()
    assert kept_summary() is None


def test_a_refused_site_pack_is_kept_with_its_problems(site: Site, packs: dict[str, Path]) -> None:
    site.publish(packs["foreign"])
    refused = full_start()
    assert refused.refused
    assert refused.notices
    assert kept_summary() == refused  # refusing installs nothing: kept at once


def test_a_damaged_snapshot_is_ignored() -> None:
    full_start()
    snapshot_path().write_bytes(b"\x00not json")
    assert kept_summary() is None
    assert full_start() == kept_summary()  # and replaced by the next full load


def test_a_snapshot_with_wrong_types_is_ignored() -> None:
    full_start()
    document = json.loads(snapshot_path().read_text(encoding="utf-8"))
    document["summary"]["reviewed"] = "yes"
    snapshot_path().write_text(json.dumps(document), encoding="utf-8")
    assert kept_summary() is None


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=20,
    )
)
def test_any_json_in_the_snapshot_gives_a_summary_or_none(value: object) -> None:
    policy: Policy = load_policy()
    fingerprint = snapshot.input_fingerprint(policy, TODAY)
    assert fingerprint is not None
    path = snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for document in (
        value,
        {"format": snapshot.FORMAT, "fingerprint": fingerprint, "summary": value},
    ):
        path.write_text(json.dumps(document), encoding="utf-8")
        result = snapshot.read_snapshot(fingerprint)
        assert result is None or isinstance(result, ContentSummary)


def test_too_many_inputs_means_no_snapshot_and_a_full_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(snapshot, "MAX_INPUT_ENTRIES", 3)
    assert full_start().origin == "bundled"
    assert not snapshot_path().exists()


def test_a_state_dir_that_cannot_be_written_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "state-is-a-file"
    blocked.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("KETAREF_STATE_DIR", str(blocked))
    assert full_start().origin == "bundled"
    assert blocked.read_text(encoding="utf-8") == "not a folder\n"
    assert kept_summary() is None


def test_an_expired_pack_is_kept_with_its_mark(tmp_path: Path, site: Site) -> None:
    expired = make_pack(tmp_path / "expired", "2026.12.2", site.keys.private, expires="2026-01-31")
    site.publish(expired)
    full_start()
    kept = full_start()
    assert kept.expired
    assert kept_summary() == kept


def test_odd_file_names_and_deep_folders_do_not_stop_a_start(
    site: Site, packs: dict[str, Path]
) -> None:
    site.publish(packs["v1"])
    odd = os.fsdecode(b"\xff-junk")  # not UTF-8: a stray file on a share
    (site.shared / odd).write_bytes(b"x")
    (paths.state_dir() / odd).write_bytes(b"x")
    deep = paths.state_dir() / "deep"
    for _ in range(300):  # deeper than Python's recursion would allow in a recursive walk
        deep = deep / "d"
    deep.mkdir(parents=True)
    full_start()
    full_start()
    assert kept_summary() is not None


def test_a_huge_file_among_the_inputs_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "MAX_INPUT_BYTES", 1024 * 1024)
    huge = paths.state_dir() / "huge.bin"
    with huge.open("wb") as stream:
        stream.truncate(8 * 1024 * 1024)  # sparse: nothing to read unless someone reads it
    read: list[Path] = []
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    assert kept_summary() is None
    assert huge not in read


def test_a_deeply_nested_snapshot_is_ignored() -> None:
    full_start()
    snapshot_path().write_text("[" * 100_000, encoding="utf-8")
    assert kept_summary() is None


def test_a_new_users_second_start_uses_the_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETAREF_STATE_DIR", str(tmp_path / "not-yet-made"))
    full_start()  # the first start ever: the state dir does not exist until now
    assert kept_summary() is not None


def test_a_failed_load_is_reported_every_time_and_never_repeated(bundled_library: Library) -> None:
    calls: list[int] = []

    def failing() -> ActiveContent:
        calls.append(1)
        raise ContentError([ContentProblem("sources.yaml", 7, 3, "“url” is missing")])

    summary = summarize(ActiveContent(library=bundled_library, origin="bundled"))
    for background in (False, True):
        calls.clear()
        content = DeferredContent(summary, failing)
        if background:
            content.load_in_background()
        for _ in range(2):
            with pytest.raises(ContentUnavailable) as raised:
                content.active()
            assert isinstance(raised.value.cause, ContentError)
        content.load_in_background()  # a failed load is not started again
        assert content.wait(5)
        assert calls == [1]
        assert not content.is_loaded
        assert content.failure is raised.value.cause
