"""The sentence at the foot of every page is the checklist's content, cited, never guessed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketaref.content.format.model import MAX_PAGE_FOOTER, PageFooter
from ketaref.content.format.pack import Library
from ketaref.content.format.problems import ContentError
from ketaref.content.in_use.render_text import render_item
from ketaref.content.lifecycle.seal import seal
from ketaref.printing.checklist_pdf import build_checklist_pdf, checklist_for
from tests.printing.pdf_tools import page_count, pdf_text, with_checklist

REMS_SENTENCE = "This checklist does not replace the SPRAVATO REMS Patient Monitoring Form."


def printed_pages(library: Library, protocol_id: str, tmp_path: Path) -> list[str]:
    path = tmp_path / f"{protocol_id}.pdf"
    path.write_bytes(build_checklist_pdf(library, protocol_id))
    return [" ".join(pdf_text(path, n).split()) for n in range(1, page_count(path) + 1)]


def test_the_spravato_sheet_prints_its_checklists_footer_with_its_reference(
    bundled_library: Library, tmp_path: Path
) -> None:
    _, checklist = checklist_for(bundled_library, "spravato-trd")
    assert checklist.page_footer is not None
    assert checklist.page_footer.text == REMS_SENTENCE
    pages = printed_pages(bundled_library, "spravato-trd", tmp_path)
    for page in pages:
        marker = re.search(re.escape(REMS_SENTENCE) + r" \[(\d+)\]", page)
        assert marker, page
    references = "".join(pages)[" ".join(pages).rindex("References") :]
    assert f"[{marker.group(1)}] " in references
    assert checklist.page_footer.locator in references


def test_a_spravato_title_without_a_footer_in_its_checklist_prints_none(
    bundled_library: Library, tmp_path: Path
) -> None:
    protocol, checklist = checklist_for(bundled_library, "spravato-trd")
    plain = checklist.model_copy(update={"page_footer": None})
    library = with_checklist(bundled_library, protocol, plain)
    for page in printed_pages(library, "spravato-trd", tmp_path):
        assert "REMS Patient Monitoring Form." not in page


def test_any_checklist_may_carry_a_footer(bundled_library: Library, tmp_path: Path) -> None:
    protocol, checklist = checklist_for(bundled_library, "iv-ketamine-trd")
    footer = PageFooter(text="A sheet for one session only.", source="rems-fda", locator="x")
    library = with_checklist(
        bundled_library, protocol, checklist.model_copy(update={"page_footer": footer})
    )
    for page in printed_pages(library, "iv-ketamine-trd", tmp_path):
        assert re.search(r"A sheet for one session only\. \[\d+\]", page), page


def test_the_footer_shows_in_the_text_of_the_checklist(bundled_library: Library) -> None:
    checklist = bundled_library.checklists["spravato-session"]
    text = render_item(bundled_library, checklist)
    assert f"Printed at the foot of every page: {REMS_SENTENCE} [rems-pmf-2021, " in text


def test_a_footer_too_long_for_its_line_is_refused_where_it_is_written(pack_copy: Path) -> None:
    path = pack_copy / "checklists" / "spravato-session.yaml"
    text = path.read_text(encoding="utf-8")
    long = "This checklist does not replace the form " + "and its instructions " * 4
    assert len(long.strip()) > MAX_PAGE_FOOTER
    path.write_text(text.replace(REMS_SENTENCE, long.strip()), encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        seal(pack_copy, same_version=True)
    (problem,) = refused.value.problems
    line = text.splitlines().index(f'  text: "{REMS_SENTENCE}"') + 1
    assert str(problem).startswith(f"checklists/spravato-session.yaml:{line}:")
    assert f"page_footer › text: is {len(long.strip())} characters long" in str(problem)
    assert f"the limit for this text is {MAX_PAGE_FOOTER}" in str(problem)
