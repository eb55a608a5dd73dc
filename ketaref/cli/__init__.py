"""The ``ketaref`` command line (see shared/cli-contract.md; names and exit codes are an interface).

Thin by design: parse the arguments, call the Qt-free core, print, return an exit code. Each
command group lives in its own module and registers its sub-commands here. Neither PySide6 nor
reportlab is imported at module level, so every command but the GUI starts quickly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ketaref import __version__
from ketaref.cli import (
    content_commands,
    dose_command,
    lifecycle_commands,
    policy_command,
    print_command,
    selftest_command,
)
from ketaref.cli.common import EXIT_OK, EXIT_USAGE, CliError, fail

#: Modules that add sub-commands: each has ``register(subparsers, groups)``; ``groups`` holds the
#: sub-parsers of command groups (``content``) so later modules can add to a group.
COMMAND_MODULES = (
    content_commands,
    lifecycle_commands,
    policy_command,
    dose_command,
    print_command,
    selftest_command,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every ketaref command."""
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
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    for module in COMMAND_MODULES:
        module.register(subparsers, groups)
    return parser


def _version_line() -> str:
    library = content_commands.active_or_exit().library
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
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        if args.version:
            print(_version_line())
            return EXIT_OK
        if args.command is None:
            return _start_gui(args.exit_after_startup)
        return int(args.handler(args))
    except CliError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
