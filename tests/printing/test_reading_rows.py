"""Vital-sign tables sized by the clinic's recording interval, read back with pdftotext.

Interval and observation values are test data (tests/local_rule_files.py), not clinical content.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketaref.content.format.local_rules import LocalRulesInForce
from ketaref.content.format.pack import Library
from ketaref.dosing.calculator import calculate
from ketaref.printing.checklist_pdf import build_checklist_pdf
from tests.local_rule_files import rules_in_force
from tests.printing.pdf_tools import page_count, pdf_text, pdf_text_in_drawing_order
from tests.printing.test_local_rules_on_paper import PRINTED

CONTINUED = "More readings: continued on page"


def sheet(
    library: Library,
    protocol: str,
    tmp_path: Path,
    rules: LocalRulesInForce | None = None,
    paper: str = "a4",
    **options: object,
) -> Path:
    extra = {"local_rules": rules} if rules else {}
    data = build_checklist_pdf(
        library,
        protocol,
        paper=paper,
        printed_at=PRINTED,
        **extra,  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )
    path = tmp_path / f"{protocol}-{paper}.pdf"
    path.write_bytes(data)
    return path


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", pdf_text_in_drawing_order(path))


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_iv_table_follows_the_interval_and_the_observation_time(
    bundled_library: Library, tmp_path: Path, paper: str
) -> None:
    often = rules_in_force(
        bundled_library, {"iv-vital-signs-interval": "5 min", "iv-trd-observation-time": "60 min"}
    )
    text = text_of(sheet(bundled_library, "iv-ketamine-trd", tmp_path, often, paper))
    # The protocol's standard 40-minute infusion + 60 minutes, every 5 minutes: 21 readings.
    line = (
        "Rows for 40 min infusion + 60 min observation at every 5 min: 21 readings"
        " (10 here, 11 continued)"
    )
    assert text.count(line) == 2  # under the table and on its continuation page
    assert CONTINUED in text
    seldom = rules_in_force(
        bundled_library, {"iv-vital-signs-interval": "15 min", "iv-trd-observation-time": "1 h"}
    )
    text = text_of(sheet(bundled_library, "iv-ketamine-trd", tmp_path, seldom, paper))
    assert (
        "Rows for 40 min infusion + 1 h observation at every 15 min: 8 readings"
        " (within the 10 rows here)"
    ) in text
    # Every reading fits the table: no continuation page.
    assert CONTINUED not in text
    assert "(continued) Continued from page" not in text


def test_the_calculators_duration_sizes_the_table(bundled_library: Library, tmp_path: Path) -> None:
    protocol = bundled_library.protocols["iv-ketamine-chronic-pain"]
    dose = calculate(
        protocol, weight="80 kg", dose="1 mg/kg/h", duration="4 h", concentration="10 mg/mL"
    )
    rules = rules_in_force(
        bundled_library,
        {"iv-vital-signs-interval": "15 min", "iv-chronic-pain-observation-time": "60 min"},
    )
    text = text_of(sheet(bundled_library, protocol.id, tmp_path, rules, dose=dose))
    # 4 h + 60 min = 300 minutes, every 15 minutes: 21 readings.
    assert (
        "Rows for 4 h infusion + 60 min observation at every 15 min: 21 readings"
        " (10 here, 11 continued)"
    ) in text


def test_without_an_infusion_duration_or_observation_time_the_fixed_rows_stay_and_say_why(
    bundled_library: Library, tmp_path: Path
) -> None:
    rules = rules_in_force(bundled_library, {"iv-vital-signs-interval": "5 min"})
    text = text_of(sheet(bundled_library, "iv-ketamine-trd", tmp_path, rules))
    assert (
        "Rows as the content sets them (10 + 24 continued): no local observation time is set"
        " to size them by"
    ) in text
    assert CONTINUED in text
    rules = rules_in_force(
        bundled_library,
        {"iv-vital-signs-interval": "5 min", "iv-chronic-pain-observation-time": "60 min"},
    )
    text = text_of(sheet(bundled_library, "iv-ketamine-chronic-pain", tmp_path, rules))
    assert (
        "Rows as the content sets them (10 + 24 continued): no infusion duration (no dose"
        " calculated with one)"
    ) in text


@pytest.mark.parametrize("protocol", ["iv-ketamine-trd", "spravato-trd", "spravato-mdsi"])
def test_without_local_rules_the_fixed_grid_remains(
    bundled_library: Library, tmp_path: Path, protocol: str
) -> None:
    text = text_of(sheet(bundled_library, protocol, tmp_path))
    assert "Rows for" not in text
    assert "Rows as the content sets them" not in text
    # The IV table keeps its fixed continuation; the SPRAVATO tables have none without a rule.
    assert (CONTINUED in text) == protocol.startswith("iv-")


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_spravato_blood_pressure_and_spo2_tables_continue_for_the_two_hours(
    bundled_library: Library, tmp_path: Path, paper: str
) -> None:
    rules = rules_in_force(bundled_library, {"spravato-vital-signs-interval": "10 min"})
    path = sheet(bundled_library, "spravato-trd", tmp_path, rules, paper)
    text = text_of(path)
    # The boxed warning's 2 hours from the first device, every 10 minutes: 13 readings.
    line = "Rows for 2 h observation at every 10 min: 13 readings (3 here, 10 continued)"
    assert text.count(line) == 4  # two tables, each under itself and on its continuation
    pages = [" ".join(pdf_text(path, n).split()) for n in range(1, page_count(path) + 1)]
    continued = [p for p in pages if "During the session (continued)" in p]
    assert any("Further blood-pressure readings" in p for p in continued)
    assert any("Respiratory status, including pulse oximetry" in p for p in continued)
    # A clinic that keeps patients longer sizes the tables by its own time.
    longer = rules_in_force(
        bundled_library,
        {"spravato-vital-signs-interval": "10 min", "spravato-observation-time": "150 min"},
    )
    text = text_of(sheet(bundled_library, "spravato-trd", tmp_path, longer, paper))
    assert (
        "Rows for 150 min observation at every 10 min: 16 readings (3 here, 13 continued)" in text
    )


def test_an_interval_slot_must_name_an_interval_slot_of_the_checklist(pack_copy: Path) -> None:
    from ketaref.content.format.problems import ContentError
    from ketaref.content.lifecycle.seal import seal

    path = pack_copy / "checklists" / "iv-ketamine-session.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "interval_slot: iv-vital-signs-interval", "interval_slot: iv-bp-threshold"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as refused:
        seal(pack_copy, same_version=True)
    (problem,) = refused.value.problems
    assert "“iv-bp-threshold” is not an interval slot of this checklist" in problem.message


@pytest.mark.parametrize("protocol", ["spravato-trd", "spravato-mdsi"])
def test_the_monitoring_end_line_works_to_the_clinics_longer_time(
    bundled_library: Library, tmp_path: Path, protocol: str
) -> None:
    # Without a local rule the line counts the published 2 hours from the first device.
    text = text_of(sheet(bundled_library, protocol, tmp_path))
    assert "Monitoring ends no earlier than ____________ (Device 1 time + 2 h)" in text
    # A clinic that keeps patients longer: the line sends the nurse to its time, which is printed
    # once, with its attribution, where its slot is.
    longer = rules_in_force(bundled_library, {"spravato-observation-time": "150 min"})
    text = text_of(sheet(bundled_library, protocol, tmp_path, longer))
    assert (
        "Monitoring ends no earlier than ____________ (Device 1 time + 2 h, the published"
        " minimum; this clinic's local rule sets a longer time: use the time in its LOCAL RULE"
        " box on this sheet)"
    ) in text
    assert text.count("150 min") == 1


@pytest.mark.parametrize(
    ("protocol", "slot", "value", "regimen"),
    [
        ("spravato-trd", "spravato-trd-highest-dose", "56 mg", ""),
        (
            "iv-ketamine-trd",
            "iv-trd-highest-dose",
            "0.5 mg/kg",
            "Infusion over a set time (mg/kg): ",
        ),
    ],
)
def test_a_blank_dose_record_names_the_clinics_highest_dose(
    bundled_library: Library, tmp_path: Path, protocol: str, slot: str, value: str, regimen: str
) -> None:
    # The published devices line stays (56 mg = 2 devices, 84 mg = 3 devices); the clinic's
    # lower highest dose is said beside it, with its local rule, before anyone calculates.
    assert "Clinic's highest dose" not in text_of(sheet(bundled_library, protocol, tmp_path))
    rules = rules_in_force(bundled_library, {slot: value})
    text = text_of(sheet(bundled_library, protocol, tmp_path, rules))
    assert f"{regimen}Clinic's highest dose: {value} (Local rule:" in text


@pytest.mark.parametrize(
    ("interval", "observation", "note"),
    [
        # The ends of the content pack's input checks (intervals 1–120 min, durations
        # 1–1440 min): the count stays a count of readings a sheet can carry or send to a copy.
        (
            "1 min",
            "1440 min",
            "Rows for 40 min infusion + 1440 min observation at every 1 min: 1481 readings"
            " (10 here, 50 continued); more: continue on a copy",
        ),
        (
            "120 min",
            "1 min",
            "Rows for 40 min infusion + 1 min observation at every 120 min: 2 readings"
            " (within the 10 rows here)",
        ),
    ],
)
def test_the_note_stays_sane_at_the_ends_of_the_input_checks(
    bundled_library: Library, tmp_path: Path, interval: str, observation: str, note: str
) -> None:
    rules = rules_in_force(
        bundled_library,
        {"iv-vital-signs-interval": interval, "iv-trd-observation-time": observation},
    )
    text = text_of(sheet(bundled_library, "iv-ketamine-trd", tmp_path, rules))
    assert note in text
