"""Every command survives the console it writes to: any encoding, a full disk, a closed pipe."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.cli import build_parser

BUNDLED = str(paths.bundled_content_dir())

#: One run of every command, with placeholders for the files it needs (see ``workspace``).
COMMANDS: list[tuple[str, ...]] = [
    ("--version",),
    ("--help",),
    ("content", "validate"),
    ("content", "validate", "{pack}"),
    ("content", "seal", "{pack}"),
    ("content", "list"),
    ("content", "list", "--json"),
    ("content", "show", "spravato-trd"),
    ("content", "show", "spravato-trd", "--json"),
    ("content", "schema"),
    ("content", "review-sheet"),
    ("content", "keygen", "--out", "{new_folder}"),
    ("content", "sign", "{pack}", "--key", "{key}"),
    ("content", "verify", "{signed}", "--key", "{pub}"),
    ("content", "diff", BUNDLED, "{changed}"),
    ("content", "diff", BUNDLED, "{changed}", "--json"),
    ("policy", "show"),
    ("policy", "show", "--json"),
    ("dose", "--protocol", "iv-ketamine-trd", "--weight", "70 kg", "--concentration", "10 mg/mL"),
    ("dose", "--protocol", "iv-ketamine-trd", "--weight", "70 kg", "--json"),
    ("dose", "--protocol", "spravato-trd", "--dose", "56 mg"),
    ("dose", "--protocol", "no-such-protocol"),
    ("print", "--protocol", "spravato-trd", "--out", "{new_folder}.pdf"),
    ("self-test",),
    ("local-rules", "template"),
    ("local-rules", "template", "--json"),
    ("local-rules", "show"),
    ("local-rules", "show", "--json"),
    ("local-rules", "validate", "{rules}"),
    ("local-rules", "sign", "{rules}", "--key", "{key}"),
]


def expected_exit(command: tuple[str, ...]) -> int:
    """2 for the unknown protocol; 1 where the unfilled local-rules template is checked."""
    if "no-such-protocol" in command:
        return 2
    return 1 if command[:2] in {("local-rules", "validate"), ("local-rules", "sign")} else 0


def command_id(command: tuple[str, ...]) -> str:
    return " ".join(command).replace(BUNDLED, "BUNDLED")


def run(
    args: tuple[str, ...], stdout: object = subprocess.PIPE, **env: str
) -> tuple[int, str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "ketaref", *args],
        stdout=stdout, stderr=subprocess.PIPE, timeout=120,
        env=os.environ | {"QT_QPA_PLATFORM": "offscreen"} | env,
    )  # fmt: skip
    out = result.stdout or b""
    return result.returncode, out.decode("latin-1"), result.stderr.decode("latin-1")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A pack copy to seal and sign, a key pair, a signed pack and one that differs in words."""
    root = tmp_path_factory.mktemp("workspace")
    shutil.copytree(BUNDLED, root / "pack")
    shutil.copytree(BUNDLED, root / "signed")
    shutil.copytree(BUNDLED, root / "changed")
    protocol = root / "changed" / "protocols" / "spravato-trd.yaml"
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(text.replace("nasal spray: treatment", "nasal spray — treatment", 1))
    for args in (
        ("content", "keygen", "--out", str(root / "keys")),
        ("content", "seal", "--same-version", str(root / "changed")),
        ("content", "sign", str(root / "signed"), "--key", str(root / "keys/ketaref-content.key")),
    ):
        code, _, err = run(args)
        assert code == 0, err
    # The unfilled template: a file every local-rules check refuses (exit 1) with its problems.
    rules = root / "local-rules.yaml"
    rules.write_text(run(("local-rules", "template"))[1], encoding="utf-8")
    return {
        "pack": str(root / "pack"),
        "signed": str(root / "signed"),
        "changed": str(root / "changed"),
        "key": str(root / "keys/ketaref-content.key"),
        "pub": str(root / "keys/ketaref-content.pub"),
        "rules": str(rules),
    }


def filled(command: tuple[str, ...], files: dict[str, str], tmp_path: Path) -> tuple[str, ...]:
    return tuple(a.format(**files, new_folder=tmp_path / "new") for a in command)


def test_the_list_names_every_command() -> None:
    parser = build_parser()
    groups = {"content", "policy", "local-rules"}
    listed = {" ".join(c[: 2 if c[0] in groups else 1]) for c in COMMANDS}
    actions = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, sub in actions.items():
        if name in groups:
            children = sub._subparsers._group_actions[0].choices
            assert {f"{name} {child}" for child in children} <= listed
        else:
            assert name in listed


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
@pytest.mark.parametrize("command", COMMANDS, ids=command_id)
def test_every_command_writes_to_a_console_that_is_not_utf8(
    command: tuple[str, ...], encoding: str, files: dict[str, str], tmp_path: Path
) -> None:
    code, out, err = run(filled(command, files, tmp_path), PYTHONIOENCODING=encoding)
    assert "Traceback" not in err, err
    assert "UnicodeEncodeError" not in err, err
    assert code == expected_exit(command), err
    if "--json" in command:
        json.loads(out)
    if encoding == "ascii":
        # The review sheet's CSV is UTF-8 by contract: data to redirect, not console text.
        assert out.isascii() or "review-sheet" in command
        assert err.isascii()


def test_text_uses_plain_stand_ins_where_the_console_lacks_a_character() -> None:
    code, out, _ = run(("--version",), PYTHONIOENCODING="ascii")
    assert code == 0
    assert " - content " in out
    code, out, _ = run(("dose", "--protocol", "iv-ketamine-trd", "--weight", "70 kg"),
                       PYTHONIOENCODING="ascii")  # fmt: skip
    assert "0.5 mg/kg -> 35 mg" in out


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", COMMANDS, ids=command_id)
def test_every_command_on_a_full_disk_says_so_in_one_line(
    command: tuple[str, ...], files: dict[str, str], tmp_path: Path
) -> None:
    args = filled(command, files, tmp_path)
    expected_code, printed, _ = run(args)
    shutil.rmtree(tmp_path / "new", ignore_errors=True)
    (tmp_path / "new.pdf").unlink(missing_ok=True)
    with open("/dev/full", "w") as full:
        code, _, err = run(args, stdout=full)
    assert "Traceback" not in err, err
    assert "Exception ignored" not in err, err
    if printed:
        assert code == 2
        assert err.splitlines()[-1] == "ketaref: cannot write the output: the disk is full"
    else:
        assert code == expected_code, err


def test_a_closed_pipe_ends_quietly() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "ketaref", "content", "schema"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as process:  # fmt: skip
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.read(10)
        process.stdout.close()
        err = process.stderr.read().decode()
        assert process.wait(timeout=60) == 0
    assert err == ""


@pytest.mark.parametrize("command", ["dose", "print"])
def test_a_message_quoting_typed_control_characters_shows_them_escaped(
    command: str, tmp_path: Path
) -> None:
    args = ("--protocol", "iv-ketamine-trd", "--weight", "70\x1b[2J kg\u202e")
    if command == "print":
        args += ("--out", str(tmp_path / "x.pdf"))
    code, _, err = run((command, *args))
    assert code == 2
    assert "\x1b" not in err
    assert "\u202e" not in err.encode("latin-1").decode()
    assert "\\x1b[2J" in err
    assert "\\u202e" in err
