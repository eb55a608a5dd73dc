"""One weight per printout: the rule lives in ``build_checklist_pdf``, whoever calls it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketaref.content.format.pack import Library
from ketaref.dosing.calculator import DoseResult, calculate
from ketaref.dosing.units import DoseInputError
from ketaref.printing.checklist_pdf import build_checklist_pdf
from ketaref.printing.errors import PrintError
from ketaref.printing.patient import PatientDetails
from tests.printing.pdf_tools import pdf_text


def iv_dose(library: Library, weight: str) -> DoseResult:
    return calculate(library.protocols["iv-ketamine-trd"], weight=weight, dose="0.5 mg/kg")


def header(library: Library, tmp_path: Path, **options: object) -> str:
    """The first page of the sheet for IV ketamine (TRD), as poppler reads it."""
    path = tmp_path / "sheet.pdf"
    path.write_bytes(build_checklist_pdf(library, "iv-ketamine-trd", **options))  # type: ignore[arg-type]
    return " ".join(pdf_text(path, 1).split())


def test_a_weight_other_than_the_doses_is_refused(bundled_library: Library) -> None:
    with pytest.raises(PrintError) as refused:
        build_checklist_pdf(
            bundled_library,
            "iv-ketamine-trd",
            patient=PatientDetails(weight="80 kg"),
            dose=iv_dose(bundled_library, "70 kg"),
        )
    assert str(refused.value) == (
        "the weight 80 kg differs from the 70 kg the dose on this checklist was worked out for;"
        " correct the weight, or work the dose out again for it"
    )


def test_the_same_weight_in_other_words_is_the_doses_weight(
    bundled_library: Library, tmp_path: Path
) -> None:
    dose = iv_dose(bundled_library, "154 lb")
    text = header(bundled_library, tmp_path, patient=PatientDetails(weight="154lb"), dose=dose)
    assert "Weight 154 lb" in text
    with pytest.raises(PrintError, match="differs from the 154 lb"):
        build_checklist_pdf(
            bundled_library,
            "iv-ketamine-trd",
            patient=PatientDetails(weight="69.9 kg"),  # 154 lb is 69.85322498 kg, not 69.9 kg
            dose=dose,
        )


def test_without_a_typed_weight_the_sheet_carries_the_doses(
    bundled_library: Library, tmp_path: Path
) -> None:
    text = header(bundled_library, tmp_path, dose=iv_dose(bundled_library, "70 kg"))
    assert "Weight 70 kg" in text


def test_a_weight_the_calculator_refuses_is_refused_on_paper_too(bundled_library: Library) -> None:
    with pytest.raises(DoseInputError, match="above 350 kg") as refused:
        build_checklist_pdf(
            bundled_library, "iv-ketamine-trd", patient=PatientDetails(weight="900 kg")
        )
    assert refused.value.field == "weight"


def test_a_dose_worked_out_for_another_protocol_is_refused(bundled_library: Library) -> None:
    dose = calculate(bundled_library.protocols["spravato-trd"], dose="56 mg")
    with pytest.raises(PrintError, match="worked out for the protocol “spravato-trd”"):
        build_checklist_pdf(bundled_library, "iv-ketamine-trd", dose=dose)
