"""Local-rules files for tests. Every value here is test data, not clinical content."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ketaref import paths
from ketaref.content.format.local_rules import LocalRulesInForce
from ketaref.content.format.pack import Library, load_pack
from ketaref.content.lifecycle.local_rules_gate import check_rules_file, signature_path, slots_of
from ketaref.content.lifecycle.signing import load_private_key, signature_text
from tests.conftest import Cli

#: Values chosen to be recognisable in output, not advice (TEST DATA, not from any source).
TEST_VALUES = {
    "iv-bp-threshold": "171/93 mmHg",
    "iv-weight-basis": "ideal",
    "iv-vital-signs-interval": "17 min",
    "spravato-observation-time": "150 min",
    "iv-staffing": "Test nurse and test physician (test data)",
}


def rules_text(
    values: dict[str, str] | None = None,
    *,
    library: Library | None = None,
    version: str = "1",
    approved_on: str = "2026-11-01",
    review_due: str = "2099-11-01",
    approved_against: str | None = None,
    extra: str = "",
) -> str:
    """A local-rules file for ``values`` whose rule entries match the slots of ``library``."""
    library = library or load_pack(paths.bundled_content_dir())
    values = TEST_VALUES if values is None else values
    slots = slots_of(library)
    lines = [
        'clinic: "Test Clinic"',
        'document: "Test policy TP-1 rev 1"',
        f'version: "{version}"',
        'clinical_owner: {name: "Test Owner", role: "Clinical lead"}',
        'approved_by: {name: "Test Approver", role: "Medical director"}',
        'approving_body: "Test committee"',
        f"approved_on: {approved_on}",
        f"review_due: {review_due}",
        "values:",
        *(f"  {slot}: {json.dumps(value)}" for slot, value in values.items()),
        "rules:",
    ]
    for slot_id in values:
        declared = slots.get(slot_id)
        slot = declared.slot if declared else None
        lines += [
            f"  {slot_id}:",
            '    change: "first local rule (test data)"',
            f'    approved_against: "{approved_against or library.version}"',
            f"    meaning: {json.dumps(slot.meaning if slot else 'a slot of another version')}",
            f"    type: {slot.type if slot else 'text'}",
            f"    unit: {(slot.unit or 'null') if slot else 'null'}",
        ]
    return "\n".join(lines) + "\n" + extra


def rules_in_force(
    library: Library, values: dict[str, str] | None = None, *, approved_against: str | None = None
) -> LocalRulesInForce:
    """The test rules for ``values`` (default: ``TEST_VALUES``), checked against ``library``
    and put in force as a workstation would."""
    text = rules_text(values, library=library, approved_against=approved_against)
    check = check_rules_file(text.encode(), "t.yaml", library)
    assert check.rules is not None, check.problems
    return LocalRulesInForce(check.rules, "test folder")


def interval_held_back(library: Library) -> LocalRulesInForce:
    """The test rules approved against an older content version, with an interval this version's
    input check no longer takes: that rule is held back for re-confirmation, the rest in force."""
    values = {**TEST_VALUES, "iv-vital-signs-interval": "121 min"}
    in_force = rules_in_force(library, values, approved_against="2000.1.1")
    assert in_force.held_back("iv-vital-signs-interval")
    return in_force


def write_rules(path: Path, text: str) -> Path:
    """Write a local-rules file (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def publish_rules(folder: Path, text: str, key: Path | None, cli: Cli) -> Path:
    """Write ``local-rules.yaml`` into ``folder`` (a content_dir) and, with ``key``, sign it
    with ``ketaref local-rules sign`` (which checks the file first)."""
    path = write_rules(folder / "local-rules.yaml", text)
    signature_path(path).unlink(missing_ok=True)
    if key is not None:
        assert cli("local-rules", "sign", path, "--key", key).returncode == 0
    return path


def sign_unchecked(path: Path, key: Path) -> None:
    """Sign ``path`` without checking it, as a key holder could: a bad file with a good
    signature, which the workstation must still refuse."""
    raw = path.read_bytes()
    signature_path(path).write_bytes(signature_text(load_private_key(key), raw))


#: One problem line of `ketaref local-rules validate`: FILE:LINE:COL: message.
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")


@dataclass(frozen=True)
class OneProblem:
    """The single problem `local-rules validate` reported, and the line of the file it names."""

    column: int
    message: str
    #: The file's line the problem names, as written.
    written: str
    #: What validate said on stderr.
    summary: str


def one_problem(cli: Cli, path: Path) -> OneProblem:
    """Validate ``path`` (exit 1 expected) and read its one problem line."""
    result = cli("local-rules", "validate", path)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    problem = PROBLEM.match(line)
    assert problem, line
    assert problem["file"] == str(path)
    written = path.read_text(encoding="utf-8").splitlines()[int(problem["line"]) - 1]
    return OneProblem(int(problem["column"]), problem["message"], written, result.stderr)
