"""Where the main window meets parts built beside it: dose panel, print dialog, machine policy.

LEAD, when merging: point ``make_dose_panel`` at ``ketaref.gui.dose_panel.DosePanel`` and
``open_print_dialog`` at ``ketaref.gui.print_dialog.PrintDialog``, and drop the import guard in
``load_machine_settings`` once ``ketaref.policy`` is on main. Nothing else in the GUI needs to
change: the window calls only these three functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ketaref.content.model import Protocol
from ketaref.content.pack import Library


@dataclass(frozen=True)
class MachineSettings:
    """What the window needs from the machine policy."""

    clinic_name: str = ""
    default_paper: str = "a4"
    problems: tuple[str, ...] = ()


def load_machine_settings() -> MachineSettings:
    """The clinic name, paper size and any policy problems (file:line: message)."""
    try:
        from ketaref.policy import load_policy  # type: ignore[import-not-found]
    except ImportError:  # the policy module is not merged yet
        return MachineSettings()
    policy = load_policy()
    return MachineSettings(
        clinic_name=policy.get("clinic_name") or "",
        default_paper=policy.get("default_paper") or "a4",
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
    """Open the print dialog for the session checklist of ``protocol``."""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "Print session checklist",
        "Printing is not part of this build. The command line can print the checklist: "
        f"ketaref print --protocol {protocol.id} --out checklist.pdf",
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
