"""The session checklist PDF, read back with poppler as a user's viewer and printer would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.content.format.model import Checklist, PausePoint, Review, Verification
from ketaref.content.format.pack import Library, load_pack
from ketaref.dosing.calculator import calculate
from ketaref.printing import fonts
from ketaref.printing.checklist_pdf import (
    build_checklist_pdf,
    check_pdf,
    checklist_for,
    printable_protocols,
    save_pdf,
)
from ketaref.printing.errors import PrintError
from ketaref.printing.paper import locale_default_paper
from ketaref.printing.patient import PatientDetails
from tests.printing.pdf_tools import (
    page_count,
    page_size,
    pdf_fonts,
    pdf_info,
    pdf_text,
    with_checklist,
)

PRINTABLE = [p.id for p in printable_protocols(load_pack(paths.bundled_content_dir()))]
PRINTED_AT = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
CANARY = "Zebulon Canarywing"


def write(tmp_path: Path, data: bytes, name: str = "checklist.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def one_line(text: str) -> str:
    """Text with line breaks and runs of spaces folded, to find phrases that wrap."""
    return " ".join(text.split())


def test_the_bundled_pack_has_a_checklist_to_print() -> None:
    assert "spravato-trd" in PRINTABLE


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
@pytest.mark.parametrize("protocol_id", PRINTABLE)
def test_every_checklist_prints_whole_and_readable(
    bundled_library: Library, tmp_path: Path, protocol_id: str, paper: str, size: tuple[int, int]
) -> None:
    protocol, checklist = checklist_for(bundled_library, protocol_id)
    path = write(tmp_path, build_checklist_pdf(bundled_library, protocol_id, paper=paper))

    pages = page_count(path)
    assert page_size(path) == size
    # The sheet, a continuation of the IV vital-signs table, an appendix per contraindication
    # list (two for pain: the consensus list and the label's own) and the references.
    assert 2 <= pages <= 8, "a session checklist should fit on two to eight pages"
    text = one_line(pdf_text(path))
    assert checklist.title in text
    assert protocol.regulatory_status.label in text
    for section in checklist.sections_for(protocol_id):
        assert section.pause_point.label in text
    assert {s.pause_point for s in checklist.sections} == set(PausePoint)
    for number in range(1, pages + 1):
        page = one_line(pdf_text(path, number))
        assert f"Page {number} of {pages}" in page
        assert f"Content {bundled_library.version}" in page
        assert bundled_library.pack_hash in page
        assert "Intended use: A reference for trained clinicians" in page
        assert "NOT YET CLINICALLY REVIEWED" in page
        if checklist.page_footer is not None:
            assert checklist.page_footer.text in page
    assert "References" in text
    assert "[1]" in text


@pytest.mark.parametrize("protocol_id", PRINTABLE)
def test_every_font_is_embedded(bundled_library: Library, tmp_path: Path, protocol_id: str) -> None:
    patient = PatientDetails(name="Ana Ødegård–Smith", patient_id="µ-1 ≥ 2", weight="70 kg")
    path = write(tmp_path, build_checklist_pdf(bundled_library, protocol_id, patient=patient))
    rows = pdf_fonts(path)
    assert rows, "the PDF names no fonts at all"
    assert all(row["emb"] == "yes" for row in rows), rows
    assert all("DejaVuSans" in row["name"] for row in rows), rows
    assert "Ana Ødegård–Smith" in pdf_text(path)


def test_bundled_font_has_the_glyphs_clinical_text_needs() -> None:
    assert fonts.missing_glyphs(fonts.REQUIRED_GLYPHS) == set()
    assert fonts.missing_glyphs(fonts.REQUIRED_GLYPHS, fonts.BOLD) == set()
    assert (paths.fonts_dir() / fonts.LICENCE_FILE).read_text().count("Bitstream") > 0


def test_header_shows_given_details_and_metadata_shows_none(
    bundled_library: Library, tmp_path: Path
) -> None:
    patient = PatientDetails(name=CANARY, patient_id="MRN-4417", weight="154 lb")
    data = build_checklist_pdf(
        bundled_library,
        "spravato-trd",
        patient=patient,
        clinic_name="Riverside Mood Clinic",
        clinician="Nurse Okafor",
        session_date=dt.date(2026, 12, 1),
        printed_at=PRINTED_AT,
    )
    path = write(tmp_path, data)
    first_page = pdf_text(path, 1)
    for shown in (CANARY, "MRN-4417", "154 lb", "Riverside Mood Clinic", "Nurse Okafor"):
        assert shown in first_page
    assert "2026-12-01" in first_page
    assert "printed 2026-11-25" in one_line(first_page)
    # Later pages repeat whose checklist it is, in case the pages get separated.
    if page_count(path) > 1:
        assert CANARY in pdf_text(path, 2)

    info = pdf_info(path)
    _, checklist = checklist_for(bundled_library, "spravato-trd")
    assert info["Title"] == checklist.title
    metadata = " ".join(info.values())
    for private in ("Zebulon", "Canarywing", "MRN-4417", "154 lb"):
        assert private not in metadata
    assert b"Canarywing" not in data  # page text is compressed; metadata and names are not


def test_blank_header_fields_are_left_to_write_in(bundled_library: Library, tmp_path: Path) -> None:
    path = write(tmp_path, build_checklist_pdf(bundled_library, "spravato-trd"))
    text = pdf_text(path, 1)
    for label in ("Patient name", "Patient ID", "Weight", "Date", "Clinician", "Signature"):
        assert label in text
    assert CANARY not in text


def test_notices_and_the_calculation_are_printed(bundled_library: Library, tmp_path: Path) -> None:
    protocol, checklist = checklist_for(bundled_library, "spravato-trd")
    dose = calculate(protocol, dose="56 mg")
    path = write(tmp_path, build_checklist_pdf(bundled_library, "spravato-trd", dose=dose))
    text = one_line(pdf_text(path))
    for notice in checklist.notices:
        assert one_line(notice.text) in text
    assert "Dose calculation from the ketaref dose calculator" in text
    assert "56 mg = 2 devices of 28 mg" in text


def test_references_give_citation_locator_and_verification(
    bundled_library: Library, tmp_path: Path
) -> None:
    _, checklist = checklist_for(bundled_library, "spravato-trd")
    path = write(tmp_path, build_checklist_pdf(bundled_library, "spravato-trd"))
    text = one_line(pdf_text(path))
    references = text[text.rindex("References") :]
    first_item = checklist.sections[0].items[0]
    source = bundled_library.sources[first_item.source or ""]
    assert one_line(source.citation)[:40] in references
    assert first_item.locator in references
    assert "(confirmed)" in references
    assert f"({Verification.SECONDARY.label})" in references


def test_reviewed_pack_drops_the_not_reviewed_mark(
    bundled_library: Library, tmp_path: Path
) -> None:
    review = Review(name="Dr A Reviewer", role="psychiatrist", date="2026-11-25", scope="all")
    manifest = bundled_library.manifest.model_copy(update={"reviews": (review,)})
    reviewed = dataclasses.replace(bundled_library, manifest=manifest)
    path = write(tmp_path, build_checklist_pdf(reviewed, "spravato-trd"))
    assert "NOT YET CLINICALLY REVIEWED" not in pdf_text(path)


def long_checklist(items_per_section: int) -> Checklist:
    """A checklist far longer than a page, with every kind of item."""

    def item(number: int, **extra: object) -> dict[str, object]:
        base: dict[str, object] = {
            "id": f"item-{number}",
            "text": f"Check number {number}, a line long enough to wrap on a narrow page",
        }
        if "site_defined" not in extra:
            base |= {"source": "rems-fda", "locator": f"page {number}"}
        return base | extra

    sections = []
    counter = iter(range(10_000))
    for pause in PausePoint:
        items = [item(next(counter)) for _ in range(items_per_section)]
        items.append(
            item(
                next(counter),
                kind="timed-observation",
                fields=("Time", "Blood pressure (mmHg)"),
                after_dose="40 min",
            )
        )
        site_defined = {
            "label": "Minimum observation time",
            "reason": "no source read for this test gives one.",
        }
        items.append(item(next(counter), site_defined=site_defined))
        items.append(
            item(
                next(counter),
                kind="write-in",
                fields=("Local threshold",),
                site_defined=site_defined,
            )
        )
        sections.append({"pause_point": pause.value, "items": tuple(items)})
    return Checklist.model_validate(
        {
            "id": "long-test",
            "title": "Long test checklist",
            "page_footer": LONG_FOOTER,
            "sections": tuple(sections),
        }
    )


LONG_FOOTER = {"text": "A test footer on every page.", "source": "rems-fda", "locator": "footer"}


def test_long_content_flows_on_with_the_footer_on_every_page(
    bundled_library: Library, tmp_path: Path
) -> None:
    protocol = bundled_library.protocols["spravato-trd"]
    library = with_checklist(bundled_library, protocol, long_checklist(items_per_section=25))
    path = write(tmp_path, build_checklist_pdf(library, "spravato-trd", paper="letter"))
    pages = page_count(path)
    assert pages >= 3
    assert check_pdf(path.read_bytes()) == pages
    for number in range(1, pages + 1):
        page = one_line(pdf_text(path, number))
        assert f"Page {number} of {pages}" in page
        assert f"Content {library.version}" in page
        assert LONG_FOOTER["text"] in page
        if number > 1:
            assert "Patient: ____________ · ID: ____________ · Date: ____________" in page
            assert "Long test checklist (continued)" in page
    text = one_line(pdf_text(path))
    assert "Check number 0," in text
    assert "Check number 83," in text
    assert "(set by local policy — no source read for this pack gives a value)" in text
    assert "Minimum observation time (local rule):" in text
    assert "Why local: No source read for this test gives one." in text
    assert "Local threshold" in text
    assert "Due 40 min after dose" in text


def test_unknown_protocol_and_protocol_without_checklist_are_refused(
    bundled_library: Library,
) -> None:
    with pytest.raises(PrintError, match="no protocol “no-such-protocol”"):
        build_checklist_pdf(bundled_library, "no-such-protocol")
    protocol = bundled_library.protocols["spravato-trd"]
    unlinked = protocol.model_copy(update={"checklist": None})
    library = dataclasses.replace(bundled_library, protocols={protocol.id: unlinked})
    with pytest.raises(PrintError, match="has no session checklist"):
        build_checklist_pdf(library, "spravato-trd")
    with pytest.raises(PrintError, match="unknown paper size"):
        build_checklist_pdf(bundled_library, "spravato-trd", paper="a3")


def test_same_inputs_give_the_same_bytes(bundled_library: Library) -> None:
    patient = PatientDetails(name=CANARY)
    first = build_checklist_pdf(
        bundled_library, "spravato-trd", patient=patient, printed_at=PRINTED_AT
    )
    again = build_checklist_pdf(
        bundled_library, "spravato-trd", patient=patient, printed_at=PRINTED_AT
    )
    later = build_checklist_pdf(
        bundled_library, "spravato-trd", patient=patient, printed_at=PRINTED_AT + dt.timedelta(1)
    )
    assert first == again
    assert first != later


def test_check_refuses_a_truncated_pdf(bundled_library: Library) -> None:
    data = build_checklist_pdf(bundled_library, "spravato-trd")
    assert check_pdf(data) >= 1
    with pytest.raises(PrintError, match="incomplete"):
        check_pdf(data[: len(data) // 2])


def test_save_writes_atomically_and_refuses_bad_targets(
    bundled_library: Library, tmp_path: Path
) -> None:
    data = build_checklist_pdf(bundled_library, "spravato-trd")
    target = tmp_path / "out.pdf"
    save_pdf(data, target)
    assert target.read_bytes() == data
    with pytest.raises(PrintError, match="does not exist"):
        save_pdf(data, tmp_path / "missing" / "out.pdf")
    with pytest.raises(PrintError, match="is a folder"):
        save_pdf(data, tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["out.pdf"]


def test_patient_details_stay_out_of_repr() -> None:
    assert CANARY not in repr(PatientDetails(name=CANARY, patient_id="MRN-1", weight="70 kg"))


@pytest.mark.parametrize(
    ("environment", "paper"),
    [
        ({"LANG": "en_US.UTF-8"}, "letter"),
        ({"LANG": "en_GB.UTF-8"}, "a4"),
        ({"LANG": "en_GB.UTF-8", "LC_PAPER": "es_MX.UTF-8"}, "letter"),
        ({"LC_ALL": "fr_CA.UTF-8", "LC_PAPER": "de_DE.UTF-8"}, "letter"),
        ({"LANG": "C.UTF-8"}, "a4"),
        ({"LANG": "tl_PH"}, "letter"),
    ],
)
def test_default_paper_follows_the_locale(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], paper: str
) -> None:
    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert locale_default_paper() == paper


def test_expired_content_is_marked_on_every_page(bundled_library: Library, tmp_path: Path) -> None:
    manifest = bundled_library.manifest.model_copy(update={"expires": dt.date(2026, 11, 24)})
    expired = dataclasses.replace(bundled_library, manifest=manifest)
    path = write(tmp_path, build_checklist_pdf(expired, "spravato-trd", printed_at=PRINTED_AT))
    for number in range(1, page_count(path) + 1):
        assert "EXPIRED CONTENT (expired 2026-11-24)" in one_line(pdf_text(path, number))
    on_the_day = build_checklist_pdf(
        expired, "spravato-trd", printed_at=dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    )
    assert "EXPIRED" not in pdf_text(write(tmp_path, on_the_day, "on-the-day.pdf"))


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_separated_page_names_its_patient_however_long_the_name(
    bundled_library: Library, tmp_path: Path, paper: str
) -> None:
    # One word as long as the name box allows, and a full-length ID: too wide for the running
    # header at its usual size, so it prints smaller, never cut (an outside read found "Patient: …").
    name, patient_id = "W" * 80, "M" * 40
    pdf = build_checklist_pdf(
        bundled_library,
        "iv-ketamine-trd",
        paper=paper,
        patient=PatientDetails(name=name, patient_id=patient_id),
        session_date=dt.date(2026, 1, 2),
    )
    path = write(tmp_path, pdf)
    for number in range(2, page_count(path) + 1):
        page = one_line(pdf_text(path, number))
        assert f"Patient: {name} · ID: {patient_id} · Date: 2026-01-02" in page, number


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("protocol_id", PRINTABLE)
def test_the_references_heading_never_ends_a_page_alone(
    bundled_library: Library, tmp_path: Path, protocol_id: str, paper: str
) -> None:
    # A long name pushes the references down: on Letter the chronic-pain list began below a
    # heading left alone at the foot of a page.
    path = tmp_path / "sheet.pdf"
    patient = PatientDetails(name="Zoé Martin-Łukasz " * 3, patient_id="ID-7")
    path.write_bytes(
        build_checklist_pdf(
            bundled_library,
            protocol_id,
            paper=paper,
            patient=patient,
            clinician="Dr Roy",
            clinic_name="North Clinic",
        )
    )
    for page in range(1, page_count(path) + 1):
        lines = [line.strip() for line in pdf_text(path, page).splitlines() if line.strip()]
        footer = next(n for n, line in enumerate(lines) if line.startswith(f"Page {page} of"))
        assert lines[footer - 1] != "References", f"page {page}"
