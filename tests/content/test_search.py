"""Search over the bundled pack: exact words, unfinished words, typos, synonyms, ranking."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaref.content.pack import Library
from ketaref.content.search import SearchIndex, edit_distance, shorten_around, words


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
    assert ids(index.query("TRD"))[0] == "spravato-trd"
    assert "spravato-contraindications" in ids(index.query("AVM"))


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
    assert ids(index.query("treatment-resistant depression"))[0] == "spravato-trd"


def test_title_matches_rank_above_matches_in_the_body(index: SearchIndex) -> None:
    hits = index.query("contraindications")
    assert hits[0].item_id == "spravato-contraindications"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_the_snippet_shows_the_text_that_matched(index: SearchIndex) -> None:
    hit = next(h for h in index.query("pulse oximeter") if h.item_id == "spravato-session")
    assert "Pulse oximeter" in hit.snippet
    title_only = index.query("SPRAVATO session checklist")[0]
    assert title_only.snippet != title_only.title


def test_synonyms_of_other_conditions_find_items_that_declare_them(
    bundled_library: Library,
) -> None:
    """CRPS and PTSD synonyms, on items built in memory so the test does not need their content."""
    base = bundled_library.protocols["spravato-trd"]
    pain = base.model_copy(
        update={
            "id": "pain",
            "title": "IV ketamine for chronic pain",
            "indication": "Chronic pain",
            "synonyms": ("CRPS", "complex regional pain syndrome"),
        }
    )
    ptsd = base.model_copy(
        update={
            "id": "ptsd",
            "title": "IV ketamine for PTSD",
            "indication": "Post-traumatic stress disorder",
            "synonyms": ("PTSD",),
        }
    )
    library = dataclasses.replace(
        bundled_library, protocols=MappingProxyType({"pain": pain, "ptsd": ptsd})
    )
    index = SearchIndex.for_library(library)
    assert ids(index.query("CRPS"))[0] == "pain"
    assert ids(index.query("complex regional"))[0] == "pain"
    assert ids(index.query("post-traumatic"))[0] == "ptsd"
    assert ids(index.query("posttraumatic"))[0] == "ptsd"


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
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) <= 62
