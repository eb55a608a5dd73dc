"""``ketaref policy show``: every setting, its effective value, where it came from, its lock."""

from __future__ import annotations

import argparse
from pathlib import Path

from ketaref.cli.common import EXIT_CHECK_FAILED, EXIT_OK, notice, print_json

SubParsers = argparse._SubParsersAction  # type: ignore[type-arg]


def _shown(value: object) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def _show(args: argparse.Namespace) -> int:
    from ketaref.policy import load_policy

    policy = load_policy()
    for problem in policy.problems:
        notice(problem)
    if args.json:
        print_json(
            {
                "policy_file": str(policy.policy_path),
                "policy_file_found": policy.policy_file_found,
                "problems": list(policy.problems),
                "settings": [
                    {"key": key, "value": _json_value(value), "origin": origin, "locked": locked}
                    for key, value, origin, locked in policy.settings()
                ],
            }
        )
    else:
        state = "in use" if policy.policy_file_found else "not present: defaults apply"
        if policy.problems:
            state = "has problems: not applied"
        print(f"# machine policy file: {policy.policy_path} ({state})")
        for key, value, origin, locked in policy.settings():
            lock = "locked" if locked else "user may change"
            print(f"{key:<24} {_shown(value):<36} {origin}  ({lock})")
    return EXIT_CHECK_FAILED if policy.problems else EXIT_OK


def register(subparsers: SubParsers, groups: dict[str, SubParsers]) -> None:
    """Add ``ketaref policy show``."""
    policy = subparsers.add_parser("policy", help="the machine policy and effective settings")
    commands = policy.add_subparsers(dest="policy_command", metavar="COMMAND", required=True)
    show = commands.add_parser(
        "show",
        help="every setting, its value, its origin and whether it is locked",
        description=(
            "Print every setting with its effective value, where it came from (default, machine"
            " policy file, user) and whether users may change it. Problems in the policy file go"
            " to stderr as FILE:LINE: message; the exit code is then 1 (the app runs on the"
            " built-in defaults, with signed content required), else 0."
        ),
    )
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=_show)
