"""The ``ketaref`` command line (see docs/cli.md; names and exit codes are an interface).

Thin by design: parse the arguments, call the Qt-free core, print, return an exit code. Each
command group lives in its own module and registers its sub-commands here. Neither PySide6 nor
reportlab is imported at module level, so every command but the GUI starts quickly. Starting the
desktop app (no arguments, or just ``--exit-after-startup``) skips the parser and the command
modules altogether: the app's start-up is measured against a bare Qt window.
"""

from __future__ import annotations

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

#: Argument lists that start the desktop app without parsing (see the module's docstring).
GUI_ARGUMENTS = {(): False, ("--exit-after-startup",): True}


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
    parser.add_argument(
        "--exit-after-startup",
        action="store_true",
        help="build the main window with the content loaded, then exit (smoke tests, benchmarks)",
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


def _start_gui(exit_after_startup: bool) -> int:
    try:
        from ketaref.gui.app import run_app
    except ImportError as exc:
        raise CliError(
            f"the desktop app cannot start: {exc}. Run `ketaref self-test` for details."
        ) from None
    return run_app(exit_after_startup=exit_after_startup)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    arguments = tuple(sys.argv[1:] if argv is None else argv)
    try:
        with guarded_output():
            if arguments in GUI_ARGUMENTS:
                return _start_gui(GUI_ARGUMENTS[arguments])
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
        return _start_gui(args.exit_after_startup)
    return int(args.handler(args))
