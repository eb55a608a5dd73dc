"""``ketaref print --printer QUEUE``: a real print job through Qt and CUPS, read back from paper.

CI (``.ci/run``) runs CUPS with two cups-pdf queues: ``ketaref-pdf`` writes each job as a PDF
into the folder named by ``Out`` in ``/etc/cups/cups-pdf.conf``, ``ketaref-stopped`` is
disabled. Qt prints the checklist's pages as images, as it does on any printer, so the job's
words are read with OCR (tesseract) rather than pdftotext; pdfinfo gives pages and paper size.
"""

from __future__ import annotations

import getpass
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.content.format.pack import load_pack
from tests.gui.system_tools import missing, require_commands
from tests.printing.pdf_tools import page_count, page_size, pdf_info

QUEUE = os.environ.get("KETAREF_TEST_PRINTER", "ketaref-pdf")
STOPPED_QUEUE = os.environ.get("KETAREF_TEST_STOPPED_PRINTER", "ketaref-stopped")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
CANARY = "Quillon Canarybeak"
#: CUPS may take up to JOB_DEADLINE_S for a job, and reading the pages back by OCR takes minutes.
pytestmark = pytest.mark.timeout(600)
PROTOCOL = "spravato-trd"
#: A stuck CUPS must fail the test, not hang CI; a job takes a few seconds.
JOB_DEADLINE_S = 180


def run_print(*args: str) -> subprocess.CompletedProcess[str]:
    """``ketaref print`` in a child with no display at all, as on a server or over SSH."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    return subprocess.run(
        [sys.executable, "-m", "ketaref", "print", "--protocol", PROTOCOL, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait for CUPS, another process, to get somewhere; fail after ``JOB_DEADLINE_S``.

    CUPS offers nothing to wait on, so this polls; the pause paces the polls and the deadline
    only bounds the wait (a job takes a few seconds)."""
    deadline = time.monotonic() + JOB_DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def pending_jobs(queue: str) -> str:
    return subprocess.run(
        ["lpstat", "-o", queue], capture_output=True, text=True, timeout=30
    ).stdout.strip()


def cups_pdf_folder() -> Path | None:
    """Where cups-pdf writes jobs submitted by this user: its ``Out`` setting."""
    try:
        settings = CUPS_PDF_CONF.read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^Out\s+(\S+)\s*$", settings, re.MULTILINE)
    out = found.group(1) if found else "${HOME}/PDF"
    out = out.replace("${HOME}", str(Path.home())).replace("${USER}", getpass.getuser())
    return Path(out)


@pytest.fixture
def pdf_printer() -> Path:
    """The folder the cups-pdf queue ``QUEUE`` writes to, once CUPS and the tools are there."""
    require_commands("lpstat", "pdfinfo", "pdftoppm", "tesseract")
    scheduler = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, timeout=30)
    if "is running" not in scheduler.stdout:
        missing("needs a running CUPS scheduler")
    queue = subprocess.run(["lpstat", "-p", QUEUE], capture_output=True, text=True, timeout=30)
    folder = cups_pdf_folder()
    if queue.returncode != 0 or "enabled" not in queue.stdout or folder is None:
        missing(f"needs the cups-pdf print queue {QUEUE}, enabled")
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ocr_pages(pdf: Path, workdir: Path) -> list[str]:
    """The words on each page of ``pdf`` as OCR reads them, whitespace folded to one space."""
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), str(workdir / "page")],
        check=True,
        timeout=300,
    )
    texts = []
    for image in sorted(workdir.glob("page-*.png")):
        read = subprocess.run(
            ["tesseract", str(image), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        texts.append(" ".join(read.stdout.split()))
    return texts


def test_a_test_print_reaches_the_queue_with_every_page(pdf_printer: Path, tmp_path: Path) -> None:
    library = load_pack(paths.bundled_content_dir())
    checklist = library.checklists[library.protocols[PROTOCOL].checklist or ""]
    before = set(pdf_printer.glob("*.pdf"))
    saved = tmp_path / "same.pdf"
    details = ("--paper", "letter", "--patient-name", CANARY)

    printed = run_print("--printer", QUEUE, *details)
    assert printed.returncode == 0, printed.stderr
    assert run_print("--out", str(saved), *details).returncode == 0
    pages = page_count(saved)
    assert printed.stdout.strip() == f"sent to printer {QUEUE} ({pages} pages, LETTER)"

    wait_until(lambda: not pending_jobs(QUEUE) and set(pdf_printer.glob("*.pdf")) - before, "job")
    (job,) = set(pdf_printer.glob("*.pdf")) - before
    assert page_count(job) == pages
    assert page_size(job) == (612, 792)  # US Letter, as asked, not the queue's A4 default
    # The job's name, which every user of the queue sees, is the checklist's title only.
    assert pdf_info(job)["Title"].strip("()") == checklist.title
    assert CANARY not in job.name

    workdir = tmp_path / "ocr"
    workdir.mkdir()
    text = ocr_pages(job, workdir)
    assert len(text) == pages
    assert checklist.title in text[0]
    assert CANARY in text[0]
    everything = " ".join(text)
    for number, section in enumerate(checklist.sections, start=1):
        assert f"{number} {section.pause_point.label}" in everything
    for page, words in enumerate(text, start=1):
        assert f"Page {page} of {pages}" in words
    assert f"Content {library.version}" in text[0]
    assert library.pack_hash in text[0]


def test_a_stopped_printer_gets_nothing_and_says_so(pdf_printer: Path) -> None:
    stopped = subprocess.run(
        ["lpstat", "-p", STOPPED_QUEUE], capture_output=True, text=True, timeout=30
    )
    if stopped.returncode != 0 or "disabled" not in stopped.stdout:
        missing(f"needs the stopped (disabled) print queue {STOPPED_QUEUE}")
    before = set(pdf_printer.glob("*.pdf"))

    result = run_print("--printer", STOPPED_QUEUE)

    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert f"“{STOPPED_QUEUE}” is stopped" in line
    assert "nothing was sent" in line
    assert "--out" in line  # how to get the checklist anyway
    # Nothing waits in the queue to come out later, when the printer is started again.
    assert pending_jobs(STOPPED_QUEUE) == ""
    assert set(pdf_printer.glob("*.pdf")) == before


def test_a_printer_that_does_not_exist_is_named() -> None:
    result = run_print("--printer", "no-such-printer")

    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "no printer called “no-such-printer”" in line
    assert "Nothing was printed" in line
    assert "Traceback" not in result.stderr


def test_printer_and_out_are_one_or_the_other(tmp_path: Path) -> None:
    both = run_print("--printer", QUEUE, "--out", str(tmp_path / "x.pdf"))
    neither = run_print()

    assert both.returncode == 2
    assert "not allowed with argument" in both.stderr
    assert neither.returncode == 2
    assert "one of the arguments --out --printer" in neither.stderr
    assert list(tmp_path.iterdir()) == []
