"""The dose record cites its sources as the rest of the sheet does: by the sheet's [n]."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketaref.content.format.pack import Library
from ketaref.dosing.calculator import calculate
from ketaref.printing.checklist_pdf import build_checklist_pdf, checklist_for
from tests.printing.pdf_tools import pdf_text, pdf_text_in_drawing_order

DOSES = {
    "spravato-trd": {"dose": "56 mg"},
    # No dose or duration typed: the lines saying the protocol's standard values were used
    # cite their sources too.
    "iv-ketamine-trd": {"weight": "70 kg", "concentration": "10 mg/mL"},
}


def one_line(text: str) -> str:
    return " ".join(text.split())


def reference_entries(text: str) -> dict[int, str]:
    """Each entry of the References list by its number (the first entry of that number)."""
    references = text[text.rindex("References") :]
    entries: dict[int, str] = {}
    for match in re.finditer(r"\[(\d+)\] (.*?)(?= \[\d+\] |$)", references):
        entries.setdefault(int(match[1]), match[2])
    return entries


@pytest.mark.parametrize("protocol_id", DOSES)
def test_the_dose_record_cites_the_sheets_references_not_source_ids(
    bundled_library: Library, tmp_path: Path, protocol_id: str
) -> None:
    protocol, _ = checklist_for(bundled_library, protocol_id)
    dose = calculate(protocol, sources=bundled_library.sources, **DOSES[protocol_id])
    path = tmp_path / "checklist.pdf"
    path.write_bytes(build_checklist_pdf(bundled_library, protocol_id, dose=dose))

    shown = pdf_text(path)
    assert [s for s in bundled_library.sources if s in shown] == []

    text = one_line(pdf_text_in_drawing_order(path))
    entries = reference_entries(text)
    record = text[text.index("Dose calculation") : text.index("1 Before dosing")]
    for parameter in dose.sources:
        line = re.search(
            rf"Source: {re.escape(parameter.parameter)} \S+ \S+((?: \[[^]]+\])+)", record
        )
        assert line, f"no source line for {parameter.parameter} in: {record}"
        printed = re.findall(r"\[(\d+), ([^]]+)\]", line[1])
        citations = parameter.statement.citations()
        assert len(printed) == len(citations)
        for (number, tag), citation in zip(printed, citations, strict=True):
            source = bundled_library.sources[citation.source]
            assert tag == source.verification.label
            entry = entries[int(number)]
            assert citation.locator in entry
            assert f"{citation.locator} ({source.verification.label})" in entry
            # A source's later locators refer back to its first entry, which names it.
            first = re.match(r"Source of \[(\d+)\],", entry)
            named = entries[int(first[1])] if first else entry
            assert named.startswith(one_line(source.citation)[:30])


def test_a_source_only_the_dose_cites_joins_the_references(
    bundled_library: Library, tmp_path: Path
) -> None:
    protocol, _ = checklist_for(bundled_library, "spravato-trd")
    dose = calculate(protocol, dose="56 mg", sources=bundled_library.sources)
    without = tmp_path / "without.pdf"
    without.write_bytes(build_checklist_pdf(bundled_library, "spravato-trd"))
    with_dose = tmp_path / "with.pdf"
    with_dose.write_bytes(build_checklist_pdf(bundled_library, "spravato-trd", dose=dose))

    def listed(path: Path) -> str:
        return " ".join(reference_entries(one_line(pdf_text_in_drawing_order(path))).values())

    before, after = listed(without), listed(with_dose)
    locators = {c.locator for p in dose.sources for c in p.statement.citations()}
    only_the_dose = {locator for locator in locators if locator not in before}
    assert only_the_dose  # e.g. the drug reference's "Dosing & Uses" for 56 mg
    assert all(locator in after for locator in only_the_dose)
