"""A clinic's highest dose per regimen: a local rule that narrows the calculator, never widens it.

Through the real command line: the template offers the content's own doses, `validate` refuses
anything else at its line, and `dose` refuses a dose above the clinic's choice naming the rule.
The local-rule values are test data (tests/local_rule_files.py); the doses are the content's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.lifecycle.conftest import Keys, Site
from tests.local_rule_files import publish_rules, rules_text, write_rules

PROBLEM = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")
ATTRIBUTION = (
    "Local rule: Test policy TP-1 rev 1, approved by Test Approver, Medical director on"
    " 2026-11-01, review due 2099-11-01"
)
#: Each dosed regimen with a local highest dose: its slot, and the doses the content names.
HIGHEST_DOSE_SLOTS = {
    "spravato-trd-highest-dose": ("spravato-trd", ["56 mg", "84 mg"]),
    "spravato-mdsi-highest-dose": ("spravato-mdsi", ["56 mg", "84 mg"]),
    "iv-trd-highest-dose": ("iv-ketamine-trd", ["0.5 mg/kg", "0.75 mg/kg"]),
    "iv-acute-pain-highest-rate": ("iv-ketamine-acute-pain", ["0.5 mg/kg/h", "1 mg/kg/h"]),
    "iv-chronic-pain-highest-rate": ("iv-ketamine-chronic-pain", ["0.5 mg/kg/h", "2 mg/kg/h"]),
}


def dose(cli: Cli, *args: str) -> tuple[int, str, str]:
    result = cli("dose", *args)
    return result.returncode, result.stdout, result.stderr


def test_the_template_offers_each_regimens_published_doses_as_a_choice(cli: Cli) -> None:
    slots = {s["id"]: s for s in json.loads(cli("local-rules", "template", "--json").stdout)}
    assert {s["type"] for s in slots.values()} <= {
        "blood-pressure",
        "duration",
        "interval",
        "choice",
        "text",
        "staff",
    }
    for slot_id, (protocol, options) in HIGHEST_DOSE_SLOTS.items():
        assert slots[slot_id]["type"] == "choice"
        assert (slots[slot_id]["item"], slots[slot_id]["options"]) == (protocol, options)
        assert slots[slot_id]["unit"] is None


@pytest.mark.parametrize(
    ("slot", "value"),
    [
        ("spravato-trd-highest-dose", "112 mg"),  # above the content's highest: a widening
        ("spravato-trd-highest-dose", "28 mg"),  # a dose the content does not give
        ("iv-trd-highest-dose", "0.6 mg/kg"),  # inside the range but not a dose it names
        ("iv-trd-highest-dose", "0.5 mg"),  # the wrong unit
    ],
)
def test_a_highest_dose_outside_the_options_is_refused_at_its_line(
    tmp_path: Path, cli: Cli, slot: str, value: str
) -> None:
    path = write_rules(tmp_path / "rules.yaml", rules_text({slot: value}))
    result = cli("local-rules", "validate", path)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    problem = PROBLEM.match(line)
    assert problem, line
    assert slot in path.read_text().splitlines()[int(problem["line"]) - 1]
    assert f"“{value}” is not one of the options" in problem["message"]
    assert "never raise it above the content's" in problem["message"]


@pytest.mark.parametrize("value", ["84 mg ", " 56 mg"])
def test_an_option_with_spaces_around_it_is_refused_as_every_value_is(
    tmp_path: Path, cli: Cli, value: str
) -> None:
    path = write_rules(tmp_path / "rules.yaml", rules_text({"spravato-trd-highest-dose": value}))
    result = cli("local-rules", "validate", path)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert f"“{value}” has spaces at its start or end" in line


def test_a_dose_above_the_clinics_highest_is_refused_naming_the_rule(
    site: Site, keys: Keys, cli: Cli
) -> None:
    publish_rules(
        site.shared, rules_text({"spravato-trd-highest-dose": "56 mg"}), keys.private, cli
    )
    code, out, err = dose(cli, "--protocol", "spravato-trd", "--dose", "84 mg")
    assert (code, out) == (2, "")
    assert "--dose: dose “84 mg” is above 56 mg, the highest dose this clinic gives" in err
    assert ATTRIBUTION in err
    code, out, _ = dose(cli, "--protocol", "spravato-trd", "--dose", "56 mg")
    assert code == 0
    assert f"Clinic's highest dose: 56 mg ({ATTRIBUTION})" in out
    document = json.loads(
        cli("dose", "--protocol", "spravato-trd", "--dose", "56 mg", "--json").stdout
    )
    assert document["local_highest_dose"] == {
        "dose": "56 mg",
        "slot": "spravato-trd-highest-dose",
        "local_rule": ATTRIBUTION,
    }
    assert document["devices"] == 2


def test_a_standard_dose_above_the_clinics_highest_is_not_used_by_default(
    site: Site, keys: Keys, cli: Cli
) -> None:
    publish_rules(
        site.shared, rules_text({"spravato-mdsi-highest-dose": "56 mg"}), keys.private, cli
    )
    code, _, err = dose(cli, "--protocol", "spravato-mdsi")
    assert code == 2
    assert "no dose given, and the protocol's standard dose 84 mg is above 56 mg" in err


def test_the_doses_offered_after_a_refusal_are_the_clinics(
    site: Site, keys: Keys, cli: Cli
) -> None:
    """No dose typed, or one the content does not give: the doses offered stop at the clinic's
    highest, so the one the advice names is one the calculator takes."""
    publish_rules(
        site.shared, rules_text({"spravato-trd-highest-dose": "56 mg"}), keys.private, cli
    )
    for typed in ([], ["--dose", "28 mg"]):
        code, _, err = dose(cli, "--protocol", "spravato-trd", *typed)
        assert code == 2
        advice = err[err.index("; give ") :]
        assert "84 mg" not in advice
        assert advice.startswith("; give 56 mg [")
        assert f"Clinic's highest dose: 56 mg ({ATTRIBUTION})" in advice


def test_a_weight_based_highest_dose_narrows_the_studied_range(
    site: Site, keys: Keys, cli: Cli
) -> None:
    publish_rules(site.shared, rules_text({"iv-trd-highest-dose": "0.5 mg/kg"}), keys.private, cli)
    code, _, err = dose(
        cli, "--protocol", "iv-ketamine-trd", "--weight", "70 kg", "--dose", "0.6 mg/kg"
    )
    assert code == 2
    assert "dose “0.6 mg/kg” is above 0.5 mg/kg" in err
    assert ATTRIBUTION in err
    code, out, _ = dose(cli, "--protocol", "iv-ketamine-trd", "--weight", "70 kg")
    assert code == 0
    assert "35 mg" in out
    assert f"Clinic's highest dose: 0.5 mg/kg ({ATTRIBUTION})" in out
    # A rate regimen says "rate"; the content's own limit still refuses above it first.
    publish_rules(
        site.shared,
        rules_text({"iv-acute-pain-highest-rate": "0.5 mg/kg/h"}, version="2"),
        keys.private,
        cli,
    )
    code, _, err = dose(
        cli, "--protocol", "iv-ketamine-acute-pain", "--weight", "70 kg", "--dose", "0.6 mg/kg/h"
    )
    assert code == 2
    assert "rate “0.6 mg/kg/h” is above 0.5 mg/kg/h, the highest rate this clinic gives" in err
    code, _, err = dose(
        cli, "--protocol", "iv-ketamine-acute-pain", "--weight", "70 kg", "--dose", "2 mg/kg/h"
    )
    assert code == 2
    assert "above the range this calculator accepts" in err


def test_unset_the_calculator_is_unchanged(site: Site, keys: Keys, cli: Cli) -> None:
    publish_rules(site.shared, rules_text({"iv-weight-basis": "ideal"}), keys.private, cli)
    result = cli("dose", "--protocol", "spravato-trd", "--dose", "84 mg", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["local_highest_dose"] is None
    assert (
        "Clinic's highest"
        not in cli("dose", "--protocol", "spravato-trd", "--dose", "84 mg").stdout
    )


@pytest.mark.parametrize(
    ("protocol", "old", "new", "reason"),
    [
        ("spravato-trd", '["56 mg", "84 mg"]', '["56 mg", "112 mg"]', "not one of allowed_doses"),
        (
            "iv-ketamine-trd",
            '["0.5 mg/kg", "0.75 mg/kg"]',
            '["0.5 mg/kg", "1 mg/kg"]',
            "outside allowed_range",
        ),
        (
            "iv-ketamine-trd",
            '["0.5 mg/kg", "0.75 mg/kg"]',
            '["0.5 mg/kg", "0.75 mg"]',
            "is in mg, but this regimen doses in mg/kg",
        ),
    ],
)
def test_the_content_validator_holds_the_options_to_the_regimen(
    pack_copy: Path, cli: Cli, protocol: str, old: str, new: str, reason: str
) -> None:
    path = pack_copy / "protocols" / f"{protocol}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    # Sealing validates first: the problem is named at its line, and nothing is sealed.
    result = cli("content", "seal", "--same-version", pack_copy)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith(f"protocols/{protocol}.yaml:")
    assert reason in line
