"""Paths a user names that the system refuses: one line in plain words, exit 2, nothing left.

A file name longer than the file system takes, a loop of symbolic links, a file where a folder
should be, a folder this user may not enter: every command that writes (``print``,
``content review-sheet``, ``content keygen``, ``local-rules sign``) or reads a folder named on
its command line (``content verify``, ``content diff``) says so as one ``ketaref: …`` line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ketaref.content.lifecycle.signing import generate_keypair
from tests.lifecycle.conftest import write_policy
from tests.local_rule_files import rules_text, write_rules
from tests.processes import as_a_user

#: One path component longer than the 255 bytes a file name may have.
TOO_LONG = "n" * 300


def ketaref(*args: str | Path, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """``ketaref ARGS`` in a child process (``prefix``: run it as a user who meets file modes)."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ketaref", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )


def too_long(root: Path) -> tuple[Path, str]:
    return root / f"{TOO_LONG}.pdf", "is 304 bytes long, longer than the 255 a file or folder"


def link_loop(root: Path) -> tuple[Path, str]:
    (root / "loop-a").symlink_to(root / "loop-b")
    (root / "loop-b").symlink_to(root / "loop-a")
    return root / "loop-a" / "out.pdf", "the path goes round in a loop of symbolic links"


def file_as_folder(root: Path) -> tuple[Path, str]:
    (root / "notes.txt").write_text("a file, not a folder")
    return root / "notes.txt" / "out.pdf", f"{root / 'notes.txt'} is a file, not a folder"


def no_permission(root: Path) -> tuple[Path, str]:
    closed = root / "closed"
    closed.mkdir(mode=0o000)
    return closed / "out.pdf", "permission denied for this user account"


PATH_PROBLEMS: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "name too long": too_long,
    "loop of links": link_loop,
    "file as folder": file_as_folder,
    "no permission": no_permission,
}


def assert_one_line(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ketaref: "), result.stderr
    assert words in lines[0], result.stderr
    assert "Errno" not in lines[0]


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "work"
    folder.mkdir()
    yield folder
    for child in folder.iterdir():
        if not child.is_symlink() and child.is_dir():
            child.chmod(0o755)


def leftovers(root: Path) -> list[str]:
    """What the command left in ``root`` and its open folders, besides what the case made."""
    found = []
    for entry in root.rglob("*"):
        if entry.name.startswith(".") or entry.suffix in (".pdf", ".csv", ".key", ".pub", ".sig"):
            found.append(entry.name)
    return found


@pytest.mark.parametrize("problem", PATH_PROBLEMS)
@pytest.mark.parametrize(
    "command",
    [
        ("print", "--protocol", "spravato-trd", "--out"),
        ("content", "review-sheet", "--out"),
        ("content", "keygen", "--out"),
    ],
    ids=["print", "review-sheet", "keygen"],
)
def test_an_output_path_the_system_refuses_is_one_plain_line(
    root: Path, problem: str, command: tuple[str, ...]
) -> None:
    target, words = PATH_PROBLEMS[problem](root)
    prefix = as_a_user() if problem == "no permission" else ()

    result = ketaref(*command, target, prefix=prefix)

    assert_one_line(result, words)
    assert leftovers(root) == []


@pytest.mark.parametrize("problem", PATH_PROBLEMS)
@pytest.mark.parametrize(
    "command",
    [
        ("content", "verify", "FOLDER"),
        ("content", "diff", "FOLDER", "."),
        ("content", "validate", "FOLDER"),
    ],
    ids=["verify", "diff", "validate"],
)
def test_a_pack_folder_the_system_refuses_is_said_in_plain_words(
    root: Path, problem: str, command: tuple[str, ...], tmp_path: Path
) -> None:
    folder, words = PATH_PROBLEMS[problem](root)
    prefix = as_a_user() if problem == "no permission" else ()
    _, public = generate_keypair(tmp_path / "keys", "clinic")
    key = ("--key", public) if command[1] == "verify" else ()

    arguments = [folder if argument == "FOLDER" else argument for argument in command]

    result = ketaref(*arguments, *key, prefix=prefix)

    if command[1] == "validate":  # a pack that cannot be read is invalid content: exit 1
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "is not a folder holding a content pack" in result.stdout
        assert words in result.stdout
    else:
        assert_one_line(result, words)


def test_a_signature_name_longer_than_the_file_system_takes_is_said_plainly(
    tmp_path: Path,
) -> None:
    private, _ = generate_keypair(tmp_path / "keys", "clinic")
    # 252 bytes: the file itself fits, its signature beside it (NAME.sig) does not.
    rules = write_rules(tmp_path / f"{'r' * 247}.yaml", rules_text())

    result = ketaref("local-rules", "sign", rules, "--key", private)

    assert_one_line(result, "is 256 bytes long, longer than the 255 a file or folder name")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["keys", rules.name])


def test_a_policy_content_dir_with_a_name_too_long_is_refused_in_words(tmp_path: Path) -> None:
    write_policy({"content_dir": str(tmp_path / TOO_LONG)})

    version = ketaref("--version")
    app = ketaref("--exit-after-startup")

    assert version.returncode == 0, version.stderr
    assert "the folder cannot be used: the name" in version.stderr
    assert "Traceback" not in version.stderr
    assert app.returncode == 0, app.stderr
    assert "Traceback" not in app.stderr


@pytest.mark.parametrize("problem", PATH_PROBLEMS)
def test_a_local_rules_file_that_cannot_be_read_is_bad_input_for_sign_as_for_validate(
    root: Path, problem: str, tmp_path: Path
) -> None:
    private, _ = generate_keypair(tmp_path / "keys", "clinic")
    rules, words = PATH_PROBLEMS[problem](root)
    prefix = as_a_user() if problem == "no permission" else ()

    for command in (("validate", rules), ("sign", rules, "--key", private)):
        result = ketaref("local-rules", *command, prefix=prefix)
        assert_one_line(result, words)
    assert leftovers(root) == []


@pytest.mark.parametrize(
    "command",
    [("print", "--protocol", "spravato-trd"), ("content", "review-sheet", "--format", "csv")],
    ids=["print", "review-sheet"],
)
def test_an_empty_output_name_is_refused_not_taken_as_the_terminal(
    command: tuple[str, ...],
) -> None:
    result = ketaref(*command, "--out", "")
    assert_one_line(result, "--out needs a file name")
    assert result.stdout == ""


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_that_exists_but_takes_no_files_is_not_called_missing() -> None:
    result = ketaref("print", "--protocol", "spravato-trd", "--out", "/proc/checklist.pdf")
    assert_one_line(result, "a file cannot be created in that folder")
    assert "does not exist" not in result.stderr
