"""What a refused or unusable site pack tells the user: whole sentences that name the cause."""

from __future__ import annotations

import re
from pathlib import Path

from ketaref import paths
from tests.conftest import Cli
from tests.lifecycle.conftest import Site, write_policy

#: Python's exception class names, which mean nothing to a nurse or an IT admin.
EXCEPTION_NAME = re.compile(r"\b[A-Z][a-z]+(Error|Exception)\b")


def test_a_kept_copy_past_its_date_says_why_it_is_not_used(
    site: Site, packs: dict[str, Path], cli: Cli
) -> None:
    site.publish(packs["expired"])
    assert "content 2026.12.2" in cli("--version").stdout  # trusted while the policy warns
    site.configure(expired_content="block")
    site.shared.rename(site.shared.with_name("offline"))

    stderr = cli("--version").stderr

    assert re.search(
        r"the last trusted site pack 2026\.12\.2 \([0-9a-f]{12}\) is not used: it expired on"
        r" 2026-01-31 and the machine policy blocks expired content",
        stderr,
    ), stderr


def test_a_refusal_names_the_problem_not_only_how_many(
    site: Site, small_packs: dict[str, Path], cli: Cli
) -> None:
    site.publish(small_packs["v1"])
    with (site.shared / "sources.yaml").open("a", encoding="utf-8") as stream:
        stream.write("# changed after signing\n")

    stderr = cli("--version").stderr

    assert "was refused: content is invalid: 1 problem (sources.yaml:1:1: " in stderr
    assert "1 problems" not in stderr


def test_a_damaged_trust_record_is_described_in_words(
    site: Site, small_packs: dict[str, Path], cli: Cli
) -> None:
    site.publish(small_packs["v1"])
    record = paths.state_dir() / "trust-state.json"
    for damage, words in (
        (b"{", "is not a trust record (not valid JSON)"),
        (b'{"version": 1}', "does not hold a version and a manifest hash"),
        (b"[]", "does not hold a version and a manifest hash"),
    ):
        paths.state_dir().mkdir(parents=True, exist_ok=True)
        record.write_bytes(damage)
        stderr = cli("--version").stderr
        assert f"the record of trusted site packs is damaged: {record} {words}" in stderr
        assert not EXCEPTION_NAME.search(stderr), stderr


def test_one_bad_policy_value_keeps_the_site_pack(
    site: Site, small_packs: dict[str, Path], cli: Cli
) -> None:
    site.publish(small_packs["v1"])
    write_policy(
        {
            "clinic_name": 3,
            "content_dir": str(site.shared),
            "trusted_keys": [str(site.keys.public)],
        }
    )

    result = cli("--version")

    assert "content 2026.12.0" in result.stdout
    assert "clinic_name must be text in quotes, not a number" in result.stderr
