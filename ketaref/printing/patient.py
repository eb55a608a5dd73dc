"""Patient details for one printout: held in memory, printed on the PDF, never stored."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import NoReturn

from ketaref.printing import fonts
from ketaref.printing.errors import PrintError

#: The longest text each header box holds legibly; longer is refused, never cut silently.
#: (The weight is not among them: the calculator's parser reads it, and refuses anything but a
#: number and a unit, quoting what was typed.)
MAX_LENGTHS = {"name": 80, "patient_id": 40}
#: Unicode categories a typed field may not hold: control characters (bell, escape, tab, line
#: breaks), format characters (bidi overrides that reverse what is read, zero-width characters)
#: and line and paragraph separators. Each prints as a box, a break or reordered text.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
#: Bidirectional classes of right-to-left letters (Hebrew, Arabic, …): the PDF lays text out left
#: to right without shaping, so a name in these scripts would print reversed and unjoined.
RIGHT_TO_LEFT = frozenset({"R", "AL"})


def check_typed_field(label: str, text: str, limit: int) -> str:
    """``text`` as it is printed (composed, NFC); PrintError if it is too long or holds a
    character that would not print.

    The one rule for every field a user types onto a printout (patient name and ID, clinician,
    clinic name): the text is composed first ("e" + a combining accent prints as one letter, not
    marks stacked apart), then checked: at most ``limit`` characters, no control characters, only
    characters the printout's fonts have a glyph for (a name in a script DejaVu Sans lacks would
    otherwise print with letters silently missing) and no right-to-left letters (they would
    print reversed). The message names the field and the character's code point, never the
    text; the error's ``reason`` is the problem without the advice.
    """
    text = unicodedata.normalize("NFC", text)
    if len(text) > limit:
        raise PrintError(f"the {label} is longer than the {limit} characters its box can hold")
    unprintable: set[str] = set()
    if not text.isascii():  # the fonts have every ASCII character; look only beyond
        unprintable = fonts.missing_glyphs(text, fonts.REGULAR) | fonts.missing_glyphs(
            text, fonts.BOLD
        )
    for position, character in enumerate(text, start=1):
        code = f"U+{ord(character):04X}, character {position}"
        if unicodedata.category(character) in REFUSED_CATEGORIES:
            _refuse(
                f"the {label} contains an invisible control character ({code})",
                "type it again without it",
            )
        if character in unprintable:
            _refuse(
                f"the {label} contains a character the printout's font cannot show ({code})",
                f"leave the {label} empty and write it by hand on the printout",
            )
        if ord(character) > 0xFFFF:
            # reportlab writes such a character's text as a different one (an emoji reads back
            # as U+1F60), so a copied or read-aloud name would be wrong.
            _refuse(
                f"the {label} contains a character the printout cannot carry as text ({code})",
                f"leave it out, or leave the {label} empty and write it by hand on the printout",
            )
        if unicodedata.bidirectional(character) in RIGHT_TO_LEFT:
            _refuse(
                f"the {label} contains right-to-left writing ({code}), which the printout would"
                " show reversed",
                f"leave the {label} empty and write it by hand on the printout",
            )
    return text


def _refuse(reason: str, advice: str) -> NoReturn:
    raise PrintError(f"{reason}: {advice}", reason=reason)


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
