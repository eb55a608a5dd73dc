"""The fonts printed checklists use: DejaVu Sans, bundled with its licence and embedded.

DejaVu Sans has every glyph clinical text needs (≥ ≤ ° µ – “ ” →). reportlab embeds a subset of
each TrueType font it draws with, so the PDF looks the same on every printer and viewer.
"""

from __future__ import annotations

from ketaref import paths
from ketaref.printing.errors import PrintError

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FONT_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
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
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for name, file_name in FONT_FILES.items():
        path = paths.fonts_dir() / file_name
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except (OSError, TTFError) as exc:
            raise PrintError(
                f"the bundled font {file_name} cannot be read ({exc}); reinstall ketaref"
            ) from None
    # Bold markup (<b>) in paragraphs maps to the bold face; there is no italic face.
    for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, face)
    _registered = True


def missing_glyphs(text: str, font_name: str = REGULAR) -> set[str]:
    """The characters of ``text`` the registered font ``font_name`` has no glyph for."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    face = pdfmetrics.getFont(font_name).face
    return {char for char in set(text) if not char.isspace() and ord(char) not in face.charToGlyph}
