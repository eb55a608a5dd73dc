"""Rules every bundled session checklist keeps, walked item by item and read back from real PDFs.

Issue 14's findings as checks: vital signs before, during and after on every IV sheet; each dose
figure in a box of its own; no line printed for another protocol; every source line with its
verification tag; the linked contraindication list on the paper; the SPRAVATO sheet against the
REMS Patient Monitoring Form.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from ketaref import paths
from ketaref.content.format.model import (
    ChecklistItem,
    FixedDoseRegimen,
    PausePoint,
    Protocol,
    Route,
    Verification,
    WeightBasedRegimen,
    statements_in,
)
from ketaref.content.format.pack import load_pack
from ketaref.dosing.calculator import DILUTE_FIRST, calculate
from ketaref.printing.checklist_pdf import build_checklist_pdf, checklist_for, printable_protocols
from ketaref.printing.errors import PrintError
from tests.printing.pdf_tools import page_count, pdf_text, pdf_text_in_drawing_order

LIBRARY = load_pack(paths.bundled_content_dir())
PRINTABLE = [p.id for p in printable_protocols(LIBRARY)]
IV_SHEETS = [p.id for p in printable_protocols(LIBRARY) if p.route is Route.INTRAVENOUS]
SEPARATE_DOSE_BOXES = (
    "Total dose (mg)",
    "Concentration (mg/mL)",
    "Volume (mL)",
    "Pump rate (mL/h)",
)
VITALS = ("Blood pressure", "Heart rate", "SpO2")
TAGS = tuple(tag.label for tag in Verification)


def one_line(text: str) -> str:
    return " ".join(text.split())


def printed(tmp_path: Path, protocol_id: str, **options: object) -> str:
    path = tmp_path / f"{protocol_id}.pdf"
    path.write_bytes(build_checklist_pdf(LIBRARY, protocol_id, **options))  # type: ignore[arg-type]
    return one_line(pdf_text_in_drawing_order(path))


def vitals_grids(protocol_id: str, pause: PausePoint) -> list[ChecklistItem]:
    _, checklist = checklist_for(LIBRARY, protocol_id)
    return [
        item
        for section in checklist.sections_for(protocol_id)
        if section.pause_point is pause
        for item in section.items
        if item.kind == "vitals-grid" and all(any(v in f for f in item.fields) for v in VITALS)
    ]


def test_there_are_iv_sheets_to_check() -> None:
    assert {"iv-ketamine-trd", "iv-ketamine-chronic-pain"} <= set(IV_SHEETS)


@pytest.mark.parametrize("protocol_id", IV_SHEETS)
def test_every_iv_sheet_records_vital_signs_before_during_and_at_discharge(
    protocol_id: str,
) -> None:
    assert vitals_grids(protocol_id, PausePoint.BEFORE_DOSING), "no baseline vital signs"
    assert vitals_grids(protocol_id, PausePoint.BEFORE_DISCHARGE), "no discharge vital signs"
    (during,) = vitals_grids(protocol_id, PausePoint.DURING)
    # A 40-minute infusion and its recovery, written down at a site-defined interval.
    assert during.table_rows(repeated=True) >= 8
    _, checklist = checklist_for(LIBRARY, protocol_id)
    interval = next(i for i in checklist.items() if i.id == "vital-signs-interval")
    assert interval.site_defined is not None


@pytest.mark.parametrize("protocol_id", IV_SHEETS)
def test_every_iv_sheet_has_separate_dose_boxes_a_double_check_and_a_pump_check(
    tmp_path: Path, protocol_id: str
) -> None:
    text = printed(tmp_path, protocol_id)
    protocol = LIBRARY.protocols[protocol_id]
    assert protocol.dosing is not None
    units = {getattr(r, "dose_unit", "mg") for r in protocol.dosing.regimens}
    assert ("Dose (mg/kg)" in text) == ("mg/kg" in units)
    assert ("Rate (mg/kg/h)" in text) == ("mg/kg/h" in units)
    for box in ("Weight (kg)", *SEPARATE_DOSE_BOXES):
        assert box in text, box
    assert "mg/kg or mg/kg/h" not in text
    assert (
        "Weight basis for IV ketamine doses (local rule, circle one): actual ideal adjusted" in text
    )
    assert text.count("Signature") >= 3  # the header's, and the two checkers'
    assert "First checker (name)" in text
    assert "Second checker (name)" in text
    assert "IV access site" in text
    assert "Pump rate set (mL/h)" in text
    assert "A responsible adult to take the patient home confirmed before dosing" in text


def test_the_calculators_figures_go_into_their_own_boxes(tmp_path: Path) -> None:
    protocol = LIBRARY.protocols["iv-ketamine-chronic-pain"]
    dose = calculate(
        protocol, weight="80 kg", dose="1 mg/kg/h", duration="4 h", concentration="10 mg/mL"
    )
    text = printed(tmp_path, protocol.id, dose=dose)
    assert (
        "Infusion rate Rate (mg/kg/h) 1 mg/kg/h Planned duration 4 h Total dose (mg) 320 mg"
        " Concentration (mg/mL) 10 mg/mL Volume (mL) 32 mL Pump rate (mL/h) 8 mL/h"
    ) in text
    assert "Weight (kg) 80 kg Prescriber Start time" in text
    # Only the regimen calculated gets a row: no blank bolus row to fill in beside it.
    assert "Dose (mg/kg)" not in text
    blank = printed(tmp_path, protocol.id)
    assert "Dose (mg/kg)" in blank
    assert "Rate (mg/kg/h)" in blank
    assert "320 mg" not in blank


@pytest.mark.parametrize("protocol_id", IV_SHEETS)
def test_an_undiluted_concentration_prints_no_volume_or_pump_rate(
    tmp_path: Path, protocol_id: str
) -> None:
    protocol = LIBRARY.protocols[protocol_id]
    assert protocol.dosing is not None
    assert protocol.dosing.concentration_limits is not None
    dilution = protocol.dosing.concentration_limits.dilution
    regimen = protocol.dosing.regimens[0]
    assert isinstance(regimen, WeightBasedRegimen)
    assert regimen.allowed_range is not None
    high = regimen.allowed_range.value
    dose = calculate(
        protocol,
        weight="70 kg",
        dose=f"{high.high} {high.unit}",
        duration=str(regimen.duration_limits.accepted.value.high)
        + f" {regimen.duration_limits.accepted.value.unit}",
        concentration=str(dilution.at_or_above),
        sources=LIBRARY.sources,
    )
    text = printed(tmp_path, protocol_id, dose=dose, dose_acknowledged=True)
    assert f"At {dilution.at_or_above}: {DILUTE_FIRST}" in text
    assert one_line(dilution.text) in text
    # The concentration, volume and pump-rate boxes stay empty, for the figures after dilution.
    assert "Concentration (mg/mL) Volume (mL) Pump rate (mL/h)" in text
    assert not re.search(r"\d mL(/h)?\b", text)


@pytest.mark.parametrize("protocol_id", PRINTABLE)
def test_no_sheet_prints_a_line_meant_for_another_protocol(
    tmp_path: Path, protocol_id: str
) -> None:
    _, checklist = checklist_for(LIBRARY, protocol_id)
    text = printed(tmp_path, protocol_id)
    limited = [item for item in checklist.items() if item.applies_to]
    for item in checklist.items():
        assert (one_line(item.text)[:60] in text) == item.applies(protocol_id), item.id
    assert not re.search(r"\bfor \w+ only\b", text, re.IGNORECASE)
    if checklist.id == "spravato-session":
        assert limited, "the SPRAVATO checklist has an item for MDSI sheets only"


def test_item_text_may_not_limit_itself_to_a_protocol() -> None:
    with pytest.raises(ValidationError, match="applies_to"):
        ChecklistItem(id="x", text="For MDSI only: an oral antidepressant", source="a", locator="b")


def test_applies_to_must_name_a_protocol_using_the_checklist(pack_copy: Path) -> None:
    from ketaref.content.format.problems import ContentError
    from ketaref.content.lifecycle.seal import seal

    path = pack_copy / "checklists" / "spravato-session.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "applies_to: [spravato-mdsi]", "applies_to: [iv-ketamine-trd]"
        ),
        encoding="utf-8",
    )
    seal(pack_copy, same_version=True)
    with pytest.raises(ContentError) as refused:
        load_pack(pack_copy)
    (problem,) = refused.value.problems
    assert problem.file == "checklists/spravato-session.yaml"
    assert "“iv-ketamine-trd” is not a protocol that uses this checklist" in problem.message
    assert problem.line is not None
    assert problem.line > 1


@pytest.mark.parametrize("protocol_id", PRINTABLE)
def test_every_source_line_carries_its_verification(tmp_path: Path, protocol_id: str) -> None:
    protocol = LIBRARY.protocols[protocol_id]
    assert protocol.dosing is not None
    regimen = protocol.dosing.regimens[0]
    weight: str | None = "70 kg"
    concentration: str | None = "10 mg/mL"
    if isinstance(regimen, FixedDoseRegimen):
        dose_text, weight, concentration = str(regimen.allowed_doses[0].value), None, None
    elif regimen.standard_dose is not None:
        dose_text = str(regimen.standard_dose.value)
    else:
        assert regimen.allowed_range is not None
        dose_text = f"{regimen.allowed_range.value.high} {regimen.allowed_range.value.unit}"
    dose = calculate(protocol, weight=weight, dose=dose_text, concentration=concentration)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(build_checklist_pdf(LIBRARY, protocol_id, dose=dose))
    text = pdf_text_in_drawing_order(path)
    box = one_line(text[text.index("Dose calculation from") : text.index("Checked by (initials)")])
    source_lines = box.split("Source: ")[1:]
    assert source_lines
    for line in source_lines:  # each citation is the sheet's [n] with its tag
        citations = re.findall(r"\[\d+, ([^]]+)\]", line)
        assert citations, line
        assert all(tag in TAGS for tag in citations), line
    references = one_line(text[text.rindex("References") :])
    _, checklist = checklist_for(LIBRARY, protocol_id)
    if checklist.page_footer is not None:  # every page's footer, with its reference number
        footer = re.escape(one_line(checklist.page_footer.text)) + r" \[\d+\]"
        references = re.sub(footer, "", references)
    entries = re.split(r"(?=\[\d+\] )", references)[1:]
    assert entries
    for entry in entries:
        assert any(f"({tag})" in entry for tag in TAGS), entry


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("protocol_id", PRINTABLE)
def test_every_linked_contraindication_list_is_on_the_paper_in_full(
    tmp_path: Path, protocol_id: str, paper: str
) -> None:
    protocol = LIBRARY.protocols[protocol_id]
    text = printed(tmp_path, protocol_id, paper=paper)
    assert protocol.contraindications
    for list_id in protocol.contraindications:
        entries = LIBRARY.contraindications[list_id]
        assert f"Appendix: {one_line(entries.title)}" in text, list_id
        for statement in statements_in(entries):
            assert one_line(statement.text) in text, (list_id, statement.text)


def test_a_pain_sheet_carries_the_ketamine_labels_own_list() -> None:
    # The consensus list is relative contraindications only; the label's are on the paper too.
    for protocol_id in ("iv-ketamine-chronic-pain", "iv-ketamine-acute-pain"):
        links = LIBRARY.protocols[protocol_id].contraindications
        assert links == ("iv-ketamine-pain-contraindications", "ketamine-label-contraindications")


def test_the_spravato_sheet_follows_the_rems_monitoring_form(tmp_path: Path) -> None:
    text = printed(tmp_path, "spravato-trd")
    for field in (
        "Lot number",
        "Device 1",
        "Monitoring ends no earlier than ____________ (Device 1 time + 2 h)",
        "Vital signs in an acceptable range before administration",
        "Vital signs in an acceptable range before the session ended",
        "REMS evaluation question",
        "Minutes from start of administration",
        "Signs of respiratory depression",
        "Adverse events and action taken",
        "Opioids",
        "Other CNS depressants",
        "Psychostimulants",
        "MAOIs",
        "Clinical worsening",
        "Suicidal thoughts or behaviors",
        "Someone to drive the patient home arranged before dosing",
        "a local decision rule, not a US label cut-off",
    ):
        assert field in text, field
    assert "oral antidepressant alongside" not in text
    assert "oral antidepressant alongside" in printed(tmp_path, "spravato-mdsi")


def test_a_protocol_without_a_checklist_says_why() -> None:
    protocol: Protocol = LIBRARY.protocols["iv-ketamine-acute-pain"]
    assert protocol.checklist is None
    assert protocol.no_checklist_reason
    with pytest.raises(PrintError, match="has no session checklist to print: No session checklist"):
        build_checklist_pdf(LIBRARY, protocol.id)
    assert protocol.id not in PRINTABLE


def test_a_runnable_protocol_needs_a_checklist_or_a_reason() -> None:
    protocol = LIBRARY.protocols["iv-ketamine-trd"].model_dump()
    with pytest.raises(ValidationError, match="no_checklist_reason"):
        Protocol.model_validate({**protocol, "checklist": None})
    with pytest.raises(ValidationError, match="not both"):
        Protocol.model_validate({**protocol, "no_checklist_reason": "Some reason."})


def test_no_claim_that_no_published_standard_exists() -> None:
    root = paths.bundled_content_dir().parent.parent
    for folder in ("ketaref", "resources", "docs"):
        for path in (root / folder).rglob("*"):
            if path.suffix in {".py", ".yaml", ".md"}:
                assert "no published standard" not in path.read_text(encoding="utf-8"), path


def continued_tables(protocol_id: str) -> list[ChecklistItem]:
    _, checklist = checklist_for(LIBRARY, protocol_id)
    return [
        item
        for section in checklist.sections_for(protocol_id)
        for item in section.items
        if item.continuation_rows is not None
    ]


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("protocol_id", IV_SHEETS)
def test_the_vital_signs_table_continues_on_the_page_it_names(
    tmp_path: Path, protocol_id: str, paper: str
) -> None:
    (during,) = vitals_grids(protocol_id, PausePoint.DURING)
    assert during.continuation_rows is not None
    # A 40-minute infusion and 2 hours of recovery, read every 5 minutes: 33 readings.
    assert during.table_rows(repeated=True) + during.continuation_rows >= 33
    assert continued_tables(protocol_id) == [during]
    path = tmp_path / "sheet.pdf"
    path.write_bytes(build_checklist_pdf(LIBRARY, protocol_id, paper=paper))
    pages = [one_line(pdf_text(path, n)) for n in range(1, page_count(path) + 1)]
    table_page = next(n for n, text in enumerate(pages, 1) if one_line(during.text) in text)
    (line,) = [text for text in pages if "More readings: continued on page" in text]
    continued = int(re.search(r"More readings: continued on page (\d+)", line).group(1))  # type: ignore[union-attr]
    assert continued > table_page
    there = pages[continued - 1]
    assert "(continued)" in there
    assert f"Continued from page {table_page}" in there
    for field in during.fields:
        assert field in there, field
    assert "More readings than rows: continue on a copy of this table." in there


@pytest.mark.parametrize("protocol_id", IV_SHEETS)
def test_print_weight_fills_the_dose_records_weight_box(tmp_path: Path, protocol_id: str) -> None:
    from ketaref.cli import main

    out = tmp_path / "sheet.pdf"
    assert main(["print", "--protocol", protocol_id, "--out", str(out), "--weight", "154 lb"]) == 0
    text = one_line(pdf_text_in_drawing_order(out))
    # 154 lb × 0.45359237 = 69.85322498 kg, shown to 0.1 kg as the calculator shows it.
    assert "Weight (kg) 69.9 kg (exact 69.85322498 kg) Prescriber" in text
    assert "Weight 154 lb" in text  # the header keeps the weight as typed
    assert main(["print", "--protocol", protocol_id, "--out", str(out)]) == 0
    assert "Weight (kg) Prescriber" in one_line(pdf_text_in_drawing_order(out))
