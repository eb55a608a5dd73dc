"""Print defaults are worked out once, from the policy, for ``ketaref print`` and the dialog."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ketaref.policy import load_policy
from ketaref.printing.paper import PrintDefaults, print_defaults
from tests.printing.pdf_tools import page_size, pdf_text


@pytest.fixture
def english_us(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_PAPER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")


def write_policy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KETAREF_POLICY", str(path))


@pytest.mark.usefixtures("english_us")
def test_the_policy_names_the_clinic_and_the_paper(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_policy(monkeypatch, tmp_path, 'clinic_name = "North Clinic"\ndefault_paper = "a4"\n')
    defaults = print_defaults(load_policy())
    assert defaults == PrintDefaults(clinic_name="North Clinic", chosen_paper="a4")
    assert defaults.paper == "a4"  # the policy's, not the US locale's letter


@pytest.mark.usefixtures("english_us")
def test_without_a_paper_in_the_policy_the_locale_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = print_defaults(load_policy())
    assert defaults == PrintDefaults()
    assert defaults.paper == "letter"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert defaults.paper == "a4"  # read when asked, as the dialog opens


@pytest.mark.usefixtures("english_us")
def test_the_command_line_prints_with_the_cores_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_policy(monkeypatch, tmp_path, 'clinic_name = "North Clinic"\n')
    out = tmp_path / "sheet.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "ketaref", "print", "--protocol", "spravato-trd", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    defaults = print_defaults(load_policy())
    assert result.stdout.endswith(f", {defaults.paper.upper()})\n")
    assert page_size(out) == (612, 792)
    assert defaults.clinic_name in pdf_text(out, 1)


def test_a_refused_typed_field_gives_its_reason_apart_from_the_advice() -> None:
    from ketaref.printing.errors import PrintError
    from ketaref.printing.patient import check_typed_field

    with pytest.raises(PrintError) as refused:
        check_typed_field("clinic name", "Clinic: \u05d0", 80)
    reason = "the clinic name contains right-to-left writing (U+05D0, character 9), which the"
    reason += " printout would show reversed"
    assert refused.value.reason == reason
    assert str(refused.value) == (
        f"{reason}: leave the clinic name empty and write it by hand on the printout"
    )


@pytest.mark.usefixtures("english_us")
def test_the_print_defaults_say_the_reason_a_clinic_name_is_left_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_policy(monkeypatch, tmp_path, 'clinic_name = "Clinic: \u674e"\n')
    defaults = print_defaults(load_policy())
    assert defaults.clinic_name == ""
    assert defaults.problems == (
        "clinic_name is not printed: the clinic name contains a character the printout's font"
        " cannot show (U+674E, character 9); printouts leave a line to write it on; IT: set a"
        " clinic_name the printout can show",
    )


@pytest.mark.usefixtures("english_us")
def test_the_print_defaults_compose_the_clinic_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_policy(monkeypatch, tmp_path, 'clinic_name = "Cafe\u0301 Clinic"\n')
    assert print_defaults(load_policy()).clinic_name == "Caf\u00e9 Clinic"
