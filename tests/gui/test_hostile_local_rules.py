"""Hostile local-rule files met by the app: the banner says what happened, the screen shows the
last good rules or none, and nothing of the refused file.

Each case writes ``local-rules.yaml`` into the content_dir of the machine policy
(``KETAREF_POLICY``), loads the content as the app does and opens a real main window on it. The
files come from the command-line tests' builders (tests/local_rule_files.py): test data, not
clinical content.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from ketaref.content.in_use.active import load_active_content
from ketaref.gui.main_window import MainWindow
from tests.conftest import Cli
from tests.gui.conftest import WindowFactory
from tests.gui.test_local_rules_on_screen import visible_text
from tests.gui.test_main_window import open_dialog, told
from tests.lifecycle import conftest as lifecycle
from tests.lifecycle.conftest import Keys, Site
from tests.local_rule_files import (
    TEST_VALUES,
    publish_rules,
    rules_text,
    sign_unchecked,
    write_rules,
)

#: The signing keys and the clinic's shared folder of the command-line tests.
keys = lifecycle.keys
site = lifecycle.site

#: What the last good file (version 1) sets, as the IV session item shows it.
GOOD_BP = "Blood-pressure threshold for IV ketamine: 171/93 mmHg"
NOT_SET = "Blood-pressure threshold for IV ketamine: not set by this clinic"
#: The hostile file's version 2 also changes a good value: it must never appear on screen.
NEWER = {**TEST_VALUES, "iv-bp-threshold": "181/93 mmHg"}
NEWER_BP = "181/93"


def signed_but_bad(slot: str, value: str) -> Callable[[Site, Keys, Cli], None]:
    """A version 2 with one bad value, signed with the trusted key all the same."""

    def publish(site: Site, keys: Keys, _cli: Cli) -> None:
        text = rules_text({**NEWER, slot: value}, version="2")
        sign_unchecked(write_rules(site.shared / "local-rules.yaml", text), keys.private)

    return publish


def tampered(site: Site, keys: Keys, cli: Cli) -> None:
    path = publish_rules(site.shared, rules_text(NEWER, version="2"), keys.private, cli)
    path.write_text(path.read_text().replace("181/93", "191/93"), encoding="utf-8")


def unsigned(site: Site, _keys: Keys, cli: Cli) -> None:
    publish_rules(site.shared, rules_text(NEWER, version="2"), None, cli)


#: Each hostile file, and the words the banner must say about it.
HOSTILE: dict[str, tuple[Callable[[Site, Keys, Cli], None], str]] = {
    "wrong type": (
        signed_but_bad("iv-vital-signs-interval", "1 h"),
        "an interval is in min",
    ),
    "unknown slot": (signed_but_bad("iv-bp-limit", "171/93 mmHg"), "unknown slot “iv-bp-limit”"),
    "widened limit": (
        signed_but_bad("spravato-observation-time", "90 min"),
        "shorter than the published minimum of 2 h",
    ),
    "tampered after signing": (tampered, "changed after signing"),
    "unsigned": (unsigned, "is not signed"),
}


def window_as_the_app_loads_it(make_window: WindowFactory) -> MainWindow:
    """A main window on the content the machine policy gives, session item open."""
    window = make_window(load_active_content())
    window.open_item("iv-ketamine-session")
    return window


def local_rules_dialog_text(qtbot: QtBot, window: MainWindow) -> str:
    window.actions_by_id["local_rules"].trigger()
    dialog = open_dialog(qtbot, "Local rules")
    text: str = dialog.text.toPlainText()  # type: ignore[attr-defined]
    dialog.close()
    return text


@pytest.mark.parametrize("before", ["none before", "good rules before"])
@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_file_is_refused_on_screen_with_the_reason(
    case: str,
    before: str,
    qtbot: QtBot,
    make_window: WindowFactory,
    site: Site,
    keys: Keys,
    cli: Cli,
) -> None:
    if before == "good rules before":
        publish_rules(site.shared, rules_text(version="1"), keys.private, cli)
        assert load_active_content().local_rules.rules is not None  # accepted and kept
    publish, reason = HOSTILE[case]
    publish(site, keys, cli)

    window = window_as_the_app_loads_it(make_window)

    banners = told(qtbot, window)
    assert "local rules at" in banners
    assert "were refused" in banners
    assert reason in banners
    text = visible_text(window)
    dialog = local_rules_dialog_text(qtbot, window)
    assert NEWER_BP not in text
    assert NEWER_BP not in dialog
    assert "191/93" not in text
    if before == "good rules before":
        assert "using the last trusted local rules, version 1" in banners
        assert GOOD_BP in text
        assert "Version 1: Test policy TP-1 rev 1, version 1" in dialog
    else:
        assert "none are in force" in banners
        assert NOT_SET in text
        assert "Local rule:" not in text


def test_an_older_version_after_a_newer_one_is_refused_as_a_rollback(
    qtbot: QtBot, make_window: WindowFactory, site: Site, keys: Keys, cli: Cli
) -> None:
    publish_rules(site.shared, rules_text(NEWER, version="2"), keys.private, cli)
    assert load_active_content().local_rules.rules is not None  # version 2 accepted
    publish_rules(site.shared, rules_text(version="1"), keys.private, cli)

    window = window_as_the_app_loads_it(make_window)

    banners = told(qtbot, window)
    assert "older than version 2 this machine already trusted (a rollback)" in banners
    assert "using the last trusted local rules, version 2" in banners
    text = visible_text(window)
    assert "Blood-pressure threshold for IV ketamine: 181/93 mmHg" in text
    assert "171/93" not in text
    assert "Version 2: Test policy TP-1 rev 1, version 2" in local_rules_dialog_text(qtbot, window)


@pytest.mark.parametrize("policy", ["warn", "block"])
def test_rules_past_their_review_date_are_marked_or_refused_as_the_policy_says(
    policy: str,
    qtbot: QtBot,
    make_window: WindowFactory,
    site: Site,
    keys: Keys,
    cli: Cli,
) -> None:
    site.configure(expired_content=policy)
    text = rules_text(approved_on="2020-01-01", review_due="2021-01-01")
    publish_rules(site.shared, text, keys.private, cli)

    window = window_as_the_app_loads_it(make_window)

    banners = told(qtbot, window)
    shown = visible_text(window)
    if policy == "warn":
        assert "passed their review date on 2021-01-01" in banners
        assert GOOD_BP in shown
        assert "review due 2021-01-01 (past review date)" in shown
    else:
        assert "review date 2021-01-01 has passed and the machine policy blocks expired" in banners
        assert "none are in force" in banners
        assert NOT_SET in shown
        assert "171/93" not in shown
