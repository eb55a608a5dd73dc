"""``ketaref content review-sheet``: the reviewer's worksheet of every statement in the pack in use.

Format: ``--format`` if given; else from the ``--out`` name (``.pdf`` → PDF); else CSV. CSV goes to
standard output without ``--out``; a PDF needs ``--out``. Files are written atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ketaref.cli.common import EXIT_OK, CliError, OutputLost, output_file
from ketaref.cli.content_commands import active_or_exit

if TYPE_CHECKING:
    from ketaref.cli.common import SubParsers


def chosen_format(out: str | None, given: str | None) -> str:
    """``csv`` or ``pdf``: the one asked for, else the output file's suffix, else CSV."""
    if given:
        return given
    return "pdf" if out and out.lower().endswith(".pdf") else "csv"


def _review_sheet(args: argparse.Namespace) -> int:
    from ketaref.atomic import write_atomically
    from ketaref.content.lifecycle.review_sheet import review_csv, review_rows

    if args.out is not None:
        output_file(args.out)  # an empty name is refused, not taken as standard output
    kind = chosen_format(args.out, args.format)
    if kind == "pdf" and not args.out:
        raise CliError("a PDF worksheet needs --out FILE.pdf (it is not written to the terminal)")
    library = active_or_exit().library
    if kind == "pdf":
        from ketaref.printing.errors import PrintError
        from ketaref.printing.review_sheet_pdf import build_review_sheet_pdf

        try:
            data = build_review_sheet_pdf(library)
        except PrintError as exc:
            raise CliError(str(exc)) from None
    else:
        data = review_csv(library)
    if not args.out:
        # The CSV is UTF-8 by contract, whatever the console's encoding: it is data to redirect.
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        except OSError as exc:
            raise OutputLost(exc) from None
        return EXIT_OK
    target = Path(args.out)
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise CliError(f"cannot write the worksheet to {target}: {exc.strerror}") from None
    rows = len(review_rows(library))
    print(f"wrote {target} ({rows} rows, {kind.upper()}, content {library.version})")
    return EXIT_OK


def register(_subparsers: SubParsers, groups: dict[str, SubParsers]) -> None:
    """Add ``ketaref content review-sheet`` to the content group."""
    command = groups["content"].add_parser(
        "review-sheet",
        help="worksheet of every statement with its source, for the clinical reviewer",
        description="List every statement of the pack in use with item, field, text, source "
        "(citation, URL), locator and verification tag, secondary and abstract-only first, with "
        "a column for the reviewer's mark. CSV (UTF-8, header row) by default, to standard "
        "output without --out; PDF (A4 landscape) with --format pdf or an --out name ending .pdf.",
    )
    command.add_argument("--out", metavar="FILE", help="where to write (default: standard output)")
    command.add_argument(
        "--format",
        choices=("csv", "pdf"),
        help="csv or pdf (default: from the --out name, else csv)",
    )
    command.set_defaults(handler=_review_sheet)
