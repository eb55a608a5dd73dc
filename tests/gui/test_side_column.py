"""The side column on real screens: too short for the calculator's fields and a useful sources
list (1280×800 at 200 %), the two become tabs, the calculator's first, each with the whole height;
on a tall enough screen they stay one above the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.test_calculator_fit import WINDOW_FILLING_THE_SCREEN
from tests.gui.test_screen_fit import run_probe

PROBE = (
    WINDOW_FILLING_THE_SCREEN
    + r"""
view = window.item_view
window.open_item("iv-ketamine-trd")
settle()
panel = view.calculator
fields = panel.inputs_area
found = {
    "tabbed": view.tabbed,
    "current": view.side_tabs.tabText(view.side_tabs.currentIndex()) if view.tabbed else None,
    "tabs": [view.side_tabs.tabText(i) for i in range(view.side_tabs.count())],
    "tabs name": view.side_tabs.accessibleName(),
    "box title": view.calculator_area.title(),
    # The calculator's fields get the height they need (they do not scroll).
    "fields": [fields.height(), fields.content_height(), view.side.height(), view.calculator_area.height()],
}
window.focus_sources()
settle()
found["sources shown"] = view.sources.list.isVisible() and view.sources.list.hasFocus()
found["sources rows"] = view.sources.list.height() // max(1, view.sources.list.sizeHintForRow(0))
window.focus_calculator()
settle()
found["calculator shown"] = panel.isVisible() and panel.isAncestorOf(app.focusWidget())
window.open_item("spravato-trd")
settle()
found["spravato tabbed"] = view.tabbed
found["spravato current"] = view.side_tabs.currentIndex()
fields = view.calculator.inputs_area
found["spravato fields whole"] = fields.height() >= fields.content_height()
print(json.dumps(found), flush=True)
os._exit(0)  # no teardown: only the report above is under test
"""
)


@pytest.mark.parametrize(("width", "height", "scale"), [(1280, 800, 2), (1280, 800, 1.5)])
def test_a_short_column_shows_the_calculator_and_the_sources_as_tabs(
    tmp_path: Path, width: int, height: int, scale: float
) -> None:
    found = run_probe(PROBE, tmp_path, width, height, scale)
    assert found["tabbed"] is True, found
    assert found["tabs"] == ["Dose calculator", "Sources"]
    assert found["current"] == "Dose calculator"
    assert found["tabs name"]
    assert found["box title"] == ""  # the tab's title is not repeated above the fields
    fields, wanted, column, box = found["fields"]
    assert box >= column - 40, found  # the calculator box has (nearly) the whole column
    assert fields >= min(wanted, 150), found
    assert found["sources shown"] is True, found
    assert found["sources rows"] >= 3, found
    assert found["calculator shown"] is True, found
    # A shorter calculator may share the column; as tabs, the next protocol opens on its own.
    assert found["spravato fields whole"] is True, found
    if found["spravato tabbed"]:
        assert found["spravato current"] == 0, found


def test_a_tall_column_keeps_the_calculator_above_the_sources(tmp_path: Path) -> None:
    found = run_probe(PROBE, tmp_path, 1920, 1080, 1)
    assert found["tabbed"] is False, found
    assert found["box title"] == "Dose calculator"
    assert found["sources shown"] is True, found
    assert found["calculator shown"] is True, found
