"""``ketaref content keygen / sign / verify`` as IT and content leads run them."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from ketaref.content.lifecycle.signing import SignatureRefused, parse_signature
from tests.conftest import Cli


@pytest.fixture
def key_dir(tmp_path: Path, cli: Cli) -> Path:
    result = cli("content", "keygen", "--out", tmp_path / "keys", "--name", "clinic")
    assert result.returncode == 0, result.stderr
    return tmp_path / "keys"


def test_keygen_writes_a_private_key_only_its_owner_can_read(key_dir: Path) -> None:
    private, public = key_dir / "clinic.key", key_dir / "clinic.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert sorted(p.name for p in key_dir.iterdir()) == ["clinic.key", "clinic.pub"]


def test_keygen_never_overwrites_a_key(key_dir: Path, cli: Cli) -> None:
    before = (key_dir / "clinic.key").read_bytes()
    result = cli("content", "keygen", "--out", key_dir, "--name", "clinic")
    assert result.returncode == 2
    assert (
        result.stderr
        == f"ketaref: {key_dir / 'clinic.key'} already exists; a key is never overwritten\n"
    )
    assert (key_dir / "clinic.key").read_bytes() == before


def test_keygen_default_name(tmp_path: Path, cli: Cli) -> None:
    assert cli("content", "keygen", "--out", tmp_path).returncode == 0
    assert (tmp_path / "ketaref-content.pub").is_file()


def test_sign_then_verify(key_dir: Path, pack_copy: Path, cli: Cli) -> None:
    signed = cli("content", "sign", pack_copy, "--key", key_dir / "clinic.key")
    assert signed.returncode == 0, signed.stderr
    assert "sealed and signed" in signed.stderr
    assert "no review sign-off" in signed.stderr  # the bundled pack is not yet reviewed
    verified = cli("content", "verify", pack_copy, "--key", key_dir / "clinic.pub")
    assert verified.returncode == 0, verified.stderr
    assert "signature by key" in verified.stderr
    assert "holds" in verified.stderr


def raise_version(pack: Path) -> None:
    """Give the pack a new content_version, as an author does after editing."""
    manifest = pack / "manifest.yaml"
    text = re.sub(r'content_version: "[^"]+"', 'content_version: "2099.1.0"', manifest.read_text())
    manifest.write_text(text)


def test_sign_seals_an_edited_pack_first(key_dir: Path, pack_copy: Path, cli: Cli) -> None:
    with (pack_copy / "sources.yaml").open("a") as stream:
        stream.write("# local edit\n")
    raise_version(pack_copy)
    assert cli("content", "sign", pack_copy, "--key", key_dir / "clinic.key").returncode == 0
    assert cli("content", "verify", pack_copy, "--key", key_dir / "clinic.pub").returncode == 0


def test_sign_refuses_an_edited_pack_under_the_version_it_was_sealed_under(
    key_dir: Path, pack_copy: Path, cli: Cli
) -> None:
    manifest = (pack_copy / "manifest.yaml").read_bytes()
    with (pack_copy / "sources.yaml").open("a") as stream:
        stream.write("# local edit\n")
    result = cli("content", "sign", pack_copy, "--key", key_dir / "clinic.key")
    assert result.returncode == 1
    assert "raise content_version" in result.stdout
    assert "Traceback" not in result.stderr
    assert (pack_copy / "manifest.yaml").read_bytes() == manifest
    assert not (pack_copy / "manifest.sig").exists()


def test_verify_refuses_a_pack_changed_after_signing(
    key_dir: Path, pack_copy: Path, cli: Cli
) -> None:
    cli("content", "sign", pack_copy, "--key", key_dir / "clinic.key")
    manifest = pack_copy / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("2026", "2027", 1))
    result = cli("content", "verify", pack_copy, "--key", key_dir / "clinic.pub")
    assert result.returncode == 1
    assert "the pack was changed after signing" in result.stderr
    assert "Traceback" not in result.stderr


def test_verify_refuses_a_content_file_changed_after_signing(
    key_dir: Path, pack_copy: Path, cli: Cli
) -> None:
    cli("content", "sign", pack_copy, "--key", key_dir / "clinic.key")
    with (pack_copy / "protocols" / "spravato-trd.yaml").open("a") as stream:
        stream.write("# changed\n")
    result = cli("content", "verify", pack_copy, "--key", key_dir / "clinic.pub")
    assert result.returncode == 1
    assert "protocols/spravato-trd.yaml:1:1: has" in result.stdout
    assert "changed after sealing" in result.stdout


def test_verify_with_another_key_fails(
    key_dir: Path, pack_copy: Path, tmp_path: Path, cli: Cli
) -> None:
    cli("content", "sign", pack_copy, "--key", key_dir / "clinic.key")
    cli("content", "keygen", "--out", tmp_path / "other")
    result = cli(
        "content", "verify", pack_copy, "--key", tmp_path / "other" / "ketaref-content.pub"
    )
    assert result.returncode == 1
    assert "signature not from a trusted key" in result.stderr


def test_verify_an_unsigned_pack_fails(key_dir: Path, pack_copy: Path, cli: Cli) -> None:
    result = cli("content", "verify", pack_copy, "--key", key_dir / "clinic.pub")
    assert result.returncode == 1
    assert "the pack is not signed (no manifest.sig)" in result.stderr


@pytest.mark.parametrize(
    ("command", "key_name"), [("sign", "clinic.pub"), ("verify", "clinic.key"), ("verify", "none")]
)
def test_wrong_or_missing_key_file_is_a_usage_error(
    key_dir: Path, pack_copy: Path, command: str, key_name: str, cli: Cli
) -> None:
    result = cli("content", command, pack_copy, "--key", key_dir / key_name)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_sign_refuses_a_pack_that_does_not_parse(key_dir: Path, pack_copy: Path, cli: Cli) -> None:
    (pack_copy / "sources.yaml").write_text("sources: [unclosed\n")
    result = cli("content", "sign", pack_copy, "--key", key_dir / "clinic.key")
    assert result.returncode == 1
    assert result.stdout.startswith("sources.yaml:")
    assert not (pack_copy / "manifest.sig").exists()


def test_sign_refuses_a_pack_that_workstations_would_refuse(
    key_dir: Path, pack_copy: Path, cli: Cli
) -> None:
    protocol = pack_copy / "protocols" / "spravato-trd.yaml"
    protocol.write_text(protocol.read_text().replace("source: rems-fda", "source: no-such-source"))
    raise_version(pack_copy)
    result = cli("content", "sign", pack_copy, "--key", key_dir / "clinic.key")
    assert result.returncode == 1
    assert "no-such-source" in result.stdout
    assert not (pack_copy / "manifest.sig").exists()


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"\xff\xfe",
        b"ketaref-signature: 2\nalgorithm: ed25519\nkey-id: 00\nsignature: AAAA\n",
        b"ketaref-signature: 1\nalgorithm: ed25519\nkey-id: 00\nsignature: not base64!\n",
        b"ketaref-signature: 1\nalgorithm: ed25519\nkey-id: 00\nsignature: AAAA\n",
        b"ketaref-signature: 1\nalgorithm: rsa\nkey-id: 00\nsignature: AAAA\n",
        b"x" * 5000,
    ],
)
def test_malformed_signature_files_are_refused(text: bytes) -> None:
    with pytest.raises(SignatureRefused):
        parse_signature(text)
