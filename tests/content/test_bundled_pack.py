"""The bundled pack validates, and the CLI reports it as the contract says."""

from __future__ import annotations

import json
import subprocess
import sys

from ketaref.content.format.pack import Library


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ketaref", *args], capture_output=True, text=True, timeout=60
    )


def test_bundled_pack_validates_clean() -> None:
    result = run_cli("content", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "valid" in result.stderr


def test_version_shows_content_version_and_pack_hash(bundled_library: Library) -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    line = result.stdout.strip()
    assert line.startswith("ketaref ")
    assert f"content {bundled_library.version} ({bundled_library.pack_hash})" in line
    assert len(bundled_library.pack_hash) == 12


def test_list_json_has_contract_keys() -> None:
    result = run_cli("content", "list", "--json")
    entries = json.loads(result.stdout)
    protocols = [e for e in entries if e["kind"] == "protocol"]
    assert {"spravato-trd"} <= {p["id"] for p in protocols}
    for entry in entries:
        assert {"id", "kind", "title", "status", "indication"} <= entry.keys()
    for protocol in protocols:
        assert "checklist" in protocol


def test_unreviewed_pack_says_so(bundled_library: Library) -> None:
    assert not bundled_library.reviewed
    result = run_cli("content", "show", "spravato-trd")
    assert "NOT YET CLINICALLY REVIEWED" in result.stdout


def test_show_json_statements_carry_source_and_locator() -> None:
    document = json.loads(run_cli("content", "show", "spravato-trd", "--json").stdout)
    for statement in document["warnings"] + document["administration"]:
        assert statement["source"]
        assert statement["locator"]


def test_unknown_item_is_usage_error() -> None:
    result = run_cli("content", "show", "no-such-protocol")
    assert result.returncode == 2
    assert "no-such-protocol" in result.stderr
    assert "Traceback" not in result.stderr
