"""The bundled clinical content keeps the authoring rules, checked mechanically item by item.

These rules come from docs/content-authoring.md and the team's clinical fact sheet (kept outside
the repository; its tables are pinned down here): every statement and number is cited, numbers
come only from the allowed list below, research-only entries never recommend or dose, and none of
the phrases no pack may state appears.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlparse

import pytest

from ketaref.content.format.model import (
    Checklist,
    CitedQuantity,
    CitedRange,
    ContraindicationList,
    FixedDoseRegimen,
    MonitoringPoint,
    Protocol,
    RegulatoryStatus,
    ScheduleRow,
    Statement,
    Verification,
    WeightBasedRegimen,
    statements_in,
)
from ketaref.content.format.pack import Library, cited_sources
from ketaref.content.in_use.render_text import render_item

#: Protocol ids the CLI reference promises (docs/cli.md, "Protocol ids of the bundled pack").
CONTRACT_PROTOCOLS = {
    "spravato-trd",
    "spravato-mdsi",
    "iv-ketamine-trd",
    "iv-ketamine-chronic-pain",
    "iv-ketamine-acute-pain",
    "iv-ketamine-ptsd",
    "ketamine-anxiety",
    "ketamine-oral",
}

#: Every structured quantity the pack may carry, with the sources the fact sheet's table
#: ("Numbers an app may show") gives for it. A new number needs a new row here, so a reviewer
#: sees it in the diff.
ALLOWED_QUANTITIES: dict[str, set[str]] = {
    "28 mg": {"spravato-hl-2020", "spravato-ndc-openfda"},
    "56 mg": {"medscape-eske", "spravato-hcp"},
    "84 mg": {"medscape-eske", "spravato-hcp"},
    "5 min": {"spravato-hcp"},
    "4 weeks": {"spravato-hl-2020", "medscape-eske", "spravato-hcp"},
    "2 h": {"spravato-dailymed-2025"},
    "40 min": {"rems-pmf-2021", "sanacora-reply-2017"},
    "0.5 mg/kg": {"sanacora-reply-2017"},
    "0.1–0.75 mg/kg": {"andrade-2017"},
    "2–100 min": {"andrade-2017"},  # section 3.3: sessions from 2 to 100 minutes
    "up to 0.35 mg/kg": {"cohen-2018-gc", "schwenk-2018-gc"},
    "0.5–2 mg/kg/h": {"cohen-2018-gc"},
    "0.1–1 mg/kg/h": {"schwenk-2018-gc"},  # the calculator's accepted range, labelled as such
    "up to 1 mg/kg/h": {"schwenk-2018-gc"},
}

#: Phrases from the fact sheet's section 5 ("must not state as fact").
FORBIDDEN_PHRASES = (
    "160/100",
    "40–60 minute",
    "40-60 minute",
    "40 to 60 minute",
    "must be taken with an oral antidepressant",
    "every 10 minutes",
    "22 mg/h",
    "0.35 mg/kg/h",
    "lasts about 2 hours",
    "droracle",
)

#: Phrases allowed only in statements that cite the named (non-US or trial) source.
ATTRIBUTED_ONLY = {
    "180/100": {"ketamine-ch-fi"},
    # Not a US label rule (fact sheet 5.1): shown only as the US monograph's and EU labeling's
    # own figures, side by side (fact sheet 6.3).
    "140/90": {"mpr-spravato", "rxreasoner-eu"},
    "150/90": {"rxreasoner-eu"},
    "28 mg starting dose": {"mims-hk"},
    # Chronic pain has no "up to 7 days" (the 7 found is 7 mg/kg/h); only the anxiety trial
    # reports an effect lasting up to 7 days.
    "up to 7 days": {"glue-2017"},
}

#: Hosts where the fact sheet read copies; never shown as a source's URL.
MIRROR_HOSTS = (
    "pillsync.com",
    "prescriberpoint.com",
    "wcmedicine.com",
    "120ty.net",
    "docslib.org",
    "manualspro.net",
    "manuzoid.com",
    "dev2.psychiatrist.com",
    "semanticscholar.org",
    "scribd.com",
    "docksci.com",
    "researchbunny.com",
    "citclinics.com",
    "drugslib.com",
    "scite.ai",
    "fda.report",
    "5y1.org",
    "drugcentral.org",
    "medlibrary.org",
    "drugs-library.com",
    "blogspot.com",
    "mimsdev.com",
    "elsevierpure.com",
    "informahealthcare.com",
    "rxreasoner.com",
    "oddb.org",
    "epresc.care",
    "droracle.ai",
    "butalbitalapap.org",
    "fdocuments.in",
    "pill2trip.com",
    "criticalcare.news",
    "guidelinecentral.com",
)


def every_item(library: Library) -> list[Protocol | Checklist | ContraindicationList]:
    return [item for _, item in library.items()]


def item_texts(item: Protocol | Checklist | ContraindicationList) -> list[str]:
    """Every piece of prose a user reads in an item, cited or not."""
    texts = [item.title, *(s.text for s in statements_in(item))]
    if isinstance(item, Checklist):
        for section in item.sections:
            for entry in section.items:
                texts += [entry.text, *entry.fields]
                if entry.site_defined:
                    texts += [entry.site_defined.label, entry.site_defined.reason]
    if isinstance(item, Protocol) and item.observation and item.observation.site_defined:
        texts.append(item.observation.site_defined.reason)
    return texts


def cited_quantities(item: Protocol) -> list[tuple[str, Statement]]:
    """Each structured quantity of a protocol with the statement that carries it."""
    found: list[tuple[str, Statement]] = []
    for statement in statements_in(item):
        if isinstance(statement, (CitedQuantity, CitedRange)):
            found.append((str(statement.value), statement))
        if isinstance(statement, ScheduleRow):
            found += [(str(d), statement) for d in statement.doses]
            if statement.dose_range:
                found.append((str(statement.dose_range), statement))
            if statement.duration:
                found.append((str(statement.duration), statement))
        if isinstance(statement, MonitoringPoint) and statement.after_dose:
            found.append((str(statement.after_dose), statement))
    if item.observation and item.observation.minimum:
        found.append((str(item.observation.minimum), item.observation.statement))
    return found


def test_contract_protocols_exist(bundled_library: Library) -> None:
    assert set(bundled_library.protocols) >= CONTRACT_PROTOCOLS


def test_every_statement_and_checklist_item_is_cited_or_site_defined(
    bundled_library: Library,
) -> None:
    for item in every_item(bundled_library):
        for statement in statements_in(item):
            for citation in statement.citations():
                assert citation.source in bundled_library.sources, (item.id, citation.source)
                assert citation.locator.strip(), (item.id, statement.text)
        if isinstance(item, Checklist):
            for entry in (e for s in item.sections for e in s.items):
                if entry.site_defined is None:
                    assert entry.source in bundled_library.sources, (item.id, entry.id)
                    assert entry.locator.strip(), (item.id, entry.id)


def test_every_quantity_is_cited_and_comes_from_the_fact_sheet(bundled_library: Library) -> None:
    for protocol in bundled_library.protocols.values():
        for quantity, statement in cited_quantities(protocol):
            assert statement.locator.strip()
            assert quantity in ALLOWED_QUANTITIES, (protocol.id, quantity, statement.text)
            sources = {c.source for c in statement.citations()}
            assert sources & ALLOWED_QUANTITIES[quantity], (protocol.id, quantity, sources)


def test_checklist_times_are_cited(bundled_library: Library) -> None:
    for checklist in bundled_library.checklists.values():
        for entry in (e for s in checklist.sections for e in s.items):
            if entry.after_dose is not None:
                assert entry.source is not None, (checklist.id, entry.id)
                assert str(entry.after_dose) in ALLOWED_QUANTITIES
            if entry.site_defined is not None:
                # A site-defined item never brings a number of its own.
                words = f"{entry.text} {entry.site_defined.label} {entry.site_defined.reason}"
                assert not re.search(r"\d", words), (checklist.id, entry.id)


def test_every_source_is_cited_and_tagged(bundled_library: Library) -> None:
    cited = {s for item in every_item(bundled_library) for s in cited_sources(item)}
    assert set(bundled_library.sources) == cited, "sources listed but never cited"
    for source in bundled_library.sources.values():
        assert isinstance(source.verification, Verification)


def test_source_urls_are_primary_not_mirrors(bundled_library: Library) -> None:
    for source in bundled_library.sources.values():
        host = urlparse(source.url).hostname or ""
        assert not any(host == m or host.endswith("." + m) for m in MIRROR_HOSTS), (
            source.id,
            source.url,
        )


#: What a search-results page's address looks like: a query, not a record.
SEARCH_PAGE = re.compile(
    r"[?&](search|q|query|term)=|/search(\.cfm)?([?/]|$)|/search\.", re.IGNORECASE
)


def test_the_search_page_pattern_knows_a_search_from_a_record() -> None:
    for search in (
        "https://pubmed.ncbi.nlm.nih.gov/?term=ketamine",
        "https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=ketamine",
        "https://www.medicines.org.uk/emc/search?q=ketalar",
        "https://api.fda.gov/drug/ndc.json?search=product_ndc",
    ):
        assert SEARCH_PAGE.search(search), search
    for record in (
        "https://pubmed.ncbi.nlm.nih.gov/29525051/",
        "https://www.medicines.org.uk/emc/product/2231/smpc",
        "https://www.pfizermedicalinformation.com/en-us/ketamine?section=all",
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=505dc937",
    ):
        assert not SEARCH_PAGE.search(record), record


def test_no_source_links_a_search_page_unless_its_note_says_why(bundled_library: Library) -> None:
    # A search page labelled as one is better than a wrong link, and no better than that.
    searches = [s for s in bundled_library.sources.values() if SEARCH_PAGE.search(s.url)]
    for source in searches:
        assert "the url is a search" in (source.note or "").lower(), (source.id, source.url)
    # The ones left, each with the reason in its note: nothing else links a search.
    assert {s.id for s in searches} == {
        "ketamine-pi-medlibrary",
        "spravato-ndc-openfda",
        "ketalar-ndc-openfda",
    }


#: Kinds of source that are journal articles: their citation names a DOI or PMID.
ARTICLE_KINDS = {"trial", "review", "meta-analysis", "consensus"}
IDENTIFIED = re.compile(r"\b(doi|PMID|PMCID)\b|not (found|retrieved)", re.IGNORECASE)


def test_every_article_names_its_doi_or_pmid_or_says_it_was_not_found(
    bundled_library: Library,
) -> None:
    articles = [s for s in bundled_library.sources.values() if s.kind.value in ARTICLE_KINDS]
    for source in articles:
        assert IDENTIFIED.search(source.citation), source.id
    sources = bundled_library.sources
    assert "doi:10.4088/JCP.17f11738" in sources["andrade-2017"].citation
    assert "PMID not found" in sources["sanacora-2017"].citation
    assert "178(2):193–202" in sources["feder-2021"].citation
    assert "PMID 33397139" in sources["feder-2021"].citation
    assert "doi:10.1038/s41591-024-03063-x" in sources["glue-2024-r107"].citation
    assert sources["glue-2024-r107"].url == "https://doi.org/10.1038/s41591-024-03063-x"
    # What was looked for and not found is said in the citation, plainly.
    for source_id, missing in (
        ("andrade-2017", "PMID not found in the sources read"),
        ("glue-2024-r107", "Volume, pages and PMID not found in the sources read"),
        ("medscape-cohen-2018", "Page address not found in the sources read"),
        ("ketamine-pi-medlibrary", "version and date it is was not found in the sources read"),
    ):
        assert missing in sources[source_id].citation, source_id
    # News and digests link the page read, not the publication they report on.
    assert sources["healthday-asa-2025"].url != sources["asa-safe-use"].url
    assert sources["medscape-cohen-2018"].url != sources["cohen-2018"].url


def test_research_only_protocols_describe_and_never_dose(bundled_library: Library) -> None:
    research = [
        p
        for p in bundled_library.protocols.values()
        if p.regulatory_status is RegulatoryStatus.RESEARCH_ONLY
    ]
    assert {p.id for p in research} == {"iv-ketamine-ptsd", "ketamine-anxiety", "ketamine-oral"}
    for protocol in research:
        assert protocol.dosing is None, protocol.id
        assert protocol.checklist is None, protocol.id
        assert not protocol.schedule, protocol.id
        for text in item_texts(protocol):
            assert not re.search(r"recommend", text, re.IGNORECASE), (protocol.id, text)


def test_runnable_protocols_link_existing_checklist_and_contraindications(
    bundled_library: Library,
) -> None:
    for protocol in bundled_library.protocols.values():
        if protocol.regulatory_status is RegulatoryStatus.RESEARCH_ONLY:
            continue
        if protocol.checklist is None:
            assert protocol.no_checklist_reason, protocol.id
        else:
            assert protocol.checklist in bundled_library.checklists, protocol.id
        assert protocol.contraindications, protocol.id
        for list_id in protocol.contraindications:
            assert list_id in bundled_library.contraindications, (protocol.id, list_id)
        assert protocol.dosing is not None, protocol.id


def test_every_protocol_states_status_and_graded_evidence(bundled_library: Library) -> None:
    for protocol in bundled_library.protocols.values():
        assert protocol.status_statement.text
        assert protocol.evidence_levels, protocol.id
        for level in protocol.evidence_levels:
            assert level.grading_system.strip()


def test_no_must_not_state_phrase_anywhere(bundled_library: Library) -> None:
    for path in sorted(bundled_library.directory.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8").lower()
        for phrase in FORBIDDEN_PHRASES:
            assert phrase.lower() not in text, (path.name, phrase)


def test_non_us_figures_appear_only_with_their_source(bundled_library: Library) -> None:
    for item in every_item(bundled_library):
        for statement in statements_in(item):
            for phrase, allowed in ATTRIBUTED_ONLY.items():
                if phrase in statement.text:
                    sources = {c.source for c in statement.citations()}
                    assert sources <= allowed, (item.id, phrase, sources)


def test_every_item_has_synonyms(bundled_library: Library) -> None:
    for item in every_item(bundled_library):
        assert len(item.synonyms) >= 3, item.id


@pytest.mark.parametrize(
    ("protocol_id", "expected"),
    [
        ("spravato-trd", {"TRD", "esketamine", "Spravato"}),
        ("spravato-mdsi", {"MDSI", "suicidal ideation"}),
        ("iv-ketamine-chronic-pain", {"CRPS", "fibromyalgia", "Ketalar"}),
        ("iv-ketamine-ptsd", {"PTSD"}),
        ("ketamine-anxiety", {"GAD", "SAD"}),
    ],
)
def test_search_terms_cover_abbreviations(
    bundled_library: Library, protocol_id: str, expected: set[str]
) -> None:
    assert expected <= set(bundled_library.protocols[protocol_id].synonyms)


def test_disagreements_show_at_least_two_sources(bundled_library: Library) -> None:
    for item in every_item(bundled_library):
        for disagreement in getattr(item, "disagreements", ()):
            sources = {s.source for s in disagreement.statements}
            assert len(sources) >= 2, (item.id, disagreement.topic)


def test_ptsd_shows_positive_and_negative_trials_side_by_side(bundled_library: Library) -> None:
    findings = {e.source: e.finding for e in bundled_library.protocols["iv-ketamine-ptsd"].evidence}
    assert findings["feder-2021"] == "positive"
    assert findings["abdallah-2022"] == "negative"
    assert findings["ptsd-meta-2024"] == "pooled"


def test_iv_trd_standard_dose_keeps_the_authors_caveat(bundled_library: Library) -> None:
    dosing = bundled_library.protocols["iv-ketamine-trd"].dosing
    assert dosing is not None
    (regimen,) = dosing.regimens
    assert isinstance(regimen, WeightBasedRegimen)
    assert regimen.standard_dose is not None
    assert regimen.standard_duration is not None
    assert regimen.standard_dose.value.value == Decimal("0.5")
    assert str(regimen.standard_duration.value) == "40 min"
    assert "not" in regimen.standard_dose.text
    assert "optimal" in regimen.standard_dose.text
    assert regimen.allowed_range is not None
    assert "not a recommended range" in regimen.allowed_range.text
    shown = render_item(bundled_library, bundled_library.protocols["iv-ketamine-trd"])
    calculator = shown.split("DOSE CALCULATOR USES", 1)[1]
    # Each value once: the source's own words carry it, not a value before them as well.
    assert (
        "standard · The APA consensus statement called 0.5 mg/kg IV over 40 minutes" in calculator
    )
    assert "accepted range · Doses in published studies ranged 0.1–0.75 mg/kg" in calculator
    assert "Weight checks: refuse below 20 kg" in calculator


def test_spravato_mdsi_doses_by_device(bundled_library: Library) -> None:
    dosing = bundled_library.protocols["spravato-mdsi"].dosing
    assert dosing is not None
    (regimen,) = dosing.regimens
    assert isinstance(regimen, FixedDoseRegimen)
    assert regimen.standard_dose is not None
    assert str(regimen.standard_dose.value) == "84 mg"
    assert {str(d.value) for d in regimen.allowed_doses} == {"56 mg", "84 mg"}


def test_weight_limits_are_labelled_input_checks(bundled_library: Library) -> None:
    for protocol in bundled_library.protocols.values():
        if protocol.dosing and protocol.dosing.weight_limits:
            assert "not clinical limits" in protocol.dosing.weight_limits.basis, protocol.id


def test_spravato_checklist_says_it_does_not_replace_the_rems_form(
    bundled_library: Library,
) -> None:
    notices = " ".join(n.text for n in bundled_library.checklists["spravato-session"].notices)
    assert (
        "does not replace the SPRAVATO Risk Evaluation and Mitigation Strategy (REMS) Patient"
        " Monitoring Form" in notices
    )


def test_iv_checklist_leaves_unpublished_rules_to_local_policy(bundled_library: Library) -> None:
    checklist = bundled_library.checklists["iv-ketamine-session"]
    site_defined = {
        e.site_defined.label for s in checklist.sections for e in s.items if e.site_defined
    }
    for topic in ("observation", "Discharge", "Staffing", "Blood-pressure threshold"):
        assert any(topic in label for label in site_defined), topic


@pytest.mark.parametrize("item_id", sorted(CONTRACT_PROTOCOLS))
def test_shown_text_marks_unverified_sources_and_review_state(
    bundled_library: Library, item_id: str
) -> None:
    protocol = bundled_library.protocols[item_id]
    shown = render_item(bundled_library, protocol)
    assert "NOT YET CLINICALLY REVIEWED" in shown
    tags = {bundled_library.sources[s].verification for s in cited_sources(protocol)}
    assert (Verification.SECONDARY.label in shown) == (Verification.SECONDARY in tags)
    assert (Verification.ABSTRACT_ONLY.label in shown) == (Verification.ABSTRACT_ONLY in tags)
    assert f"Status: {protocol.regulatory_status.label}" in shown


def test_acute_pain_schedule_shows_the_guidelines_ceiling_not_the_calculators_range(
    bundled_library: Library,
) -> None:
    """Issue 14, finding 12: 0.1–1 mg/kg/h is the calculator's range built from two statements;
    the guideline's schedule gives a ceiling (and lower doses that may be needed), not that range."""
    schedule = bundled_library.protocols["iv-ketamine-acute-pain"].schedule
    ranges = {str(entry.dose_range) for entry in schedule if entry.dose_range is not None}
    assert ranges == {"up to 1 mg/kg/h"}
