"""Small wording helpers shared by messages: counts with the right plural, visible control codes."""

from __future__ import annotations

import unicodedata


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 problem``, ``2 problems`` (``nouns`` for an irregular plural)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def first_few(items: list[str], most: int = 3) -> str:
    """Up to ``most`` items joined by ``; ``, with ``; …`` when there are more."""
    return "; ".join(items[:most]) + ("; …" if len(items) > most else "")


def escape_controls(text: str) -> str:
    """``text`` with control and format characters (bell, escape, CR, bidi overrides …) escaped.

    What a terminal would act on instead of showing is printed as ``\\x1b`` or ``\\u202e``.
    """
    if text.isprintable():
        return text
    return "".join(_escaped(char) if _is_control(char) else char for char in text)


def _is_control(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] == "C" or category in ("Zl", "Zp")


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
