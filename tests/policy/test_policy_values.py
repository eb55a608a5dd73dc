"""Bad values in the machine policy and the user's settings: each affects its own key, in words."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.policy import load_policy
from tests.conftest import Cli


@pytest.fixture
def policy_file(isolated_state: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = isolated_state / "policy.toml"
    monkeypatch.setenv("KETAREF_POLICY", str(path))
    return path


def user_settings(text: str | bytes) -> Path:
    path = paths.user_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_one_bad_value_leaves_the_rest_of_the_policy_in_force(policy_file: Path, cli: Cli) -> None:
    policy_file.write_text(
        'clinic_name = 3\ncontent_dir = "/srv/ketaref"\ndefault_paper = "letter"\n'
    )
    shown = cli("policy", "show")

    assert shown.returncode == 1
    assert shown.stderr == (
        f"ketaref: {policy_file}:1: clinic_name must be text in quotes, not a number;"
        " clinic_name keeps its default\n"
    )
    lines = shown.stdout.splitlines()
    assert lines[0] == (
        f"# machine policy file: {policy_file} (in use, except the bad value of clinic_name)"
    )
    content_dir = next(line for line in lines if line.startswith("content_dir"))
    assert "/srv/ketaref" in content_dir
    assert f"machine policy {policy_file}" in content_dir
    assert load_policy().default_paper == "letter"
    assert "bad value for clinic_name" in load_policy().summary()


def test_a_clinic_name_no_printout_can_hold_is_a_bad_value(policy_file: Path, cli: Cli) -> None:
    policy_file.write_text(f'clinic_name = "{"N" * 86}"\n')

    shown = cli("policy", "show")

    assert shown.returncode == 1
    assert (
        f"{policy_file}:1: clinic_name is 86 characters long; a printed checklist holds at most 80"
        in shown.stderr
    )
    assert load_policy().clinic_name == ""
    self_test = cli("self-test")
    assert self_test.returncode == 1
    assert "FAIL policy: " in self_test.stdout
    assert "clinic_name is 86 characters long" in self_test.stdout


def test_a_clinic_name_of_80_characters_is_used(policy_file: Path) -> None:
    policy_file.write_text(f'clinic_name = "{"N" * 80}"\n')
    assert load_policy().clinic_name == "N" * 80


def test_a_broken_user_settings_file_leaves_the_machine_policy_in_use(
    policy_file: Path, cli: Cli
) -> None:
    policy_file.write_text('clinic_name = "North"\n')
    settings = user_settings("clinic_name = = 1\n")

    shown = cli("policy", "show")

    assert shown.returncode == 0
    assert shown.stdout.splitlines()[0] == f"# machine policy file: {policy_file} (in use)"
    assert f"{settings}:1: is not valid TOML" in shown.stderr
    assert "your own settings are not applied" in shown.stderr
    assert "machine policy was not applied" not in shown.stderr
    assert load_policy().clinic_name == "North"


def test_policy_show_escapes_control_characters(policy_file: Path, cli: Cli) -> None:
    policy_file.write_text('content_dir = "/srv/\\u001b[2Jpack\\u202e"\n')
    user_settings('clinic_name = "Ward\\u0007 4\\r\\n"\n')

    shown = cli("policy", "show")

    printed = shown.stdout + shown.stderr
    assert not any(char in printed for char in "\x1b\x07\r\u202e")
    assert "/srv/\\x1b[2Jpack\\u202e" in shown.stdout
    assert "clinic_name holds control characters" in shown.stderr
    assert "'Ward\\x07 4\\x0d\\x0a'" in shown.stderr


def test_a_byte_order_mark_is_accepted(policy_file: Path, cli: Cli) -> None:
    policy_file.write_bytes(codecs.BOM_UTF8 + b'clinic_name = "North"\r\ndefault_paper = "a4"\r\n')
    user_settings(codecs.BOM_UTF8 + b'default_paper = "letter"\n')

    shown = cli("policy", "show")

    assert shown.returncode == 0, shown.stderr
    assert shown.stderr == ""
    policy = load_policy()
    assert policy.clinic_name == "North"
    assert policy.setting("default_paper").origin == "user"


def test_a_clinic_name_the_printout_cannot_show_is_reported_and_left_off(
    policy_file: Path, cli: Cli, tmp_path: Path
) -> None:
    # Refusing it at every print would stop the nurse, who cannot change a machine policy.
    policy_file.write_text('clinic_name = "Clinic 李"\n', encoding="utf-8")
    said = "clinic_name is not printed: the clinic name contains a character the printout's font"

    shown = cli("policy", "show", "--json")
    assert any(said in problem for problem in json.loads(shown.stdout)["problems"])
    printed = cli("print", "--protocol", "spravato-trd", "--out", str(tmp_path / "sheet.pdf"))
    assert printed.returncode == 0, printed.stderr
    assert said in printed.stderr
    assert "U+674E" in printed.stderr
