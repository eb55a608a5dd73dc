"""Paper sizes, the default one for this machine's locale, and the print defaults of the policy."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ketaref.policy import Policy

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


@dataclass(frozen=True)
class PrintDefaults:
    """What a printout starts from when the person printing chooses nothing else.

    Worked out once from the policy (``print_defaults``) for ``ketaref print`` and the print
    dialog alike, so a sheet from either carries the same clinic name on the same paper.
    """

    #: The clinic name for the top of the sheet; "" prints a line to write it on.
    clinic_name: str = ""
    #: The paper IT or the user chose ("a4" or "letter"); None: the locale's.
    chosen_paper: str | None = None
    #: Why a setting is not used on the printout (a clinic name it cannot show), for IT.
    problems: tuple[str, ...] = ()

    @property
    def paper(self) -> str:
        """The paper to print on: the one chosen, else the locale's (read when asked)."""
        return self.chosen_paper or locale_default_paper()


def print_defaults(policy: Policy) -> PrintDefaults:
    """The print defaults of the policy in force (machine policy, then the user's settings).

    A clinic name the printout cannot show (a character its font lacks, right-to-left letters)
    is left out, so sheets still print with a line to write it on, and the reason is kept in
    ``problems``: only whoever set it can correct it, so it is said, not refused at every print.
    """
    clinic_name = policy.clinic_name
    problems: tuple[str, ...] = ()
    # The fonts have every ASCII letter, and the policy refuses control characters and overlong
    # names itself: only other names are looked up, so start-up does not load the fonts.
    if not clinic_name.isascii():
        from ketaref.policy import MAX_HEADER_TEXT
        from ketaref.printing.errors import PrintError
        from ketaref.printing.patient import check_typed_field

        try:
            clinic_name = check_typed_field("clinic name", clinic_name, MAX_HEADER_TEXT)
        except PrintError as exc:
            clinic_name = ""
            problems = (
                f"clinic_name is not printed: {exc.reason}; printouts leave a"
                " line to write it on; IT: set a clinic_name the printout can show",
            )
    return PrintDefaults(
        clinic_name=clinic_name, chosen_paper=policy.default_paper, problems=problems
    )
