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


def test_no_document_sends_readers_outside_the_repository() -> None:
    for document in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        assert "../shared" not in document.read_text(encoding="utf-8"), document
