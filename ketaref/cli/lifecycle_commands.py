"""``ketaref content keygen / sign / verify / diff``: signing site packs and seeing what changed."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ketaref.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    CliError,
    existing_folder,
    notice,
    print_json,
    report_invalid,
)
from ketaref.content.format.problems import ContentError

if TYPE_CHECKING:
    from ketaref.cli.common import SubParsers


def _keygen(args: argparse.Namespace) -> int:
    from ketaref.content.lifecycle.signing import SigningError, generate_keypair
    from ketaref.safe_read import path_trouble

    out = Path(args.out)
    try:
        os.stat(out)
    except FileNotFoundError:
        pass  # keygen makes it
    except OSError as exc:
        raise CliError(f"cannot write the keys into {out}: {path_trouble(exc, out)}") from None
    try:
        private_path, public_path = generate_keypair(out, args.name)
    except SigningError as exc:
        raise CliError(str(exc)) from None
    notice(
        f"wrote {private_path} (private: keep it off the workstations) and "
        f"{public_path} (list it in trusted_keys)"
    )
    return EXIT_OK


def _sign(args: argparse.Namespace) -> int:
    from ketaref.content.format.pack import read_manifest
    from ketaref.content.lifecycle.signing import SigningError, sign_pack

    try:
        signer = sign_pack(Path(args.directory), Path(args.key))
    except SigningError as exc:
        raise CliError(str(exc)) from None
    except ContentError as exc:
        return report_invalid(args.directory, exc)
    except OSError as exc:
        raise CliError(
            f"cannot write the signature into {args.directory}: {exc.strerror}"
        ) from None
    notice(f"sealed and signed {args.directory} with key {signer}")
    if not read_manifest(Path(args.directory))[0].reviews:
        notice(
            "note: this version has no review sign-off; the app will show it as"
            " “not yet clinically reviewed”"
        )
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from ketaref.content.lifecycle.signing import (
        SignatureRefused,
        SigningError,
        load_public_key,
        verify_signed_pack,
    )

    directory = existing_folder(args.directory)
    try:
        public_key = load_public_key(Path(args.key))
    except SigningError as exc:
        raise CliError(str(exc)) from None
    try:
        library = verify_signed_pack(directory, [public_key])
    except SignatureRefused as exc:
        notice(f"{args.directory}: {exc}")
        return EXIT_CHECK_FAILED
    except ContentError as exc:
        return report_invalid(args.directory, exc)
    notice(
        f"{args.directory}: signature by key {public_key.key_id} holds and every file "
        f"matches — content {library.version} ({library.pack_hash})"
    )
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from ketaref.content.format.pack import load_pack
    from ketaref.content.lifecycle.diff import as_json, diff_packs, render_text

    libraries = []
    for directory in (args.old, args.new):
        try:
            libraries.append(load_pack(existing_folder(directory, "cannot compare")))
        except ContentError as exc:  # invalid content: exit 1, as for every other command
            for problem in exc.problems:
                print(f"{directory}: {problem}", file=sys.stderr)
            raise CliError(
                f"{directory}: cannot compare: {exc.summary}", EXIT_CHECK_FAILED
            ) from None
    result = diff_packs(*libraries)
    if args.json:
        print_json(as_json(result))
    else:
        sys.stdout.write(render_text(result))
    return EXIT_CHECK_FAILED if result.flagged else EXIT_OK


def register(_subparsers: SubParsers, groups: dict[str, SubParsers]) -> None:
    """Add keygen, sign, verify and diff to the ``content`` group."""
    commands = groups["content"]

    keygen = commands.add_parser("keygen", help="create a key pair for signing site packs")
    keygen.add_argument("--out", required=True, help="folder for the keys (created if needed)")
    keygen.add_argument(
        "--name", default="ketaref-content", help="file name of the keys (default ketaref-content)"
    )
    keygen.set_defaults(handler=_keygen)

    sign = commands.add_parser("sign", help="seal a pack, then sign its manifest")
    sign.add_argument("directory", help="pack folder")
    sign.add_argument("--key", required=True, help="the private key file (NAME.key)")
    sign.set_defaults(handler=_sign)

    verify = commands.add_parser(
        "verify",
        help="check a pack's signature and every file hash",
        description="Exit 0 if the signature and every file hash hold, else 1 with the reason.",
    )
    verify.add_argument("directory", help="pack folder")
    verify.add_argument("--key", required=True, help="the public key file (NAME.pub)")
    verify.set_defaults(handler=_verify)

    diff = commands.add_parser(
        "diff",
        help="what changed between two packs in clinical terms",
        description=(
            "Per protocol, checklist and contraindication list: doses, times and thresholds"
            " changed (with the factor), statements added, removed or reworded, citations and"
            " sources changed. A number that changed tenfold or more, changed unit, or went to or"
            " from zero is flagged unless the statement carries a change_reason new in this"
            " version. Exit 0: no flagged change; 1: at least one flagged change, or a pack is"
            " invalid (its problems go to stderr); 2: a folder does not exist."
        ),
    )
    diff.add_argument("old", help="the pack as it was (folder)")
    diff.add_argument("new", help="the pack as it is now (folder)")
    diff.add_argument("--json", action="store_true", help="print one JSON document")
    diff.set_defaults(handler=_diff)
