"""Build a small .deb that installs a signed site folder (run by scripts/package-site).

A site folder holds a signed site pack (``manifest.yaml`` + ``manifest.sig`` and the files the
manifest lists), a signed ``local-rules.yaml`` (+ ``local-rules.yaml.sig``), or both. The package
installs exactly those files, read-only, into the folder the machine policy names as
``content_dir``, so an apt repository or configuration management distributes a clinic's content
like any package. Nothing unsigned, nothing the signatures do not cover, is packaged: both
signatures are checked with the public key given before anything is built.

    scripts/package-site SITE_DIR --name north-clinic --version 3 --key site.pub \
        [--target /usr/share/ketaref-site/north-clinic] [--out dist]

Exit 0: the .deb was written (its path is printed); 1: the folder is not a signed site folder;
2: bad arguments.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ketaref.content.format.local_rules import LOCAL_RULES  # noqa: E402
from ketaref.content.format.pack import MANIFEST, SIGNATURE  # noqa: E402
from ketaref.content.format.problems import ContentError  # noqa: E402
from ketaref.content.lifecycle.local_rules_gate import read_rules_file, signature_path  # noqa: E402
from ketaref.content.lifecycle.signing import (  # noqa: E402
    SignatureRefused,
    SigningError,
    check_signature,
    load_public_key,
    parse_signature,
    verify_signed_pack,
)
from ketaref.safe_read import FileRefused  # noqa: E402

DEFAULT_TARGET = "/usr/share/ketaref-site/{name}"
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,40}")
_VERSION = re.compile(r"[0-9][A-Za-z0-9.+~-]{0,40}")


class NotASiteFolder(Exception):
    """The folder holds nothing signed to package, or a signature does not hold."""


def signed_files(folder: Path, key_path: Path) -> list[str]:
    """The files to package (relative paths), after checking every signature with ``key_path``."""
    try:
        key = load_public_key(key_path)
    except SigningError as exc:
        raise NotASiteFolder(str(exc)) from None
    files: list[str] = []
    if (folder / MANIFEST).exists():
        try:
            library = verify_signed_pack(folder, [key])
        except (SignatureRefused, ContentError) as exc:
            raise NotASiteFolder(f"the site pack in {folder} does not verify: {exc}") from None
        files += [MANIFEST, SIGNATURE, *library.manifest.files]
    rules = folder / LOCAL_RULES
    if rules.exists():
        try:
            raw = read_rules_file(rules)
            signature = read_rules_file(signature_path(rules))
            check_signature(raw, parse_signature(signature, f"{LOCAL_RULES}.sig"), [key])
        except (FileRefused, SignatureRefused) as exc:
            raise NotASiteFolder(f"{rules} is not signed with {key_path}: {exc}") from None
        files += [LOCAL_RULES, signature_path(rules).name]
    if not files:
        raise NotASiteFolder(f"{folder} holds neither a signed site pack nor {LOCAL_RULES}")
    return files


def build(folder: Path, name: str, version: str, key: Path, target: str, out: Path) -> Path:
    """Write ``ketaref-site-NAME_VERSION_all.deb`` into ``out``; return its path."""
    files = signed_files(folder, key)
    package = f"ketaref-site-{name}"
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / package
        destination = root / target.lstrip("/")
        for relative in files:
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / relative, destination / relative)
            (destination / relative).chmod(0o644)
        for directory in [root, *root.rglob("*")]:
            if directory.is_dir():
                directory.chmod(0o755)
        size_kib = sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) // 1024 + 1
        (root / "DEBIAN").mkdir()
        control = (
            f"Package: {package}\n"
            f"Version: {version}\n"
            "Architecture: all\n"
            "Section: misc\n"
            "Priority: optional\n"
            "Maintainer: Clinic IT <it@clinic.invalid>\n"
            "Enhances: ketaref\n"
            f"Installed-Size: {size_kib}\n"
            f"Description: ketaref site content for {name}\n"
            f" Signed site content for ketaref, installed in {target}: point the machine\n"
            f" policy's content_dir there and list the signing key in trusted_keys.\n"
        )
        (root / "DEBIAN" / "control").write_text(control, encoding="utf-8")
        out.mkdir(parents=True, exist_ok=True)
        deb = out / f"{package}_{version}_all.deb"
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
            check=True,
            capture_output=True,
        )
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build a .deb that installs a signed site folder.")
    parser.add_argument("folder", type=Path, help="the site folder (site pack and/or local rules)")
    parser.add_argument("--name", required=True, help="clinic name for the package: a-z, 0-9, -")
    parser.add_argument("--version", required=True, help="the package version, e.g. 3")
    parser.add_argument("--key", required=True, type=Path, help="the public key (NAME.pub)")
    parser.add_argument("--target", help=f"install folder (default {DEFAULT_TARGET})")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder")
    args = parser.parse_args(argv)
    if not _NAME.fullmatch(args.name) or not _VERSION.fullmatch(args.version):
        print(
            "package-site: --name takes a-z, 0-9 and -; --version starts with a digit",
            file=sys.stderr,
        )
        return 2
    target = args.target or DEFAULT_TARGET.format(name=args.name)
    if not target.startswith("/") or ".." in Path(target).parts:
        print(f"package-site: --target must be an absolute folder, not {target}", file=sys.stderr)
        return 2
    try:
        deb = build(args.folder, args.name, args.version, args.key, target, args.out)
    except NotASiteFolder as exc:
        print(f"package-site: {exc}", file=sys.stderr)
        return 1
    print(deb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
