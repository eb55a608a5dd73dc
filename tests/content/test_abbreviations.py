"""Every abbreviation a user reads is in the glossary, or is on a short list of words in capitals
that are not abbreviations, each with the reason.

Scanned mechanically: every text of every item (what the screens show), every printed sheet up to
its reference list, and ``content show`` up to its list of sources. A token counts when it has two
or more capital letters: "SpO2", "MAOIs", "CAPS-5", "MOAA/S". Citations (author initials, journal
names, DOI and PMID) are bibliographic records quoted as published and are not scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from ketaref import paths
from ketaref.content.format.glossary import unexpanded_terms
from ketaref.content.format.model import FixedDoseRegimen, Protocol
from ketaref.content.format.pack import load_pack
from ketaref.content.format.quantity import Quantity
from ketaref.content.in_use.render_text import render_item
from ketaref.dosing.calculator import DoseResult, calculate
from ketaref.printing.checklist_pdf import build_checklist_pdf, printable_protocols
from ketaref.printing.patient import PatientDetails
from tests.local_rule_files import rules_in_force
from tests.printing.pdf_tools import pdf_text_in_drawing_order

LIBRARY = load_pack(paths.bundled_content_dir())
GLOSSARY = {entry.term for entry in LIBRARY.glossary}

#: A word, with a scale's number ("CAPS-5") or a one-letter part after a slash ("MOAA/S").
WORD = re.compile(r"[A-Za-z0-9]+(?:/[A-Z]\b)?(?:-\d+\b)?")
TWO_CAPITALS = re.compile(r"(?:.*[A-Z]){2}")

#: Tokens with two or more capitals that are not abbreviations to spell out, and why.
NOT_ABBREVIATIONS = {
    **dict.fromkeys(
        (
            "ABUSE",
            "AND",
            "BEHAVIORS",
            "DEPRESSION",
            "DISSOCIATION",
            "MISUSE",
            "RESPIRATORY",
            "SEDATION",
            "SUICIDAL",
            "THOUGHTS",
        ),
        "a word of a SPRAVATO boxed-warning title, quoted in capitals as the label prints it",
    ),
    **dict.fromkeys(
        ("NOT", "YET", "CLINICALLY", "REVIEWED", "EXPIRED", "CONTENT", "LOCAL", "RULE"),
        "a word of a mark the printout sets in capitals (NOT YET CLINICALLY REVIEWED, EXPIRED"
        " CONTENT, LOCAL RULE)",
    ),
    **dict.fromkeys(
        (
            "ADMINISTRATION",
            "BASIS",
            "BEFORE",
            "CALCULATOR",
            "DIFFER",
            "DISCHARGE",
            "DOSE",
            "DOSING",
            "DURING",
            "EVIDENCE",
            "FOUND",
            "ITEMS",
            "LEAVE",
            "MINIMUM",
            "MONITORING",
            "NOTES",
            "OBSERVATION",
            "POPULATION",
            "READINESS",
            "REGULATORY",
            "SCHEDULE",
            "SESSION",
            "SOURCES",
            "STATUS",
            "STUDIES",
            "SUMMARY",
            "THE",
            "TO",
            "USES",
            "WARNINGS",
            "WHAT",
            "WHERE",
        ),
        "a word of a heading `content show` prints in capitals",
    ),
    "SPRAVATO": "the brand name, written in capitals as its label writes it",
    "US": "United States, a country name every reader knows; the labels use it unexplained",
    "UK": "United Kingdom, a country name every reader knows",
    "EU": "European Union, a name every reader knows",
    "III": "a Roman numeral (Schedule III)",
    "ID": "identifier, the label of the patient ID box as on every clinical form",
    "UTC": "the time zone of a print time",
    "DSM-5": "part of the rating scales' names (CAPS-5, PCL-5); their glossary notes spell it out",
    "McIntyre": "a surname (McIntyre 2021)",
    "openFDA": "the name of the FDA's data service, cited as a source",
}


def tokens(text: str) -> set[str]:
    """Every word of ``text`` with two or more capital letters."""
    return {word for word in WORD.findall(text) if TWO_CAPITALS.match(word)}


def unexplained(text: str) -> set[str]:
    """The tokens of ``text`` neither in the glossary (plurals count) nor on the list above."""
    return {
        token
        for token in tokens(text)
        if token not in GLOSSARY
        and token.removesuffix("s") not in GLOSSARY
        and token not in NOT_ABBREVIATIONS
    }


#: Fields that hold ids, search words or citations, not text a user reads as prose or labels.
_NOT_READ = frozenset(
    {"id", "source", "locator", "also_cited", "synonyms", "change_reason", "checklist",
     "contraindications", "applies_to", "weight_basis_slot", "interval_slot",
     "slot"}
)  # fmt: skip


def item_texts(value: Any) -> Iterator[str]:
    """Every text of an item a screen shows: titles, prose, labels, table headers."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in _NOT_READ:
                yield from item_texts(getattr(value, name))
    elif isinstance(value, tuple):
        for element in value:
            yield from item_texts(element)


def test_the_scanner_finds_what_it_should() -> None:
    assert tokens("SpO2 (%), 95% CI, MAOIs, CAPS-5, MOAA/S, ASRA/AAPM/ASA, Ketalar") == {
        "SpO2", "CI", "MAOIs", "CAPS-5", "MOAA/S", "ASRA", "AAPM", "ASA",
    }  # fmt: skip
    assert unexplained("XYZ and SpO2 and MAOIs") == {"XYZ"}


def test_every_reason_is_given_and_every_listed_word_is_no_glossary_term() -> None:
    assert all(reason.strip() for reason in NOT_ABBREVIATIONS.values())
    assert not set(NOT_ABBREVIATIONS) & GLOSSARY


@pytest.mark.parametrize("item", [item for _, item in LIBRARY.items()], ids=lambda v: v.id)
def test_every_abbreviation_in_an_item_is_explained(item: Any) -> None:
    found = {token for text in item_texts(item) for token in unexplained(text)}
    assert not found, f"{item.id}: add to the glossary or to NOT_ABBREVIATIONS: {sorted(found)}"


@pytest.mark.parametrize("item", [item for _, item in LIBRARY.items()], ids=lambda v: v.id)
def test_every_abbreviation_content_show_prints_is_explained(item: Any) -> None:
    text = render_item(LIBRARY, item)
    text = re.sub(r"\[[^\]]*\]", "", text.split("\nSOURCES")[0])  # citations are records
    assert not unexplained(text), item.id


def a_calculation(protocol: Protocol) -> DoseResult:
    """A calculation for the protocol's first regimen, as the dose calculator would print it."""
    assert protocol.dosing is not None
    regimen = protocol.dosing.regimens[0]
    if isinstance(regimen, FixedDoseRegimen):
        return calculate(protocol, dose=str(regimen.allowed_doses[0].value))
    dose = regimen.standard_dose.value if regimen.standard_dose else None
    if dose is None:
        assert regimen.allowed_range is not None
        dose = Quantity(regimen.allowed_range.value.high, regimen.allowed_range.value.unit)
    return calculate(protocol, weight="70 kg", dose=str(dose), concentration="10 mg/mL")


@pytest.mark.parametrize("protocol_id", [p.id for p in printable_protocols(LIBRARY)])
def test_every_abbreviation_on_a_sheet_is_explained(tmp_path: Path, protocol_id: str) -> None:
    protocol = LIBRARY.protocols[protocol_id]
    blank = build_checklist_pdf(LIBRARY, protocol_id)
    filled = build_checklist_pdf(
        LIBRARY,
        protocol_id,
        patient=PatientDetails(weight="70 kg"),
        dose=a_calculation(protocol),
    )
    with_rules = build_checklist_pdf(LIBRARY, protocol_id, local_rules=rules_in_force(LIBRARY))
    for data in (blank, filled, with_rules):
        path = tmp_path / "sheet.pdf"
        path.write_bytes(data)
        # The clinic's own words (its document's name, "Test policy TP-1") are not ours.
        text = pdf_text_in_drawing_order(path).replace("TP-1", "")
        assert not unexplained(text[: text.rindex("References")]), protocol_id


def test_every_glossary_term_is_spelled_out_where_an_item_first_uses_it() -> None:
    # Table headers count: the first "SpO2" of a checklist is spelled out before its column.
    problems = [p for _, item in LIBRARY.items() for p in unexpanded_terms(item, LIBRARY.glossary)]
    assert not problems
