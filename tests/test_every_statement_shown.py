"""Every cited text of every bundled item reaches the user: on screen, in the CLI and on paper.

A cited text is a statement (with its source and locator) or a cited checklist item. Each must
appear, whitespace and line breaks aside, in the item's page in the app (the real reading pane's
text), in ``ketaref content show ID``, and, for the kinds that print, in the session checklist
PDF of every protocol that prints them (read back with pdftotext).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pytestqt.qtbot import QtBot

from ketaref.content.format.kinds import KINDS, Kind, linked_ids
from ketaref.content.format.model import Checklist, ChecklistItem, ContentItem, Protocol, Statement
from ketaref.content.format.pack import Library, cited_parts
from ketaref.gui.item_view import ItemView
from tests.conftest import Cli
from tests.printing.pdf_tools import pdf_text_in_drawing_order

#: What a screen or a PDF may put between words besides a space: no-break spaces, the word
#: joiners that keep a dose on one line, soft hyphens.
_INVISIBLE = str.maketrans({"\u00a0": " ", "\u2060": None, "\u00ad": None})


def normalised(text: str) -> str:
    """``text`` with every run of whitespace (line breaks included) as one space."""
    return " ".join(text.translate(_INVISIBLE).split())


def missing(parts: list[Statement | ChecklistItem], shown: str) -> list[str]:
    """The cited texts of ``parts`` that ``shown`` does not contain."""
    text = normalised(shown)
    return [part.text for part in parts if normalised(part.text) not in text]


def every_item(library: Library) -> Iterator[ContentItem]:
    for _, item in library.items():
        yield item


def test_every_bundled_item_has_cited_texts(bundled_library: Library) -> None:
    """The walk below would prove nothing over items without citations."""
    for item in every_item(bundled_library):
        assert cited_parts(item), item.id


def test_every_cited_text_is_on_the_items_page(qtbot: QtBot, bundled_library: Library) -> None:
    view = ItemView()
    qtbot.addWidget(view)
    not_shown = {}
    for item in every_item(bundled_library):
        view.show_item(bundled_library, item)
        if lost := missing(cited_parts(item), view.document.toPlainText()):
            not_shown[item.id] = lost
    assert not_shown == {}


def test_every_cited_text_is_in_content_show(cli: Cli, bundled_library: Library) -> None:
    not_shown = {}
    for item in every_item(bundled_library):
        result = cli("content", "show", item.id)
        assert result.returncode == 0, result.stderr
        if lost := missing(cited_parts(item), result.stdout):
            not_shown[item.id] = lost
    assert not_shown == {}


def printed(kind: Kind) -> bool:
    """Whether items of ``kind`` are printed on the session checklist sheets: every kind a
    protocol links is (a checklist as the sheet's body, a contraindication list in full as its
    appendix)."""
    return KINDS[kind].link_field is not None


def printed_with(library: Library, protocol: Protocol) -> list[Statement | ChecklistItem]:
    """The cited texts the sheet printed for ``protocol`` must carry: those of every item of a
    printed kind it links (of a checklist, the items that apply to the protocol)."""
    expected: list[Statement | ChecklistItem] = []
    for kind in filter(printed, Kind):
        for item_id in linked_ids(protocol, kind):
            item = library.of_kind(kind)[item_id]
            if isinstance(item, Checklist):
                item = item.model_copy(update={"sections": item.sections_for(protocol.id)})
            expected += cited_parts(item)
    return expected


def test_every_printed_cited_text_is_in_the_pdf(
    cli: Cli, bundled_library: Library, tmp_path: Path
) -> None:
    on_paper: set[str] = set()
    not_printed = {}
    for protocol in bundled_library.protocols.values():
        if protocol.checklist is None:
            continue
        target = tmp_path / f"{protocol.id}.pdf"
        result = cli("print", "--protocol", protocol.id, "--out", target)
        assert result.returncode == 0, result.stderr
        expected = printed_with(bundled_library, protocol)
        if lost := missing(expected, pdf_text_in_drawing_order(target)):
            not_printed[protocol.id] = lost
        on_paper |= {part.text for part in expected}
    assert not_printed == {}
    # The sheets walked cover every cited text of every item of a printed kind.
    for kind in filter(printed, Kind):
        for item in bundled_library.of_kind(kind).values():
            assert {part.text for part in cited_parts(item)} <= on_paper, item.id
