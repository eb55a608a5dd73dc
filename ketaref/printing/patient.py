"""Patient details for one printout: held in memory, printed on the PDF, never stored."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ketaref.printing.errors import PrintError

#: The longest text each header box holds legibly; longer is refused, never cut silently.
#: (The weight is not among them: the calculator's parser reads it, and refuses anything but a
#: number and a unit, quoting what was typed.)
MAX_LENGTHS = {"name": 80, "patient_id": 40}
#: Unicode categories a typed field may not hold: control characters (bell, escape, tab, line
#: breaks), format characters (bidi overrides that reverse what is read, zero-width characters)
#: and line and paragraph separators. Each prints as a box, a break or reordered text.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def check_typed_field(label: str, text: str, limit: int) -> None:
    """Raise PrintError if ``text`` is longer than ``limit`` or holds a control character.

    The one rule for every field a user types onto a printout (patient name and ID, weight,
    clinician, clinic name). The message names the field and the character, never the text.
    """
    if len(text) > limit:
        raise PrintError(f"the {label} is longer than the {limit} characters its box can hold")
    for position, character in enumerate(text, start=1):
        if unicodedata.category(character) in REFUSED_CATEGORIES:
            raise PrintError(
                f"the {label} contains an invisible control character (U+{ord(character):04X},"
                f" character {position}); type it again without it"
            )


@dataclass(frozen=True)
class PatientDetails:
    """Name, ID and weight for the printout header; any may be empty (a blank box is printed).

    ``weight`` is the weight as typed ("70kg", "154 lb"): ``build_checklist_pdf`` reads it,
    refuses it as the calculator would, and holds it to the dose's weight. The fields are left
    out of ``repr`` so a stray log line or traceback never shows them.
    """

    name: str = field(default="", repr=False)
    patient_id: str = field(default="", repr=False)
    weight: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        labels = {"name": "patient name", "patient_id": "patient ID"}
        for name, limit in MAX_LENGTHS.items():
            check_typed_field(labels[name], getattr(self, name), limit)
