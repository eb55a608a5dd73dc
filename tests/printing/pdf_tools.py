"""Read real PDFs with poppler-utils (pdftotext, pdffonts, pdfinfo), as a user's tools would."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

from ketaref.content.format.model import Checklist, Protocol
from ketaref.content.format.pack import Library


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=30).stdout


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text of the PDF (or of one page), in reading layout."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", "-layout", *pages, str(path), "-")


def pdf_text_in_drawing_order(path: Path) -> str:
    """The text in the order it is drawn: a box's label, then what is written in it."""
    return _run("pdftotext", "-raw", str(path), "-")


def pdf_info(path: Path) -> dict[str, str]:
    """pdfinfo's fields: Title, Pages, Page size, …"""
    info = {}
    for line in _run("pdfinfo", str(path)).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def page_count(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


def page_size(path: Path) -> tuple[int, int]:
    """The page size in whole points, e.g. (595, 842) for A4."""
    match = re.match(r"([\d.]+) x ([\d.]+) pts", pdf_info(path)["Page size"])
    assert match, pdf_info(path)
    return round(float(match.group(1))), round(float(match.group(2)))


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """One row per font: name, type, emb (yes/no)."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type [type words…] encoding emb sub uni object ID: read from the right
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return rows


def with_checklist(library: Library, protocol: Protocol, checklist: Checklist) -> Library:
    """A copy of ``library`` in which ``protocol`` uses ``checklist``."""
    protocol = protocol.model_copy(update={"checklist": checklist.id})
    return dataclasses.replace(
        library,
        protocols={**library.protocols, protocol.id: protocol},
        checklists={**library.checklists, checklist.id: checklist},
    )
