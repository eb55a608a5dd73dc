"""A source's verification tag reads the same on screen, in the command line's text and on paper."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ketaref.content.format.model import Citation, Verification
from ketaref.content.format.pack import Library
from ketaref.gui.main_window import MainWindow
from ketaref.printing.checklist_pdf import build_checklist_pdf, checklist_for
from tests.content.packs import run_cli
from tests.printing.pdf_tools import pdf_text_in_drawing_order

#: The IV sheet cites sources of every tag (the SPRAVATO sheet has no abstract-only one).
PROTOCOL = "iv-ketamine-trd"
CHECKLIST = "iv-ketamine-session"


def one_line(text: str) -> str:
    return " ".join(text.split())


def cited_with(library: Library, tag: Verification) -> Citation:
    """A citation of a source with ``tag`` that the sheet printed for PROTOCOL carries."""
    _, checklist = checklist_for(library, PROTOCOL)
    items = [item for section in checklist.sections_for(PROTOCOL) for item in section.items]
    citations = [c for item in items for c in item.citations()]
    return next(c for c in citations if library.sources[c.source].verification is tag)


@pytest.fixture(scope="module")
def shown_text() -> str:
    result = run_cli("content", "show", CHECKLIST)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("tag", list(Verification))
def test_screen_text_and_paper_show_the_same_words_for_each_tag(
    qtbot: QtBot,
    window: MainWindow,
    bundled_library: Library,
    shown_text: str,
    tmp_path: Path,
    tag: Verification,
) -> None:
    citation = cited_with(bundled_library, tag)
    source = bundled_library.sources[citation.source]

    path = tmp_path / "sheet.pdf"
    path.write_bytes(build_checklist_pdf(bundled_library, PROTOCOL))
    printed = one_line(pdf_text_in_drawing_order(path))
    references = printed[printed.rindex("References") :]
    assert f"{one_line(citation.locator)} ({tag.label})" in references

    (line,) = [s for s in shown_text.splitlines() if s.startswith(f"  [{source.id}] ")]
    assert line.endswith(f"({tag.label})")

    window.open_item(CHECKLIST)
    panel = window.item_view.sources
    (number,) = [
        c.number
        for c in map(panel.model.citation, range(panel.model.rowCount()))
        if c is not None
        if (c.source_id, c.locator) == (citation.source, citation.locator)
    ]
    panel.select(number)
    qtbot.waitUntil(lambda: source.citation in panel.detail.toPlainText())
    assert f"verified: {tag.label} ·" in panel.detail.toPlainText()

    # In running text a tag needs no words where there is nothing to check; elsewhere the same.
    inline = f"{citation.source}, {citation.locator}; {tag.label}"
    page = one_line(window.item_view.document.toPlainText())
    if tag is Verification.CONFIRMED:
        assert inline not in shown_text
    else:
        assert inline in shown_text
        assert f"[{number}] {tag.label}" in page
