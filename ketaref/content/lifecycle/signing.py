"""Ed25519 signatures over a pack's ``manifest.yaml`` (via ``cryptography``; no home-made crypto).

The signature covers the exact bytes of ``manifest.yaml``, which list the sha256 and length of
every other file, so one signature vouches for the whole pack. It is checked before any YAML of the
pack is parsed: an attacker's bytes never reach the YAML reader unless a trusted key signed them.

File formats (plain text, documented in docs/content-lifecycle.md):

* ``NAME.key``: the private key, PEM "PRIVATE KEY" (PKCS #8, unencrypted), mode 0600;
* ``NAME.pub``: the public key, PEM "PUBLIC KEY" (SubjectPublicKeyInfo); both readable by
  ``openssl pkey``;
* ``manifest.sig``: four ``name: value`` lines — ``ketaref-signature: 1``, ``algorithm: ed25519``,
  ``key-id:`` (16 hex digits of sha256 of the raw public key, to name the signer in messages) and
  ``signature:`` (the 64-byte signature in base64).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ketaref.atomic import write_atomically
from ketaref.content.format.pack import MANIFEST, SIGNATURE, Library, load_pack, read_limited
from ketaref.safe_read import FileRefused, read_file

DEFAULT_KEY_NAME = "ketaref-content"
_MAX_KEY_BYTES = 16 * 1024
_MAX_SIGNATURE_BYTES = 4 * 1024
_SIGNATURE_FORMAT = "1"


class SigningError(Exception):
    """A key or signature problem, with a message for the person running the command."""


class SignatureRefused(SigningError):
    """A pack whose signature does not hold (unsigned, untrusted key, changed after signing)."""


@dataclass(frozen=True)
class PublicKey:
    """A public key trusted to sign packs, with its short id and the file it came from."""

    key: Ed25519PublicKey
    key_id: str
    path: Path


def key_id(public_key: Ed25519PublicKey) -> str:
    """16 hex digits naming a key: sha256 of its 32 raw bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _read_key_file(path: Path, kind: str) -> bytes:
    try:
        return read_file(path, _MAX_KEY_BYTES, what="a key file")
    except FileRefused as refused:
        raise SigningError(f"{kind} {refused}") from None


def generate_keypair(out_dir: Path, name: str = DEFAULT_KEY_NAME) -> tuple[Path, Path]:
    """Write ``NAME.key`` (mode 0600) and ``NAME.pub`` into ``out_dir``; never overwrite a key."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise SigningError(f"the key name “{name}” must be a plain file name, e.g. clinic-2026")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise SigningError(
            f"{out_dir} is a file, not a folder; --out names the folder the keys are written into"
        )
    private_path, public_path = out_dir / f"{name}.key", out_dir / f"{name}.pub"
    for existing in (private_path, public_path):
        if existing.exists():
            raise SigningError(f"{existing} already exists; a key is never overwritten")
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        # A new folder is the owner's alone; an existing one keeps the modes IT gave it.
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomically(private_path, private_pem, mode=0o600, overwrite=False)
        write_atomically(public_path, public_pem, mode=0o644, overwrite=False)
    except FileExistsError as exc:
        raise SigningError(f"{exc.filename} already exists; a key is never overwritten") from None
    except OSError as exc:
        raise SigningError(f"cannot write the key into {out_dir}: {exc.strerror}") from None
    return private_path, public_path


def _load_pem(path: Path, kind: str, load: Any, expected: type, what: str, suffix: str) -> Any:
    """Read a PEM key file with ``load``; raise SigningError unless it holds an ``expected``."""
    data = _read_key_file(path, f"the {kind}")
    try:
        key = load(data)
    except (ValueError, TypeError):
        raise SigningError(
            f"{path} is not {what} (a {suffix} file made by `ketaref content keygen`)"
        ) from None
    if not isinstance(key, expected):
        raise SigningError(f"{path} is not an Ed25519 {kind}")
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read a ``.key`` file written by :func:`generate_keypair`."""
    key: Ed25519PrivateKey = _load_pem(
        path,
        "private key",
        lambda data: serialization.load_pem_private_key(data, password=None),
        Ed25519PrivateKey,
        "an unencrypted PEM private key",
        ".key",
    )
    return key


def load_public_key(path: Path) -> PublicKey:
    """Read a ``.pub`` file written by :func:`generate_keypair`."""
    key: Ed25519PublicKey = _load_pem(
        path,
        "public key",
        serialization.load_pem_public_key,
        Ed25519PublicKey,
        "a PEM public key",
        ".pub",
    )
    return PublicKey(key, key_id(key), Path(path))


def signature_text(private_key: Ed25519PrivateKey, manifest_bytes: bytes) -> bytes:
    """The contents of ``manifest.sig`` for these exact manifest bytes."""
    signature = base64.b64encode(private_key.sign(manifest_bytes)).decode("ascii")
    lines = [
        f"ketaref-signature: {_SIGNATURE_FORMAT}",
        "algorithm: ed25519",
        f"key-id: {key_id(private_key.public_key())}",
        f"signature: {signature}",
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


def sign_pack(directory: Path, key_path: Path) -> str:
    """Seal the pack in ``directory``, then write ``manifest.sig``; return the signer's key id.

    Raises SigningError for an unusable key, ContentError if the pack cannot be sealed, OSError
    if the signature cannot be written.
    """
    from ketaref.content.lifecycle.seal import seal

    private_key = load_private_key(key_path)
    directory = Path(directory)
    seal(directory)
    # Sign only a pack every workstation will accept: cross-references are checked here too.
    library = load_pack(directory)
    write_atomically(directory / SIGNATURE, signature_text(private_key, library.manifest_bytes))
    return key_id(private_key.public_key())


@dataclass(frozen=True)
class Signature:
    """A parsed ``manifest.sig``."""

    key_id: str
    signature: bytes


def parse_signature(raw: bytes, name: str = SIGNATURE) -> Signature:
    """Read a signature file (``name``: how messages call it); raise SignatureRefused if not ours."""
    if len(raw) > _MAX_SIGNATURE_BYTES:
        raise SignatureRefused(f"{name} is too large to be a signature")
    try:
        fields = dict(
            line.split(": ", 1) for line in raw.decode("ascii").splitlines() if line.strip()
        )
    except (UnicodeDecodeError, ValueError):
        raise SignatureRefused(f"{name} is not a ketaref signature file") from None
    if (
        fields.keys() != {"ketaref-signature", "algorithm", "key-id", "signature"}
        or fields["ketaref-signature"] != _SIGNATURE_FORMAT
        or fields["algorithm"] != "ed25519"
    ):
        raise SignatureRefused(f"{name} is not a ketaref Ed25519 signature file")
    try:
        signature = base64.b64decode(fields["signature"], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRefused(f"{name}: the signature is not valid base64") from None
    if len(signature) != 64:
        raise SignatureRefused(f"{name}: the signature has the wrong length")
    return Signature(fields["key-id"], signature)


def read_signature(directory: Path) -> Signature:
    """Read and parse ``DIR/manifest.sig``; raise SignatureRefused if absent or unreadable."""
    path = Path(directory) / SIGNATURE
    try:
        raw = read_file(path, _MAX_SIGNATURE_BYTES, follow_links=False, what="a signature")
    except FileRefused as refused:
        if refused.missing:
            raise SignatureRefused(f"the pack is not signed (no {SIGNATURE})") from None
        raise SignatureRefused(f"{SIGNATURE} {refused.reason}") from None
    return parse_signature(raw)


def check_signature(
    manifest_bytes: bytes,
    signature: Signature,
    trusted: Sequence[PublicKey],
    signed: str = f"{MANIFEST}: the pack",
) -> PublicKey:
    """The trusted key that signed ``manifest_bytes``; raise SignatureRefused naming why not.

    ``signed`` names the signed file and what it stands for in messages.
    """
    for candidate in trusted:
        try:
            candidate.key.verify(signature.signature, manifest_bytes)
        except InvalidSignature:
            continue
        return candidate
    if not trusted:
        raise SignatureRefused("no trusted key is available to check the signature with")
    if any(candidate.key_id == signature.key_id for candidate in trusted):
        raise SignatureRefused(f"the signature does not match {signed} was changed after signing")
    raise SignatureRefused(
        f"signature not from a trusted key (signed with key {signature.key_id[:16]})"
    )


def verify_signed_pack(directory: Path, trusted: Sequence[PublicKey]) -> Library:
    """Check the signature first, then every file hash and the content; return the Library.

    Raises SignatureRefused (signature) or ContentError (files, content). The manifest bytes the
    signature covers must be the very bytes the loaded pack was built from.
    """
    directory = Path(directory)
    signature = read_signature(directory)
    manifest_bytes = read_limited(directory / MANIFEST, MANIFEST)
    check_signature(manifest_bytes, signature, trusted)
    library = load_pack(directory)
    if library.manifest_bytes != manifest_bytes:
        raise SignatureRefused(f"{MANIFEST} changed while the pack was being checked")
    return library
