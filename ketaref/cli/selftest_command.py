"""``ketaref self-test``: checks an installation step by step, for IT after an install or upgrade.

The steps: the machine policy (any problem fails), the content in use (a refused site pack fails,
whatever is used instead), a checklist PDF built in memory, the bundled fonts, and Qt.

Each step prints ``ok  <step>: <detail>`` or ``FAIL <step>: <reason>``; the exit code is 0 when no
step failed and 1 otherwise. The Qt step runs in a child process (``self-test --qt-probe``) because
Qt aborts the whole process when a platform plugin cannot load; the parent then reports what
the child said instead of dying with it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketaref import __version__
from ketaref.cli.common import EXIT_CHECK_FAILED, EXIT_OK
from ketaref.text import escape_controls, plural

if TYPE_CHECKING:
    from ketaref.cli.common import SubParsers


#: The Qt modules the desktop app uses; build.spec bundles exactly these, the probe imports them.
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport")
#: Font files the self-test loads from the bundled fonts folder.
FONT_SUFFIXES = (".ttf", ".otf")
QT_PROBE_TIMEOUT_S = 60


class StepFailed(Exception):
    """A self-test step failed; the message says why, for an IT admin."""


@dataclass
class SelfTest:
    """The steps run so far and what later steps need from earlier ones."""

    failures: int = 0
    found: dict[str, Any] = field(default_factory=dict)

    def step(self, name: str, check: Callable[[SelfTest], str]) -> None:
        """Run one step and print its outcome; a step never stops the ones after it."""
        try:
            detail = check(self)
        except StepFailed as failed:
            self.failures += 1
            print(f"FAIL {name}: {failed}")
        except Exception as exc:  # noqa: BLE001  a self-test reports every failure, never a traceback
            self.failures += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}")
        else:
            print(f"ok  {name}: {detail}")
        sys.stdout.flush()


def _check_content(test: SelfTest) -> str:
    from ketaref.content.format.problems import ContentError
    from ketaref.content.in_use.active import load_active_content

    try:
        active = load_active_content()
    except ContentError as exc:
        first = f"; first: {exc.problems[0]}" if exc.problems else ""
        raise StepFailed(f"{exc.summary}{first}; reinstall ketaref") from None
    library = active.library
    test.found["library"] = library
    test.found["active"] = active
    for message in active.notices:
        if message != active.refusal:
            print(f"     note: {message}")
    if active.refused:
        # deployment.md: a refused site pack is a failure, whatever the pack in use instead.
        raise StepFailed(active.refusal)
    return (
        f"{library.version} ({library.pack_hash}) from the {active.origin} pack, every file "
        f"matches its manifest hash; {plural(len(library.protocols), 'protocol')}, "
        f"{plural(len(library.checklists), 'checklist')}"
    )


def _check_local_rules(test: SelfTest) -> str:
    active = test.found.get("active")
    if active is None:
        raise StepFailed("the content could not be loaded, so no local rules can be checked")
    in_force = active.local_rules
    if in_force.refusal:
        # Like a refused site pack: the clinic's values are not what IT deployed.
        raise StepFailed(in_force.refusal)
    if in_force.rules is None:
        return "none in force (no local-rules.yaml in the policy's content_dir)"
    for slot_id in in_force.rules.reconfirm:
        print(f"     note: the local rule for {slot_id} is not used until it is re-confirmed")
    review = " (past review date)" if in_force.past_review else ""
    count = plural(len(in_force.rules.rules), "value")
    return f"{in_force.describe()}{review}, {count} in force, from {in_force.origin}"


def _check_policy(_test: SelfTest) -> str:
    from ketaref.policy import load_policy

    policy = load_policy()
    for problem in policy.user_problems:
        print(f"     note: {escape_controls(problem)}")
    if policy.machine_problems:
        first = escape_controls(policy.machine_problems[0])
        more = len(policy.machine_problems) - 1
        raise StepFailed(f"{first}{f' (and {more} more)' if more else ''}")
    if not policy.policy_file_found:
        return f"no machine policy at {policy.policy_path}: built-in defaults apply"
    return f"the machine policy {escape_controls(str(policy.policy_path))} is in use"


def _sample_checklist(
    active: Any, *, clinic_name: str = "", paper: str = "a4"
) -> tuple[str, bytes]:
    """A session checklist PDF for the first protocol that has one, built in memory, printed
    with this machine's ``clinic_name`` and ``paper``."""
    from ketaref.printing.checklist_pdf import build_checklist_pdf, printable_protocols

    printable = printable_protocols(active.library)
    if not printable:
        raise StepFailed("no protocol in the content has a session checklist to print")
    pdf = build_checklist_pdf(
        active.library,
        printable[0].id,
        local_rules=active.local_rules,
        clinic_name=clinic_name,
        paper=paper,
    )
    return printable[0].id, pdf


def _check_pdf(test: SelfTest) -> str:
    from ketaref.policy import load_policy
    from ketaref.printing.checklist_pdf import check_pdf
    from ketaref.printing.errors import PrintError
    from ketaref.printing.paper import print_defaults

    active = test.found.get("active")
    if active is None:
        raise StepFailed("no content loaded, so there is nothing to print")
    # With this machine's clinic name and paper: a setting that every printout would refuse
    # (a character the printout cannot show) fails here, not at the first session.
    defaults = print_defaults(load_policy())
    if defaults.problems:  # every sheet would print without it: IT's to correct
        raise StepFailed("; ".join(defaults.problems))
    try:
        protocol_id, pdf = _sample_checklist(
            active, clinic_name=defaults.clinic_name, paper=defaults.paper
        )
        pages = check_pdf(pdf)
    except PrintError as exc:
        raise StepFailed(f"a checklist cannot be printed on this machine: {exc}") from None
    from ketaref.printing import speedups_in_use

    speed = (
        "reportlab's C speed-ups in use"
        if speedups_in_use()
        else "without reportlab's C speed-ups (rl_accel is missing: printing is slower)"
    )
    size = f"{pages} pages, {len(pdf) // 1024} KiB"
    return f"checklist for {protocol_id} built in memory ({size}; {speed})"


def _check_fonts(_test: SelfTest) -> str:
    from ketaref import paths

    folder = paths.fonts_dir()
    fonts = sorted(p for p in folder.glob("*") if p.suffix.lower() in FONT_SUFFIXES)
    if not fonts:
        raise StepFailed(f"no font files in {folder}; reinstall ketaref")
    from ketaref.printing.errors import PrintError
    from ketaref.printing.fonts import load_font

    for font in fonts:
        try:
            load_font(font.stem, font)
        except PrintError as exc:
            raise StepFailed(str(exc)) from None
    return f"{len(fonts)} fonts load from {folder} ({', '.join(f.name for f in fonts)})"


def _qt_probe_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "self-test", "--qt-probe"]
    return [sys.executable, "-m", "ketaref", "self-test", "--qt-probe"]


def _qt_probe_environment() -> dict[str, str]:
    environment = dict(os.environ)
    if not (environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY")):
        environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The child must import this very ketaref, wherever it was loaded from.
    package_parent = str(Path(__file__).resolve().parents[2])
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [package_parent, environment.get("PYTHONPATH")])
    )
    return environment


def _check_qt(_test: SelfTest) -> str:
    import subprocess  # only for this step: every other command starts without it

    try:
        child = subprocess.run(
            _qt_probe_command(),
            env=_qt_probe_environment(),
            capture_output=True,
            text=True,
            timeout=QT_PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise StepFailed(f"Qt did not start within {QT_PROBE_TIMEOUT_S} s") from None
    if child.returncode == 0 and child.stdout.strip():
        return child.stdout.strip().splitlines()[-1]
    said = [line.strip() for line in child.stderr.splitlines() if line.strip()]
    # Qt names the cause first (e.g. "could not connect to display :0"), generic advice after.
    reason = " / ".join(said[:3]) if said else f"the Qt check exited with {child.returncode}"
    raise StepFailed(reason)


def qt_probe() -> int:
    """Child side of the Qt step: import the Qt modules used, start Qt, print one line."""
    try:
        from ketaref.gui.qt_probe import QtProbeFailed, probe

        try:
            print(probe(QT_MODULES_USED, _active_sample_checklist))
        except QtProbeFailed as failed:
            raise StepFailed(str(failed)) from None
    except StepFailed as failed:
        print(failed, file=sys.stderr)
    except Exception as exc:  # noqa: BLE001  one line for the parent, never a traceback
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    else:
        return EXIT_OK
    return EXIT_CHECK_FAILED


def _active_sample_checklist() -> tuple[str, bytes]:
    from ketaref.content.in_use.active import load_active_content

    return _sample_checklist(load_active_content())


def run_self_test(args: argparse.Namespace) -> int:
    """Check the install step by step; exit 0 when every step passed."""
    if args.qt_probe:
        return qt_probe()
    where = "frozen app" if getattr(sys, "frozen", False) else f"Python {sys.version.split()[0]}"
    print(f"ketaref {__version__} self-test ({where}, {Path(sys.executable).parent})")
    test = SelfTest()
    test.step("policy", _check_policy)
    test.step("content", _check_content)
    test.step("local rules", _check_local_rules)
    test.step("checklist PDF", _check_pdf)
    test.step("fonts", _check_fonts)
    test.step("Qt", _check_qt)
    if test.failures:
        print(f"self-test FAILED: {plural(test.failures, 'step')} failed")
        return EXIT_CHECK_FAILED
    print("self-test passed")
    return EXIT_OK


def register(subparsers: SubParsers, _groups: dict[str, SubParsers]) -> None:
    """Add ``ketaref self-test``."""
    command = subparsers.add_parser(
        "self-test",
        help="check this installation: policy, content, checklist PDF, fonts, Qt plugins",
        description="Check this installation step by step; exit 0 when every step passed.",
    )
    command.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)
    command.set_defaults(handler=run_self_test)
