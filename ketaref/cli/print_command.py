"""``ketaref print``: write a protocol's session checklist as a PDF (see docs/cli.md).

The PDF is built in memory, checked, then written atomically; on any failure the command exits 2
and leaves no file, partial or temporary. Patient details go onto the PDF and nowhere else: they
are not echoed, logged or used in any file name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from typing import TYPE_CHECKING

from ketaref.cli.common import EXIT_OK, CliError, notice, output_file
from ketaref.cli.content_commands import active_or_exit
from ketaref.policy import load_policy
from ketaref.printing.errors import PrintError
from ketaref.text import plural

if TYPE_CHECKING:
    from ketaref.cli.common import SubParsers


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_session_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD; CliError otherwise."""
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"date “{text}” is not a date; write it as YYYY-MM-DD") from None


def _print(args: argparse.Namespace) -> int:
    from ketaref.dosing.units import DoseInputError, parse_weight
    from ketaref.printing.checklist_pdf import build_checklist_pdf, check_pdf, save_pdf
    from ketaref.printing.paper import print_defaults
    from ketaref.printing.patient import PatientDetails

    session_date = parse_session_date(args.date) if args.date is not None else None
    # Read once: it picks the pack and the print defaults. Its problems are reported once, by
    # active_or_exit; a broken policy gives the built-in defaults here.
    policy = load_policy()
    defaults = print_defaults(policy)
    for problem in defaults.problems:
        notice(problem)
    paper = args.paper or defaults.paper
    active = active_or_exit(policy)
    library = active.library
    try:
        # The printout's weight rules (the calculator's checks, one weight per sheet) are the
        # core's: build_checklist_pdf applies them, as it does for the print dialog.
        if args.weight is not None and not args.weight.strip():
            parse_weight(args.weight)  # a --weight given empty is refused, not taken as none
        patient = PatientDetails(
            name=(args.patient_name or "").strip(),
            patient_id=(args.patient_id or "").strip(),
            weight=(args.weight or "").strip(),
        )
        data = build_checklist_pdf(
            library,
            args.protocol,
            paper=paper,
            patient=patient,
            clinic_name=defaults.clinic_name,
            clinician=(args.clinician or "").strip(),
            session_date=session_date,
            local_rules=active.local_rules,
        )
        pages = check_pdf(data)
        if args.printer is not None:
            job_name = library.checklists[library.protocols[args.protocol].checklist or ""].title
            _send_to_printer(data, args.printer, paper=paper, job_name=job_name)
            where = f"sent to printer {args.printer}"
        else:
            save_pdf(data, output_file(args.out))
            where = f"wrote {args.out}"
    except DoseInputError as exc:
        raise CliError(f"--weight: {exc.message}") from None
    except PrintError as exc:
        raise CliError(str(exc)) from None
    print(f"{where} ({plural(pages, 'page')}, {paper.upper()})")
    return EXIT_OK


def _send_to_printer(pdf: bytes, queue: str, *, paper: str, job_name: str) -> None:
    """Print through Qt with no dialog (Qt loads only here); PrintError if it cannot."""
    from ketaref.gui.qt_printing import paint_pdf, queue_printer

    paint_pdf(pdf, queue_printer(queue, paper=paper, job_name=job_name))


def register(subparsers: SubParsers, _groups: dict[str, SubParsers]) -> None:
    """Add ``ketaref print``."""
    command = subparsers.add_parser(
        "print",
        help="write a protocol's session checklist as a PDF to print and fill in by pen",
        description="Write the session checklist of a protocol as a PDF. Patient details are "
        "printed on the page only; leave them out to get blank lines to fill in by pen.",
    )
    command.add_argument("--protocol", required=True, metavar="ID", help="protocol id")
    target = command.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", metavar="FILE.pdf", help="where to write the PDF")
    target.add_argument(
        "--printer",
        metavar="QUEUE",
        help="send the checklist to this print queue instead, with no dialog (a test print)",
    )
    command.add_argument(
        "--paper",
        choices=("a4", "letter"),
        help="paper size (default: the machine policy's default_paper, else the locale's)",
    )
    command.add_argument("--patient-name", metavar="N", help="patient name to print")
    command.add_argument("--patient-id", metavar="I", help="patient ID to print")
    command.add_argument("--weight", metavar="W", help="weight with its unit: “70 kg”, “154 lb”")
    command.add_argument("--date", metavar="YYYY-MM-DD", help="session date to print")
    command.add_argument("--clinician", metavar="C", help="clinician's name to print")
    command.set_defaults(handler=_print)
