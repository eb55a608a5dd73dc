"""``ketaref content review-sheet``: the reviewer's worksheet, as CSV and as a PDF."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from ketaref.content.format.pack import Library
from ketaref.content.lifecycle.review_sheet import COLUMNS, review_rows
from tests.printing.pdf_tools import page_size, pdf_text


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ketaref", "content", "review-sheet", *args],
        capture_output=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "KETAREF_POLICY": str(cwd / "no-policy.toml")},
    )


def test_csv_on_stdout_lists_every_statement_weakest_evidence_first(
    tmp_path: Path, bundled_library: Library
) -> None:
    result = run(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout.decode("utf-8"))))
    assert tuple(table[0]) == COLUMNS
    rows = table[1:]
    assert len(rows) == len(review_rows(bundled_library))
    tags = [row[1] for row in rows]
    order = ["secondary", "abstract-only", "confirmed", "site-defined"]
    assert tags == sorted(tags, key=order.index), "secondary and abstract-only rows come first"
    assert set(tags) == set(order)
    assert all(row[0] == "" for row in rows), "the mark column is left for the reviewer"
    # Every cited statement of every item is there, with its source's full citation and URL.
    spravato = [r for r in rows if r[2] == "spravato-session" and "bp-before)" in r[3]]
    assert spravato
    assert spravato[0][5] == "rems-pmf-2021"
    source = bundled_library.sources["rems-pmf-2021"]
    assert spravato[0][6] == source.citation
    assert spravato[0][7] == source.url
    assert spravato[0][8] == "Monitoring of Blood Pressure"
    statements = sum(
        len(s.citations()) for _, item in bundled_library.items() for s in _statements(item)
    )
    assert len([r for r in rows if r[1] != "site-defined"]) >= statements


def _statements(item: object) -> list:  # type: ignore[type-arg]
    from ketaref.content.format.model import statements_in

    return statements_in(item)


def test_pdf_by_file_name_is_a_landscape_table(tmp_path: Path) -> None:
    result = run("--out", "sheet.pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "sheet.pdf"
    assert page_size(path) == (842, 595)
    text = " ".join(pdf_text(path, 1).split())
    assert "ketaref content review worksheet" in text
    assert "Reviewer: ____" in text
    assert "Signature: ____" in text
    assert "Mark Verification Item · field Text Source Locator" in text
    assert " secondary " in text
    assert sorted(os.listdir(tmp_path)) == ["sheet.pdf"]


def test_a_pdf_is_not_written_to_the_terminal_and_bad_targets_leave_nothing(
    tmp_path: Path,
) -> None:
    refused = run("--format", "pdf", cwd=tmp_path)
    assert refused.returncode == 2
    assert b"needs --out" in refused.stderr
    assert b"Traceback" not in refused.stderr
    missing = run("--out", str(tmp_path / "no-such-folder" / "sheet.csv"), cwd=tmp_path)
    assert missing.returncode == 2
    assert b"Traceback" not in missing.stderr
    assert os.listdir(tmp_path) == []
    written = run("--out", "sheet.csv", "--format", "csv", cwd=tmp_path)
    assert written.returncode == 0
    assert (tmp_path / "sheet.csv").read_bytes().startswith(",".join(COLUMNS).encode("utf-8"))
