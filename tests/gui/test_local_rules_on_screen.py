"""The clinic's local rules on screen: item view, the Local rules dialog, banners, About.

Values come from tests/local_rule_files.py: test data, not clinical content.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from pytestqt.qtbot import QtBot

from ketaref.content.format.pack import Library
from ketaref.content.in_use.active import ActiveContent
from ketaref.content.lifecycle.local_rules_gate import slots_of
from tests.gui.conftest import WindowFactory
from tests.gui.test_main_window import open_dialog, told
from tests.gui.test_main_window import visible_text as raw_text
from tests.local_rule_files import TEST_VALUES, interval_held_back, rules_in_force, rules_text

ATTRIBUTION = (
    "Local rule: Test policy TP-1 rev 1, approved by Test Approver, Medical director on"
    " 2026-11-01, review due 2099-11-01"
)


def visible_text(window: object) -> str:
    """The item view's text with the badge's non-breaking spaces and runs of spaces as one."""
    text = raw_text(window).replace("\xa0", " ")  # type: ignore[arg-type]
    return re.sub(" +", " ", text).replace("\n ", "\n")


def with_rules(
    library: Library, *, past_review: bool = False, notices: tuple[str, ...] = ()
) -> ActiveContent:
    rules = dataclasses.replace(rules_in_force(library), notices=notices, past_review=past_review)
    return ActiveContent(library, "bundled", notices, local_rules=rules)


def test_a_site_defined_item_shows_the_clinic_value_or_not_set(
    make_window: WindowFactory, bundled_library: Library
) -> None:
    window = make_window(with_rules(bundled_library))
    window.open_item("iv-ketamine-session")
    text = visible_text(window)
    assert "Local rule Blood-pressure threshold for IV ketamine: 171/93 mmHg" in text
    assert text.count(ATTRIBUTION) == 4  # staffing, blood pressure, weight basis, interval
    assert "Discharge criteria: not set by this clinic" in text


def test_without_local_rules_every_slot_says_not_set(window: object) -> None:
    from ketaref.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.open_item("iv-ketamine-session")
    text = visible_text(window)
    assert "Blood-pressure threshold for IV ketamine: not set by this clinic" in text
    assert "Local rule:" not in text


def test_the_local_rules_dialog_lists_every_slot_and_about_names_the_version(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    window = make_window(with_rules(bundled_library))
    window.actions_by_id["local_rules"].trigger()
    dialog = open_dialog(qtbot, "Local rules")
    text = dialog.text.toPlainText()  # type: ignore[attr-defined]
    assert "Version 1: Test policy TP-1 rev 1, version 1 (Test Clinic)" in text
    assert ATTRIBUTION in text
    assert "Test committee" in text
    assert "171/93 mmHg — first local rule (test data)" in text
    # Every slot of the content is listed; those the test file leaves unset say so.
    unset = len(slots_of(bundled_library)) - len(TEST_VALUES)
    assert text.count("not set by this clinic") == unset
    dialog.close()
    window.actions_by_id["about"].trigger()
    about = open_dialog(qtbot, "About ketaref").text.toPlainText()  # type: ignore[attr-defined]
    assert "Local rules: version 1: Test policy TP-1 rev 1" in about


def test_past_review_and_held_back_rules_show_a_banner_and_a_mark(
    qtbot: QtBot, make_window: WindowFactory, bundled_library: Library
) -> None:
    notices = (
        "the local rules Test policy TP-1 rev 1 passed their review date on 2099-11-01",
        "local rule not used: re-confirm “iv-follow-up”",
    )
    active = with_rules(bundled_library, past_review=True, notices=notices)
    window = make_window(active)
    banners = told(qtbot, window)
    assert "passed their review date" in banners
    assert "re-confirm" in banners
    window.open_item("iv-ketamine-session")
    assert f"{ATTRIBUTION} (past review date)" in visible_text(window)


def test_printing_from_the_window_carries_the_local_rules(
    make_window: WindowFactory, bundled_library: Library
) -> None:
    active = with_rules(bundled_library)
    window = make_window(active)
    window.open_item("iv-ketamine-trd")
    window.print_checklist()
    from ketaref.gui.print_dialog import PrintDialog

    dialog = window.findChild(PrintDialog)
    assert dialog is not None
    assert dialog.local_rules == active.local_rules
    assert dataclasses.is_dataclass(dialog.local_rules)


def test_a_refused_local_rules_file_shows_a_banner_and_no_values(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, bundled_library: Library
) -> None:
    from ketaref.content.in_use.active import load_active_content

    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "local-rules.yaml").write_text(rules_text(library=bundled_library))  # unsigned
    Path(os.environ["KETAREF_POLICY"]).write_text(f"content_dir = {str(folder)!r}\n")
    window = make_window(load_active_content())
    banners = told(qtbot, window)
    assert "local rules at" in banners
    assert "is not signed" in banners
    window.open_item("iv-ketamine-session")
    text = visible_text(window)
    assert "171/93" not in text
    assert "Blood-pressure threshold for IV ketamine: not set by this clinic" in text


def test_the_iv_sheet_shows_each_protocols_own_observation_time(
    make_window: WindowFactory, bundled_library: Library
) -> None:
    values = {"iv-trd-observation-time": "47 min", "iv-chronic-pain-observation-time": "73 min"}
    rules = rules_in_force(bundled_library, values)
    window = make_window(ActiveContent(bundled_library, "bundled", local_rules=rules))
    window.open_item("iv-ketamine-session")
    text = visible_text(window)
    trd = bundled_library.protocols["iv-ketamine-trd"].title
    pain = bundled_library.protocols["iv-ketamine-chronic-pain"].title
    assert "Minimum observation after the infusion, set for each protocol" in text
    assert f"Local rule {trd}: 47 min" in text
    assert f"Local rule {pain}: 73 min" in text


def test_a_rule_held_back_for_re_confirmation_is_not_shown_as_unset(
    make_window: WindowFactory, bundled_library: Library
) -> None:
    # A nurse who knows the clinic set an interval must not read that it did not.
    active = ActiveContent(
        bundled_library, "bundled", local_rules=interval_held_back(bundled_library)
    )
    window = make_window(active)
    window.open_item("iv-ketamine-session")
    shown = visible_text(window)
    assert (
        "Recording interval for vital signs: the clinic's rule is held back for re-confirmation"
        " after a content update and is not used" in shown
    )
    assert "Recording interval for vital signs: not set by this clinic" not in shown
    assert "Discharge criteria: not set by this clinic" in shown
