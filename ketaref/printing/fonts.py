"""The fonts printed checklists use: DejaVu Sans, bundled with its licence and embedded.

DejaVu Sans has every glyph clinical text needs (≥ ≤ ° µ – “ ” →). reportlab embeds a subset of
each TrueType font it draws with, so the PDF looks the same on every printer and viewer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ketaref import glyphs, paths
from ketaref.printing.errors import PrintError

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
#: Each face's file, as ``glyphs`` checks them: regular, then bold.
FONT_FILES = dict(zip((REGULAR, BOLD), glyphs.FONT_FILES, strict=True))
LICENCE_FILE = "LICENSE-DejaVu.txt"
#: Characters the content and the printout use that a substitute font must also have.
REQUIRED_GLYPHS = "≥≤°µ–—“”‘’→·•×"

_registered = False


def register_fonts() -> None:
    """Register the bundled fonts with reportlab once per process; PrintError if missing."""
    global _registered
    if _registered:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    for name, file_name in FONT_FILES.items():
        try:
            pdfmetrics.registerFont(load_font(name, paths.fonts_dir() / file_name))
        except PrintError as exc:
            raise PrintError(f"{exc}; reinstall ketaref") from None
    # Bold markup (<b>) in paragraphs maps to the bold face; there is no italic face.
    for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, face)
    _registered = True


def load_font(name: str, path: Path) -> Any:
    """The TrueType font in ``path`` as a reportlab ``TTFont``; PrintError if it cannot be used
    (read as ``glyphs.read_font`` reads every font: a named pipe in its place never waits)."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        return glyphs.read_font(path, lambda data: TTFont(name, data))
    except glyphs.FontUnavailable as exc:
        raise PrintError(str(exc)) from None


def missing_glyphs(text: str, font_name: str = REGULAR) -> set[str]:
    """The characters of ``text`` the font ``font_name`` has no glyph for; PrintError if the
    font cannot be read (the rule itself is ``ketaref.glyphs``)."""
    try:
        return glyphs.missing_glyphs(text, FONT_FILES[font_name])
    except glyphs.FontUnavailable as exc:
        raise PrintError(f"{exc}; reinstall ketaref") from None
