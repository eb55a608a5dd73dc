"""The clinic's highest dose over many generated doses: it narrows, never widens.

For every bundled regimen with a local highest-dose slot and every option a clinic may choose, a
dose the content accepts is accepted under the rule exactly when it is at or below the clinic's
choice; a dose the content refuses stays refused. The local-rule files are test data.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ketaref import paths
from ketaref.content.format.local_rules import LocalRulesInForce
from ketaref.content.format.model import Protocol
from ketaref.content.format.pack import load_pack
from ketaref.content.format.quantity import Quantity, format_decimal
from ketaref.dosing.calculator import calculate
from ketaref.dosing.units import DoseInputError
from tests.local_rule_files import rules_in_force

LIBRARY = load_pack(paths.bundled_content_dir())
#: (protocol, slot id, option, dose unit) for every choice a clinic may make.
CHOICES = [
    (protocol, highest.slot.id, option, option.unit.value)
    for protocol in LIBRARY.protocols.values()
    for regimen in (protocol.dosing.regimens if protocol.dosing else ())
    if (highest := regimen.local_highest_dose) is not None
    for option in highest.options
]


def in_force(slot: str, value: str) -> LocalRulesInForce:
    return rules_in_force(LIBRARY, {slot: value})


def outcome(protocol_id: str, dose: str, rules: LocalRulesInForce | None) -> str:
    protocol = LIBRARY.protocols[protocol_id]
    weight = "70 kg" if not dose.endswith(" mg") else None
    try:
        calculate(protocol, weight=weight, dose=dose, **({"local_rules": rules} if rules else {}))
    except DoseInputError as exc:
        return "clinic" if "this clinic gives" in exc.message else "content"
    return "accepted"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CHOICES), st.decimals(min_value=Decimal("0.05"), max_value=120, places=2))
def test_a_rule_only_refuses_doses_above_the_clinics_choice(
    choice: tuple[Protocol, str, Quantity, str], number: Decimal
) -> None:
    protocol, slot, option, unit = choice
    dose = f"{format_decimal(number.normalize())} {unit}"
    without = outcome(protocol.id, dose, None)
    with_rule = outcome(protocol.id, dose, in_force(slot, str(option)))
    if without == "content":
        assert with_rule == "content"
    elif number <= option.value:
        assert with_rule == "accepted"
    else:
        assert with_rule == "clinic"


def test_every_dosed_regimen_with_a_choice_offers_at_least_two_doses() -> None:
    assert len({slot for _, slot, _, _ in CHOICES}) == 5
    assert len(CHOICES) == 10
