"""``ketaref policy show``: every setting, its effective value, where it came from, its lock."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ketaref.cli.common import EXIT_CHECK_FAILED, EXIT_OK, notice, print_json
from ketaref.text import escape_controls

if TYPE_CHECKING:
    from ketaref.cli.common import SubParsers
    from ketaref.policy import Policy


def _shown(value: object) -> str:
    """A value as ``policy show`` prints it; control characters appear escaped, never raw."""
    if value is None:
        return "(not set)"
    if isinstance(value, tuple):
        return "[" + ", ".join(escape_controls(str(v)) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{escape_controls(value)}"'
    return escape_controls(str(value))


def _file_state(policy: Policy) -> str:
    """How the machine policy file stands, for the heading line."""
    if not policy.applied:
        return "has problems: not applied, built-in defaults in use"
    if not policy.policy_file_found:
        return "not present: defaults apply"
    if policy.not_applied:
        values = "value" if len(policy.not_applied) == 1 else "values"
        return f"in use, except the bad {values} of {', '.join(policy.not_applied)}"
    return "in use, with problems" if policy.machine_problems else "in use"


def _json_value(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def _local_rules(policy: Policy) -> tuple[str, object]:
    """The local rules in force under ``policy``: one line of text, and the JSON object."""
    from ketaref.cli.local_rules_command import in_force_json
    from ketaref.content.format.problems import ContentError
    from ketaref.content.in_use.active import load_active_content

    try:
        active = load_active_content(policy)
    except ContentError as exc:
        return f"unknown: the content cannot be loaded ({exc.summary})", None
    in_force = active.local_rules
    if in_force.rules is None:
        return f"none{f' ({in_force.refusal})' if in_force.refusal else ''}", in_force_json(active)
    return f"{in_force.describe()} from {in_force.origin}", in_force_json(active)


def _show(args: argparse.Namespace) -> int:
    from ketaref.policy import load_policy
    from ketaref.printing.paper import print_defaults

    policy = load_policy()
    problems = [*policy.problems, *print_defaults(policy).problems]
    for problem in problems:
        notice(escape_controls(problem))
    rules_line, rules_json = _local_rules(policy)
    if args.json:
        print_json(
            {
                "policy_file": str(policy.policy_path),
                "policy_file_found": policy.policy_file_found,
                "problems": problems,
                "settings": [
                    {"key": key, "value": _json_value(value), "origin": origin, "locked": locked}
                    for key, value, origin, locked in policy.settings()
                ],
                "local_rules": rules_json,
            }
        )
    else:
        heading = f"{policy.policy_path} ({_file_state(policy)})"
        print(f"# machine policy file: {escape_controls(heading)}")
        for key, value, origin, locked in policy.settings():
            lock = "locked" if locked else "user may change"
            print(f"{key:<24} {_shown(value):<36} {escape_controls(origin)}  ({lock})")
        print(f"# local rules in force: {escape_controls(rules_line)}")
    # The user's own settings file is theirs to fix: its problems are told, not a failed check.
    return EXIT_CHECK_FAILED if policy.machine_problems else EXIT_OK


def register(subparsers: SubParsers, _groups: dict[str, SubParsers]) -> None:
    """Add ``ketaref policy show``."""
    policy = subparsers.add_parser("policy", help="the machine policy and effective settings")
    commands = policy.add_subparsers(dest="policy_command", metavar="COMMAND", required=True)
    show = commands.add_parser(
        "show",
        help="every setting, its value, its origin and whether it is locked",
        description=(
            "Print every setting with its effective value, where it came from (default, machine"
            " policy file, user) and whether users may change it. Problems go to stderr as"
            " FILE:LINE: message. The exit code is 1 when the machine policy has a problem (a bad"
            " value keeps its key's built-in default; a file that cannot be read is not applied at"
            " all, with signed content still required), else 0; a problem in the user's own"
            " settings file is reported but does not fail."
        ),
    )
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=_show)
