"""Where the main window meets the machine policy, the dose calculator and the print dialog.

The policy is read once at start-up, with the user's own settings file as its top layer (the
same file the command line reads, so a printout from either carries the same clinic name). The calculator and the print dialog (with reportlab and the PDF renderer behind it) are
imported only when first used, so start-up stays close to a bare Qt window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ketaref.policy import USER_KEYS, Policy
from ketaref.printing.paper import PrintDefaults, print_defaults

if TYPE_CHECKING:
    from ketaref.content.format.local_rules import LocalRulesInForce
    from ketaref.content.format.model import Protocol
    from ketaref.content.format.pack import Library
    from ketaref.dosing.result import DoseResult


@dataclass(frozen=True)
class MachineSettings:
    """What the window needs from the policy: print defaults, locks and problems."""

    #: Clinic name and paper for printouts, as the core works them out for ``ketaref print`` too.
    printing: PrintDefaults = field(default_factory=PrintDefaults)
    problems: tuple[str, ...] = ()
    #: One sentence naming what is wrong (e.g. the key with a bad value), for Details….
    problem_summary: str = ""
    #: Whether a problem is IT's (the machine policy), not only the user's own settings file.
    machine_problem: bool = False
    #: Keys users may not change, with where their value comes from.
    locked_by: Mapping[str, str] = field(default_factory=dict)


def machine_settings(policy: Policy) -> MachineSettings:
    """Print defaults, the keys IT locked, and the policy's problems (file:line: message)."""
    locked_by = {key: origin for key, _, origin, locked in policy.settings() if locked}
    return MachineSettings(
        printing=print_defaults(policy),
        problems=tuple(str(problem) for problem in policy.problems),
        problem_summary=policy.summary(),
        machine_problem=bool(policy.machine_problems or policy.not_applied) or not policy.applied,
        locked_by={key: origin for key, origin in locked_by.items() if key in USER_KEYS},
    )


def make_dose_panel(
    library: Library, protocol: Protocol, parent: QWidget, local_rules: LocalRulesInForce
) -> QWidget:
    """The dose calculator for a protocol that has ``dosing``, with the clinic's local rules."""
    from ketaref.gui.dose_panel import DosePanel

    return DosePanel(library, protocol, parent, local_rules=local_rules)


def open_print_dialog(
    library: Library,
    protocol: Protocol,
    *,
    machine: MachineSettings,
    dose: DoseResult | None,
    dose_acknowledged: bool,
    parent: QWidget,
    local_rules: LocalRulesInForce | None = None,
) -> QWidget:
    """Open the (window-modal) print dialog for the checklist of ``protocol``; return it."""
    from ketaref.gui.print_dialog import PrintDialog  # pypdfium2 loads with it, not at start-up

    dialog = PrintDialog(
        library,
        protocol,
        clinic_name=machine.printing.clinic_name,
        default_paper=machine.printing.paper,
        dose=dose,
        dose_acknowledged=dose_acknowledged,
        local_rules=local_rules,
        parent=parent,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
