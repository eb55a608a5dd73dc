"""Paper sizes and the default one for this machine's locale."""

from __future__ import annotations

import contextlib
import os

#: Page sizes in PostScript points (1/72 inch), as reportlab and PDF viewers measure them.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (595.2755905511812, 841.8897637795277),
    "letter": (612.0, 792.0),
}
#: Countries that print on US Letter; everywhere else uses A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH"})
#: Windows spells the country out ("English_United States").
_COUNTRY_NAMES = {"united states": "US", "canada": "CA", "mexico": "MX", "philippines": "PH"}


def locale_country() -> str | None:
    """The country of the paper locale: LC_ALL, LC_PAPER or LANG, else the OS locale (Windows).

    ``C``, ``POSIX`` and ``C.UTF-8`` name no country (Python would map ``C.UTF-8`` to en_US,
    so an environment that sets one of them is taken at its word).
    """
    name = next((os.environ[v] for v in ("LC_ALL", "LC_PAPER", "LANG") if os.environ.get(v)), None)
    if name is None:
        import locale  # only here: the app's start-up does not need it

        with contextlib.suppress(ValueError):  # an unparsable locale name
            name = locale.getlocale()[0]
    language_country = (name or "").split(".")[0].split("@")[0]
    if "_" not in language_country:
        return None
    country = language_country.split("_", 1)[1]
    return _COUNTRY_NAMES.get(country.lower(), country.upper())


def locale_default_paper() -> str:
    """``"letter"`` where the locale's country prints on Letter (US, CA, MX, PH), else ``"a4"``."""
    return "letter" if locale_country() in LETTER_COUNTRIES else "a4"


def paper_from_policy(value: object) -> str | None:
    """The policy's ``default_paper`` when it names a known size, else None (follow the locale)."""
    return value if isinstance(value, str) and value in PAPER_SIZES else None
