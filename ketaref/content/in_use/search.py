"""Full-text search over a content pack, tolerant of small typos (no Qt).

Built once per ``Library``; a query returns ranked ``SearchHit`` objects (item id, kind, title, the
matched snippet). What is searched: titles, indications, synonyms the content declares (so
"Spravato" finds esketamine items and "TRD" finds treatment-resistant depression), statement
texts, checklist items and contraindication entries. Hyphenated words are also indexed joined up
("post-traumatic" is found by "posttraumatic").

How a query matches: it is split into words; every word must match somewhere in an item. A word
matches a word of the content exactly, as the start of a longer word (so results come as the user
types), or within a small edit distance (one typo in words of 5–7 letters, two from 8 letters).
Typo candidates come from a deletion index (the SymSpell idea): every content word is stored under
the strings left after deleting up to two of its letters, so a misspelt query word is looked up,
not compared against the whole vocabulary.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, assert_never

from ketaref.content.format.kinds import KINDS, Kind
from ketaref.content.format.model import (
    Checklist,
    ContentItem,
    ContraindicationList,
    Disagreement,
    EvidenceFinding,
    MonitoringPoint,
    Protocol,
    ScheduleRow,
    Statement,
    statements_in,
)
from ketaref.content.format.pack import Library

_WORD = re.compile(r"[^\W_]+")
_HYPHENATED = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)
#: How much a match in each kind of field counts.
_TITLE, _SYNONYM, _INDICATION, _ITEM, _TEXT = 10.0, 8.0, 6.0, 3.0, 2.0
#: How much each kind of word match counts, relative to an exact match.
_EXACT, _PREFIX, _ONE_TYPO, _TWO_TYPOS = 1.0, 0.8, 0.6, 0.4
_MAX_PREFIX_EXPANSIONS = 40
_SNIPPET_CHARS = 140
#: Among equally good items, kinds in their registry order (protocols first).
_KIND_ORDER = {kind: rank for rank, kind in enumerate(Kind)}
#: Among equally good protocols, labelled use first, then consensus, then research.
_STATUS_ORDER = {"fda-approved-labelling": 0, "consensus-off-label": 1, "research-only": 2}


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One item that matches a query, with the text that matched."""

    item_id: str
    kind: Kind
    title: str
    snippet: str
    score: float
    #: The content words the query matched (typos and prefixes resolved), for highlighting.
    matched: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Field:
    item: int
    text: str
    weight: float


def words(text: str) -> list[str]:
    """The searchable words of ``text``: lower case, letters and digits, no stop words."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP_WORDS]


def _deletions(word: str, depth: int) -> set[str]:
    """Every string left after deleting up to ``depth`` letters of ``word`` (word included)."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def allowed_typos(word: str) -> int:
    """How many typos a query word may contain: none below 5 letters, 2 from 8 letters.

    Short words get none: "crps" is one letter away from "caps", "pain" from "pan".
    """
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _statement_fields(statement: Statement) -> Iterator[tuple[str, float]]:
    yield statement.text, _TEXT
    if isinstance(statement, ScheduleRow):
        yield statement.phase, _TEXT
    elif isinstance(statement, MonitoringPoint):
        yield statement.when, _TEXT
    elif isinstance(statement, EvidenceFinding):
        yield statement.study, _TEXT
    for synonym in getattr(statement, "synonyms", ()):
        yield synonym, _INDICATION


def _disagreement_topics(item: Any) -> Iterator[tuple[str, float]]:
    for disagreement in getattr(item, "disagreements", ()):
        if isinstance(disagreement, Disagreement):
            yield disagreement.topic, _TEXT
            yield disagreement.note, _TEXT


def subtitle(item: ContentItem) -> str:
    """A short line under an item's title: its indication, what it applies to, or its kind."""
    match item:
        case Protocol():
            return item.indication
        case ContraindicationList():
            return item.applies_to
        case Checklist():
            return KINDS[Kind.CHECKLIST].heading
        case _:
            assert_never(item)


def _kind_fields(item: ContentItem) -> list[tuple[str, float]]:
    """The texts only items of one kind have: indications, entries, checklist items."""
    match item:
        case Protocol():
            return [(item.indication, _INDICATION)]
        case ContraindicationList():
            return [(item.applies_to, _INDICATION)] + [(e.text, _ITEM) for e in item.items]
        case Checklist():
            fields = []
            for entry in item.items():
                fields.append((entry.text, _ITEM))
                if entry.site_defined:
                    fields.append((entry.site_defined.label, _TEXT))
            return fields
        case _:
            assert_never(item)


def item_fields(item: ContentItem) -> list[tuple[str, float]]:
    """The texts of one item that search looks at, each with its weight."""
    fields = [(item.title, _TITLE)] + [(s, _SYNONYM) for s in item.synonyms]
    fields += _kind_fields(item)
    for statement in statements_in(item):
        fields += _statement_fields(statement)
    fields += _disagreement_topics(item)
    return fields


class SearchIndex:
    """A word index over every item of a library; build once, query many times."""

    def __init__(self, items: Iterable[tuple[Kind, ContentItem]]):
        self._items: list[tuple[str, Kind, str, str]] = []  # (id, kind, title, subtitle)
        self._status_rank: list[int] = []
        self._fields: list[_Field] = []
        #: word → item index → (best weight, field index of that weight)
        self._postings: dict[str, dict[int, tuple[float, int]]] = {}
        for kind, item in items:
            number = len(self._items)
            self._items.append((item.id, kind, item.title, subtitle(item)))
            status = item.regulatory_status.value if isinstance(item, Protocol) else ""
            self._status_rank.append(_STATUS_ORDER.get(status, 9))
            for text, weight in item_fields(item):
                self._add_field(_Field(number, text, weight))
        self._vocabulary = sorted(self._postings)
        self._by_deletion: dict[str, list[str]] = {}
        for word in self._vocabulary:
            for variant in _deletions(word, 2 if len(word) >= 5 else 1):
                self._by_deletion.setdefault(variant, []).append(word)

    @classmethod
    def for_library(cls, library: Library) -> SearchIndex:
        """The index of every item of every kind in ``library``."""
        return cls(library.items())

    def _add_field(self, field: _Field) -> None:
        number = len(self._fields)
        self._fields.append(field)
        joined = [m.group().replace("-", "") for m in _HYPHENATED.finditer(field.text.lower())]
        for word in set(words(field.text) + joined):
            postings = self._postings.setdefault(word, {})
            best = postings.get(field.item)
            if best is None or best[0] < field.weight:
                postings[field.item] = (field.weight, number)

    def _candidates(self, term: str, as_prefix: bool) -> dict[str, float]:
        """Content words that ``term`` may mean, each with how well it matches."""
        found: dict[str, float] = {}
        if term in self._postings:
            found[term] = _EXACT
        if as_prefix and len(term) >= 2:
            start = bisect.bisect_left(self._vocabulary, term)
            for word in itertools.islice(self._vocabulary, start, None):
                if not word.startswith(term) or len(found) > _MAX_PREFIX_EXPANSIONS:
                    break
                found.setdefault(word, _PREFIX)
        limit = allowed_typos(term)
        if limit:
            for variant in _deletions(term, limit):
                for word in self._by_deletion.get(variant, ()):
                    if word in found:
                        continue
                    distance = edit_distance(term, word, limit)
                    if distance <= limit:
                        found[word] = _ONE_TYPO if distance == 1 else _TWO_TYPOS
        return found

    def query(self, text: str, limit: int = 30) -> list[SearchHit]:
        """Items matching every word of ``text``, best first; the last word may be unfinished."""
        terms = words(text)
        if not terms:
            return []
        typing_last_word = not text[-1:].isspace()
        matched_words: set[str] = set()
        totals: dict[int, float] | None = None
        best_fields: dict[int, list[tuple[float, int]]] = {}
        for position, term in enumerate(terms):
            candidates = self._candidates(term, typing_last_word and position == len(terms) - 1)
            matched_words |= candidates.keys()
            scores: dict[int, tuple[float, int]] = {}
            for word, quality in candidates.items():
                for item, (weight, field) in self._postings[word].items():
                    score = weight * quality
                    if item not in scores or scores[item][0] < score:
                        scores[item] = (score, field)
            if totals is None:
                totals = {item: score for item, (score, _) in scores.items()}
            else:
                totals = {i: t + scores[i][0] for i, t in totals.items() if i in scores}
            for item, best in scores.items():
                if item in totals:
                    best_fields.setdefault(item, []).append(best)
            if not totals:
                return []
        assert totals is not None
        # Ties go to protocols, labelled use first, then to the title the query covers most of
        # (the shorter one): "spravato" puts the labelled TRD protocol first.
        ranked = sorted(
            totals.items(),
            key=lambda pair: (
                -pair[1],
                _KIND_ORDER[self._items[pair[0]][1]],
                self._status_rank[pair[0]],
                len(self._items[pair[0]][2]),
                self._items[pair[0]][2],
            ),
        )[:limit]
        return [
            SearchHit(
                item_id=self._items[item][0],
                kind=self._items[item][1],
                title=self._items[item][2],
                snippet=self._snippet(item, best_fields[item], matched_words),
                score=round(score, 3),
                matched=tuple(sorted(matched_words)),
            )
            for item, score in ranked
        ]

    def _snippet(self, item: int, matches: list[tuple[float, int]], matched_words: set[str]) -> str:
        """The text that matched best; the item's subtitle when only its title matched."""
        ordered = sorted(matches, key=lambda m: (self._fields[m[1]].weight == _TITLE, -m[0]))
        field = self._fields[ordered[0][1]]
        if field.weight == _TITLE:
            return self._items[item][3]
        return shorten_around(field.text, matched_words)


def shorten_around(text: str, matched_words: set[str], width: int = _SNIPPET_CHARS) -> str:
    """``text`` cut to about ``width`` characters around its first matched word."""
    if len(text) <= width:
        return text
    start = 0
    for match in _WORD.finditer(text.lower()):
        if match.group() in matched_words:
            start = match.start()
            break
    begin = max(0, min(start - width // 3, len(text) - width))
    begin = text.rfind(" ", 0, begin) + 1 if begin else 0
    end = begin + width
    if end < len(text):
        end = text.rfind(" ", begin, end) if " " in text[begin:end] else end
    return ("…" if begin else "") + text[begin:end].strip() + ("…" if end < len(text) else "")
