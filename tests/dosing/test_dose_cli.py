"""``ketaref dose`` as the contract says: text, JSON, and one line on stderr for every refusal."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from ketaref.cli import main
from ketaref.dosing.calculator import EXTRA_JSON_KEYS, JSON_KEYS


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["dose", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_spravato_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--protocol", "spravato-trd", "--dose", "84 mg")
    assert (code, err) == (0, "")
    assert "Dose: 84 mg = 3 devices of 28 mg, a 5 min rest after each device" in out
    assert "Source: per device 28 mg [spravato-hl-2020, Highlights §3; confirmed]" in out
    assert "not yet clinically reviewed" in out
    assert not re.search(r"\d\.\d*0 (mg|mL|kg|min)", out)  # ISMP: no trailing zeros


def test_spravato_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--protocol", "spravato-trd", "--dose", "56 mg", "--json")
    document = json.loads(out)
    assert code == 0
    assert tuple(document) == JSON_KEYS + EXTRA_JSON_KEYS
    assert document["devices"] == 2  # 56 mg ÷ 28 mg per device
    assert document["dose_mg"] == "56"


@pytest.mark.usefixtures("pack_with_test_protocol")
def test_weight_based_json_is_exact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--protocol",
        "test-iv",
        "--dose",
        "0.5 mg/kg",
        "--weight",
        "154 lb",
        "--concentration",
        "10 mg/mL",
        "--json",
    )
    document = json.loads(out)
    assert code == 0
    assert tuple(document) == JSON_KEYS + EXTRA_JSON_KEYS
    # 154 lb × 0.45359237 = 69.85322498 kg; × 0.5 mg/kg = 34.92661249 mg; × 60 ÷ 40 min
    assert document["weight_kg"] == "69.85322498"
    assert document["dose_mg"] == "34.92661249"
    assert document["rate_mg_per_h"] == "52.389918735"
    assert document["volume_ml"] == "3.492661249"
    assert document["devices"] is None
    assert document["formula"].startswith("154 lb × 0.45359237 = 69.85322498 kg; 0.5 mg/kg")


@pytest.mark.usefixtures("pack_with_test_protocol")
def test_weight_based_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--protocol", "test-iv", "--dose", "0.5 mg/kg", "--weight", "70 kg")
    assert code == 0
    assert "Formula: 0.5 mg/kg × 70 kg = 35 mg over 40 min → 52.5 mg/h" in out
    assert "Source: dose 0.5 mg/kg [test-dose, test §2; secondary source]" in out


@pytest.mark.usefixtures("pack_with_test_protocol")
def test_soft_warning_is_printed_and_still_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--protocol", "test-iv", "--dose", "0.5 mg/kg", "--weight", "160 kg", "--json"
    )
    assert code == 0
    assert json.loads(out)["warnings"][0].startswith("weight “160 kg” is above 150 kg")


@pytest.mark.usefixtures("pack_with_test_protocol")
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--weight", "70"], "--weight: weight “70” has no unit"),
        (["--weight", "70 st"], "unknown unit “st”"),
        (["--weight", "0 kg"], "is zero"),
        (["--weight", "-70 kg"], "is negative"),
        (["--weight", "nan kg"], "not a finite number"),
        (["--weight", "inf kg"], "not a finite number"),
        (["--weight", "1e9 kg"], "“1e9 kg”"),
        (["--weight", "1000000000 kg"], "too many digits"),
        (["--weight", "300 kg", "--dose", "0.5 mg/kg"], "above 250 kg"),
        (["--weight", "70 kg", "--dose", "3 mg/kg/h"], "--dose: rate “3 mg/kg/h” is above"),
        (["--weight", "70 kg", "--dose", "84 mg"], "is in mg, but this protocol doses in"),
        (["--weight", "70 kg", "--duration", "40"], "--duration: duration “40” has no unit"),
        (["--weight", "70 kg", "--concentration", "10 mg"], "--concentration:"),
        (["--dose", "0.5 mg/kg"], "--weight: no weight given"),
        ([], "--dose: no dose given: this protocol has more than one regimen"),
    ],
)
def test_weight_based_refusals(
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    code, out, err = run(capsys, "--protocol", "test-iv", *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert words in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--protocol", "no-such-protocol"], "no protocol “no-such-protocol”"),
        (["--protocol", "spravato-trd", "--dose", "70 mg"], "give 56 mg or 84 mg"),
        (["--protocol", "spravato-trd"], "give 56 mg or 84 mg"),
        (["--protocol", "spravato-trd", "--dose", "84"], "has no unit"),
    ],
)
def test_refusals(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert words in err


@pytest.mark.usefixtures("pack_with_test_protocol")
def test_protocol_without_dosing_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--protocol", "test-no-dosing", "--weight", "70 kg")
    assert (code, out) == (2, "")
    assert err == "ketaref: test-no-dosing: this protocol has no dose calculator\n"


def test_a_real_process_prints_one_line_and_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ketaref", "dose", "--protocol", "spravato-trd", "--dose", "nan mg"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "ketaref: --dose: dose “nan mg” is not a finite number: "
        "type e.g. 84 mg, 0.5 mg/kg or 1 mg/kg/h\n"
    )


@pytest.mark.parametrize(
    ("weight", "words"),
    [
        ("70", "has no unit"),
        ("70 stone", "unknown unit “stone”"),
        ("0 kg", "is zero"),
        ("-70 kg", "is negative"),
        ("nan kg", "not a finite number"),
        ("inf lb", "not a finite number"),
        ("1e9 kg", "without an exponent"),
        ("400 kg", "above 350 kg"),
    ],
)
def test_bundled_iv_protocol_refuses_bad_weights(
    capsys: pytest.CaptureFixture[str], weight: str, words: str
) -> None:
    code, out, err = run(capsys, "--protocol", "iv-ketamine-trd", "--weight", weight)
    assert (code, out) == (2, "")
    assert err.startswith(f"ketaref: --weight: weight “{weight}”")
    assert err.count("\n") == 1
    assert words in err


def test_bundled_iv_protocol_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--protocol", "iv-ketamine-trd", "--weight", "70 kg", "--concentration", "10 mg/mL"
    )
    assert code == 0
    # 0.5 mg/kg × 70 kg = 35 mg over 40 min → 52.5 mg/h; 3.5 mL; 5.25 mL/h
    assert "Dose: 0.5 mg/kg → 35 mg\nOver 40 min: 52.5 mg/h\n" in out
    assert "At 10 mg/mL: volume 3.5 mL, pump rate 5.25 mL/h" in out
    assert "Source: dose 0.5 mg/kg [sanacora-reply-2017, reply text; confirmed]" in out


def test_research_only_protocol_has_no_calculator(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--protocol", "iv-ketamine-ptsd", "--weight", "70 kg")
    assert (code, out) == (2, "")
    assert err == "ketaref: iv-ketamine-ptsd: this protocol has no dose calculator\n"


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        # Issue 15, F19: bounds below as well as above, from the content.
        ("--concentration", "0.0001 mg/mL", "below the range this calculator accepts"),
        ("--concentration", "500 mg/mL", "above the range this calculator accepts"),
        ("--duration", "0.0001 min", "below the range this calculator accepts"),
        ("--duration", "1 min", "below the range this calculator accepts for this protocol, 2–100"),
        ("--duration", "3 h", "above the range this calculator accepts"),
    ],
)
def test_concentration_and_duration_outside_the_content_range_are_refused(
    option: str, value: str, words: str
) -> None:
    command = [sys.executable, "-m", "ketaref", "dose", "--protocol", "iv-ketamine-trd"]
    result = subprocess.run(
        [*command, "--weight", "70 kg", option, value],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert f"{option}: " in result.stderr
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_default_dose_is_said_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--protocol", "spravato-mdsi")
    assert code == 0
    assert (
        "Dose not given: the protocol's standard dose 84 mg was used "
        "[medscape-eske, Dosing & Uses; secondary source]"
    ) in out
    code, out, _ = run(capsys, "--protocol", "spravato-mdsi", "--json")
    document = json.loads(out)
    assert document["dose_chosen_by"] == "protocol standard dose"
    assert document["default_dose_source"][0] == {
        "parameter": "dose",
        "value": "84 mg",
        "source": "medscape-eske",
        "locator": "Dosing & Uses",
        "verification": "secondary",
    }
    code, out, _ = run(capsys, "--protocol", "spravato-mdsi", "--dose", "56 mg", "--json")
    document = json.loads(out)
    assert (document["dose_chosen_by"], document["default_dose_source"]) == ("clinician", None)
    code, out, _ = run(capsys, "--protocol", "spravato-mdsi", "--dose", "56 mg")
    assert "Dose not given" not in out


@pytest.mark.parametrize(
    "args",
    [
        ("--protocol", "spravato-trd", "--dose", "56 mg"),
        ("--protocol", "iv-ketamine-trd", "--weight", "70 kg", "--concentration", "100 mg/mL"),
        ("--protocol", "iv-ketamine-acute-pain", "--weight", "70 kg", "--dose", "0.5 mg/kg/h"),
    ],
)
def test_every_source_line_carries_its_verification(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    from ketaref import paths
    from ketaref.content.format.pack import load_pack

    sources = load_pack(paths.bundled_content_dir()).sources
    _, out, _ = run(capsys, *args, "--json")
    for line in json.loads(out)["source"]:
        assert line["verification"] == sources[line["source"]].verification.value
    _, out, _ = run(capsys, *args)
    source_lines = [line for line in out.splitlines() if line.startswith("Source:")]
    assert source_lines
    for line in source_lines:
        assert re.search(r"; (confirmed|secondary source|abstract only)\]", line), line


def test_dilution_and_rapid_administration_are_shown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--protocol", "iv-ketamine-trd", "--weight", "70 kg",
        "--duration", "20 min", "--concentration", "100 mg/mL",
    )  # fmt: skip
    assert code == 0
    assert (
        "Warning: concentration 100 mg/mL: no volume or pump rate is worked out for it; dilute"
        " first, then enter the concentration after dilution: The ketamine label: the 100 mg/mL"
        " concentration is not to be given intravenously without proper dilution"
    ) in out
    assert "[ketalar-drugscom, §2.1; secondary source]" in out
    assert "At 100 mg/mL: no volume or pump rate" in out
    assert not re.search(r"\d mL(/h)?\b", out), "a volume or pump rate of the undiluted drug"
    assert (
        "Warning: duration 20 min is shorter than 40 min (the protocol's standard 40-minute"
        " infusion; no label or guideline read gives a shortest infusion time): The ketamine"
        " label: respiratory"
    ) in " ".join(out.split())
    _, out, _ = run(capsys, "--protocol", "iv-ketamine-trd", "--weight", "70 kg",
                    "--concentration", "10 mg/mL")  # fmt: skip
    assert "dilution" not in out
    assert "rapid rate" not in out


def test_rate_regimen_shows_the_total_over_the_duration(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys, "--protocol", "iv-ketamine-acute-pain", "--weight", "70 kg",
        "--dose", "0.5 mg/kg/h", "--duration", "4 h",
    )  # fmt: skip
    # 0.5 mg/kg/h × 70 kg = 35 mg/h; over 4 h: 140 mg (2 mg/kg)
    assert "Total over 4 h: 140 mg (2 mg/kg)" in out
    assert "Source: accepted range 0.1–1 mg/kg/h [schwenk-2018-gc, Q2; secondary source]" in out
    assert "may warrant dosing outside this range" in out
    assert "published range" not in out
