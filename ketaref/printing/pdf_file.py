"""A finished printout's bytes: checked, and saved atomically with errors in plain words."""

from __future__ import annotations

import re
from pathlib import Path

from ketaref.atomic import write_atomically
from ketaref.printing.errors import PrintError

_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def check_pdf(data: bytes) -> int:
    """A light structural check of a PDF built here; returns its page count or raises PrintError.

    reportlab writes page objects uncompressed, so counting ``/Type /Page`` is exact for our own
    output; a file without the PDF header, the cross-reference table or the end marker is refused.
    """
    tail = data[-1024:]
    if not data.startswith(b"%PDF-") or b"startxref" not in tail or b"%%EOF" not in tail:
        raise PrintError("the checklist PDF is incomplete; nothing was saved (please report this)")
    pages = len(_PAGE_OBJECT.findall(data))
    if pages < 1:
        raise PrintError("the checklist PDF has no pages; nothing was saved (please report this)")
    return pages


def save_pdf(data: bytes, path: Path) -> None:
    """Write a checked PDF to ``path`` atomically; PrintError (nothing left behind) on failure."""
    check_pdf(data)
    path = Path(path)
    try:
        write_atomically(path, data)  # checks the path first; its errors are in plain words
    except OSError as exc:
        raise PrintError(f"cannot save the checklist to {path}: {exc.strerror}") from None
