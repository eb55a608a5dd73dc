"""Dialogs: about, keyboard shortcuts, content problems, and the unexpected-error dialog.

Imported when first opened, not at start-up.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ketaref import __version__
from ketaref.gui.actions import ACTIONS, shortcut_text
from ketaref.gui.link_browser import LinkBrowser
from ketaref.gui.screen_fit import fit_to_screen

if TYPE_CHECKING:  # for annotations only: the Shortcuts dialog opens while the content loads
    from ketaref.content.format.model import GlossaryEntry
    from ketaref.content.in_use.active import ActiveContent

#: Third-party components shipped with ketaref and their licences.
LICENCES = (
    ("Qt 6 and Qt for Python (PySide6)", "GNU LGPL version 3", "https://www.qt.io/licensing/"),
    ("ReportLab", "BSD licence", "https://www.reportlab.com/"),
    ("pydantic", "MIT licence", "https://docs.pydantic.dev/"),
    ("PyYAML", "MIT licence", "https://pyyaml.org/"),
    ("cryptography", "Apache 2.0 or BSD licence", "https://cryptography.io/"),
    (
        "DejaVu fonts",
        "Bitstream Vera and Arev fonts licence (free)",
        "https://dejavu-fonts.github.io/",
    ),
)


def _button_box(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    buttons.accepted.connect(dialog.accept)
    return buttons


def _html_body(
    dialog: QDialog, accessible_name: str, html: str, size: tuple[int, int]
) -> LinkBrowser:
    """Fill ``dialog`` with a read-only rich-text view of ``html`` and a Close button."""
    text = LinkBrowser(dialog)
    text.setAccessibleName(accessible_name)
    text.setHtml(html)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(_button_box(dialog))
    fit_to_screen(dialog, QSize(*size))
    return text


class AboutDialog(QDialog):
    """Versions, intended use, licences, and where the log file is."""

    def __init__(self, active: ActiveContent, log_file: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About ketaref")
        library = active.library
        review = (
            "clinically reviewed by " + ", ".join(r.name for r in library.manifest.reviews)
            if library.reviewed
            else "<b>not yet clinically reviewed</b>"
        )
        licences = "".join(
            f"<tr><td>{escape(name)}</td><td>{escape(licence)}</td><td>{escape(url)}</td></tr>"
            for name, licence, url in LICENCES
        )
        self.text = _html_body(
            self,
            "About ketaref",
            f"<h2>ketaref {escape(__version__)}</h2>"
            f"<p>Content {escape(library.version)}, pack hash "
            f"<code>{escape(library.pack_hash)}</code> ({escape(active.origin)} pack), "
            f"released {library.manifest.released}; {review}.</p>"
            f"<p>Local rules: {escape(_local_rules_line(active))}.</p>"
            f"<h3>Intended use</h3><p>{escape(library.manifest.intended_use)}</p>"
            "<h3>Components and licences</h3>"
            f'<table cellpadding="3">{licences}</table>'
            f"<p>Qt {escape(qVersion())}, PySide6 {escape(PySide6.__version__)}, "
            f"Python {escape(platform.python_version())}.</p>"
            "<h3>Log file</h3>"
            f"<p>Unexpected errors are recorded (without patient details) in "
            f"<code>{escape(str(log_file))}</code>.</p>",
            (640, 560),
        )


def _local_rules_line(active: ActiveContent) -> str:
    """The local rules in force in one line, as printouts name them, for checking a sheet."""
    in_force = active.local_rules
    if in_force.rules is None:
        return "none in force" + (f" ({in_force.refusal})" if in_force.refusal else "")
    review = ", past review date" if in_force.past_review else ""
    return f"version {in_force.rules.version}: {in_force.describe()}{review}"


def local_rules_html(active: ActiveContent) -> str:
    """Every local rule in force, with its attribution, and every slot left unset or held back."""
    from ketaref.content.lifecycle.local_rules_gate import slots_of

    in_force = active.local_rules
    rules = in_force.rules
    line = _local_rules_line(active)
    parts = [f"<h2>Local rules</h2><p>{escape(line[:1].upper() + line[1:])}.</p>"]
    if rules is not None:
        owner = (
            f"; clinical owner {escape(str(rules.clinical_owner))}" if rules.clinical_owner else ""
        )
        body = f" ({escape(rules.approving_body)})" if rules.approving_body else ""
        parts.append(
            f"<p><i>{escape(in_force.attribution())}</i>{body}{owner}; effective from"
            f" {rules.effective_from.isoformat()}; from {escape(in_force.origin)}.</p>"
        )
    notices = [n for n in in_force.notices if n != in_force.refusal or rules is None]
    if notices:
        parts.append("<ul>" + "".join(f"<li><b>{escape(n)}</b></li>" for n in notices) + "</ul>")
    rows = []
    for slot_id, declared in slots_of(active.library).items():
        rule = in_force.rule(slot_id)
        if rule is not None:
            value = f"<b>{escape(rule.value)}</b> — {escape(rule.change)}"
        elif rules is not None and slot_id in rules.reconfirm:
            value = f"<b>not used: {escape(rules.reconfirm[slot_id])}</b>"
        else:
            value = "not set by this clinic"
        rows.append(
            f"<tr><td>{escape(declared.slot.meaning)}<br><small>{escape(slot_id)} ·"
            f" {escape(declared.item)}</small></td><td>{value}</td></tr>"
        )
    parts.append(
        '<table cellpadding="4"><tr><th align="left">Slot</th><th align="left">Clinic value'
        f"</th></tr>{''.join(rows)}</table>"
    )
    return "".join(parts)


class LocalRulesDialog(QDialog):
    """The clinic's local rules in force, slot by slot, with their approval and review date."""

    def __init__(self, active: ActiveContent, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Local rules")
        self.text = _html_body(self, "Local rules", local_rules_html(active), (720, 560))


class ContentHistoryDialog(QDialog):
    """The pack's version, dates, review sign-offs (who, role, date, scope) and changelog."""

    def __init__(self, active: ActiveContent, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Content version and reviews")
        library = active.library
        manifest = library.manifest
        if manifest.reviews:
            rows = "".join(
                f"<tr><td>{escape(r.name)}</td><td>{escape(r.role)}</td>"
                f"<td>{r.date.isoformat()}</td><td>{escape(r.scope)}</td></tr>"
                for r in manifest.reviews
            )
            reviews = (
                '<table cellpadding="3"><tr><th align="left">Reviewer</th><th align="left">Role'
                '</th><th align="left">Date</th><th align="left">Scope</th></tr>'
                f"{rows}</table>"
            )
        else:
            reviews = (
                "<p><b>Not yet clinically reviewed.</b> No named clinician has signed off content "
                f"{escape(library.version)}; every statement must be checked against its source "
                "before it is relied on.</p>"
            )
        expires = f", expires {manifest.expires.isoformat()}" if manifest.expires else ""
        changes = "".join(f"<li>{escape(change)}</li>" for change in manifest.changes)
        self.text = _html_body(
            self,
            "Content version, reviews and changes",
            f"<h2>Content {escape(library.version)}</h2>"
            f"<p>Pack hash <code>{escape(library.pack_hash)}</code> ({escape(active.origin)}),"
            f" released {manifest.released.isoformat()}{expires}.</p>"
            f"<h3>Clinical review</h3>{reviews}"
            f"<h3>Changes</h3><ul>{changes or '<li>none recorded</li>'}</ul>",
            (640, 480),
        )


def _read_only_table(
    model: QStandardItemModel, name: str, fitted_columns: int, parent: QWidget
) -> QTableView:
    """A wrapping, row-selecting table of ``model``; the first ``fitted_columns`` fit their
    contents and the others share the rest of the width."""
    table = QTableView(parent)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    for column in range(model.columnCount()):
        fitted = column < fitted_columns
        mode = QHeaderView.ResizeMode.ResizeToContents if fitted else QHeaderView.ResizeMode.Stretch
        header.setSectionResizeMode(column, mode)
    table.setAccessibleName(name)
    return table


class ShortcutsDialog(QDialog):
    """Every action with its shortcut and what it does, from the one table in actions.py."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        model = QStandardItemModel(0, 3, self)
        model.setHorizontalHeaderLabels(["Action", "Keys", "What it does"])
        for spec in ACTIONS:
            row = [spec.text.replace("&", "").rstrip("…"), shortcut_text(spec), spec.description]
            model.appendRow([QStandardItem(cell) for cell in row])
        for keys, what in (
            ("Tab, Shift+Tab", "Move between the search field, the list, the text and the sources"),
            ("Up, Down, Enter", "Move through the list or the search results, open one"),
            ("Escape", "Clear the search field"),
        ):
            model.appendRow(
                [QStandardItem("Move around"), QStandardItem(keys), QStandardItem(what)]
            )
        self.table = _read_only_table(model, "Keyboard shortcuts", fitted_columns=2, parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(_button_box(self))
        fit_to_screen(self, QSize(760, 560))


class GlossaryDialog(QDialog):
    """The abbreviations the content pack uses, what each stands for, and a note where given."""

    def __init__(self, entries: Sequence[GlossaryEntry], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Glossary of abbreviations")
        model = QStandardItemModel(0, 3, self)
        model.setHorizontalHeaderLabels(["Abbreviation", "Stands for", "Note"])
        for entry in sorted(entries, key=lambda e: e.term.casefold()):
            stands_for = "; also: ".join(entry.expansions())
            row = [entry.term, stands_for, entry.note or ""]
            model.appendRow([QStandardItem(cell) for cell in row])
        self.table = _read_only_table(
            model, "Glossary of abbreviations", fitted_columns=1, parent=self
        )
        layout = QVBoxLayout(self)
        if not entries:
            layout.addWidget(QLabel("The content pack in use has no glossary.", self))
        layout.addWidget(self.table)
        layout.addWidget(_button_box(self))
        fit_to_screen(self, QSize(820, 560))


class TextReportDialog(QDialog):
    """A message above a read-only, copyable text (problem lists, error details)."""

    def __init__(
        self,
        title: str,
        message: str,
        details: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(details, self)
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setAccessibleName("Details")
        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        buttons = _button_box(self)
        # An action-role button does not close the dialog: copy, then read on or close.
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(720, 420))


def problems_dialog(
    notices: Sequence[str],
    refused: Sequence[str],
    policy_problems: Sequence[str],
    parent: QWidget | None = None,
) -> TextReportDialog:
    """What the user was told about the content, and every problem behind it, one per line."""
    sections = []
    if notices:
        sections.append("About the content in use:\n" + "\n".join(notices))
    if refused:
        sections.append("Problems in the refused site content pack:\n" + "\n".join(refused))
    if policy_problems:
        sections.append("Machine policy:\n" + "\n".join(policy_problems))
    return TextReportDialog(
        "Content problems",
        "Send this list to whoever maintains your clinic's content pack or machine policy"
        " (usually IT).",
        "\n\n".join(sections) or "No problems were found.",
        parent,
    )
