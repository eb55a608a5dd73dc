"""Local rules through the real command line: template, validate, sign, show, and delivery.

Every value in these files is test data (tests/local_rule_files.py), not clinical content.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.content.format.pack import Library, load_pack
from ketaref.content.lifecycle.local_rules_gate import slots_of
from ketaref.content.lifecycle.seal import seal
from ketaref.content.lifecycle.signing import sign_pack
from tests.conftest import Cli
from tests.lifecycle.conftest import Keys, Site, make_pack
from tests.local_rule_files import (
    PROBLEM,
    TEST_VALUES,
    one_problem,
    publish_rules,
    rules_text,
    sign_unchecked,
    write_rules,
)


def shown(cli: Cli) -> dict[str, object]:
    result = cli("local-rules", "show", "--json")
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_every_site_defined_value_of_the_bundled_pack_has_a_slot(cli: Cli) -> None:
    library = load_pack(paths.bundled_content_dir())
    site_defined = [
        entry
        for checklist in library.checklists.values()
        for entry in checklist.items()
        if entry.site_defined is not None and entry.protocol_slot is None
    ]
    observations = [
        p.observation.site_defined
        for p in library.protocols.values()
        if p.observation and p.observation.site_defined
    ]
    highest_doses = [
        regimen.local_highest_dose
        for p in library.protocols.values()
        for regimen in (p.dosing.regimens if p.dosing else ())
        if regimen.local_highest_dose
    ]
    weight_rules = [
        p.dosing.weight_limits.local_outside_warning
        for p in library.protocols.values()
        if p.dosing and p.dosing.weight_limits and p.dosing.weight_limits.local_outside_warning
    ]
    # An item taking the protocol's own slot (the IV sheet's observation time) has none itself.
    assert all(entry.site_defined.slot for entry in site_defined)
    assert all(site.slot for site in observations)
    result = cli("local-rules", "template", "--json")
    slots = json.loads(result.stdout)
    # + SPRAVATO's 2-hour item, whose slot is on the cited item itself
    declared = len(site_defined) + len(observations) + len(highest_doses) + len(weight_rules)
    assert len(slots) == declared + 1
    for slot in slots:
        assert set(slot) >= {"id", "item", "meaning", "type", "unit", "options"}
        assert slot["type"] in {"blood-pressure", "duration", "interval", "choice", "text", "staff"}
        assert (slot["options"] is None) == (slot["type"] != "choice")
    weight = next(s for s in slots if s["id"] == "iv-weight-basis")
    assert weight["options"] == ["actual", "ideal", "adjusted"]


def test_the_template_filled_with_dates_validates(tmp_path: Path, cli: Cli) -> None:
    template = cli("local-rules", "template").stdout
    assert '  iv-bp-threshold: ""' in template
    assert "# Blood pressure at or above" in template
    filled = template.replace('clinic: ""', 'clinic: "Test"').replace(
        'document: ""', 'document: "Test doc"'
    )
    filled = re.sub(
        r'approved_by: \{name: "", role: ""\}', 'approved_by: {name: "A", role: "B"}', filled
    )
    filled = filled.replace('clinical_owner: {name: "", role: ""}', "")
    filled = filled.replace('approving_body: ""', "")
    filled = filled.replace("approved_on: YYYY-MM-DD", "approved_on: 2026-11-01")
    filled = filled.replace("effective_from: YYYY-MM-DD", "effective_from: 2026-11-01")
    filled = filled.replace("review_due: YYYY-MM-DD", "review_due: 2099-11-01")
    filled = filled.replace('  iv-weight-basis: ""', '  iv-weight-basis: "actual"')
    filled = filled.replace(
        '  iv-weight-basis:\n    change: ""', '  iv-weight-basis:\n    change: "new"'
    )
    path = write_rules(tmp_path / "local-rules.yaml", filled)
    result = cli("local-rules", "validate", path)
    assert result.returncode == 0, result.stdout
    assert "1 of the slots" in result.stderr


def test_a_good_file_validates(tmp_path: Path, cli: Cli) -> None:
    path = write_rules(tmp_path / "rules.yaml", rules_text())
    result = cli("local-rules", "validate", path)
    assert (result.returncode, result.stdout) == (0, "")


HOSTILE_VALUES = [
    ("iv-bp-threshold", "171/93 mm", "in mmHg"),
    ("iv-bp-threshold", "171.0/93 mmHg", "not a blood pressure"),
    ("iv-bp-threshold", "93/171 mmHg", "systolic figure comes first"),
    ("iv-bp-threshold", "171/93mmHg", "one space"),
    ("iv-vital-signs-interval", "1 h", "an interval is in min"),
    ("iv-vital-signs-interval", "17.0 min", "trailing zero"),
    ("iv-vital-signs-interval", ".5 min", "leading zero"),
    ("iv-vital-signs-interval", "0 min", "more than zero"),
    ("iv-vital-signs-interval", "17 mg", "an interval is in min"),
    ("iv-trd-observation-time", "1-2 h", "en dash"),
    ("iv-weight-basis", "lean", "not one of the options: actual, ideal, adjusted"),
    ("iv-staffing", "2 cc nurses", "cc"),
    ("iv-staffing", "nurse\x07", "control character"),
    ("spravato-observation-time", "90 min", "shorter than the published minimum of 2 h"),
    ("spravato-observation-time", "1 h", "never shorten"),
]


@pytest.mark.parametrize(("slot", "value", "reason"), HOSTILE_VALUES)
def test_a_bad_value_is_refused_at_its_line_with_the_reason(
    tmp_path: Path, cli: Cli, slot: str, value: str, reason: str
) -> None:
    path = write_rules(tmp_path / "rules.yaml", rules_text({**TEST_VALUES, slot: value}))
    problem = one_problem(cli, path)
    assert slot in problem.written
    assert reason in problem.message
    assert "nothing from it is used" in problem.summary


HOSTILE_FILES = [
    (rules_text(extra="colour: blue\n"), "unknown key “colour”"),
    (rules_text({"iv-bp-limit": "171/93 mmHg"}), "unknown slot “iv-bp-limit”"),
    (rules_text(review_due="2026-10-01"), "review date must come after the approval date"),
    (rules_text(approved_on="2026-13-01"), "YYYY-MM-DD"),
    (rules_text(version="one"), "dotted whole numbers"),
    (rules_text().replace("rules:\n", "rules: {}\nx:\n", 1).split("x:\n")[0], "no entry under"),
    (rules_text().replace('clinic: "Test Clinic"\n', ""), "“clinic” is missing"),
    (rules_text().replace("type: blood-pressure", "type: text"), "does not match its slot"),
    ("values: [1, 2\n", "not valid YAML"),
    ("- just\n- a list\n", "must be a mapping"),
]


@pytest.mark.parametrize(("text", "reason"), HOSTILE_FILES)
def test_a_bad_file_is_refused_with_the_reason(
    tmp_path: Path, cli: Cli, text: str, reason: str
) -> None:
    path = write_rules(tmp_path / "rules.yaml", text)
    result = cli("local-rules", "validate", path)
    assert result.returncode == 1
    assert result.stdout
    assert all(PROBLEM.match(line) for line in result.stdout.splitlines())
    assert reason in result.stdout


def test_validate_in_a_real_process_and_an_unreadable_path_is_bad_input(tmp_path: Path) -> None:
    path = write_rules(tmp_path / "rules.yaml", rules_text({"iv-weight-basis": "lean"}))
    command = [sys.executable, "-m", "ketaref", "local-rules", "validate"]
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stdout.startswith(f"{path}:")
    missing = subprocess.run(
        [*command, str(tmp_path / "nope.yaml")], capture_output=True, text=True, check=False
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr


def test_sign_refuses_a_bad_file_and_writes_no_signature(
    tmp_path: Path, cli: Cli, keys: Keys
) -> None:
    path = write_rules(tmp_path / "local-rules.yaml", rules_text({"iv-weight-basis": "lean"}))
    result = cli("local-rules", "sign", path, "--key", keys.private)
    assert result.returncode == 1
    assert not path.with_name("local-rules.yaml.sig").exists()


def test_signed_rules_in_content_dir_are_in_force_without_a_site_pack(
    site: Site, keys: Keys, cli: Cli
) -> None:
    publish_rules(site.shared, rules_text(), keys.private, cli)
    document = shown(cli)
    assert document["in_force"] is True
    values = document["values"]
    assert isinstance(values, dict)
    assert {slot: entry["value"] for slot, entry in values.items()} == TEST_VALUES
    assert document["attribution"] == (
        "Local rule: Test policy TP-1 rev 1, approved by Test Approver, Medical director on"
        " 2026-11-01, review due 2099-11-01"
    )
    text = cli("local-rules", "show").stdout
    assert "iv-bp-threshold = 171/93 mmHg" in text
    assert "Test policy TP-1 rev 1, version 1" in cli("policy", "show").stdout
    selftest = cli("self-test").stdout
    assert "ok  local rules: Test policy TP-1 rev 1, version 1" in selftest


def test_no_local_rules_file_means_none_and_no_complaint(site: Site, cli: Cli) -> None:
    site.shared.mkdir(parents=True)
    document = shown(cli)
    assert document["in_force"] is False
    assert "none in force" in cli("local-rules", "show").stdout


def _refused(cli: Cli) -> tuple[dict[str, object], str]:
    result = cli("local-rules", "show", "--json")
    return json.loads(result.stdout), result.stderr


def test_unsigned_rules_are_refused(site: Site, cli: Cli) -> None:
    publish_rules(site.shared, rules_text(), None, cli)
    document, stderr = _refused(cli)
    assert document["in_force"] is False
    assert "is not signed" in str(document["refusal"])
    assert "none are in force" in stderr
    selftest = cli("self-test")
    assert selftest.returncode == 1
    assert "FAIL local rules" in selftest.stdout


def test_rules_signed_by_an_untrusted_key_are_refused(site: Site, keys: Keys, cli: Cli) -> None:
    publish_rules(site.shared, rules_text(), keys.other_private, cli)
    document, _ = _refused(cli)
    assert "not from a trusted key" in str(document["refusal"])


def test_tampered_rules_fall_back_to_the_last_good_ones(site: Site, keys: Keys, cli: Cli) -> None:
    path = publish_rules(site.shared, rules_text(), keys.private, cli)
    assert shown(cli)["in_force"] is True
    path.write_text(path.read_text().replace("171/93", "191/93"), encoding="utf-8")
    document, stderr = _refused(cli)
    assert "changed after signing" in str(document["refusal"])
    assert "using the last trusted local rules, version 1" in stderr
    values = document["values"]
    assert isinstance(values, dict)
    assert values["iv-bp-threshold"]["value"] == "171/93 mmHg"


def test_a_bad_value_in_a_signed_file_applies_nothing(site: Site, keys: Keys, cli: Cli) -> None:
    # Signed with the policy's key but invalid: a signature never makes a bad value usable.
    text = rules_text({**TEST_VALUES, "iv-weight-basis": "lean"})
    sign_unchecked(write_rules(site.shared / "local-rules.yaml", text), keys.private)
    document, _ = _refused(cli)
    assert document["in_force"] is False
    assert "not one of the options" in str(document["refusal"])
    assert "values" not in document


def test_an_older_version_is_refused_as_a_rollback(site: Site, keys: Keys, cli: Cli) -> None:
    publish_rules(site.shared, rules_text(version="2"), keys.private, cli)
    assert shown(cli)["version"] == "2"
    publish_rules(
        site.shared, rules_text({"iv-weight-basis": "actual"}, version="1"), keys.private, cli
    )
    document, _ = _refused(cli)
    assert "older than version 2" in str(document["refusal"])
    assert document["version"] == "2"
    publish_rules(
        site.shared, rules_text({"iv-weight-basis": "actual"}, version="2"), keys.private, cli
    )
    document, _ = _refused(cli)
    assert "must get a new version number" in str(document["refusal"])


def test_past_review_date_is_marked_under_warn_and_refused_under_block(
    site: Site, keys: Keys, cli: Cli
) -> None:
    publish_rules(
        site.shared,
        rules_text(approved_on="2020-01-01", review_due="2021-01-01"),
        keys.private,
        cli,
    )
    document, stderr = _refused(cli)
    assert document["in_force"] is True
    assert document["past_review"] is True
    assert "passed their review date on 2021-01-01" in stderr
    assert str(document["attribution"]).endswith("(past review date)")
    site.configure(expired_content="block")
    document, _ = _refused(cli)
    assert document["in_force"] is False
    assert "review date 2021-01-01 has passed" in str(document["refusal"])


def _updated_pack(target: Path, keys: Keys, old: str, new: str) -> Path:
    """The bundled pack as a later version whose IV session checklist says ``new`` for ``old``."""
    pack = make_pack(target, "2026.12.0", None)
    checklist = pack / "checklists" / "iv-ketamine-session.yaml"
    text = checklist.read_text(encoding="utf-8")
    assert old in text
    checklist.write_text(text.replace(old, new), encoding="utf-8")
    seal(pack, same_version=True)  # a test pack: its version is the one make_pack gave it
    sign_pack(pack, keys.private)
    return pack


def _update_under_signed_rules(
    site: Site, keys: Keys, cli: Cli, update: Path
) -> tuple[Library, dict[str, object], str]:
    """Rules approved and signed against the bundled content, in force; then ``update`` arrives
    in the same folder, the rules file left as it was. Returns the bundled library and what
    `local-rules show --json` then says (document, stderr)."""
    bundled = load_pack(paths.bundled_content_dir())
    rules = publish_rules(site.shared, rules_text(library=bundled), keys.private, cli)
    assert shown(cli)["in_force"] is True
    signed = rules.read_bytes(), rules.with_name("local-rules.yaml.sig").read_bytes()
    site.publish(update)
    rules.write_bytes(signed[0])
    rules.with_name("local-rules.yaml.sig").write_bytes(signed[1])
    document, stderr = _refused(cli)
    return bundled, document, stderr


def _held_back_alone(document: dict[str, object], slot_id: str) -> str:
    """The re-confirm reason of ``slot_id``, checking every other test value stays in force."""
    assert document["in_force"] is True
    values = document["values"]
    assert isinstance(values, dict)
    assert set(values) == set(TEST_VALUES) - {slot_id}
    reconfirm = document["reconfirm"]
    assert isinstance(reconfirm, dict)
    return str(reconfirm[slot_id])


@pytest.mark.parametrize("meaning", [False, True], ids=["renamed", "meaning-changed"])
def test_a_content_update_that_changes_a_slot_holds_back_only_that_rule(
    tmp_path: Path, site: Site, keys: Keys, cli: Cli, meaning: bool
) -> None:
    renamed = ("id: iv-bp-threshold", "id: iv-bp-stop-threshold")
    re_meant = (
        "Blood pressure at or above which an IV ketamine infusion is not started or is stopped",
        "Blood pressure at or above which an IV ketamine infusion is stopped",
    )
    update = _updated_pack(tmp_path / "update", keys, *(re_meant if meaning else renamed))
    bundled, document, stderr = _update_under_signed_rules(site, keys, cli, update)
    why = _held_back_alone(document, "iv-bp-threshold")
    assert f"approved against content {bundled.version}" in why
    assert ("meaning changed" if meaning else "no longer exists") in why
    assert "local rule not used: re-confirm “iv-bp-threshold”" in stderr
    assert "re-confirmed" in cli("self-test").stdout
    # `validate` against the updated content says the same and fails, so the clinic re-approves.
    result = cli("local-rules", "validate", site.shared / "local-rules.yaml")
    assert result.returncode == 1
    assert "re-confirm “iv-bp-threshold”" in result.stdout


@pytest.mark.parametrize(
    ("slot_id", "old", "new", "reason"),
    [
        (
            "iv-vital-signs-interval",
            'accepted: "1–120 min"',
            'accepted: "1–15 min"',
            "“17 min” is outside 1–15 min",
        ),
        (
            "iv-weight-basis",
            'options: ["actual", "ideal", "adjusted"]',
            'options: ["actual", "adjusted"]',
            "“ideal” is not one of the options",
        ),
    ],
    ids=["input-check-narrowed", "option-removed"],
)
def test_a_content_update_that_narrows_a_slot_holds_back_only_that_rule(
    tmp_path: Path, site: Site, keys: Keys, cli: Cli, slot_id: str, old: str, new: str, reason: str
) -> None:
    # A content update that no longer takes one of the clinic's values: that rule waits for its
    # owner, the others stay in force.
    update = _updated_pack(tmp_path / "update", keys, old, new)
    bundled, document, stderr = _update_under_signed_rules(site, keys, cli, update)
    why = _held_back_alone(document, slot_id)
    assert f"approved against content {bundled.version}" in why
    assert reason in why
    assert f"local rule not used: re-confirm “{slot_id}”" in stderr


def test_a_rule_approved_against_this_content_with_a_value_it_refuses_refuses_the_file(
    site: Site, keys: Keys, cli: Cli
) -> None:
    # Only a content update may hold a rule back: a file made against this content with a value
    # outside its slot is simply wrong, and nothing of it is used.
    values = {**TEST_VALUES, "iv-vital-signs-interval": "121 min"}
    sign_unchecked(write_rules(site.shared / "local-rules.yaml", rules_text(values)), keys.private)
    document, _ = _refused(cli)
    assert document["in_force"] is False
    assert "“121 min” is outside 1–120 min" in str(document["refusal"])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("x" * 600, "is longer than 500 characters"),
        ("李", "holds a character the printout's font cannot show"),
    ],
    ids=["too-long", "unprintable"],
)
def test_a_choice_no_content_could_take_is_refused_though_approved_against_another_version(
    site: Site, keys: Keys, cli: Cli, value: str, reason: str
) -> None:
    # Only what a content update can narrow is held back: a choice no option can ever be is
    # simply wrong (and 600 characters were repeated in every notice of every command).
    values = {**TEST_VALUES, "iv-weight-basis": value}
    text = rules_text(values, approved_against="2000.1.1")
    sign_unchecked(write_rules(site.shared / "local-rules.yaml", text), keys.private)
    document, _ = _refused(cli)
    assert document["in_force"] is False
    assert f"“iv-weight-basis” {reason}" in " ".join(str(document["refusal"]).split())


@pytest.mark.parametrize("key", ["x" * 900, "Not A Slot", "iv_bp_threshold"])
def test_a_key_that_is_no_slot_id_refuses_the_file_though_approved_against_another_version(
    site: Site, keys: Keys, cli: Cli, key: str
) -> None:
    # A slot of an older version may be gone (its rule is held back), but a key that is not
    # written as a slot id never was one: the file is wrong, and the key is not echoed back.
    values = {**TEST_VALUES, key: "Test text"}
    text = rules_text(values, approved_against="2000.1.1")
    sign_unchecked(write_rules(site.shared / "local-rules.yaml", text), keys.private)
    document, stderr = _refused(cli)
    assert document["in_force"] is False
    assert "is not a slot id" in str(document["refusal"])
    assert key not in str(document) + stderr


def test_a_slot_declared_twice_is_a_content_problem(pack_copy: Path, cli: Cli) -> None:
    checklist = pack_copy / "checklists" / "iv-ketamine-session.yaml"
    text = checklist.read_text(encoding="utf-8").replace(
        "id: iv-follow-up", "id: iv-discharge-criteria"
    )
    checklist.write_text(text, encoding="utf-8")
    cli("content", "seal", "--same-version", pack_copy)
    result = cli("content", "validate", pack_copy)
    assert result.returncode == 1
    assert "slot “iv-discharge-criteria” is already declared" in result.stdout


def test_slots_of_the_bundled_pack_are_unique_and_typed() -> None:
    slots = slots_of(load_pack(paths.bundled_content_dir()))
    assert slots["spravato-observation-time"].slot.at_least is not None
    assert slots["iv-bp-threshold"].slot.unit == "mmHg"


def test_local_rules_beside_a_site_pack_are_not_part_of_the_pack(
    tmp_path: Path, keys: Keys, cli: Cli
) -> None:
    pack = make_pack(tmp_path / "site", "2026.12.0", keys.private, small=True)
    rules = write_rules(pack / "local-rules.yaml", rules_text({"iv-weight-basis": "ideal"}))
    assert cli("local-rules", "sign", rules, "--key", keys.private).returncode == 0
    assert cli("content", "validate", pack).returncode == 0
    assert cli("content", "verify", pack, "--key", keys.public).returncode == 0
