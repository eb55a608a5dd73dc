"""The machine policy: layers, locks, and broken files that never turn signing off."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ketaref import policy
from ketaref.policy import POLICY_KEYS, load_policy
from tests.conftest import Cli


@pytest.fixture
def policy_file(isolated_state: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where KETAREF_POLICY points (the file does not exist until a test writes it)."""
    path = isolated_state / "policy.toml"
    monkeypatch.setenv("KETAREF_POLICY", str(path))
    return path


@pytest.mark.usefixtures("policy_file")
def test_no_policy_file_means_defaults_and_no_problem() -> None:
    policy = load_policy()
    assert policy.problems == ()
    assert not policy.policy_file_found
    assert [s[0] for s in policy.settings()] == list(POLICY_KEYS)
    assert {key: origin for key, _, origin, _ in policy.settings()} == dict.fromkeys(
        POLICY_KEYS, "default"
    )
    assert policy.require_signed_content is True
    assert policy.expired_content == "warn"
    assert policy.default_paper is None
    assert policy.content_dir is None


def test_policy_file_overrides_defaults_and_names_itself(policy_file: Path) -> None:
    policy_file.write_text(
        'clinic_name = "North Clinic"\ndefault_paper = "letter"\n'
        'content_dir = "site-pack"\ntrusted_keys = ["/etc/ketaref/a.pub", "b.pub"]\n'
        'expired_content = "block"\n'
    )
    policy = load_policy()
    assert policy.problems == ()
    assert policy.clinic_name == "North Clinic"
    assert policy.setting("clinic_name").origin == f"machine policy {policy_file}"
    assert policy.content_dir == policy_file.parent / "site-pack"  # relative to the file
    assert policy.trusted_keys == (Path("/etc/ketaref/a.pub"), policy_file.parent / "b.pub")
    assert policy.expired_content == "block"


def test_every_key_has_a_typed_property_that_agrees_with_policy_show(policy_file: Path) -> None:
    policy_file.write_text(
        'clinic_name = "North"\ndefault_paper = "letter"\ncontent_dir = "site"\n'
        'trusted_keys = ["k.pub"]\nrequire_signed_content = false\nexpired_content = "block"\n'
        'locked = ["clinic_name"]\n'
    )
    loaded = load_policy()
    assert loaded.problems == ()
    assert not hasattr(loaded, "get")  # no untyped look-up by name
    for key, value, _, _ in loaded.settings():
        assert getattr(loaded, key) == value, key
    assert loaded.clinic_name == "North"
    assert loaded.default_paper == "letter"
    assert loaded.content_dir == policy_file.parent / "site"
    assert loaded.trusted_keys == (policy_file.parent / "k.pub",)
    assert loaded.require_signed_content is False
    assert loaded.expired_content == "block"
    assert loaded.locked == ("clinic_name",)


def test_user_settings_win_over_the_policy_unless_locked(policy_file: Path) -> None:
    policy_file.write_text(
        'clinic_name = "North"\ndefault_paper = "a4"\nlocked = ["clinic_name"]\n'
    )
    policy = load_policy({"clinic_name": "Mine", "default_paper": "letter"})
    assert policy.clinic_name == "North"
    assert policy.is_locked("clinic_name")
    assert policy.default_paper == "letter"
    assert policy.setting("default_paper").origin == "user"
    assert not policy.is_locked("default_paper")


@pytest.mark.usefixtures("policy_file")
def test_users_never_change_what_content_is_trusted() -> None:
    policy = load_policy(
        {"require_signed_content": False, "content_dir": "/tmp/mine", "trusted_keys": []}
    )
    assert policy.require_signed_content
    assert policy.content_dir is None
    for key in ("content_dir", "trusted_keys", "require_signed_content", "expired_content"):
        assert policy.is_locked(key)


@pytest.mark.usefixtures("policy_file")
def test_a_wrong_user_value_is_reported_and_ignored() -> None:
    policy = load_policy({"default_paper": "A3"})
    assert policy.default_paper is None
    assert policy.problems == (
        'user settings: default_paper must be "a4" or "letter", not \'A3\'; using default value',
    )


def test_toml_syntax_error_names_its_line_and_keeps_signing_on(policy_file: Path) -> None:
    policy_file.write_text(
        'require_signed_content = false\nclinic_name = "North\ncontent_dir = "/srv/x"\n'
    )
    policy = load_policy()
    assert policy.problems[0].startswith(f"{policy_file}:2: is not valid TOML")
    assert policy.require_signed_content
    assert policy.content_dir is None
    assert "signed content stays required" in policy.problems[-1]


def test_unknown_key_names_its_line_and_the_rest_of_the_file_applies(policy_file: Path) -> None:
    policy_file.write_text('# IT policy\ncontent_dir = "/srv/pack"\n\nclinc_name = "North"\n')
    policy = load_policy()
    assert policy.problems == (
        f"{policy_file}:4: unknown key “clinc_name” ignored (known keys: {', '.join(POLICY_KEYS)})",
    )
    assert policy.content_dir == Path("/srv/pack")


def test_unknown_table_is_reported_at_its_line(policy_file: Path) -> None:
    policy_file.write_text('clinic_name = "North"\n\n[printing]\npaper = "a4"\n')
    assert load_policy().problems[0].startswith(f"{policy_file}:3: unknown key “printing”")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('require_signed_content = "no"', "require_signed_content must be true or false"),
        ("clinic_name = 3", "clinic_name must be text in quotes, not a number"),
        ('default_paper = "A4"', 'default_paper must be "a4" or "letter"'),
        ('expired_content = "ignore"', 'expired_content must be "warn" or "block"'),
        ('trusted_keys = "/etc/k.pub"', "trusted_keys must be a list of paths"),
        ('content_dir = ""', "content_dir must be a folder or file path"),
        ('locked = ["paper"]', "locked names unknown keys: paper"),
    ],
)
def test_wrong_types_are_reported_at_their_line(policy_file: Path, line: str, message: str) -> None:
    policy_file.write_text(f"# set by IT\n{line}\n")
    policy = load_policy()
    key = line.split(" ")[0]
    assert policy.problems[0].startswith(f"{policy_file}:2: {message}")
    assert policy.problems[0].endswith(f"; {key} keeps its default")
    assert len(policy.problems) == 1
    assert policy.setting(key).origin == "default"
    assert policy.not_applied == (key,)
    assert policy.require_signed_content


def test_unreadable_policy_is_reported(policy_file: Path) -> None:
    policy_file.mkdir()
    policy = load_policy()
    assert policy.problems[0] == f"{policy_file}: is a folder, not a file"
    assert not policy.applied
    assert policy.require_signed_content


def test_policy_that_is_not_utf8_names_its_line(policy_file: Path) -> None:
    policy_file.write_bytes(b'clinic_name = "North"\nclinic_name = "\xff"\n')
    assert (
        load_policy().problems[0] == f"{policy_file}:2: is not UTF-8 text; save the file as UTF-8"
    )


def test_policy_show_prints_every_key_with_origin_and_lock(policy_file: Path, cli: Cli) -> None:
    policy_file.write_text('clinic_name = "North"\nlocked = ["clinic_name"]\n')
    result = cli("policy", "show")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"# machine policy file: {policy_file} (in use)"
    clinic = next(line for line in lines if line.startswith("clinic_name"))
    assert '"North"' in clinic
    assert f"machine policy {policy_file}" in clinic
    assert "(locked)" in clinic
    paper = next(line for line in lines if line.startswith("default_paper"))
    assert "default" in paper
    assert "(user may change)" in paper
    # The heading, one line per key, and which local rules are in force.
    assert len(lines) == 2 + len(POLICY_KEYS)
    assert lines[-1] == "# local rules in force: none"


def test_policy_show_json(policy_file: Path, cli: Cli) -> None:
    policy_file.write_text('trusted_keys = ["/etc/ketaref/site.pub"]\n')
    result = cli("policy", "show", "--json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["policy_file"] == str(policy_file)
    assert document["problems"] == []
    by_key = {s["key"]: s for s in document["settings"]}
    assert by_key["trusted_keys"] == {
        "key": "trusted_keys",
        "value": ["/etc/ketaref/site.pub"],
        "origin": f"machine policy {policy_file}",
        "locked": True,
    }
    assert by_key["require_signed_content"]["value"] is True


def test_policy_show_with_a_broken_file_exits_1_with_problems_on_stderr(
    policy_file: Path, cli: Cli
) -> None:
    policy_file.write_text("clinic_name = = 1\n")
    result = cli("policy", "show", "--json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"ketaref: {policy_file}:1: is not valid TOML")
    document = json.loads(result.stdout)  # stdout still holds exactly one JSON document
    assert len(document["problems"]) == 2


def test_every_cli_command_reports_a_broken_policy(policy_file: Path, cli: Cli) -> None:
    policy_file.write_text("content_dir = 1\n")
    result = cli("--version")
    assert result.returncode == 0
    assert f"{policy_file}:1: content_dir must be a folder or file path" in result.stderr


def test_group_policy_values_win_over_the_file(
    policy_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No Windows registry here: stand in for what winreg returns on a managed Windows machine.
    policy_file.write_text('clinic_name = "From file"\ndefault_paper = "a4"\n')
    registry = {
        "clinic_name": policy.registry_value("From Group Policy", 1),
        "require_signed_content": policy.registry_value(1, 4),
        "locked": policy.registry_value(["clinic_name"], 7),
    }
    monkeypatch.setattr(policy, "_registry_values", lambda: registry)
    loaded = load_policy({"clinic_name": "Mine"})
    assert loaded.problems == ()
    assert loaded.clinic_name == "From Group Policy"
    assert loaded.setting("clinic_name").origin == r"Group Policy HKLM\Software\Policies\Ketaref"
    assert loaded.is_locked("clinic_name")
    assert loaded.default_paper == "a4"
    assert loaded.require_signed_content is True


@pytest.mark.usefixtures("policy_file")
def test_a_wrong_group_policy_value_is_reported_and_signing_stays_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = {"require_signed_content": policy.registry_value(7, 4), "content_dir": "C:\\x"}
    monkeypatch.setattr(policy, "_registry_values", lambda: registry)
    loaded = load_policy()
    assert loaded.problems[0] == (
        r"Group Policy HKLM\Software\Policies\Ketaref\require_signed_content:"
        " require_signed_content must be true or false (no quotes), not a number;"
        " require_signed_content keeps its default"
    )
    assert loaded.require_signed_content
    assert loaded.content_dir is not None  # the other value still applies


def test_registry_values_read_as_their_toml_counterparts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETAREF_SITE", "/srv/site")
    assert policy.registry_value(0, 4) is False
    assert policy.registry_value(["a.pub", "b.pub"], 7) == ["a.pub", "b.pub"]
    assert policy.registry_value("$KETAREF_SITE/pack", 2) == "/srv/site/pack"
    assert policy.registry_value("text", 1) == "text"


EXAMPLE = Path(__file__).resolve().parents[2] / "packaging" / "policy.example.toml"


@pytest.mark.usefixtures("policy_file")
def test_the_example_policy_sets_nothing_as_shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETAREF_POLICY", str(EXAMPLE))
    loaded = load_policy()
    assert loaded.problems == ()
    assert {origin for _, _, origin, _ in loaded.settings()} == {"default"}


def test_the_example_policy_documents_every_key_with_a_valid_value(policy_file: Path) -> None:
    commented = re.findall(r"^# (\w+ = .+)$", EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE)
    assert [line.split(" = ")[0] for line in commented] == list(POLICY_KEYS)
    policy_file.write_text("\n".join(commented) + "\n")
    loaded = load_policy()
    assert loaded.problems == ()
    for key in ("clinic_name", "require_signed_content", "expired_content", "locked"):
        assert loaded.setting(key).value == policy.DEFAULTS[key], key
