"""Search over the bundled pack: exact words, unfinished words, typos, synonyms, ranking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaref.content.format.pack import Library
from ketaref.content.in_use.search import SearchIndex, edit_distance, shorten_around, words


@pytest.fixture(scope="module")
def index(bundled_library: Library) -> SearchIndex:
    return SearchIndex.for_library(bundled_library)


def ids(hits) -> list[str]:
    return [hit.item_id for hit in hits]


def test_a_title_word_finds_the_item(index: SearchIndex) -> None:
    hits = index.query("SPRAVATO")
    assert "spravato-trd" in ids(hits)
    assert {hit.kind for hit in hits} >= {"protocol", "checklist", "contraindications"}


def test_synonyms_the_content_declares_are_searched(index: SearchIndex) -> None:
    assert {"spravato-trd", "iv-ketamine-trd"} <= set(ids(index.query("TRD")))
    assert ids(index.query("AVM")) == ["spravato-contraindications"]
    assert ids(index.query("CRPS"))[0] == "iv-ketamine-chronic-pain"
    assert ids(index.query("complex regional"))[0] == "iv-ketamine-chronic-pain"
    for spelling in ("post-traumatic", "posttraumatic", "PTSD"):
        assert ids(index.query(spelling))[0] == "iv-ketamine-ptsd", spelling


def test_a_typo_still_finds_the_item(index: SearchIndex) -> None:
    assert "spravato-trd" in ids(index.query("esketamin"))
    assert "spravato-trd" in ids(index.query("spravto"))
    assert ids(index.query("aneurism")) == ["spravato-contraindications"]


def test_results_come_while_the_last_word_is_unfinished(index: SearchIndex) -> None:
    assert "spravato-session" in ids(index.query("pulse oxim"))
    assert index.query("pulse oxim ") == []  # a finished word must match as typed (or a typo)


def test_every_word_must_match(index: SearchIndex) -> None:
    assert index.query("spravato zebra") == []
    assert index.query("") == []
    assert index.query("the of") == []


def test_hyphenated_queries_match_hyphenated_text(index: SearchIndex) -> None:
    top_two = set(ids(index.query("treatment-resistant depression"))[:2])
    assert top_two == {"spravato-trd", "iv-ketamine-trd"}


def test_title_matches_rank_above_matches_in_the_body(
    index: SearchIndex, bundled_library: Library
) -> None:
    hits = index.query("contraindications")
    lists = len(bundled_library.contraindications)
    assert {h.kind for h in hits[:lists]} == {"contraindications"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_the_snippet_shows_the_text_that_matched(index: SearchIndex) -> None:
    hit = next(h for h in index.query("pulse oximeter") if h.item_id == "spravato-session")
    assert "Pulse oximeter" in hit.snippet
    title_only = index.query("SPRAVATO session checklist")[0]
    assert title_only.snippet != title_only.title


def test_words_drops_stop_words_and_punctuation() -> None:
    assert words("The SPRAVATO label: 0.5 mg/kg") == ["spravato", "label", "0", "5", "mg", "kg"]


@given(st.text(alphabet="abcdef", max_size=8), st.text(alphabet="abcdef", max_size=8))
def test_edit_distance_is_symmetric_and_bounded(a: str, b: str) -> None:
    distance = edit_distance(a, b, 10)
    assert distance == edit_distance(b, a, 10)
    assert abs(len(a) - len(b)) <= distance <= max(len(a), len(b))
    assert (distance == 0) == (a == b)


def test_edit_distance_counts_a_swap_once() -> None:
    assert edit_distance("treatmnet", "treatment", 2) == 1
    assert edit_distance("ketamine", "esketamine", 1) == 2  # capped at limit + 1


def test_shorten_around_keeps_the_matched_word_in_view() -> None:
    text = " ".join(["filler"] * 40) + " oximeter " + " ".join(["tail"] * 40)
    snippet = shorten_around(text, {"oximeter"}, width=60)
    assert "oximeter" in snippet
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert len(snippet) <= 62


def test_spravato_puts_the_labelled_trd_protocol_first(index: SearchIndex) -> None:
    hits = index.query("spravato")
    assert hits[0].item_id == "spravato-trd"
    assert "spravato" in hits[0].matched
