"""A clinic's weight rule: refuse, rather than warn about, a weight outside the warning levels.

The weights are the content's own warning levels (40 kg and 150 kg, input checks the site sets in
its pack); the local-rule files are test data (tests/local_rule_files.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.lifecycle.conftest import Keys, Site
from tests.local_rule_files import publish_rules, rules_text

ATTRIBUTION = (
    "Local rule: Test policy TP-1 rev 1, approved by Test Approver, Medical director on"
    " 2026-11-01, review due 2099-11-01"
)
WEIGHT_SLOTS = {
    "iv-trd-weight-outside-warning": "iv-ketamine-trd",
    "iv-chronic-pain-weight-outside-warning": "iv-ketamine-chronic-pain",
    "iv-acute-pain-weight-outside-warning": "iv-ketamine-acute-pain",
}
#: A dose each protocol accepts (its own published numbers), so only the weight can be refused.
A_DOSE = {
    "iv-ketamine-trd": "0.5 mg/kg",
    "iv-ketamine-chronic-pain": "0.5 mg/kg/h",
    "iv-ketamine-acute-pain": "0.5 mg/kg/h",
}
RULE_TEXT = f"Clinic's weight rule: a weight below 40 kg or above 150 kg is refused ({ATTRIBUTION})"


def test_each_weight_based_protocol_offers_warn_or_refuse(cli: Cli) -> None:
    slots = {s["id"]: s for s in json.loads(cli("local-rules", "template", "--json").stdout)}
    for slot_id, protocol in WEIGHT_SLOTS.items():
        assert slots[slot_id]["type"] == "choice"
        assert slots[slot_id]["options"] == ["warn", "refuse"]
        assert slots[slot_id]["item"] == protocol


@pytest.mark.parametrize(("slot", "protocol"), WEIGHT_SLOTS.items())
@pytest.mark.parametrize(
    ("weight", "words"),
    [
        ("39 kg", "weight “39 kg” is below 40 kg, the lowest weight this clinic doses by"),
        ("151 kg", "weight “151 kg” is above 150 kg, the highest weight this clinic doses by"),
        ("340 lb", "weight “340 lb” (154.2214058 kg) is above 150 kg"),
    ],
)
def test_refuse_refuses_a_weight_outside_the_warning_levels_naming_the_rule(
    site: Site, keys: Keys, cli: Cli, slot: str, protocol: str, weight: str, words: str
) -> None:
    publish_rules(site.shared, rules_text({slot: "refuse"}), keys.private, cli)
    for extra in ((), ("--json",)):
        dose = ("--dose", A_DOSE[protocol])
        result = cli("dose", "--protocol", protocol, "--weight", weight, *dose, *extra)
        assert (result.returncode, result.stdout) == (2, "")
        assert f"--weight: {words}" in result.stderr
        assert ATTRIBUTION in result.stderr
        assert "this clinic accepts weights from 40 kg to 150 kg" in result.stderr


def test_refuse_accepts_the_warning_levels_and_shows_the_rule(
    site: Site, keys: Keys, cli: Cli
) -> None:
    publish_rules(
        site.shared, rules_text({"iv-trd-weight-outside-warning": "refuse"}), keys.private, cli
    )
    for weight in ("40 kg", "150 kg", "70 kg"):
        result = cli("dose", "--protocol", "iv-ketamine-trd", "--weight", weight)
        assert result.returncode == 0, result.stderr
        assert RULE_TEXT in result.stdout
    document = json.loads(
        cli("dose", "--protocol", "iv-ketamine-trd", "--weight", "70 kg", "--json").stdout
    )
    assert document["local_weight_rule"] == {
        "lowest": "40 kg",
        "highest": "150 kg",
        "slot": "iv-trd-weight-outside-warning",
        "local_rule": ATTRIBUTION,
    }
    # The hard limits stay the content's, with their own words.
    result = cli("dose", "--protocol", "iv-ketamine-trd", "--weight", "10 kg")
    assert "the lowest weight this protocol's calculator accepts" in result.stderr


@pytest.mark.parametrize("value", ["warn", None])
def test_warn_or_unset_keeps_the_contents_warning(
    site: Site, keys: Keys, cli: Cli, value: str | None
) -> None:
    values = {"iv-trd-weight-outside-warning": value} if value else {"iv-weight-basis": "ideal"}
    publish_rules(site.shared, rules_text(values), keys.private, cli)
    result = cli("dose", "--protocol", "iv-ketamine-trd", "--weight", "39 kg", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["local_weight_rule"] is None
    assert any("is below 40 kg; check it" in warning for warning in document["warnings"])
    assert "Clinic's weight rule" not in result.stdout


def test_a_choice_outside_warn_and_refuse_is_refused(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(rules_text({"iv-trd-weight-outside-warning": "block"}), encoding="utf-8")
    result = cli("local-rules", "validate", path)
    assert result.returncode == 1
    assert "“block” is not one of the options: warn, refuse" in result.stdout


def test_a_weight_typed_for_a_printout_follows_the_same_rule(
    site: Site, keys: Keys, cli: Cli, tmp_path: Path
) -> None:
    publish_rules(
        site.shared, rules_text({"iv-trd-weight-outside-warning": "refuse"}), keys.private, cli
    )
    out = tmp_path / "sheet.pdf"
    args = ("print", "--protocol", "iv-ketamine-trd", "--out", out)
    result = cli(*args, "--weight", "39 kg")
    assert result.returncode == 2
    assert "is below 40 kg, the lowest weight this clinic doses by" in result.stderr
    assert ATTRIBUTION in result.stderr
    assert not out.exists()
    assert cli(*args, "--weight", "40 kg").returncode == 0
