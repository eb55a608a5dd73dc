"""The dose panel reads numbers in the digits 0–9 only and quotes another digit as typed.

Numbers here are test data, not clinical content.
"""

from __future__ import annotations

import pytest

from ketaref.content.format.pack import Library
from ketaref.content.in_use.active import ActiveContent
from ketaref.gui.dose_panel import STATE_REFUSED, DosePanel
from tests.gui.conftest import WindowFactory


@pytest.mark.parametrize(
    ("field", "typed"), [("weight", "８０"), ("dose", "0.٥"), ("weight", "7０")]
)
def test_another_digit_is_refused_quoting_the_field_as_typed(
    make_window: WindowFactory, bundled_library: Library, field: str, typed: str
) -> None:
    window = make_window(ActiveContent(bundled_library, "bundled"), size=(1200, 800))
    window.open_item("iv-ketamine-trd")
    panel = window.item_view.calculator
    assert isinstance(panel, DosePanel)
    assert panel.weight_edit is not None
    assert panel.dose_edit is not None
    # As an input method or a paste puts it in (QTest cannot type keys beyond Latin-1).
    panel.weight_edit.insert("80" if field == "dose" else typed)
    panel.dose_edit.insert(typed if field == "dose" else "0.5")
    assert panel.state() == STATE_REFUSED
    assert panel.result() is None
    assert f"In the {field} field, “{typed}” has" in panel.message()
    assert "type the number with the digits 0–9" in panel.message()
