"""Prose rules held item by item: abbreviations spelled out, honest wording, versioned labels.

Issue 14 (findings 7, 10 and 16): the glossary in the pack, every glossary term spelled out the
first time a protocol or contraindication list uses it, no claim that "no published standard"
exists, and version-specific label sources linked to their own version, not today's label.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketaref.content.format.glossary import unexpanded_terms
from ketaref.content.format.model import GlossaryEntry, SourceKind, statements_in
from ketaref.content.format.pack import GLOSSARY, Library, load_pack
from ketaref.content.format.problems import ContentError
from ketaref.content.in_use.render_text import render_item as render_text_item
from ketaref.content.lifecycle.seal import seal
from tests.content.packs import edit, force_seal
from tests.content.test_clinical_rules import CONTRACT_PROTOCOLS

#: Items whose prose this rule covers: everything a nurse reads on screen or on the printed sheet.
PROSE_KINDS = ("protocol", "contraindications", "checklist")

ITEM_IDS = [
    *sorted(CONTRACT_PROTOCOLS),
    "spravato-contraindications",
    "iv-ketamine-pain-contraindications",
    "ketamine-label-contraindications",
    "spravato-session",
    "iv-ketamine-session",
]


def test_the_bundled_pack_has_a_glossary_of_the_abbreviations_it_uses(
    bundled_library: Library,
) -> None:
    terms = {entry.term for entry in bundled_library.glossary}
    assert {"REMS", "MOAA/S", "CADSS", "MAOI", "CNS", "CAPS-5", "MADRS", "ECG", "NMDA"} <= terms
    assert {"ASA", "ASRA", "AAPM"} <= terms


def test_the_covered_items_are_every_protocol_and_contraindication_list(
    bundled_library: Library,
) -> None:
    covered = {item.id for kind, item in bundled_library.items() if kind in PROSE_KINDS}
    assert covered == set(ITEM_IDS)


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_every_glossary_term_is_spelled_out_where_the_item_first_uses_it(
    bundled_library: Library, item_id: str
) -> None:
    found = bundled_library.item(item_id)
    assert found is not None
    assert unexpanded_terms(found[1], bundled_library.glossary) == []


def test_a_term_used_before_it_is_spelled_out_is_reported(bundled_library: Library) -> None:
    _, protocol = bundled_library.item("spravato-trd") or ("", None)
    wrong = (GlossaryEntry(term="REMS", expansion="Remote Electronic Monitoring System"),)
    assert [p.split(":")[0] for p in unexpanded_terms(protocol, wrong)] == ["REMS"]


def test_plurals_and_other_names_count_as_spelled_out(bundled_library: Library) -> None:
    _, protocol = bundled_library.item("spravato-trd") or ("", None)
    entries = (
        GlossaryEntry(term="MAOI", expansion="monoamine oxidase inhibitor"),
        GlossaryEntry(
            term="CADSS",
            expansion="a name the label does not use",
            other_expansions=("Clinician Administered Dissociative Symptoms Scale",),
        ),
    )
    assert unexpanded_terms(protocol, entries) == []


def test_no_pack_file_claims_that_no_published_standard_exists(bundled_library: Library) -> None:
    for path in sorted(bundled_library.directory.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8").lower()
        assert "no published standard" not in text, path.name


#: Wording the clinical read found (issue 14, finding 15): a half-sentence, an overclaim.
HALF_SENTENCES_AND_OVERCLAIMS = (
    "rest not read",
    "studied only in small trials",
    # Found by the second outside read: a line with no verb, and a sentence broken in two.
    "more benefit; a total dose",
    "has been reported: ketalar says",
)


def test_no_half_sentence_or_overclaim_comes_back(bundled_library: Library) -> None:
    for _, item in bundled_library.items():
        text = render_text_item(bundled_library, item).lower()
        for phrase in HALF_SENTENCES_AND_OVERCLAIMS:
            assert phrase not in text, (item.id, phrase)


def test_intranasal_ketamine_is_never_mistaken_for_spravato(bundled_library: Library) -> None:
    # "Intranasal ketamine" in a racemic-ketamine item could be read as SPRAVATO (esketamine).
    for _, item in bundled_library.items():
        for statement in statements_in(item):
            for use in re.finditer(r"intranasal (racemic )?ketamine", statement.text, re.I):
                assert (
                    statement.text[use.start() :]
                    .lower()
                    .startswith("intranasal racemic ketamine (not spravato)")
                ), (item.id, statement.text)


#: Version-specific label sources: each must link to its own version, never to today's label.
VERSIONED_LABELS = {
    "spravato-pi-2019-copy": "/label/2019/",
    "spravato-hl-2020": "/label/2020/",
    "spravato-bs-2021": "usmedicine.com/2021",
}


@pytest.mark.parametrize(("source_id", "url_part"), sorted(VERSIONED_LABELS.items()))
def test_a_version_specific_label_links_to_that_version(
    bundled_library: Library, source_id: str, url_part: str
) -> None:
    source = bundled_library.sources[source_id]
    assert url_part in source.url
    assert "dailymed.nlm.nih.gov/dailymed/drugInfo" not in source.url


def test_every_label_citation_names_its_version_or_date(bundled_library: Library) -> None:
    """A label is cited with its revision, or says the revision was not captured and when the
    copy was read."""
    dated = re.compile(r"\b(19|20)\d\d\b|\b\d{1,2}/\d{4}\b")
    for source in bundled_library.sources.values():
        if source.kind is SourceKind.LABEL:
            assert dated.search(source.citation), source.id


def test_a_pack_without_a_glossary_still_loads(pack_copy: Path) -> None:
    (pack_copy / GLOSSARY).unlink()
    seal(pack_copy, same_version=True)
    assert load_pack(pack_copy).glossary == ()


def test_a_glossary_naming_a_term_twice_is_refused_at_the_glossary(pack_copy: Path) -> None:
    edit(pack_copy, GLOSSARY, "  - term: AAPM\n", "  - term: ASA\n")
    force_seal(pack_copy)
    with pytest.raises(ContentError) as refused:
        load_pack(pack_copy)
    problems = refused.value.problems
    assert [p.file for p in problems] == [GLOSSARY]
    assert "terms repeat: ASA" in problems[0].message
