"""docs/cli.md describes every command the parser has, and no document points outside the repo."""

from __future__ import annotations

import argparse
from pathlib import Path

from ketaref.cli import build_parser

REPO = Path(__file__).resolve().parents[2]


def commands(parser: argparse.ArgumentParser, prefix: str = "ketaref") -> list[str]:
    """Every leaf command, e.g. ``ketaref content seal``."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += commands(child, f"{prefix} {name}")
    return found or [prefix]


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    for command in commands(parser):
        assert f"`{command}" in reference, command
    for action in _all_options(parser):
        assert action in reference, action


def _all_options(parser: argparse.ArgumentParser) -> set[str]:
    options = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                options |= _all_options(child)
        elif action.help != argparse.SUPPRESS:
            options |= {o for o in action.option_strings if o.startswith("--") and o != "--help"}
    return options


#: Folders of the repository that hold what a clone has: docs, code, tests, scripts, packaging.
OWN_FOLDERS = ("docs", "ketaref", "tests", "scripts", "benchmarks", "packaging", "resources", ".ci")
#: Where the team's working notes live on its machines, which a user's clone does not have.
OUTSIDE = ("../" + "shared", "/work/" + "shared")


def test_no_file_sends_readers_outside_the_repository() -> None:
    files = [path for path in REPO.iterdir() if path.is_file()]
    for folder in OWN_FOLDERS:
        files += [path for path in (REPO / folder).rglob("*") if path.is_file()]
    assert len(files) > 100
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert not [place for place in OUTSIDE if place in text], path
