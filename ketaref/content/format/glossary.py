"""Abbreviations in prose: is each glossary term spelled out the first time an item uses it?

An item's prose is read in the order the app shows it (indication, then every statement, label
and note field by field); the first use of a term must read "expansion (TERM)", or
"TERM (expansion)". Titles and synonyms are names and search words, not prose, and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel

from ketaref.content.format.kinds import KINDS
from ketaref.content.format.model import GlossaryEntry

#: Fields that hold ids, names, citations or search words rather than prose (a protocol's links
#: to other items are ids too).
_NOT_PROSE = frozenset(
    {
        "id",
        "title",
        "synonyms",
        "source",
        "locator",
        "also_cited",
        "change_reason",
        "weight_basis_slot",
        "interval_slot",
    }
    | {info.link_field for info in KINDS.values() if info.link_field is not None}
)


#: Labels shown before a statement's text (phase, time point, grading system…), as on screen.
_SHOWN_FIRST = ("topic", "phase", "study", "when", "grading_system", "label")


def prose_in_reading_order(value: Any) -> Iterator[str]:
    """Every prose string of a content item, in the order it is shown."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        names = list(type(value).model_fields)
        for name in sorted(names, key=lambda n: n not in _SHOWN_FIRST):
            if name not in _NOT_PROSE:
                yield from prose_in_reading_order(getattr(value, name))
    elif isinstance(value, tuple):
        for element in value:
            yield from prose_in_reading_order(element)


@cache
def _use_of(term: str) -> re.Pattern[str]:
    """The term as a word of its own, singular or plural ("MAOI", "MAOIs")."""
    return re.compile(rf"(?<![\w/-]){re.escape(term)}s?(?![\w/-])")


def _spelled_out(text: str, start: int, end: int, entry: GlossaryEntry) -> bool:
    before, after = text[:start].casefold(), text[end:].casefold()
    for expansion in (e.casefold() for e in entry.expansions()):
        if re.search(rf"{re.escape(expansion)}s? \($", before):
            return True
        if re.match(rf" \({re.escape(expansion)}s?\)", after):
            return True
    return False


def unexpanded_terms(item: Any, glossary: tuple[GlossaryEntry, ...]) -> list[str]:
    """The glossary terms whose first use in ``item`` is not spelled out, each with its text."""
    found = []
    texts = list(prose_in_reading_order(item))
    for entry in glossary:
        for text in texts:
            use = _use_of(entry.term).search(text)
            if use is None:
                continue
            if not _spelled_out(text, use.start(), use.end(), entry):
                found.append(f"{entry.term}: first used unexplained in “{text[:90]}”")
            break
    return found
