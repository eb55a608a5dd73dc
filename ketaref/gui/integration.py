"""Where the main window meets parts built beside it: dose panel, print dialog, machine policy.

LEAD, when merging: point ``make_dose_panel`` at ``ketaref.gui.dose_panel.DosePanel``. Nothing
else in the GUI needs to change: the window calls only these three functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ketaref.content.model import Protocol
from ketaref.content.pack import Library


@dataclass(frozen=True)
class MachineSettings:
    """What the window needs from the machine policy."""

    clinic_name: str = ""
    #: "a4" or "letter"; None: the policy names none, the print dialog follows the locale.
    default_paper: str | None = None
    problems: tuple[str, ...] = ()


def load_machine_settings() -> MachineSettings:
    """The clinic name, paper size and any policy problems (file:line: message)."""
    from ketaref.policy import load_policy

    policy = load_policy()
    paper = policy.get("default_paper")
    return MachineSettings(
        clinic_name=str(policy.get("clinic_name") or ""),
        default_paper=str(paper) if paper else None,
        problems=tuple(str(problem) for problem in policy.problems),
    )


def make_dose_panel(library: Library, protocol: Protocol, parent: QWidget) -> QWidget | None:
    """The dose calculator for a protocol with ``dosing``; None shows a placeholder."""
    return None


def open_print_dialog(
    library: Library,
    protocol: Protocol,
    *,
    machine: MachineSettings,
    dose_lines: Sequence[str],
    parent: QWidget,
) -> None:
    """Open the print dialog for the session checklist of ``protocol`` (window-modal)."""
    from ketaref.gui.print_dialog import PrintDialog  # pypdfium2 loads with it, not at start-up
    from ketaref.printing.paper import locale_default_paper

    dialog = PrintDialog(
        library,
        protocol,
        clinic_name=machine.clinic_name,
        # No paper size in the policy: the locale's (Letter in the US, CA, MX, PH; else A4).
        default_paper=machine.default_paper or locale_default_paper(),
        dose_lines=dose_lines,
        parent=parent,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
