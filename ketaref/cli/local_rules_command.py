"""``ketaref local-rules template / validate / sign / show``: a clinic's values for the slots."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketaref.cli.common import EXIT_CHECK_FAILED, EXIT_OK, CliError, notice, print_json

if TYPE_CHECKING:
    from ketaref.cli.common import SubParsers


def _library() -> Any:
    """The pack in use, whose slots a local-rules file is checked against."""
    from ketaref.cli.content_commands import active_or_exit

    return active_or_exit().library


def _template(args: argparse.Namespace) -> int:
    from ketaref.content.format.local_rules import template, template_json
    from ketaref.content.lifecycle.local_rules_gate import slots_of

    library = _library()
    slots = slots_of(library)
    if args.json:
        print_json(template_json(slots))
    else:
        sys.stdout.write(template(slots, library.version))
    return EXIT_OK


def _read(path: Path) -> bytes:
    from ketaref.content.lifecycle.local_rules_gate import read_rules_file
    from ketaref.safe_read import FileRefused

    try:
        return read_rules_file(path)
    except FileRefused as refused:
        raise CliError(str(refused)) from None


def _validate(args: argparse.Namespace) -> int:
    from ketaref.content.lifecycle.local_rules_gate import check_rules_file

    library = _library()
    check = check_rules_file(_read(Path(args.file)), args.file, library)
    for problem in check.problems + check.reconfirm:
        print(problem)
    if check.problems:
        notice(f"{args.file}: not usable with content {library.version}: nothing from it is used")
        return EXIT_CHECK_FAILED
    if check.reconfirm:
        # In force, a rule to re-confirm is held back and the others are used: say just that.
        held = len(check.reconfirm)
        notice(
            f"{args.file}: {held} rule{'s' if held > 1 else ''} to re-confirm for content"
            f" {library.version}: {'those are' if held > 1 else 'that one is'} not used until"
            " re-approved; the other rules can be used"
        )
        return EXIT_CHECK_FAILED
    assert check.rules is not None
    notice(
        f"{args.file}: valid — {check.rules.document}, version {check.rules.version},"
        f" {len(check.rules.rules)} of the slots of content {library.version} set"
    )
    return EXIT_OK


def _sign(args: argparse.Namespace) -> int:
    from ketaref.content.lifecycle.local_rules_gate import (
        RulesRefused,
        sign_local_rules,
        signature_path,
    )
    from ketaref.content.lifecycle.signing import SigningError
    from ketaref.safe_read import FileRefused

    library = _library()
    try:
        signer = sign_local_rules(Path(args.file), Path(args.key), library)
    except (SigningError, FileRefused) as exc:  # a bad key, or a file that cannot be read
        raise CliError(str(exc)) from None
    except RulesRefused as exc:
        for problem in exc.problems:
            print(problem)
        notice(f"{args.file}: {exc.reason}")
        return EXIT_CHECK_FAILED
    except OSError as exc:
        raise CliError(f"cannot write {signature_path(Path(args.file))}: {exc.strerror}") from None
    notice(f"signed {args.file} with key {signer}: wrote {signature_path(Path(args.file))}")
    return EXIT_OK


def in_force_json(active: Any) -> dict[str, Any]:
    """The local rules in force as ``local-rules show --json`` and ``policy show`` print them."""
    in_force = active.local_rules
    rules = in_force.rules
    document: dict[str, Any] = {
        "in_force": rules is not None,
        "origin": in_force.origin or None,
        "refusal": in_force.refusal or None,
        "content_version": active.library.version,
        "notices": list(in_force.notices),
    }
    if rules is None:
        return document
    owner = rules.clinical_owner
    document.update(
        {
            "clinic": rules.clinic,
            "document": rules.document,
            "version": rules.version,
            "approved_by": {"name": rules.approved_by.name, "role": rules.approved_by.role},
            "clinical_owner": {"name": owner.name, "role": owner.role} if owner else None,
            "approving_body": rules.approving_body,
            "approved_on": rules.approved_on.isoformat(),
            "effective_from": rules.effective_from.isoformat(),
            "review_due": rules.review_due.isoformat(),
            "past_review": in_force.past_review,
            "attribution": in_force.attribution(),
            "values": {
                slot_id: {
                    "value": rule.value,
                    "item": rule.item,
                    "change": rule.change,
                    "approved_against": rule.approved_against,
                }
                for slot_id, rule in rules.rules.items()
            },
            "reconfirm": dict(rules.reconfirm),
        }
    )
    return document


def _show(args: argparse.Namespace) -> int:
    from ketaref.cli.content_commands import active_or_exit

    active = active_or_exit()
    document = in_force_json(active)
    if args.json:
        print_json(document)
        return EXIT_OK
    in_force = active.local_rules
    rules = in_force.rules
    print(f"content in use: {active.library.version} ({active.library.pack_hash})")
    if rules is None:
        why = in_force.refusal or "no local-rules.yaml in the policy's content_dir"
        print(f"local rules: none in force ({why})")
        return EXIT_OK
    print(f"local rules: {in_force.describe()}")
    print(f"  from: {in_force.origin}")
    print(f"  {in_force.attribution()}")
    if rules.clinical_owner:
        print(f"  clinical owner: {rules.clinical_owner}")
    if rules.approving_body:
        print(f"  approving body: {rules.approving_body}")
    print(f"  effective from: {rules.effective_from.isoformat()}")
    for slot_id, rule in rules.rules.items():
        print(f"  {slot_id} = {rule.value}  ({rule.item}; {rule.change})")
    for slot_id, why in rules.reconfirm.items():
        print(f"  {slot_id}: NOT USED — {why}")
    return EXIT_OK


def register(subparsers: SubParsers, groups: dict[str, SubParsers]) -> None:
    """Add the ``local-rules`` command group."""
    group = subparsers.add_parser(
        "local-rules", help="a clinic's signed values for the content's site-defined slots"
    )
    commands = group.add_subparsers(dest="local_rules_command", metavar="COMMAND", required=True)
    groups["local-rules"] = commands

    template = commands.add_parser("template", help="the file to start from: every slot")
    template.add_argument("--json", action="store_true", help="the slots as one JSON document")
    template.set_defaults(handler=_template)

    validate = commands.add_parser(
        "validate",
        help="check a local-rules file against the content in use",
        description="Exit 0 when valid; 1 with every problem as FILE:LINE:COL on stdout.",
    )
    validate.add_argument("file", help="the local-rules file (YAML)")
    validate.set_defaults(handler=_validate)

    sign = commands.add_parser("sign", help="check a local-rules file, then sign it")
    sign.add_argument("file", help="the local-rules file (YAML)")
    sign.add_argument("--key", required=True, help="the private key file (NAME.key)")
    sign.set_defaults(handler=_sign)

    show = commands.add_parser("show", help="the local rules in force and where they came from")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    show.set_defaults(handler=_show)
