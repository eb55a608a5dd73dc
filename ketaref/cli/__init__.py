"""The ``ketaref`` command line (see docs/cli.md; names and exit codes are an interface).

Thin by design: parse the arguments, call the Qt-free core, print, return an exit code. Each
command group lives in its own module and registers its sub-commands here. Neither PySide6 nor
reportlab is imported at module level, so every command but the GUI starts quickly. Starting the
desktop app (no arguments, or just ``--exit-after-startup`` or ``--exit-after-first-paint``)
skips the parser and the command modules altogether: the app's start-up is measured against a
bare Qt window.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ketaref import __version__
from ketaref.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    OutputLost,
    fail,
    guarded_output,
    output_lost,
)

if TYPE_CHECKING:
    import argparse

    from ketaref.cli.common import SubParsers

#: Argument lists that start the desktop app without parsing (see the module's docstring), and
#: when it then exits by itself (smoke tests, benchmarks): never, once usable, or once painted.
GUI_ARGUMENTS: dict[tuple[str, ...], dict[str, bool]] = {
    (): {},
    ("--exit-after-startup",): {"exit_after_startup": True},
    ("--exit-after-first-paint",): {"exit_after_first_paint": True},
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every ketaref command."""
    import argparse

    from ketaref.cli import (
        content_commands,
        dose_command,
        lifecycle_commands,
        local_rules_command,
        policy_command,
        print_command,
        review_sheet_command,
        selftest_command,
    )

    # Each command module has ``register(subparsers, groups)``; ``groups`` holds the sub-parsers
    # of command groups (``content``) so later modules can add to a group.
    command_modules = (
        content_commands,
        review_sheet_command,
        lifecycle_commands,
        local_rules_command,
        policy_command,
        dose_command,
        print_command,
        selftest_command,
    )
    parser = argparse.ArgumentParser(
        prog="ketaref",
        description="ketaref: a reference for ketamine and esketamine treatment protocols.",
    )
    parser.add_argument(
        "--version", action="store_true", help="print app version, content version and pack hash"
    )
    exits = parser.add_mutually_exclusive_group()
    exits.add_argument(
        "--exit-after-startup",
        action="store_true",
        help="start the app; exit 0 once the content has loaded and is on screen (the app is"
        " usable), 1 if it cannot be loaded. For smoke tests and the 'time to usable' benchmark",
    )
    exits.add_argument(
        "--exit-after-first-paint",
        action="store_true",
        help="start the app; exit 0 once its window has been painted, loaded or not. For the"
        " 'first paint' benchmark",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups: dict[str, SubParsers] = {}
    for module in command_modules:
        module.register(subparsers, groups)
    return parser


def _version_line() -> str:
    from ketaref.cli.content_commands import active_or_exit

    library = active_or_exit().library
    return f"ketaref {__version__} · content {library.version} ({library.pack_hash})"


def _start_gui(**exit_after: bool) -> int:
    """Start the desktop app (``exit_after``: ``run_app``'s ``exit_after_…`` switches)."""
    # Before PySide6 is imported: see run_app (the collector waits until the app is usable).
    gc.disable()
    try:
        try:
            from ketaref.gui.app import run_app
        except ImportError as exc:
            raise CliError(
                f"the desktop app cannot start: {exc}. Run `ketaref self-test` for details."
            ) from None
        return run_app(**exit_after)
    finally:
        gc.enable()  # also when the app could not start


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    arguments = tuple(sys.argv[1:] if argv is None else argv)
    try:
        with guarded_output():
            if arguments in GUI_ARGUMENTS:
                return _start_gui(**GUI_ARGUMENTS[arguments])
            return _run_command(arguments)
    except CliError as exc:
        return fail(exc)
    except OutputLost as exc:
        return output_lost(exc)
    except KeyboardInterrupt:
        return 130


def _run_command(arguments: Sequence[str]) -> int:
    try:
        args = build_parser().parse_args(arguments)
    except SystemExit as exc:  # argparse already printed the usage error
        return EXIT_USAGE if exc.code else EXIT_OK
    if args.version:
        print(_version_line())
        return EXIT_OK
    if args.command is None:
        return _start_gui(
            exit_after_startup=args.exit_after_startup,
            exit_after_first_paint=args.exit_after_first_paint,
        )
    return int(args.handler(args))
