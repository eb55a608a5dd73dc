"""Every action of the main window, declared once: menus and the shortcuts list both read it.

Shortcuts are Qt key sequence strings in portable form ("Ctrl" is Cmd on a Mac); the first one is
the one menus show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class ActionSpec:
    """One user action: where it lives, what it is called, its keys and what it does."""

    id: str
    menu: str
    text: str
    shortcuts: tuple[str, ...]
    description: str


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "print",
        "&File",
        "&Print session checklist…",
        ("Ctrl+P",),
        "Print the session checklist of the protocol on screen",
    ),
    ActionSpec(
        "preferences",
        "&File",
        "P&references…",
        ("Ctrl+,",),
        "Clinic name and default paper size for printed checklists",
    ),
    ActionSpec("quit", "&File", "&Quit", ("Ctrl+Q",), "Close ketaref"),
    ActionSpec(
        "find",
        "&Edit",
        "&Find…",
        ("Ctrl+K", "Ctrl+F"),
        "Search titles, indications, statements, checklist items and synonyms",
    ),
    ActionSpec(
        "copy_url",
        "&Edit",
        "Copy source &URL",
        ("Ctrl+Shift+C",),
        "Copy the web address of the source selected in the sources panel",
    ),
    ActionSpec(
        "focus_navigation", "&View", "Go to &navigation", ("Ctrl+1",), "Move to the list of items"
    ),
    ActionSpec(
        "focus_content", "&View", "Go to &content", ("Ctrl+2",), "Move to the text of the item"
    ),
    ActionSpec(
        "focus_sources", "&View", "Go to &sources", ("Ctrl+3",), "Move to the sources panel"
    ),
    ActionSpec(
        "focus_calculator",
        "&View",
        "Go to dose c&alculator",
        ("Ctrl+4",),
        "Move to the dose calculator of the protocol on screen",
    ),
    ActionSpec("zoom_in", "&View", "&Larger text", ("Ctrl++", "Ctrl+="), "Make the text larger"),
    ActionSpec("zoom_out", "&View", "&Smaller text", ("Ctrl+-",), "Make the text smaller"),
    ActionSpec("zoom_reset", "&View", "&Normal text size", ("Ctrl+0",), "Reset the text size"),
    ActionSpec("back", "&Go", "&Back", ("Alt+Left",), "Go back to the item shown before"),
    ActionSpec("forward", "&Go", "&Forward", ("Alt+Right",), "Go forward again"),
    ActionSpec(
        "open_contraindications",
        "&Go",
        "&Contraindications of this protocol",
        ("Ctrl+Shift+K",),
        "Open the contraindication list linked from the protocol on screen",
    ),
    ActionSpec(
        "open_checklist",
        "&Go",
        "Session c&hecklist of this protocol",
        ("Ctrl+Shift+L",),
        "Open the session checklist linked from the protocol on screen",
    ),
    ActionSpec(
        "content_problems",
        "&Help",
        "Content &problems…",
        (),
        "List every problem found in a refused site pack or in the machine policy",
    ),
    ActionSpec(
        "shortcuts", "&Help", "&Keyboard shortcuts", ("F1",), "List every keyboard shortcut"
    ),
    ActionSpec(
        "glossary",
        "&Help",
        "&Glossary of abbreviations",
        (),
        "What each abbreviation in the content stands for",
    ),
    ActionSpec(
        "local_rules",
        "&Help",
        "&Local rules",
        (),
        "The clinic's local rules in force, with their approval and review date",
    ),
    ActionSpec(
        "content_history",
        "&Help",
        "Content &version and reviews",
        (),
        "Who reviewed this content version, when, and what changed in it",
    ),
    ActionSpec(
        "about",
        "&Help",
        "&About ketaref",
        (),
        "Versions, intended use, licences and where the log is",
    ),
)


def shortcut_text(spec: ActionSpec) -> str:
    """The shortcuts of an action as users read them, e.g. "Ctrl+K, Ctrl+F"."""
    return ", ".join(
        QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts
    )


def create_actions(
    parent: QWidget, handlers: Mapping[str, Callable[[], object]]
) -> dict[str, QAction]:
    """A QAction per spec, with text, shortcuts, tooltip and status tip, wired to its handler."""
    actions = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.id}")
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        action.setStatusTip(spec.description)
        action.setToolTip(spec.description)
        action.triggered.connect(handlers[spec.id])
        actions[spec.id] = action
    return actions
