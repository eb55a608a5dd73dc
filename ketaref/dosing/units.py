"""Read what a clinician types: weights, doses, durations and concentrations with their units.

Stricter than it is forgiving, because a misread number is worse than a refused one:
- a number in plain digits with a decimal point (``70.5``), a leading zero before a decimal point
  (``0.5``, not ``.5``), no comma (``70,5`` could be 70.5 or 705), no exponent (``1e3``), no sign;
- at most 6 digits before the point and 4 after it;
- a unit, after optional spaces: ``70 kg``, ``70kg`` and ``70 KG`` all read as 70 kg;
- more than zero and below a ceiling no real value comes near (a typing guard; the clinical
  plausibility limits come from the content pack and are checked by the calculator).

Every refusal is a ``DoseInputError`` whose message quotes what was typed and says what to type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ketaref.content.format.model import Statement
from ketaref.content.format.quantity import Quantity, Unit, format_decimal, other_digit_problem

#: The international avoirdupois pound, exactly (Weights and Measures Act 1963; NBS 1959).
KG_PER_LB = Decimal("0.45359237")

MAX_INTEGER_DIGITS = 6
MAX_DECIMAL_PLACES = 4

_NUMBER_AND_UNIT = re.compile(r"^(?P<number>[0-9.,]*[0-9][0-9.,]*|[0-9]*\.)\s*(?P<unit>.*)$")
_NON_FINITE = re.compile(r"^[+-]?(nan|inf|infinity)\b", re.IGNORECASE)
_EXPONENT = re.compile(r"^[+-]?[0-9.]+e[+-]?[0-9]", re.IGNORECASE)


class DoseInputError(ValueError):
    """Input the calculator refuses; the message names the input and says what to give.

    ``field`` names the input at fault (``weight``, ``dose``, ``duration``, ``concentration``),
    so the command line can name its option and the GUI can show the message beside the field.
    A refusal that rests on a published statement (``basis``) ends with its citation and
    verification, ``cited_as`` (``[andrade-2017, abstract; abstract only]``).
    """

    def __init__(
        self,
        message: str,
        field: str | None = None,
        basis: Statement | None = None,
        cited_as: str = "",
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        #: The cited statement the message ends with, so a screen can write that citation its
        #: own way (``[3, abstract only]``).
        self.basis = basis
        self.cited_as = cited_as

    def without_citation(self) -> str:
        """The message without the citation of ``basis`` it ends with."""
        if not self.cited_as:
            return self.message
        return self.message.removesuffix(f" {self.cited_as}")


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind of input: its name in messages, the units it takes, an example, a ceiling.

    The ceiling is a typing guard far beyond any real value, in kg, mg (or mg/kg…), min, mg/mL.
    """

    name: str
    units: dict[str, str]
    example: str
    ceiling: Decimal

    def error(self, message: str) -> DoseInputError:
        """A refusal of this kind of input."""
        return DoseInputError(message, field=self.name)


# Units are matched case-insensitively; each alias maps to the unit shown back to the user.
_WEIGHT = _Kind("weight", {"kg": "kg", "lb": "lb", "lbs": "lb"}, "70 kg or 154 lb", Decimal(1000))
_DOSE = _Kind(
    "dose",
    {"mg": "mg", "mg/kg": "mg/kg", "mg/kg/h": "mg/kg/h", "mg/kg/hr": "mg/kg/h"},
    "84 mg, 0.5 mg/kg or 1 mg/kg/h",
    Decimal(10000),
)
_DURATION = _Kind(
    "duration",
    {
        "min": "min",
        "mins": "min",
        "minute": "min",
        "minutes": "min",
        "h": "h",
        "hr": "h",
        "hrs": "h",
        "hour": "h",
        "hours": "h",
    },
    "40 min or 4 h",
    Decimal(7 * 24 * 60),
)
_CONCENTRATION = _Kind("concentration", {"mg/ml": "mg/mL"}, "10 mg/mL", Decimal(1000))


@dataclass(frozen=True, slots=True)
class Weight:
    """A body weight as typed, and its exact value in kg."""

    entered: Decimal
    entered_unit: str  # "kg" or "lb"
    kg: Decimal

    @property
    def in_pounds(self) -> bool:
        """Whether the weight was typed in pounds (and converted)."""
        return self.entered_unit == "lb"

    def entered_text(self) -> str:
        """The weight as typed, ISMP-formatted: ``154 lb``."""
        return f"{format_decimal(self.entered)} {self.entered_unit}"

    def conversion(self) -> str | None:
        """The pound-to-kilogram step with its numbers, or None for a weight typed in kg."""
        if not self.in_pounds:
            return None
        return f"{self.entered_text()} × {format_decimal(KG_PER_LB)} = {format_decimal(self.kg)} kg"


#: The longest text read as a quantity (``1234.5678 mg/kg/h`` is 17): beyond it, a slip.
MAX_TYPED = 40


def _read(text: object, kind: _Kind) -> tuple[Decimal, str]:
    """Split ``text`` into a checked positive number and the canonical spelling of its unit."""
    if not isinstance(text, str) or not text.strip():
        raise kind.error(f"no {kind.name} given: type a number and a unit, e.g. {kind.example}")
    if problem := other_digit_problem(text):
        raise kind.error(f"{kind.name} {problem}")
    typed = " ".join(text.split())
    if len(typed) > MAX_TYPED:  # no value is this long; quoted whole it would fill the screen
        raise kind.error(
            f"the {kind.name} typed is {len(typed)} characters long, longer than any"
            f" {kind.name}: type a number and a unit, e.g. {kind.example}"
        )
    shown = f"{kind.name} “{typed}”"
    if _NON_FINITE.match(typed):
        raise kind.error(f"{shown} is not a finite number: type e.g. {kind.example}")
    if typed.startswith("-"):
        raise kind.error(f"{shown} is negative: it must be more than zero")
    if _EXPONENT.match(typed):
        raise kind.error(f"{shown}: write the number in plain digits, without an exponent")
    match = _NUMBER_AND_UNIT.match(typed)
    if match is None:
        raise kind.error(
            f"{shown} does not start with a number: type a number and a unit, e.g. {kind.example}"
        )
    number, unit_typed = match.group("number"), match.group("unit")
    _check_number(number, shown, kind)
    if not unit_typed:
        raise kind.error(f"{shown} has no unit: type e.g. {kind.example}")
    unit = kind.units.get(unit_typed.lower())
    if unit is None:
        allowed = one_of(list(dict.fromkeys(kind.units.values())))
        raise kind.error(f"{shown}: unknown unit “{unit_typed}” for a {kind.name}; use {allowed}")
    value = Decimal(number)
    if value == 0:
        raise kind.error(f"{shown} is zero: it must be more than zero")
    return value, unit


def _check_number(number: str, shown: str, kind: _Kind) -> None:
    """Refuse a number written in a way that could be misread: a comma, a stray or missing
    digit around the point, more digits than any real value has."""
    if "," in number:
        raise kind.error(
            f"{shown}: use a decimal point, not a comma (70.5 kg, not 70,5 kg), "
            "and no thousands separators"
        )
    if number.count(".") > 1 or number.endswith("."):
        raise kind.error(f"{shown} is not a number: type e.g. {kind.example}")
    if number.startswith("."):
        raise kind.error(f"{shown}: write a leading zero before the decimal point (0{number})")
    whole, _, fraction = number.partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_DECIMAL_PLACES:
        raise kind.error(
            f"{shown} has too many digits: at most {MAX_INTEGER_DIGITS} before the decimal point "
            f"and {MAX_DECIMAL_PLACES} after it"
        )


def one_of(choices: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``: choices as a person would list them."""
    if len(choices) <= 1:
        return "".join(choices)
    return f"{', '.join(choices[:-1])} or {choices[-1]}"


def _check_ceiling(value: Decimal, kind: _Kind, text: str, unit: str) -> None:
    if value > kind.ceiling:
        limit = f"{format_decimal(kind.ceiling)} {unit}".strip()
        raise kind.error(
            f"{kind.name} “{' '.join(text.split())}” is not a plausible value (above {limit})"
        )


def parse_weight(text: str) -> Weight:
    """Parse ``"70 kg"`` or ``"154 lb"``; pounds are converted exactly (× 0.45359237)."""
    value, unit = _read(text, _WEIGHT)
    kg = value * KG_PER_LB if unit == "lb" else value
    _check_ceiling(kg, _WEIGHT, text, "kg")
    return Weight(entered=value, entered_unit=unit, kg=kg)


def parse_dose(text: str) -> Quantity:
    """Parse a dose in mg (``"84 mg"``), mg/kg (``"0.5 mg/kg"``) or mg/kg/h (``"1 mg/kg/h"``)."""
    value, unit = _read(text, _DOSE)
    _check_ceiling(value, _DOSE, text, unit)
    return Quantity(value, Unit(unit))


def parse_duration(text: str) -> Quantity:
    """Parse an infusion duration in minutes or hours (``"40 min"``, ``"4 h"``)."""
    value, unit = _read(text, _DURATION)
    _check_ceiling(minutes(Quantity(value, Unit(unit))), _DURATION, text, "min")
    return Quantity(value, Unit(unit))


def parse_concentration(text: str) -> Quantity:
    """Parse a drug concentration in mg/mL (``"10 mg/mL"``)."""
    value, unit = _read(text, _CONCENTRATION)
    _check_ceiling(value, _CONCENTRATION, text, "mg/mL")
    return Quantity(value, Unit(unit))


def minutes(duration: Quantity) -> Decimal:
    """A duration in minutes, exactly (content and input durations are in min or h)."""
    per_unit = {
        Unit.MIN: Decimal(1),
        Unit.H: Decimal(60),
        Unit.DAY: Decimal(1440),
        Unit.WEEK: Decimal(10080),
    }
    return duration.value * per_unit[duration.unit]
