"""Paper sizes and the default one for this machine's locale."""

from __future__ import annotations

import contextlib
import locale
import os

#: Page sizes in PostScript points (1/72 inch), as reportlab and PDF viewers measure them.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (595.2755905511812, 841.8897637795277),
    "letter": (612.0, 792.0),
}
#: Countries that print on US Letter; everywhere else uses A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH"})


def _locale_country() -> str | None:
    """The two-letter country of the paper locale (LC_ALL, LC_PAPER, LANG, then Python's)."""
    candidates = [os.environ.get(name, "") for name in ("LC_ALL", "LC_PAPER", "LANG")]
    with contextlib.suppress(ValueError):  # an unparsable locale name in the environment
        candidates.append(locale.getlocale()[0] or "")
    for name in candidates:
        language_country = name.split(".")[0].split("@")[0]
        if "_" in language_country:
            return language_country.split("_")[1].upper()
    return None


def locale_default_paper() -> str:
    """``"letter"`` where the locale's country prints on Letter (US, CA, MX, PH), else ``"a4"``."""
    return "letter" if _locale_country() in LETTER_COUNTRIES else "a4"
