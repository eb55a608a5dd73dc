"""Quantities with units, written and read the ISMP way.

Content files write every quantity as text: ``"0.5 mg/kg"``, ``"40 min"``, ``"0.5–2 mg/kg/h"``.
This module parses that text into exact ``Decimal`` values with a unit from a fixed list, formats
values back without trailing zeros and with a leading zero, and lints free text for the error-prone
notations the Institute for Safe Medication Practices (ISMP) lists.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache


class Unit(StrEnum):
    """The fixed list of units content may use. Dose units never double as rate units."""

    MG = "mg"
    MCG = "mcg"
    MG_PER_KG = "mg/kg"
    MG_PER_KG_PER_H = "mg/kg/h"
    MG_PER_H = "mg/h"
    ML = "mL"
    ML_PER_H = "mL/h"
    MG_PER_ML = "mg/mL"
    KG = "kg"
    MIN = "min"
    H = "h"
    DAY = "day"
    WEEK = "week"
    MMHG = "mmHg"
    PERCENT = "%"
    DEVICE = "device"


# Plural spellings authors may write; they mean the same unit.
_PLURALS = {"devices": Unit.DEVICE, "days": Unit.DAY, "weeks": Unit.WEEK}
_UNIT_BY_TEXT = {u.value: u for u in Unit} | _PLURALS

DOSE_UNITS = frozenset({Unit.MG, Unit.MCG, Unit.MG_PER_KG})
RATE_UNITS = frozenset({Unit.MG_PER_KG_PER_H, Unit.MG_PER_H, Unit.ML_PER_H})
TIME_UNITS = frozenset({Unit.MIN, Unit.H, Unit.DAY, Unit.WEEK})

EN_DASH = "–"
#: How a range that is a ceiling only is written: “up to 0.35 mg/kg”.
UP_TO = "up to "

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# A unit never starts with a digit or a point: "15" is a number with no unit, not 1 and "5".
_QUANTITY_RE = re.compile(
    rf"^(?P<low>{_NUMBER})(?:{EN_DASH}(?P<high>{_NUMBER}))?(?P<space> ?)(?P<unit>[^\s\d.]\S*)$"
)


#: Why a digit other than 0–9 is refused: the words of every number read from a person.
OTHER_DIGIT = "a digit other than 0–9: type the number with the digits 0–9"


def other_digit(text: str) -> str | None:
    """The first digit in ``text`` that is not 0–9 (a full-width ８, an Arabic-Indic ٨, a
    superscript ²), or character whose normal form holds a digit (a circled ① or ⑩, a ⒈), or None.

    Python's ``Decimal``, ``float``, ``int`` and the regular expressions' ``\\d`` read such digits
    as numbers, and content text is read in its NFKC normal form, so a value typed with them
    would be taken, and quoted back, as another text.
    """
    if text.isascii():  # nearly every text: its only digits are 0–9
        return None
    return next((char for char in text if _reads_as_digit(char)), None)


@cache  # a text uses a few characters beyond ASCII, over and over
def _reads_as_digit(char: str) -> bool:
    """Whether a character beyond ASCII is a digit, or its normal form holds one."""
    return not char.isascii() and (
        char.isdigit() or any(c.isdigit() for c in unicodedata.normalize("NFKC", char))
    )


def other_digit_problem(text: str) -> str | None:
    """Why ``text`` cannot be read as a number a person typed (a digit other than 0–9), quoting
    it exactly as typed; None when every digit in it is 0–9."""
    char = other_digit(text)
    if char is None:
        return None
    return f"“{text}” has “{char}” (U+{ord(char):04X}), {OTHER_DIGIT}"


# Abbreviations ISMP lists as error-prone, with what to write instead.
FORBIDDEN_ABBREVIATIONS = {
    "U": "write “units” in full",
    "IU": "write “units” in full",
    "cc": "write mL",
    "QD": "write “daily”",
    "QOD": "write “every other day”",
    "SC": "write “subcutaneous”",
    "SQ": "write “subcutaneous”",
    "HS": "write “at bedtime”",
    "µg": "write mcg",
    "μg": "write mcg",
    "ug": "write mcg",
}


#: Candidates for the abbreviations; the pattern starts with them so the search skips
#: quickly through text that has none.
_ABBREVIATION = re.compile(
    "(?P<bad>"
    + "|".join(re.escape(bad) for bad in sorted(FORBIDDEN_ABBREVIATIONS, key=len, reverse=True))
    + r")(?!\w|\.\w)"
)


def _abbreviations(text: str) -> list[str]:
    """The ISMP abbreviations standing as words in ``text``, in order.

    Whole words only, so "U.S.", "SCI" and "drug" do not trip the rule, but "10U" and
    "2 cc." do: a letter or a point may not come just before, a digit may.
    """
    found = []
    for match in _ABBREVIATION.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        if not (before == "." or (before.isalnum() and not before.isdigit()) or before == "_"):
            found.append(match["bad"])
    return found


class QuantityError(ValueError):
    """A quantity text that cannot be read; the message says how to write it.

    ``index``: the character at fault in the text (counted from 0) where one is, so a file's
    problem can point at it; None: the text as a whole.
    """

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


def format_decimal(value: Decimal) -> str:
    """Format a number ISMP-style: leading zero, no trailing zero, no exponent."""
    if not value.is_finite():
        raise QuantityError(f"{value} is not a finite number")
    text = format(value, "f")  # not normalize(): it rounds to the context's 28 digits
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact value with a unit, e.g. 0.5 mg/kg."""

    value: Decimal
    unit: Unit

    def __str__(self) -> str:
        return f"{format_decimal(self.value)} {unit_text(self.unit, self.value)}"


def unit_text(unit: Unit, value: Decimal) -> str:
    """The unit as written after ``value``: devices, days and weeks take a plural."""
    if unit in (Unit.DEVICE, Unit.DAY, Unit.WEEK) and value != 1:
        return f"{unit.value}s"
    return unit.value


@dataclass(frozen=True, slots=True)
class QuantityRange:
    """A closed range with one unit, e.g. 0.5–2 mg/kg/h."""

    low: Decimal
    high: Decimal
    unit: Unit

    def __str__(self) -> str:
        high = format_decimal(self.high)
        if self.ceiling_only:
            return f"{UP_TO}{high} {unit_text(self.unit, self.high)}"
        return f"{format_decimal(self.low)}{EN_DASH}{high} {unit_text(self.unit, self.high)}"

    @property
    def ceiling_only(self) -> bool:
        """Whether the range is a ceiling only (written “up to 0.35 mg/kg”; it starts at zero)."""
        return self.low == 0

    def contains(self, quantity: Quantity) -> bool:
        """Whether ``quantity`` (in the same unit) lies inside the range, ends included."""
        return quantity.unit is self.unit and self.low <= quantity.value <= self.high


# Compiled once: quantities are parsed thousands of times while a large pack loads.
_HYPHEN_RANGE = re.compile(r"\d\s*-\s*\d")
#: ".5" at the start or after the en dash of a range.
_NO_LEADING_ZERO = re.compile(rf"^\.\d|{EN_DASH}\.\d")


def _number_problem(text: str) -> tuple[str, int] | None:
    """Why the number ``text`` is not written ISMP-style, and where in it, or None."""
    if "." in text and text.endswith("0"):
        advice = f"drop the trailing zero ({format_decimal(Decimal(text))}, not {text})"
        return advice, len(text) - 1
    if len(text) > 1 and text.startswith("0") and not text.startswith("0."):
        return f"drop the leading zeros ({format_decimal(Decimal(text))}, not {text})", 0
    return None


def _writing_problem(text: str) -> str | None:
    """Why ``text`` is not written as a quantity is (spaces, digits, ISMP style), or None."""
    if text.strip() != text:
        return f"“{text}” has spaces at its start or end"
    if problem := other_digit_problem(text):
        return problem
    if abbreviations := _abbreviations(text):
        bad = abbreviations[0]
        advice = FORBIDDEN_ABBREVIATIONS[bad]
        return f"“{text}” uses “{bad}”, which ISMP lists as error-prone: {advice}"
    if _HYPHEN_RANGE.search(text):
        return f"“{text}”: write a range with an en dash and the unit once, e.g. 0.5–2 mg/kg/h"
    if _NO_LEADING_ZERO.search(text):
        return f"“{text}”: write a leading zero before the decimal point (0.5, not .5)"
    return None


def _parse_parts(text: str) -> tuple[Decimal, Decimal | None, Unit]:
    if not isinstance(text, str):
        raise QuantityError(f"expected a quantity as text such as “0.5 mg/kg”, got {text!r}")
    if problem := _writing_problem(text):
        raise QuantityError(problem)
    match = _QUANTITY_RE.match(text)
    if not match:
        raise QuantityError(
            f"“{text}” is not a quantity: write a number, one space and a unit, e.g. “0.5 mg/kg”"
        )
    for part in ("low", "high"):
        number = match.group(part)
        if number is not None and (written := _number_problem(number)):
            advice, at = written
            raise QuantityError(f"“{text}”: {advice}", match.start(part) + at)
    unit_text = match.group("unit")
    unit = _UNIT_BY_TEXT.get(unit_text)
    if unit is None:
        allowed = ", ".join(u.value for u in Unit)
        raise QuantityError(
            f"“{text}”: unknown unit “{unit_text}”; allowed units: {allowed}", match.start("unit")
        )
    if not match.group("space"):
        raise QuantityError(
            f"“{text}”: put one space between the number and the unit", match.start("unit")
        )
    try:
        low = Decimal(match.group("low"))
        high = Decimal(match.group("high")) if match.group("high") else None
    except InvalidOperation as exc:  # the regex admits only digits, so this is a guard
        raise QuantityError(f"“{text}” is not a number") from exc
    return low, high, unit


def _above_zero(text: str, value: Decimal, what: str = "a quantity must be more than zero") -> None:
    """Every amount content states is more than zero: a dose, time or rate of 0 is none."""
    if value == 0:
        raise QuantityError(f"“{text}”: {what}")


def parse_quantity(text: str) -> Quantity:
    """Parse ``"0.5 mg/kg"`` into a Quantity; raise QuantityError with advice otherwise.

    The value must be more than zero.
    """
    if isinstance(text, str) and text.startswith(UP_TO):
        raise QuantityError(f"“{text}” is a ceiling; a single value is expected here")
    low, high, unit = _parse_parts(text)
    if high is not None:
        raise QuantityError(f"“{text}” is a range; a single value is expected here")
    _above_zero(text, low)
    return Quantity(low, unit)


def parse_range(text: str) -> QuantityRange:
    """Parse ``"0.5–2 mg/kg/h"`` (or a ceiling only, ``"up to 0.35 mg/kg"``) into a
    QuantityRange; raise QuantityError otherwise.

    Both ends must be more than zero; a ceiling only is written as one, never as a range from 0.
    """
    if isinstance(text, str) and text.startswith(UP_TO):
        top, second_value, top_unit = _parse_parts(text.removeprefix(UP_TO))
        if second_value is not None:
            raise QuantityError(f"“{text}”: write one ceiling, e.g. “up to 0.35 mg/kg”")
        _above_zero(text, top)
        return QuantityRange(Decimal(0), top, top_unit)
    low, high, unit = _parse_parts(text)
    if high is None:
        raise QuantityError(
            f"“{text}” is a single value; a range such as “0.5–2 mg/kg/h” is expected"
        )
    ceiling = f"{UP_TO}{format_decimal(high)} {unit_text(unit, high)}"
    _above_zero(text, low, f"a range must start above zero; for a ceiling only write “{ceiling}”")
    if high <= low:
        raise QuantityError(f"“{text}”: the upper end must be above the lower end")
    return QuantityRange(low, high, unit)


#: Units whose number needs ISMP care in prose ("5.0 mg", ".5 mL", "5mg", "2-4 mg").
_PROSE_UNIT = r"(?:mg|mcg|mL|kg|mmHg|min|h)(?!\w)"
# Each rule starts with the character it needs and looks behind only then ("\d(?<![\w.]\d)"
# is a digit with no letter, digit or point before it): a pattern that starts with a look-behind
# is tried at every position of the text, one that starts with a digit only at digits.
_PROSE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(rf"\.(?<![\d.]\.)\d+\s*{_PROSE_UNIT}"),
        "write a leading zero (0.5, not .5)",
    ),
    (
        re.compile(rf"\d(?<![\d.]\d)\d*\.\d*0\s?(?:{_PROSE_UNIT}|%)"),
        "drop the trailing zero (5 mg, not 5.0 mg)",
    ),
    (
        re.compile(rf"\d(?<![\w.]\d)\d*(?:\.\d+)?{_PROSE_UNIT}"),
        "put one space before the unit",
    ),
    (
        re.compile(rf"\d(?<![\w.]\d)\d*(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?\s?{_PROSE_UNIT}"),
        "write a range with an en dash (0.5–2 mg), not a hyphen",
    ),
)


#: What every rule above needs somewhere in the text: a digit, then (after spaces) a unit.
#: Most statements have none, and one search spares them the four rules.
_NUMBER_THEN_UNIT = re.compile(rf"\d\s*(?:{_PROSE_UNIT}|%)")
#: The four rules as one pattern: where a number meets a unit, one search tells whether any
#: rule applies (it seldom does) at half the cost of the four. Every rule starts at a digit or
#: a point, and the look-ahead lets the search skip every other character quickly.
_ANY_RULE = re.compile(r"(?=[\d.])(?:" + "|".join(p.pattern for p, _ in _PROSE_RULES) + ")")


def lint_prose(text: str) -> list[str]:
    """Return ISMP problems found in free text (an empty list when it is clean)."""
    problems = []
    if _NUMBER_THEN_UNIT.search(text) and _ANY_RULE.search(text):
        for pattern, advice in _PROSE_RULES:
            for match in pattern.finditer(text):
                problems.append(f"“{match.group(0)}”: {advice}")
    # Most text holds no candidate at all: one search spares it the word-by-word checks.
    if _ABBREVIATION.search(text):
        found = set(_abbreviations(text))
        for bad in FORBIDDEN_ABBREVIATIONS:
            if bad in found:
                advice = FORBIDDEN_ABBREVIATIONS[bad]
                problems.append(f"“{bad}” is an ISMP error-prone abbreviation: {advice}")
    return problems


# --- quantities inside prose, for comparing two wordings -----------------------------------

#: Units and countable clinical nouns a number in prose may carry, as written (any case), with
#: the one spelling they are compared by: "40 minutes" and "40 min" are the same quantity.
_PROSE_UNIT_SPELLINGS = {
    **dict.fromkeys(("mg/kg/h", "mg/kg/hr", "mg/kg/hour"), "mg/kg/h"),
    **{spelling: spelling for spelling in ("mg/kg", "mg/h", "mcg/kg", "kg", "%")},
    "mmhg": "mmHg",
    **dict.fromkeys(("mg/ml",), "mg/mL"),
    **dict.fromkeys(("ml/h", "ml/hr", "ml/hour"), "mL/h"),
    **dict.fromkeys(("mg", "milligram", "milligrams"), "mg"),
    **dict.fromkeys(("mcg", "microgram", "micrograms"), "mcg"),
    **dict.fromkeys(("ml", "millilitre", "millilitres", "milliliter"), "mL"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "min"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **{
        f"{noun}{plural}": noun for noun in ("day", "week", "month", "year") for plural in ("", "s")
    },
    **{
        f"{noun}{plural}": noun
        for noun in ("device", "spray", "dose", "infusion", "session", "treatment")
        for plural in ("", "s")
    },
}
_PER = {"hour": "h", "h": "h", "minute": "min", "min": "min", "day": "day", "week": "week"}
_PROSE_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_PROSE_QUANTITY = re.compile(
    rf"(?<![\w.,]){_PROSE_NUMBER}(?:\s*(?:{EN_DASH}|—|-|/|\bto\b)\s*{_PROSE_NUMBER})?\s?"
    rf"(?P<unit>{'|'.join(map(re.escape, sorted(_PROSE_UNIT_SPELLINGS, key=len, reverse=True)))})"
    rf"(?:\s+per\s+(?P<per>{'|'.join(_PER)}))?(?![\w/])",
    re.IGNORECASE,
)
_PROSE_NUMBERS = re.compile(_PROSE_NUMBER)


@dataclass(frozen=True, slots=True)
class ProseQuantity:
    """A number (or range, or pair such as 140/90 mmHg) with a unit as it stands in a sentence:
    “0.5–2 mg/kg per hour”."""

    low: Decimal
    high: Decimal | None
    #: The unit in its one compared spelling (``min`` for "minutes", ``mg/kg/h`` for
    #: "mg/kg per hour").
    unit: str
    #: The words as written in the sentence.
    written: str

    @property
    def ends(self) -> tuple[Decimal, Decimal]:
        """Low and high end (a single value is both)."""
        return self.low, self.low if self.high is None else self.high

    def same_amount(self, other: ProseQuantity) -> bool:
        """Whether ``other`` states the same amount in the same unit, however it is worded."""
        return (self.ends, self.unit) == (other.ends, other.unit)

    def __str__(self) -> str:
        return self.written


def prose_quantities(text: str) -> list[ProseQuantity]:
    """Every number with a unit in ``text``, in order: what a reviewer must see change."""
    found = []
    for match in _PROSE_QUANTITY.finditer(text):
        numbers = [Decimal(n.replace(",", "")) for n in _PROSE_NUMBERS.findall(match.group(0))]
        unit = _PROSE_UNIT_SPELLINGS[match["unit"].lower()]
        if match["per"]:
            unit = f"{unit}/{_PER[match['per'].lower()]}"
        high = numbers[1] if len(numbers) > 1 else None
        found.append(ProseQuantity(numbers[0], high, unit, match.group(0)))
    return found
