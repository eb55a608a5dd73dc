"""Patient details for one printout: held in memory, printed on the PDF, never stored."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ketaref import glyphs
from ketaref.printing.errors import PrintError

#: The longest text each header box holds legibly; longer is refused, never cut silently.
#: (The weight is not among them: the calculator's parser reads it, and refuses anything but a
#: number and a unit, quoting what was typed.)
MAX_LENGTHS = {"name": 80, "patient_id": 40}


def check_typed_field(label: str, text: str, limit: int) -> str:
    """``text`` as it is printed (composed, NFC); PrintError if it is too long or holds a
    character that would not print.

    The one rule for every field a user types onto a printout (patient name and ID, clinician,
    clinic name): the text is composed first ("e" + a combining accent prints as one letter, not
    marks stacked apart), then checked: at most ``limit`` characters, and every character one the
    printout shows as read (``ketaref.glyphs``: no control characters, a glyph in the printout's
    fonts, nothing beyond U+FFFF, no right-to-left letters). The message names the field and the
    character's code point, never the text; the error's ``reason`` is the problem without the
    advice.
    """
    text = unicodedata.normalize("NFC", text)
    if len(text) > limit:
        raise PrintError(f"the {label} is longer than the {limit} characters its box can hold")
    try:
        found = glyphs.first_unprintable(text)
    except glyphs.FontUnavailable as exc:
        raise PrintError(f"{exc}; reinstall ketaref") from None
    if found is None:
        return text
    by_hand = f"leave the {label} empty and write it by hand on the printout"
    advice = {
        "control": "type it again without it",
        "no-glyph": by_hand,
        "beyond-bmp": f"leave it out, or {by_hand}",
        "right-to-left": by_hand,
        "overlay": "type it again without it",
    }[found.trouble]
    reason = f"the {label} contains {found.describe()}"
    separator = "; " if found.trouble == "control" else ": "
    raise PrintError(f"{reason}{separator}{advice}", reason=reason)


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
            printed = check_typed_field(labels[name], getattr(self, name), limit)
            object.__setattr__(self, name, printed)
