"""atheris fuzz target for the content loader: YAML reader, manifest model, whole-pack loading.

Run through ``scripts/fuzz SECONDS`` (not part of scripts/test or CI). Each input picks a mode:

0. the bytes as a YAML document, then as ``manifest.yaml`` against the Manifest model;
1. the bytes as the ``manifest.yaml`` of a real pack (a copy of the bundled one), loaded whole;
2. the bytes as one content file of that pack, the manifest re-sealed to match, loaded whole;
3. the bytes as ``manifest.sig``.

The only exceptions the loader may raise are its own (ContentError, YamlProblem,
SignatureRefused); anything else is a bug and atheris reports it with the input that caused it.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

import atheris
import cryptography.hazmat.primitives.serialization  # noqa: F401  (libraries: not instrumented)
import pydantic  # noqa: F401
import yaml  # noqa: F401

with atheris.instrument_imports(include=["ketaref"]):
    from ketaref import paths
    from ketaref.content.format.model import Manifest
    from ketaref.content.format.pack import MANIFEST, load_pack, pack_files, parse_model
    from ketaref.content.format.problems import ContentError
    from ketaref.content.format.yaml_source import YamlProblem, parse
    from ketaref.content.lifecycle.seal import replace_files_block
    from ketaref.content.lifecycle.signing import SignatureRefused, parse_signature

WORK = Path(tempfile.mkdtemp(prefix="ketaref-fuzz-")) / "pack"
shutil.copytree(paths.bundled_content_dir(), WORK)
FILES = pack_files(WORK)
ORIGINAL = {name: (WORK / name).read_bytes() for name in [*FILES, MANIFEST]}


def _restore() -> None:
    for name, raw in ORIGINAL.items():
        (WORK / name).write_bytes(raw)


def _sealed_manifest(name: str, raw: bytes) -> bytes:
    contents = {**{n: ORIGINAL[n] for n in FILES}, name: raw}
    lines = ["files:"]
    for file in sorted(contents):
        lines += [
            f"  {file}:",
            f"    sha256: {hashlib.sha256(contents[file]).hexdigest()}",
            f"    bytes: {len(contents[file])}",
        ]
    manifest = ORIGINAL[MANIFEST].decode("utf-8")
    return replace_files_block(manifest, "\n".join(lines) + "\n").encode("utf-8")


def one_input(data: bytes) -> None:
    """Feed one input to the loader: byte 0 picks the mode, byte 1 the file, the rest is data."""
    if len(data) < 2:
        return
    mode, index, raw = data[0] % 4, data[1] % len(FILES), data[2:]
    if mode == 0:
        with contextlib.suppress(YamlProblem):
            parse(raw)
        parse_model(raw, Manifest, MANIFEST)  # reports problems, never raises
    elif mode in (1, 2):
        try:
            if mode == 1:
                (WORK / MANIFEST).write_bytes(raw)
            else:
                (WORK / FILES[index]).write_bytes(raw)
                (WORK / MANIFEST).write_bytes(_sealed_manifest(FILES[index], raw))
            load_pack(WORK)
        except ContentError:
            pass
        finally:
            _restore()
    else:
        with contextlib.suppress(SignatureRefused):
            parse_signature(raw)


def seed_corpus(corpus: Path) -> None:
    """Start an empty corpus from the bundled pack's own files, one seed per mode."""
    if any(corpus.iterdir()):
        return
    for number, name in enumerate(FILES):
        (corpus / f"seed-file-{number}").write_bytes(bytes([2, number]) + ORIGINAL[name])
    (corpus / "seed-manifest").write_bytes(bytes([1, 0]) + ORIGINAL[MANIFEST])
    (corpus / "seed-yaml").write_bytes(bytes([0, 0]) + ORIGINAL[MANIFEST])
    signature = b"ketaref-signature: 1\nalgorithm: ed25519\nkey-id: 0011223344556677\n"
    (corpus / "seed-signature").write_bytes(bytes([3, 0]) + signature + b"signature: " + b"A" * 88)


if __name__ == "__main__":
    corpora = [Path(arg) for arg in sys.argv[1:] if not arg.startswith("-")]
    for corpus in corpora:
        corpus.mkdir(parents=True, exist_ok=True)
        seed_corpus(corpus)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
