"""A named pipe (FIFO) in place of any file ketaref reads never makes a command or the app wait.

Each case runs the real command line, and the real app where the app reads that file, in a child
process with a timeout: a hang fails the test instead of blocking the run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ketaref import paths
from ketaref.content.format.pack import Library
from ketaref.printing.checklist_pdf import printable_protocols
from tests.lifecycle.conftest import Site
from tests.local_rule_files import rules_text, write_rules

#: Far longer than any of these starts takes; reached only by a child that waits on a pipe.
HANG_TIMEOUT_S = 60


def run_ketaref(*args: str, app: bool = False) -> subprocess.CompletedProcess[str]:
    """``ketaref ARGS`` in a child process (the environment carries the test's paths)."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "ketaref", *(["--exit-after-startup"] if app else args)]
    return subprocess.run(
        command,
        env=environment,
        capture_output=True,
        text=True,
        timeout=HANG_TIMEOUT_S,
        check=False,
    )


def make_fifo(path: Path) -> Path:
    """Replace whatever is at ``path`` with a named pipe nobody writes to."""
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def published(site: Site, small_packs: dict[str, Path]) -> Site:
    site.publish(small_packs["v1"])
    return site


def fifo_signature(site: Site) -> str:
    make_fifo(site.shared / "manifest.sig")
    return "manifest.sig is a special file (such as a named pipe or a device), not a plain file"


def fifo_trusted_key(site: Site) -> str:
    key = make_fifo(site.shared.parent / "keys" / "clinic.pub")
    site.configure(trusted_keys=[str(key)])
    return f"the public key {key} is a special file"


def fifo_policy(_site: Site) -> str:
    policy = make_fifo(Path(os.environ["KETAREF_POLICY"]))
    return f"{policy}: is a special file"


def fifo_trust_state(_site: Site) -> str:
    record = make_fifo(paths.state_dir() / "trust-state.json")
    return f"the record of trusted site packs {record} is a special file"


def fifo_user_settings(_site: Site) -> str:
    settings = make_fifo(paths.user_settings_path())
    return f"{settings}: is a special file"


def fifo_pack_file(site: Site) -> str:
    make_fifo(site.shared / "sources.yaml")
    return "sources.yaml:1:1: is a special file"


FIFO_CASES: dict[str, Callable[[Site], str]] = {
    "manifest.sig": fifo_signature,
    "trusted key": fifo_trusted_key,
    "policy file": fifo_policy,
    "trust-state.json": fifo_trust_state,
    "user settings": fifo_user_settings,
    "pack file": fifo_pack_file,
}


@pytest.mark.parametrize("case", FIFO_CASES)
def test_a_fifo_is_refused_by_name_and_never_waited_on(
    case: str, site: Site, small_packs: dict[str, Path]
) -> None:
    expected = FIFO_CASES[case](published(site, small_packs))

    version = run_ketaref("--version")
    assert version.returncode == 0, version.stderr
    assert expected in version.stderr
    assert "Traceback" not in version.stderr

    policy_show = run_ketaref("policy", "show")
    assert "Traceback" not in policy_show.stderr

    app = run_ketaref(app=True)
    assert app.returncode == 0, app.stderr
    assert "Traceback" not in app.stderr


def test_a_fifo_in_place_of_a_font_fails_the_printout_in_words(
    tmp_path: Path, bundled_library: Library
) -> None:
    fonts = tmp_path / "fonts"
    shutil.copytree(paths.fonts_dir(), fonts)
    make_fifo(fonts / "DejaVuSans.ttf")
    # The bundled fonts folder cannot be swapped for one child process: point paths at a copy.
    program = (
        "import sys; from pathlib import Path; from ketaref import paths;"
        f" paths.fonts_dir = lambda: Path({str(fonts)!r});"
        " from ketaref.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    out = tmp_path / "checklist.pdf"
    protocol = printable_protocols(bundled_library)[0].id
    printed = subprocess.run(
        [sys.executable, "-c", program, "print", "--protocol", protocol, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=HANG_TIMEOUT_S,
        check=False,
    )
    assert printed.returncode != 0
    assert "DejaVuSans.ttf is a special file" in printed.stderr
    assert "Traceback" not in printed.stderr
    assert not out.exists()


def test_a_huge_user_settings_file_is_refused_unread() -> None:
    settings = paths.user_settings_path()
    settings.parent.mkdir(parents=True, exist_ok=True)
    with settings.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)  # sparse: 50 MB that cost no disk

    shown = run_ketaref("policy", "show")

    assert shown.returncode == 0
    assert f"{settings}: is larger than the 64 KiB limit" in shown.stderr


#: What can stand in a trust record's place, and how ketaref's message says what it is.
NOT_A_FILE = {"fifo": "is a special file (such as a named pipe", "folder": "is a folder"}


def put_in_place_of(record: Path, kind: str) -> str:
    """Replace the file ``record`` with a named pipe or a folder; return how it is named."""
    if kind == "fifo":
        make_fifo(record)
    else:
        record.unlink()
        record.mkdir()
    return NOT_A_FILE[kind]


def take_away(record: Path) -> None:
    """Remove what stands in the record's place, as IT is asked to."""
    if record.is_dir():
        record.rmdir()
    else:
        record.unlink()


@pytest.mark.parametrize("kind", NOT_A_FILE)
def test_a_trust_record_that_is_not_a_file_keeps_the_verified_copy(
    kind: str, site: Site, small_packs: dict[str, Path]
) -> None:
    published(site, small_packs)
    assert "content 2026.12.0" in run_ketaref("--version").stdout  # trusted and kept
    kept = paths.state_dir() / "trusted-pack"
    copies = sorted(kept.iterdir())
    record = paths.state_dir() / "trust-state.json"
    what = put_in_place_of(record, kind)

    version = run_ketaref("--version")
    app = run_ketaref(app=True)

    assert version.returncode == 0, version.stderr
    assert "content 2026.12.0" not in version.stdout  # not used: which copy is trusted is unknown
    assert sorted(kept.iterdir()) == copies  # but kept, for when the record is put right
    assert f"the record of trusted site packs {record} {what}" in version.stderr
    assert "IT: remove it (ketaref then writes a new one)" in version.stderr
    assert "trusted-pack" not in version.stderr
    assert app.returncode == 0, app.stderr
    assert sorted(kept.iterdir()) == copies

    take_away(record)
    assert "content 2026.12.0" in run_ketaref("--version").stdout


def signed_local_rules(site: Site) -> Path:
    """Signed local rules alone in the policy's content_dir (the bundled pack beneath them)."""
    rules = write_rules(site.shared / "local-rules.yaml", rules_text())
    signed = run_ketaref("local-rules", "sign", str(rules), "--key", str(site.keys.private))
    assert signed.returncode == 0, signed.stderr
    return rules


def local_rules_shown() -> tuple[dict[str, object], str]:
    result = run_ketaref("local-rules", "show", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


@pytest.mark.parametrize("kind", NOT_A_FILE)
def test_a_local_rules_record_that_is_not_a_file_keeps_the_kept_copy(kind: str, site: Site) -> None:
    signed_local_rules(site)
    assert local_rules_shown()[0]["in_force"] is True  # trusted and kept
    kept = paths.state_dir() / "trusted-local-rules"
    copies = sorted(kept.iterdir())
    record = paths.state_dir() / "local-rules-trust.json"
    what = put_in_place_of(record, kind)

    document, stderr = local_rules_shown()
    app = run_ketaref(app=True)

    # As with the site pack's record: which version was trusted is unknown, so a rollback cannot
    # be ruled out; nothing is used and nothing removed.
    assert document["in_force"] is False
    refusal = str(document["refusal"])
    assert f"the record of trusted local rules {record} {what}" in refusal
    assert "so a rollback cannot be ruled out" in refusal
    assert "IT: remove it (ketaref then writes a new one)" in refusal
    assert refusal in stderr
    assert sorted(kept.iterdir()) == copies
    assert app.returncode == 0, app.stderr
    assert sorted(kept.iterdir()) == copies

    take_away(record)
    assert local_rules_shown()[0]["in_force"] is True


def test_a_damaged_local_rules_record_is_reported_and_recorded_afresh(site: Site) -> None:
    signed_local_rules(site)
    record = paths.state_dir() / "local-rules-trust.json"
    assert local_rules_shown()[0]["in_force"] is True
    record.write_bytes(b"{")

    document, stderr = local_rules_shown()

    # As with the site pack's record: readable but not a record means nothing trusted yet.
    assert document["in_force"] is True
    assert f"the record of trusted local rules is damaged: {record} is not a trust record" in stderr
    assert json.loads(record.read_bytes())["version"] == "1"
