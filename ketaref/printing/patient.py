"""Patient details for one printout: held in memory, printed on the PDF, never stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ketaref.content.quantity import format_decimal
from ketaref.printing.errors import PrintError

_WEIGHT_RE = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>kg|lb|lbs)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PatientDetails:
    """Name, ID and weight for the printout header; any may be empty (a blank line is printed).

    The fields are left out of ``repr`` so a stray log line or traceback never shows them.
    """

    name: str = field(default="", repr=False)
    patient_id: str = field(default="", repr=False)
    weight: str = field(default="", repr=False)


def normalize_weight(text: str) -> str:
    """Check a typed weight ("70 kg", "154 lb", "70kg") and return it ISMP-style ("70 kg").

    A number and a unit are required; zero, negative and non-finite values are refused with a
    PrintError that names the weight.
    """
    match = _WEIGHT_RE.match(text)
    if not match:
        raise PrintError(
            f"weight “{text}” is not understood: write a number and kg or lb, e.g. “70 kg”"
        )
    try:
        value = Decimal(match.group("number"))
    except InvalidOperation:  # the pattern admits only digits; kept as a guard
        raise PrintError(f"weight “{text}” is not a number") from None
    if value <= 0:
        raise PrintError(f"weight “{text}” must be more than zero")
    unit = "kg" if match.group("unit").lower() == "kg" else "lb"
    return f"{format_decimal(value)} {unit}"
