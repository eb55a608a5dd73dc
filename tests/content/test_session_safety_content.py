"""The SPRAVATO safety content the clinical read asked for stays in the bundled pack.

Issue 14, findings 4, 5, 8, 9 and 11, held item by item over the bundled pack: sedating and
blood-pressure medicines recorded with why each matters (4), the suicidality instruction, counselling
and pre-dose check (5), both pre-dose blood-pressure figures with their labelling and the checklist's
local decision rule (8), MDSI's own safety items (9), and intranasal racemic ketamine never readable as
SPRAVATO, with the guideline's grade or the honest "not captured" (11).
"""

from __future__ import annotations

import re

import pytest

from ketaref.content.format.model import (
    Checklist,
    ChecklistItem,
    PausePoint,
    Protocol,
    statements_in,
)
from ketaref.content.format.pack import Library
from ketaref.content.in_use.render_text import render_item

SPRAVATO_PROTOCOLS = ("spravato-trd", "spravato-mdsi")

#: Medicine classes the SPRAVATO sheet and protocols record (the 11/2021 REMS form's four, plus the
#: opioids and other CNS depressants of the current form overview), each with the words of the reason
#: it matters: sedation and respiratory depression, or blood pressure.
SEDATION = ("sedation",)
SEDATION_AND_BREATHING = ("sedation", "respiratory depression")
BLOOD_PRESSURE = ("blood pressure",)
MEDICINE_CLASSES: dict[str, tuple[str, tuple[str, ...]]] = {
    # checklist field: (how a protocol's "Why … matter" statement names the class, reason words)
    "Benzodiazepines": (r"benzodiazepines", SEDATION),
    "Non-benzodiazepine sedative hypnotics": (r"sedative hypnotics", SEDATION),
    "Opioids": (r"opioids", SEDATION_AND_BREATHING),
    "Other CNS depressants": (r"CNS depressants", SEDATION_AND_BREATHING),
    "Psychostimulants": (r"psychostimulants", BLOOD_PRESSURE),
    "MAOIs": (r"MAOIs", BLOOD_PRESSURE),
}


#: Each medicine class, in each SPRAVATO protocol.
EVERY_CLASS_IN_EACH_PROTOCOL = pytest.mark.parametrize(
    ("protocol_id", "medicine_class"),
    [(protocol, name) for protocol in SPRAVATO_PROTOCOLS for name in sorted(MEDICINE_CLASSES)],
)


def _protocol(library: Library, protocol_id: str) -> Protocol:
    return library.protocols[protocol_id]


def _sheet(library: Library) -> Checklist:
    return library.checklists["spravato-session"]


def _before_dosing(library: Library, protocol_id: str) -> list[ChecklistItem]:
    """The SPRAVATO sheet's before-dosing items as printed for ``protocol_id``."""
    return [
        item
        for section in _sheet(library).sections
        if section.pause_point is PausePoint.BEFORE_DOSING
        for item in section.items
        if item.applies(protocol_id)
    ]


def _why_statements(protocol: Protocol, class_pattern: str) -> list[str]:
    """Pre-dose statements that say why medicines matter ("Why … matter: …") and name the class."""
    found = []
    for statement in protocol.pre_dose:
        if statement.text.startswith("Why") and re.search(class_pattern, statement.text, re.I):
            assert statement.source, statement.text
            found.append(statement.text.lower())
    return found


# Finding 4: concomitant medicines -------------------------------------------------------------


@EVERY_CLASS_IN_EACH_PROTOCOL
def test_each_medicine_class_is_on_the_sheet_with_why_it_matters(
    bundled_library: Library, protocol_id: str, medicine_class: str
) -> None:
    _, reason = MEDICINE_CLASSES[medicine_class]
    asking = [
        item
        for item in _before_dosing(bundled_library, protocol_id)
        if medicine_class in item.fields
    ]
    assert len(asking) == 1, (protocol_id, medicine_class)
    item = asking[0]
    assert item.kind == "yes-no"
    assert item.citations(), item.id
    # The reason is said in so many words right after "Why they matter:", before the sources.
    why = item.text.lower().partition("why they matter:")[2].partition(".")[0]
    assert why, item.text
    assert all(word in why for word in reason), (medicine_class, item.text)


@EVERY_CLASS_IN_EACH_PROTOCOL
def test_each_medicine_class_has_a_sourced_reason_in_the_protocol(
    bundled_library: Library, protocol_id: str, medicine_class: str
) -> None:
    class_pattern, reason = MEDICINE_CLASSES[medicine_class]
    reasons = " ".join(_why_statements(_protocol(bundled_library, protocol_id), class_pattern))
    for word in reason:
        assert word in reasons, (protocol_id, medicine_class, word)


@pytest.mark.parametrize("protocol_id", SPRAVATO_PROTOCOLS)
def test_the_protocol_records_opioids_from_the_current_form_overview(
    bundled_library: Library, protocol_id: str
) -> None:
    recorded = [
        s for s in _protocol(bundled_library, protocol_id).pre_dose if s.source == "jnj-pmf-video"
    ]
    assert any("opioids" in s.text for s in recorded), protocol_id


# Finding 5: suicidality ----------------------------------------------------------------------


@pytest.mark.parametrize("protocol_id", SPRAVATO_PROTOCOLS)
def test_the_protocol_carries_the_suicidality_monitoring_instruction(
    bundled_library: Library, protocol_id: str
) -> None:
    instructions = [
        point
        for point in _protocol(bundled_library, protocol_id).monitoring
        if "clinical worsening" in point.text and "suicidal thoughts and behaviors" in point.text
    ]
    assert {point.source for point in instructions} >= {"spravato-pi-2019-copy", "spravato-bs-2021"}


@pytest.mark.parametrize("protocol_id", SPRAVATO_PROTOCOLS)
def test_the_protocol_carries_the_suicidality_counselling_text(
    bundled_library: Library, protocol_id: str
) -> None:
    counselling = [
        s
        for s in _protocol(bundled_library, protocol_id).warnings
        if s.text.startswith("Suicidality counseling")
    ]
    assert {s.source for s in counselling} == {"spravato-pi-2019-copy", "spravato-bs-2021"}
    assert all("§17" in s.locator or "p.30" in s.locator for s in counselling)


@pytest.mark.parametrize("protocol_id", SPRAVATO_PROTOCOLS)
def test_the_sheet_asks_about_worsening_and_suicidality_before_dosing(
    bundled_library: Library, protocol_id: str
) -> None:
    asking = [
        item
        for item in _before_dosing(bundled_library, protocol_id)
        if {"Clinical worsening", "Suicidal thoughts or behaviors"} <= set(item.fields)
    ]
    assert len(asking) == 1, protocol_id
    assert asking[0].kind == "yes-no"
    assert asking[0].source == "spravato-bs-2021"


# Finding 8: pre-dose blood pressure ----------------------------------------------------------

#: The two pre-dose figures and how each statement names its labelling first.
PRE_DOSE_FIGURES = {
    "EU labeling (not the US label)": ("rxreasoner-eu", ("140/90 mmHg", "150/90 mmHg")),
    "A US drug monograph": ("mpr-spravato", ("140/90 mmHg",)),
}


@pytest.mark.parametrize("protocol_id", SPRAVATO_PROTOCOLS)
def test_both_pre_dose_figures_show_with_their_labelling_and_source(
    bundled_library: Library, protocol_id: str
) -> None:
    protocol = _protocol(bundled_library, protocol_id)
    (topic,) = [d for d in protocol.disagreements if d.topic == "Pre-dose blood-pressure threshold"]
    assert "local decision rule" in topic.note
    for labelling, (source, figures) in PRE_DOSE_FIGURES.items():
        (statement,) = [s for s in topic.statements if s.text.startswith(labelling)]
        assert statement.source == source, labelling
        assert all(figure in statement.text for figure in figures), statement.text
    # What the nurse reads on screen and in the command line shows them too.
    shown = render_item(bundled_library, protocol)
    assert all(figure in shown for figure in ("140/90 mmHg", "150/90 mmHg", "EU labeling"))


def test_the_sheet_frames_the_pre_dose_blood_pressure_as_a_local_rule(
    bundled_library: Library,
) -> None:
    (field,) = [
        item
        for item in _before_dosing(bundled_library, "spravato-trd")
        if item.site_defined and "decision rule" in item.text
    ]
    assert "a local decision rule, not a US label cut-off" in field.text
    assert field.site_defined is not None
    assert field.site_defined.slot is not None
    assert field.site_defined.slot.type == "blood-pressure"
    assert not re.search(r"\d", field.text + field.site_defined.reason)


# Finding 9: MDSI carries its own safety items -----------------------------------------------

#: Safety items the MDSI protocol states itself, each as words its own statements carry.
MDSI_SAFETY_ITEMS = {
    "abuse and misuse": r"^Abuse and misuse:",
    "psychosis": r"^Psychosis:",
    "sedation rate": r"^Sedation: in trials \d",
    "dissociation rate": r"^Dissociation: in trials \d",
    "REMS enrolment": r"enrolled before treatment",
    "REMS monitoring form": r"Patient Monitoring Form is completed after every session",
    "hepatic": r"^Hepatic impairment",
    "pregnancy": r"^Pregnancy",
    "not an anesthetic": r"not approved as an anesthetic",
}


@pytest.mark.parametrize("safety_item", sorted(MDSI_SAFETY_ITEMS))
def test_mdsi_states_each_safety_item_itself(bundled_library: Library, safety_item: str) -> None:
    mdsi = _protocol(bundled_library, "spravato-mdsi")
    pattern = re.compile(MDSI_SAFETY_ITEMS[safety_item])
    stated = [s for s in (*mdsi.warnings, *mdsi.administration) if pattern.search(s.text)]
    assert stated, safety_item
    assert all(s.source and s.locator for s in stated)


def test_mdsi_never_defers_its_warnings_to_the_trd_protocol(bundled_library: Library) -> None:
    mdsi = _protocol(bundled_library, "spravato-mdsi")
    for statement in statements_in(mdsi):
        assert not re.search(
            r"spravato-trd|\bTRD\b|treatment-resistant|all other warnings", statement.text, re.I
        ), statement.text


# Finding 11: intranasal racemic ketamine is never SPRAVATO ----------------------------------

RACEMIC_ITEMS = ("iv-ketamine-chronic-pain", "ketamine-oral")


@pytest.mark.parametrize("protocol_id", RACEMIC_ITEMS)
def test_intranasal_racemic_ketamine_is_named_as_not_spravato_with_its_grade(
    bundled_library: Library, protocol_id: str
) -> None:
    protocol = _protocol(bundled_library, protocol_id)
    naming = [s for s in statements_in(protocol) if "intranasal" in s.text.lower()]
    assert naming, protocol_id
    for statement in naming:
        for use in re.finditer("intranasal", statement.text, re.IGNORECASE):
            assert statement.text[use.start() :].startswith(
                "intranasal racemic ketamine (not SPRAVATO)"
            ), statement.text
        # The guideline's grade where the digest read gives one; else the content says so.
        assert re.search(r"\(grade ([A-D]\b|not captured)", statement.text), statement.text
    assert "intranasal racemic ketamine (not SPRAVATO)" in render_item(bundled_library, protocol)


@pytest.mark.parametrize("protocol_id", RACEMIC_ITEMS)
def test_every_graded_evidence_level_shows_its_grade(
    bundled_library: Library, protocol_id: str
) -> None:
    for level in _protocol(bundled_library, protocol_id).evidence_levels:
        if level.grading_system.startswith("ASRA/AAPM/ASA"):
            assert re.search(r"\(grade [A-D]\b", level.text), level.text
        else:
            assert re.search(r"\bLevel \d", level.text), level.text
