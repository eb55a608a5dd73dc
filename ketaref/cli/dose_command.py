"""``ketaref dose``: the dose calculator on the command line (docs/cli.md, "dose")."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ketaref.cli.common import EXIT_OK, CliError, print_json
from ketaref.cli.content_commands import active_or_exit

if TYPE_CHECKING:
    from ketaref.cli.common import SubParsers

#: The command-line option for each input the calculator may refuse.
_OPTION_FOR_FIELD = {
    "weight": "--weight",
    "dose": "--dose",
    "duration": "--duration",
    "concentration": "--concentration",
}


def _dose(args: argparse.Namespace) -> int:
    from ketaref.dosing.calculator import calculate
    from ketaref.dosing.units import DoseInputError

    active = active_or_exit()
    library = active.library
    protocol = library.protocols.get(args.protocol)
    if protocol is None:
        with_calculator = [p.id for p in library.protocols.values() if p.dosing is not None]
        raise CliError(
            f"no protocol “{args.protocol}”; protocols with a dose calculator: "
            + ", ".join(with_calculator)
        )
    try:
        result = calculate(
            protocol,
            weight=args.weight,
            dose=args.dose,
            duration=args.duration,
            concentration=args.concentration,
            sources=library.sources,
            local_rules=active.local_rules,
        )
    except DoseInputError as exc:
        option = _OPTION_FOR_FIELD.get(exc.field or "")
        prefix = f"{option}: " if option else f"{protocol.id}: "
        raise CliError(prefix + exc.message) from None
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    review = "clinically reviewed" if library.reviewed else "not yet clinically reviewed"
    lines = [
        f"{protocol.title} ({protocol.id}) · {protocol.regulatory_status.label}",
        *result.summary_lines(acknowledged=False),
        f"Content {library.version} ({library.pack_hash}), {review}.",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def register(subparsers: SubParsers, _groups: dict[str, SubParsers]) -> None:
    """Add ``ketaref dose``."""
    dose = subparsers.add_parser(
        "dose",
        help="calculate a dose, volume and pump rate, or a number of nasal spray devices",
        description=(
            "Calculate a dose from a protocol's published parameters and show the formula and "
            "the source of every number. Values are typed with their units."
        ),
    )
    dose.add_argument("--protocol", required=True, metavar="ID", help="protocol id")
    dose.add_argument("--weight", metavar="W", help="body weight: “70 kg” or “154 lb”")
    dose.add_argument(
        "--dose",
        metavar="D",
        help="the dose in the protocol's terms: “84 mg”, “0.5 mg/kg” or “1 mg/kg/h”"
        " (default: the protocol's standard dose, if it has one; the output says so, with its"
        " source)",
    )
    dose.add_argument(
        "--duration",
        metavar="T",
        help="infusion duration: “40 min” or “4 h” (default: the protocol's standard duration)",
    )
    dose.add_argument(
        "--concentration", metavar="C", help="drug concentration, “10 mg/mL”, for volumes"
    )
    dose.add_argument("--json", action="store_true", help="print one JSON document")
    dose.set_defaults(handler=_dose)
