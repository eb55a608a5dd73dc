"""Which characters a printout can carry: the one rule for text typed or set onto a checklist.

A patient's name, the clinician and clinic names, and a clinic's local-rule values all end up on
the printed sheet. Each is refused, naming the character's code point (never the text), when it
holds a character that would not print as read: a control or format character (a bell, a bidi
override), a character DejaVu Sans (the printout's font) has no glyph for, a character beyond
U+FFFF (reportlab writes its text as another character), right-to-left writing (the PDF lays
text out left to right without shaping, so it would print reversed) or a mark drawn over or
around the letters (a strike-through, an enclosing circle), which can hide what they say.

The glyph check reads the bundled fonts' character maps, once per process and only for text
beyond ASCII (the fonts have every ASCII character), so loading content stays cheap.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

from ketaref import paths
from ketaref.safe_read import FileRefused, read_file

#: The faces a printout draws with, by file: every character must have a glyph in each.
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
#: DejaVu Sans is about 750 KiB; a font file far larger than that is not one of ours.
MAX_FONT_BYTES = 32 * 1024 * 1024
#: Unicode categories printed text may not hold: control characters (bell, escape, tab, line
#: breaks), format characters (bidi overrides that reverse what is read, zero-width characters)
#: and line and paragraph separators. Each prints as a box, a break or reordered text.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
#: Bidirectional classes of right-to-left letters (Hebrew, Arabic, …).
RIGHT_TO_LEFT = frozenset({"R", "AL"})

FontT = TypeVar("FontT")
Trouble = Literal["control", "no-glyph", "beyond-bmp", "right-to-left", "overlay"]
#: Combining class of marks drawn through the letter before them (a stroke, a slash).
OVERLAY_CLASS = 1


class FontUnavailable(Exception):
    """The printout's fonts cannot be read, so which characters they show is unknown."""


@dataclass(frozen=True)
class Unprintable:
    """The first character of a text that would not print as read, and why."""

    trouble: Trouble
    character: str
    #: Its place in the text, counted from 1.
    position: int

    @property
    def code(self) -> str:
        """``U+05D0, character 3``: where the character is, never the text around it."""
        return f"U+{ord(self.character):04X}, character {self.position}"

    def describe(self, *, position: bool = True) -> str:
        """What is wrong, in words: ``right-to-left writing (U+05D0, character 3), which …``.

        ``position=False`` leaves out ``character 3``, for a message whose column points at it.
        """
        code = self.code if position else f"U+{ord(self.character):04X}"
        return {
            "control": f"an invisible control character ({code})",
            "no-glyph": f"a character the printout's font cannot show ({code})",
            "beyond-bmp": f"a character the printout cannot carry as text ({code})",
            "right-to-left": f"right-to-left writing ({code}), which the printout would show reversed",
            "overlay": (
                f"a mark drawn over or around the letters ({code}), which can hide what they say"
            ),
        }[self.trouble]


def first_unprintable(text: str) -> Unprintable | None:
    """The first character of ``text`` that would not print as read, or None.

    Raises FontUnavailable when ``text`` goes beyond ASCII and the fonts cannot be read.
    """
    missing = missing_glyphs(text) if not text.isascii() else set()
    for position, character in enumerate(text, start=1):
        trouble: Trouble | None = None
        if unicodedata.category(character) in REFUSED_CATEGORIES:
            trouble = "control"
        elif character in missing:
            trouble = "no-glyph"
        elif ord(character) > 0xFFFF:
            trouble = "beyond-bmp"
        elif unicodedata.bidirectional(character) in RIGHT_TO_LEFT:
            trouble = "right-to-left"
        elif (
            unicodedata.combining(character) == OVERLAY_CLASS
            or unicodedata.category(character) == "Me"
        ):
            # A strike-through or an enclosing circle over a name or a value can make it read
            # as another; an accent (another combining class) is fine.
            trouble = "overlay"
        if trouble is not None:
            return Unprintable(trouble, character, position)
    return None


def missing_glyphs(text: str, font_file: str | None = None) -> set[str]:
    """The characters of ``text`` that ``font_file`` (default: any printout face) has no glyph
    for; whitespace is never missing. Raises FontUnavailable if a font cannot be read."""
    files = (font_file,) if font_file else FONT_FILES
    covered = [_code_points(paths.fonts_dir() / name) for name in files]
    return {
        char
        for char in set(text)
        if not char.isspace() and any(ord(char) not in face for face in covered)
    }


@cache
def _code_points(path: Path) -> frozenset[int]:
    """The code points the font at ``path`` has a glyph for, read from its character map."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(read_font(path, TTFontFile).charToGlyph)


def read_font(path: Path, make: Callable[[io.BytesIO], FontT]) -> FontT:
    """``make`` (a reportlab font class) over the font file at ``path``, read through
    ``safe_read`` (a plain file of at most MAX_FONT_BYTES, so a named pipe in a font's place
    never makes anything wait); FontUnavailable if it cannot be read or is not TrueType."""
    from reportlab.pdfbase.ttfonts import TTFError

    try:
        data = read_file(path, MAX_FONT_BYTES, what="a font")
        return make(io.BytesIO(data))
    except FileRefused as refused:
        raise FontUnavailable(f"the font {refused}") from None
    except TTFError as exc:
        raise FontUnavailable(
            f"the font {path} is not a TrueType font ketaref can use ({exc})"
        ) from None
