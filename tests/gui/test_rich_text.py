"""The rich text of an item: content is escaped, every statement is numbered to its source."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from ketaref.content.format.pack import Library
from ketaref.gui.palette import theme_from
from ketaref.gui.rich_text import render_item


def test_text_from_the_content_is_escaped(bundled_library: Library) -> None:
    protocol = bundled_library.protocols["spravato-trd"]
    statement = protocol.status_statement.model_copy(update={"text": "<b>bold</b> & <script>"})
    tampered = protocol.model_copy(update={"title": "<i>Title</i>", "status_statement": statement})
    html = render_item(bundled_library, tampered, theme_from(QPalette())).html
    assert "&lt;i&gt;Title&lt;/i&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in html
    assert "<script>" not in html
    assert "<i>Title" not in html


def test_every_citation_is_numbered_once_in_reading_order(bundled_library: Library) -> None:
    protocol = bundled_library.protocols["iv-ketamine-trd"]
    rendered = render_item(bundled_library, protocol, theme_from(QPalette()))
    numbers = [c.number for c in rendered.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    pairs = [(c.source_id, c.locator) for c in rendered.citations]
    assert len(pairs) == len(set(pairs))
    cited = {(c.source, c.locator) for s in protocol.all_statements() for c in s.citations()}
    assert set(pairs) == cited
    for citation in rendered.citations:
        assert f'href="cite:{citation.number}"' in rendered.html
        if citation.tag:  # a chip after the marker's link, not inside it
            assert f"[{citation.number}]</a> <span" in rendered.html


def test_a_protocol_page_links_every_contraindication_list_and_each_list_its_users(
    bundled_library: Library,
) -> None:
    protocol = bundled_library.protocols["iv-ketamine-chronic-pain"]
    html = render_item(bundled_library, protocol, theme_from(QPalette())).html
    for list_id in protocol.contraindications:
        assert f'href="item:{list_id}"' in html, list_id
    label_list = bundled_library.contraindications["ketamine-label-contraindications"]
    listed = render_item(bundled_library, label_list, theme_from(QPalette()))
    # The label's list names every protocol that links it, the pain protocols among them.
    assert 'href="item:iv-ketamine-chronic-pain"' in listed.html
    assert 'href="item:iv-ketamine-trd"' in listed.html


def test_a_checklists_page_footer_is_shown_with_its_citation(bundled_library: Library) -> None:
    checklist = bundled_library.checklists["spravato-session"]
    assert checklist.page_footer is not None
    rendered = render_item(bundled_library, checklist, theme_from(QPalette()))
    assert "Printed at the foot of every page" in rendered.html
    assert checklist.page_footer.text in rendered.html
    cited = {(c.source_id, c.locator) for c in rendered.citations}
    assert (checklist.page_footer.source, checklist.page_footer.locator) in cited


def test_no_page_shows_a_source_id_not_even_in_a_markers_tooltip(bundled_library: Library) -> None:
    items = [
        *bundled_library.protocols.values(),
        *bundled_library.checklists.values(),
        *bundled_library.contraindications.values(),
    ]
    for item in items:
        html = render_item(bundled_library, item, theme_from(QPalette())).html
        shown = [source_id for source_id in bundled_library.sources if source_id in html]
        assert shown == [], item.id
