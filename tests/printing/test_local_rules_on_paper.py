"""Checklists with and without a clinic's local rules, read back with pdftotext.

The values come from tests/local_rule_files.py: test data, not clinical content.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ketaref.content.format.local_rules import LocalRulesInForce
from ketaref.content.format.model import ChecklistItem
from ketaref.content.format.pack import Library
from ketaref.printing.checklist_pdf import build_checklist_pdf
from ketaref.printing.patient import PatientDetails
from tests.local_rule_files import TEST_VALUES, interval_held_back, rules_in_force
from tests.printing.pdf_tools import pdf_text_in_drawing_order

PRINTED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
ATTRIBUTION = (
    "Local rule: Test policy TP-1 rev 1, approved by Test Approver, Medical director on"
    " 2026-11-01, review due 2099-11-01"
)


def printed(
    library: Library, protocol: str, tmp_path: Path, rules: LocalRulesInForce | None
) -> str:
    extra = {"local_rules": rules} if rules else {}
    data = build_checklist_pdf(library, protocol, printed_at=PRINTED, **extra)
    path = tmp_path / f"{protocol}.pdf"
    path.write_bytes(data)
    # Joined lines: a wrapped attribution still reads as one sentence.
    return re.sub(r"\s+", " ", pdf_text_in_drawing_order(path))


def test_each_clinic_value_is_printed_once_with_its_tag_and_attribution(
    bundled_library: Library, tmp_path: Path
) -> None:
    text = printed(bundled_library, "iv-ketamine-trd", tmp_path, rules_in_force(bundled_library))
    iv_values = {k: v for k, v in TEST_VALUES.items() if k.startswith("iv-")}
    for value in iv_values.values():
        assert text.count(value) == 1, value
    assert "Blood-pressure threshold for IV ketamine: 171/93 mmHg" in text
    assert text.count(ATTRIBUTION) == len(iv_values)
    assert text.count("LOCAL RULE") == len(iv_values)
    # Unset slots stay blank lines to write in, as without local rules.
    assert "Observed for the locally set time after the infusion ended" in text
    assert "Minimum observation after the infusion:" not in text
    assert "Infusion ended Observation ended" in text  # its boxes, left blank
    assert "local rules 1 · printed 2026-12-01 09:30 UTC" in text


def test_spravato_lengthened_observation_is_printed_beside_the_published_minimum(
    bundled_library: Library, tmp_path: Path
) -> None:
    text = printed(bundled_library, "spravato-trd", tmp_path, rules_in_force(bundled_library))
    assert "Monitored for at least 2 hours after the first device" in text
    assert text.count("150 min") == 1
    assert "boxed warning's minimum: 150 min " + ATTRIBUTION in text


def test_without_local_rules_every_slot_is_blank_and_the_footer_says_so(
    bundled_library: Library, tmp_path: Path
) -> None:
    text = printed(bundled_library, "iv-ketamine-trd", tmp_path, None)
    assert "LOCAL RULE" not in text
    assert "Local rule:" not in text
    assert "Blood-pressure threshold for IV ketamine" not in text or "171/93" not in text
    assert "Weight basis for IV ketamine doses (local rule, circle one):" in text
    assert "no local rules · printed 2026-12-01 09:30 UTC" in text


def test_every_sheet_says_when_it_was_printed_and_to_check_versions_before_reuse(
    bundled_library: Library, tmp_path: Path
) -> None:
    text = printed(bundled_library, "spravato-trd", tmp_path, rules_in_force(bundled_library))
    assert (
        f"Printed 2026-12-01 09:30 UTC. Before using a sheet printed in advance, check its"
        f" content version ({bundled_library.version}) and local rules (1) against ketaref"
    ) in text


def test_past_review_date_is_printed_with_the_values(
    bundled_library: Library, tmp_path: Path
) -> None:
    rules = rules_in_force(bundled_library)
    late = LocalRulesInForce(rules.rules, "test", past_review=True)
    text = printed(bundled_library, "iv-ketamine-trd", tmp_path, late)
    assert text.count(ATTRIBUTION + " (past review date)") == 4


def test_the_dose_records_weight_names_the_clinics_weight_basis(
    bundled_library: Library, tmp_path: Path
) -> None:
    rules = rules_in_force(bundled_library)
    path = tmp_path / "sheet.pdf"
    patient = PatientDetails(weight="70 kg")
    for weighed, expected in (
        (patient, "Weight (kg) 70 kg; ideal weight (local rule)"),
        (None, "Weight (kg) Prescriber"),
    ):
        path.write_bytes(
            build_checklist_pdf(
                bundled_library,
                "iv-ketamine-trd",
                patient=weighed,
                local_rules=rules,
                printed_at=PRINTED,
            )
        )
        assert expected in re.sub(r"\s+", " ", pdf_text_in_drawing_order(path))


def test_a_box_for_a_value_the_clinic_has_set_is_not_printed_again(
    bundled_library: Library, tmp_path: Path
) -> None:
    # Without local rules the nurse writes the threshold and interval in their boxes; with the
    # clinic's values printed, those boxes would ask for the rule a second time. Boxes that
    # record the session (the double-check's names and signatures) stay.
    blank = printed(bundled_library, "iv-ketamine-trd", tmp_path, None)
    assert "Local threshold" in blank
    assert re.search(r"\bInterval\b", blank)
    rules = rules_in_force(bundled_library)
    text = printed(bundled_library, "iv-ketamine-trd", tmp_path, rules)
    assert "171/93 mmHg" in text
    assert "Local threshold" not in text
    assert "Recording interval for vital signs: 17 min" in text
    assert not re.search(r"\bInterval\b", text)
    assert "First checker (name) Signature Second checker (name) Signature" in text
    spravato_values = {"spravato-bp-decision-rule": "160/100 mmHg"}
    spravato = printed(
        bundled_library, "spravato-trd", tmp_path, rules_in_force(bundled_library, spravato_values)
    )
    assert "160/100 mmHg" in spravato
    assert "Local decision rule" not in spravato


@pytest.mark.parametrize(
    "item",
    [
        {"kind": "tick"},  # no boxes to leave off
        {"kind": "write-in", "fields": ("Threshold",), "slot": None},  # no value to fill them
    ],
    ids=["tick", "no-slot"],
)
def test_boxes_hold_the_value_belongs_to_a_write_in_with_a_slot(item: dict[str, Any]) -> None:
    slot = {"id": "x-slot", "meaning": "A test slot", "type": "text"}
    site = {"label": "Test", "reason": "test data", "boxes_hold_the_value": True}
    if item.pop("slot", slot) is not None:
        site["slot"] = slot
    with pytest.raises(ValidationError, match="boxes_hold_the_value belongs to a write-in"):
        ChecklistItem.model_validate(
            {"id": "x", "text": "A test item", "site_defined": site, **item}
        )


def test_a_rule_held_back_for_re_confirmation_is_said_on_paper(
    bundled_library: Library, tmp_path: Path
) -> None:
    sheet = printed(
        bundled_library, "iv-ketamine-trd", tmp_path, interval_held_back(bundled_library)
    )
    held = (
        "The clinic's rule is held back for re-confirmation after a content update and is not"
        " used. Why local:"
    )
    assert sheet.count(held) == 1
    assert re.search(r"\bInterval\b", sheet)  # its box, to write the rule in force by hand
    assert "121 min" not in sheet
