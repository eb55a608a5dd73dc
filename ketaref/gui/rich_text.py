"""Content items as Qt rich text (HTML), every statement followed by its numbered citation.

Pure Python, so it is easy to test; the colours come from the widget's palette (``Theme``) so dark
and light modes both read well. Every piece of text from the content is escaped before it goes
into the HTML. The pieces that need no content model (theme, style sheet, links, the home page)
are in ``ketaref.gui.page_html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import assert_never

from ketaref.content.format.kinds import KINDS, Kind, linked_ids
from ketaref.content.format.local_rules import HELD_BACK, NO_LOCAL_RULES, LocalRulesInForce
from ketaref.content.format.model import (
    UNKNOWN_SOURCE,
    Checklist,
    ChecklistItem,
    Citation,
    CitedQuantity,
    CitedRange,
    ContentItem,
    ContraindicationList,
    Disagreement,
    EvidenceFinding,
    Observation,
    Protocol,
    RegulatoryStatus,
    ScheduleRow,
    SiteDefined,
    Slot,
    Source,
    Statement,
    statements_in,
)
from ketaref.content.format.pack import Library
from ketaref.content.in_use.render_text import HEADINGS, SITE_DEFINED_WORDS, item_details, says
from ketaref.gui.page_html import (
    CITE_SCHEME,
    Theme,
    bullets_html,
    chip_html,
    heading_html,
    item_link_html,
    section_anchor,
)

#: Where a slot has no clinic value: said in words, never a blank that could pass for zero.
NOT_SET = "not set by this clinic"
#: The badge beside a clinic's value, so it never passes for a published statement.
LOCAL_RULE_BADGE = "Local rule"

SEVERITY_HEADINGS = {
    "contraindication": "Contraindications",
    "relative-contraindication": "Relative contraindications",
    "warning": "Warnings",
    "precaution": "Precautions",
}
#: The section bar's stops, in the order it shows them (only those an item has).
SECTION_BAR = ("Dose", "Administration", "Monitoring", "Observation", "Warnings", "Evidence")


@dataclass(frozen=True)
class CitedSource:
    """One numbered citation of the item on screen: a source and the place in it."""

    number: int
    source_id: str
    locator: str
    source: Source | None

    @property
    def tag(self) -> str:
        """The verification tag users must see ("abstract only", "secondary source"), or ""."""
        if self.source is None:
            return UNKNOWN_SOURCE
        return self.source.verification.citation_mark


@dataclass(frozen=True)
class RenderedItem:
    """The HTML of one item and the citations its markers number."""

    html: str
    citations: tuple[CitedSource, ...]
    #: The sections a protocol's section bar jumps to: (label, anchor), in reading order.
    sections: tuple[tuple[str, str], ...] = ()


class _Citations:
    """Numbers (source, locator) pairs in the order they first appear."""

    def __init__(self, library: Library, theme: Theme):
        self._library = library
        self._theme = theme
        self._numbers: dict[tuple[str, str], CitedSource] = {}

    def markers(self, citations: Iterable[Citation]) -> str:
        parts = []
        for citation in citations:
            key = (citation.source, citation.locator)
            if key not in self._numbers:
                self._numbers[key] = CitedSource(
                    number=len(self._numbers) + 1,
                    source_id=citation.source,
                    locator=citation.locator,
                    source=self._library.sources.get(citation.source),
                )
            cited = self._numbers[key]
            # The tooltip names the source in its citation's words, never by its id in the pack.
            named = cited.source.citation if cited.source else citation.source
            hint = escape(f"Source {cited.number}: {named}, {citation.locator}", quote=True)
            marker = f'<a href="{CITE_SCHEME}:{cited.number}" title="{hint}">[{cited.number}]</a>'
            # The tag is a chip beside the marker, not part of the link: seen at a glance.
            parts.append(marker + (" " + chip_html(cited.tag, self._theme) if cited.tag else ""))
        return " ".join(parts)

    def all(self) -> tuple[CitedSource, ...]:
        return tuple(self._numbers.values())


class _Writer:
    """Builds the HTML of one item."""

    def __init__(
        self, library: Library, theme: Theme, local_rules: LocalRulesInForce, compact: bool
    ):
        self.library = library
        self.theme = theme
        self.local_rules = local_rules
        self.compact = compact
        self.citations = _Citations(library, theme)
        self.parts: list[str] = []
        self.sections: list[tuple[str, str]] = []

    # -- small pieces ------------------------------------------------------------------------

    def heading(self, text: str, bar_label: str = "") -> None:
        """A section heading; with ``bar_label``, also a stop on the section bar."""
        self.parts.append(heading_html(text))
        if bar_label and bar_label not in (label for label, _ in self.sections):
            self.sections.append((bar_label, section_anchor(text)))

    def statement(self, statement: Statement, prefix: str = "") -> str:
        lead = f"<b>{escape(prefix)}</b> " if prefix else ""
        return f"{lead}{escape(statement.text)} {self.citations.markers(statement.citations())}"

    def bullets(self, rows: Iterable[str]) -> None:
        self.parts.append(bullets_html(rows))

    def statements(
        self, heading: str, statements: Sequence[Statement], bar_label: str = ""
    ) -> None:
        if statements:
            self.heading(heading, bar_label)
            self.bullets(self.statement(s) for s in statements)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[str] = (),
        *,
        keyed: bool = True,
    ) -> None:
        """A bordered table; ``widths`` ("50%", …) for the leading columns, the rest share.

        Columns without a width are as wide as their content needs, never narrower than their
        longest word or quantity: a fixed share of a narrow column would break "Maintenance" or
        "mg/kg/h" in two. In a narrow pane (``compact``) each row is a box of its own instead:
        its first cell as the box's title when the rows are ``keyed`` by it, then every other
        cell after its column's name.
        """
        if self.compact:
            self.parts += [_row_box(headers, row, keyed) for row in rows]
            return
        sized = [f' width="{w}"' if w else "" for w in widths]
        sized += [""] * (len(headers) - len(widths))
        head = "".join(f"<th{w}>{escape(h)}</th>" for h, w in zip(headers, sized, strict=True))
        body = "".join(
            "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows
        )
        self.parts.append(
            '<table class="grid" width="98%" cellspacing="0" cellpadding="5">'
            f"<tr>{head}</tr>{body}</table>"
        )

    def link(self, item_id: str) -> str:
        found = self.library.item(item_id)
        return item_link_html(item_id, found[1].title if found else item_id)

    def site_defined(self, site: SiteDefined) -> str:
        clinic = self.local_value(site.slot, site.label)
        if clinic:
            return f"{clinic}<br><i>Why local: {escape(site.reason)}</i>"
        return (
            f"<b>{escape(site.label)}:</b> {escape(self.unset(site.slot))}"
            f" <i>({escape(SITE_DEFINED_WORDS)})</i> {escape(site.reason)}"
        )

    def unset(self, slot: Slot | None) -> str:
        """What a slot without a clinic value says: not set, or its rule held back."""
        return HELD_BACK if slot and self.local_rules.held_back(slot.id) else NOT_SET

    def local_value(self, slot: Slot | None, label: str) -> str:
        """The clinic's value for ``slot`` with its tag and attribution, or "" when unset."""
        rule = self.local_rules.rule(slot.id) if slot else None
        if rule is None:
            return ""
        return (
            f"{self.badge(LOCAL_RULE_BADGE)} <b>{escape(label)}: {escape(rule.value)}</b>"
            f"<br><i>{escape(self.local_rules.attribution())}</i>"
        )

    def badge(self, text: str) -> str:
        return (
            f'<span style="background-color:{self.theme.badge}; color:{self.theme.badge_text};">'
            f"&nbsp;{escape(text)}&nbsp;</span>"
        )

    def title(self, title: str, kind: Kind, lines: Sequence[str] = ()) -> None:
        self.parts.append(f'<p class="kind">{escape(KINDS[kind].heading)}</p>')
        self.parts.append(f"<h1>{escape(title)}</h1>")
        self.parts += [f"<p>{line}</p>" for line in lines]

    def disagreements(self, disagreements: Sequence[Disagreement]) -> None:
        if not disagreements:
            return
        self.heading(HEADINGS["disagreements"])
        for disagreement in disagreements:
            self.parts.append(
                f"<p><b>{escape(disagreement.topic)}.</b> {escape(disagreement.note)}</p>"
            )
            self.bullets(self.statement(s) for s in disagreement.statements)

    def html(self) -> RenderedItem:
        # The bar always reads Dose · Administration · … · Evidence, whatever the text's order.
        sections = sorted(self.sections, key=lambda section: SECTION_BAR.index(section[0]))
        return RenderedItem("".join(self.parts), self.citations.all(), tuple(sections))


# ---------------------------------------------------------------------------------------------
# Protocols


def _row_box(headers: Sequence[str], row: Sequence[str], keyed: bool) -> str:
    """One table row as a bordered box of lines: "Header: cell" (the key cell first, alone)."""
    named = list(zip(headers, row, strict=True))
    lines = [row[0]] if keyed else []
    lines += [
        f"<b>{escape(header)}:</b> {cell}" if keyed else f"<b>{escape(header)}</b><br>{cell}"
        for header, cell in named[1 if keyed else 0 :]
    ]
    return (
        '<table class="grid" width="98%" cellspacing="0" cellpadding="5"><tr><td>'
        + "<br>".join(lines)
        + "</td></tr></table>"
    )


def _dose_cell(row: Statement) -> str:
    doses = getattr(row, "doses", ())
    dose_range = getattr(row, "dose_range", None)
    texts = [" or ".join(_unbroken(d) for d in doses)] if doses else []
    if dose_range is not None:
        texts.append(_unbroken(dose_range))
    return ", ".join(texts) or "—"


def _unbroken(quantity: object) -> str:
    """A quantity as HTML that stays on one line: no break at its spaces, slashes or dash.

    Qt's rich text ignores ``white-space`` on inline spans, so non-breaking spaces and word
    joiners (U+2060) do the work.
    """
    text = str(quantity).replace(" ", "\u00a0")
    for breakable in ("/", "–"):
        text = text.replace(breakable, breakable + "\u2060")
    return escape(text)


def _schedule(writer: _Writer, protocol: Protocol) -> None:
    if not protocol.schedule:
        return
    writer.heading(HEADINGS["schedule"], "Dose")
    columns: list[tuple[str, Callable[[ScheduleRow], str]]] = [
        ("Phase", lambda row: f"<b>{escape(row.phase)}</b>"),
        ("Dose", _unsaid(_dose_cell)),
        ("How often", _unsaid(lambda row: escape(row.frequency or "—"))),
        ("Duration", _unsaid(lambda row: _unbroken(row.duration) if row.duration else "—")),
    ]
    # A column no row fills (e.g. Duration for a fixed-dose schedule, or doses every row's
    # source text already says) is left out.
    shown = [c for c in columns if any(c[1](r) != "—" for r in protocol.schedule)]
    rows = [[c[1](row) for c in shown] + [writer.statement(row)] for row in protocol.schedule]
    writer.table([c[0] for c in shown] + ["What the source says"], rows)


def _unsaid(cell: Callable[[ScheduleRow], str]) -> Callable[[ScheduleRow], str]:
    """``cell``, or "—" where the row's phase or source text already says what it shows."""

    def shown(row: ScheduleRow) -> str:
        value = cell(row)
        plain = value.replace("\u00a0", " ").replace("\u2060", "")
        return "—" if value != "—" and says(f"{row.phase} {row.text}", plain) else value

    return shown


def _dose_at_a_glance(writer: _Writer, protocol: Protocol) -> None:
    """A box at the top: each phase's dose, how often and how long, cited, as the schedule says."""
    rows = [row for row in protocol.schedule if _dose_cell(row) != "—"]
    if not rows:
        return
    lines = []
    for row in rows:
        details = [_dose_cell(row)]
        if row.frequency and not says(row.phase, row.frequency):
            details.append(escape(row.frequency))
        if row.duration and not says(row.phase, row.duration):
            details.append(_unbroken(row.duration))
        markers = writer.citations.markers(row.citations())
        lines.append(f"<b>{escape(row.phase)}:</b> {' · '.join(details)} {markers}")
    anchor = section_anchor(HEADINGS["schedule"])
    writer.parts.append(
        '<table class="glance" width="98%" cellspacing="0" cellpadding="8"><tr><td>'
        f"<p><b>Dose at a glance</b> (from the schedule below;"
        f' <a href="#{anchor}">full schedule</a>)</p>'
        + "".join(f"<p>{line}</p>" for line in lines)
        + "</td></tr></table>"
    )


def _monitoring(writer: _Writer, protocol: Protocol) -> None:
    if not protocol.monitoring:
        return
    writer.heading(HEADINGS["monitoring"], "Monitoring")
    # A time after the dose that the row's "when" or text already says is not shown again.
    times = [
        _unbroken(p.after_dose)
        if p.after_dose and not says(f"{p.when} {p.text}", p.after_dose)
        else "—"
        for p in protocol.monitoring
    ]
    with_times = any(time != "—" for time in times)
    rows = [
        [f"<b>{escape(point.when)}</b>", *([time] if with_times else []), writer.statement(point)]
        for point, time in zip(protocol.monitoring, times, strict=True)
    ]
    headers = ["When", *(["After the dose"] if with_times else []), "What is checked"]
    writer.table(headers, rows)


def _observation(writer: _Writer, observation: Observation | None) -> None:
    if observation is None:
        return
    writer.heading(HEADINGS["observation"], "Observation")
    if observation.site_defined is not None:
        writer.bullets([writer.site_defined(observation.site_defined)])
        return
    assert observation.statement is not None
    minimum = observation.minimum
    shown = minimum and not says(observation.statement.text, minimum)
    prefix = f"At least {minimum}:" if shown else ""
    writer.bullets([writer.statement(observation.statement, prefix)])


def _evidence(writer: _Writer, findings: Sequence[EvidenceFinding]) -> None:
    if not findings:
        return
    writer.heading(HEADINGS["evidence"], "Evidence")

    def column(selected: Iterable[EvidenceFinding]) -> str:
        cells = [
            f"<p><b>{escape(f.study)}</b> ({escape(f.finding)}): {writer.statement(f)}</p>"
            for f in selected
        ]
        return "".join(cells) or "<p>—</p>"

    positive = column(f for f in findings if f.finding == "positive")
    other = column(f for f in findings if f.finding != "positive")
    writer.table(
        ["Positive findings", "Negative, mixed or pooled findings"],
        [[positive, other]],
        ["50%"],
        keyed=False,
    )


def _protocol(writer: _Writer, protocol: Protocol) -> None:
    status = writer.badge(protocol.regulatory_status.label)
    links = []
    if protocol.contraindications:
        lists = ", ".join(writer.link(c) for c in protocol.contraindications)
        links.append("Contraindications: " + lists)
    if protocol.checklist:
        links.append(f"{KINDS[Kind.CHECKLIST].heading}: " + writer.link(protocol.checklist))
    elif protocol.no_checklist_reason:
        links.append("No session checklist: " + escape(protocol.no_checklist_reason))
    elif protocol.regulatory_status is RegulatoryStatus.RESEARCH_ONLY:
        links.append("No session checklist: research only")
    writer.title(
        protocol.title,
        Kind.PROTOCOL,
        [
            f"{status} &nbsp; {escape(protocol.indication)} · {escape(protocol.route.value)}",
            " &nbsp;·&nbsp; ".join(links),
        ],
    )
    writer.bullets([writer.statement(protocol.status_statement, "Status:")])
    _dose_at_a_glance(writer, protocol)
    if protocol.evidence_levels:
        writer.heading(HEADINGS["evidence_levels"], "Evidence")
        writer.bullets(
            writer.statement(e, f"{e.grading_system}:") for e in protocol.evidence_levels
        )
    writer.statements(HEADINGS["summary"], protocol.summary)
    writer.statements(HEADINGS["population"], protocol.population)
    _schedule(writer, protocol)
    writer.statements(HEADINGS["administration"], protocol.administration, "Administration")
    writer.statements(HEADINGS["pre_dose"], protocol.pre_dose)
    _monitoring(writer, protocol)
    _observation(writer, protocol.observation)
    writer.statements(HEADINGS["readiness_to_leave"], protocol.readiness_to_leave)
    writer.statements(HEADINGS["warnings"], protocol.warnings, "Warnings")
    if protocol.contraindications or protocol.checklist or protocol.no_checklist_reason:
        writer.heading("Contraindications and checklist")
        writer.bullets(links)
    _evidence(writer, protocol.evidence)
    writer.disagreements(protocol.disagreements)
    _calculator(writer, protocol)


def _calculator(writer: _Writer, protocol: Protocol) -> None:
    """What the dose calculator uses, so each of its citations has a number in the text too."""
    if protocol.dosing is None:
        return
    writer.heading(HEADINGS["dosing"])
    statements = dict.fromkeys(statements_in(protocol.dosing))  # a standard dose is also allowed
    writer.bullets(writer.statement(s, _unsaid_value(s)) for s in statements)


def _unsaid_value(statement: Statement) -> str:
    """A calculator statement's value as a lead ("56 mg:"), or "" when its text says it."""
    if isinstance(statement, CitedQuantity | CitedRange) and not says(
        statement.text, statement.value
    ):
        return f"{statement.value}:"
    return ""


# ---------------------------------------------------------------------------------------------
# Checklists and contraindication lists


def _used_by(library: Library, item_id: str, kind: Kind) -> list[str]:
    """The protocols that link the item ``item_id`` of ``kind``."""
    return [p.id for p in library.protocols.values() if item_id in linked_ids(p, kind)]


def _checklist_item(writer: _Writer, item: ChecklistItem, checklist_id: str) -> str:
    box = "☐" if item.kind == "tick" else "✎"
    details = item_details(item)
    extra = f" <i>({escape('; '.join(details))})</i>" if details else ""
    if item.site_defined is not None and item.protocol_slot is not None:
        return f"{box} {escape(item.text)}{extra}<br>{_per_protocol(writer, item, checklist_id)}"
    if item.site_defined is not None:
        return f"{box} {escape(item.text)}{extra}<br>{writer.site_defined(item.site_defined)}"
    cited = f"{box} {escape(item.text)}{extra} {writer.citations.markers(item.citations())}"
    if item.slot is not None and (clinic := writer.local_value(item.slot, item.slot.meaning)):
        return f"{cited}<br>{clinic}"
    return cited


def _per_protocol(writer: _Writer, item: ChecklistItem, checklist_id: str) -> str:
    """An item each protocol's own slot fills: the value on the sheet of each protocol using it."""
    assert item.site_defined is not None
    site = item.site_defined
    lines = [
        f"<b>{escape(site.label)}</b>, set for each protocol <i>({escape(SITE_DEFINED_WORDS)})</i>"
        f" {escape(site.reason)}"
    ]
    for protocol in writer.library.protocols.values():
        slot = item.local_slot(protocol)
        if slot is None or protocol.checklist != checklist_id or not item.applies(protocol.id):
            continue
        value = writer.local_value(slot, protocol.title) or (
            f"{escape(protocol.title)}: {escape(writer.unset(slot))}"
        )
        lines.append(value)
    return "<br>".join(lines)


def _checklist(writer: _Writer, checklist: Checklist) -> None:
    users = _used_by(writer.library, checklist.id, Kind.CHECKLIST)
    lines = ["For: " + ", ".join(writer.link(u) for u in users)] if users else []
    writer.title(checklist.title, Kind.CHECKLIST, lines)
    writer.statements(HEADINGS["notices"], checklist.notices)
    footer = checklist.page_footer
    writer.statements(HEADINGS["page_footer"], (footer,) if footer else ())
    for section in checklist.sections:
        writer.heading(section.pause_point.label)
        # The box (☐) or pen (✎) is the item's marker, so no bullet in front of it.
        writer.parts += [
            f'<p class="item">{_checklist_item(writer, i, checklist.id)}</p>' for i in section.items
        ]


def _contraindications(writer: _Writer, entries: ContraindicationList) -> None:
    users = _used_by(writer.library, entries.id, Kind.CONTRAINDICATIONS)
    lines = [f"Applies to: {escape(entries.applies_to)}"]
    if users:
        lines.append("Linked from: " + ", ".join(writer.link(u) for u in users))
    writer.title(entries.title, Kind.CONTRAINDICATIONS, lines)
    writer.bullets([writer.statement(entries.basis, "Basis:")])
    absolute = [e for e in entries.items if e.severity == "contraindication"]
    if absolute:
        # Set apart from the warnings below: a box in the danger colours, named "absolute".
        writer.heading(SEVERITY_HEADINGS["contraindication"])
        rows = "".join(f"<li>{writer.statement(e)}</li>" for e in absolute)
        writer.parts.append(
            '<table class="absolute" width="98%" cellspacing="0" cellpadding="8"><tr><td>'
            f"<p><b>Absolute, as the sources list them</b></p><ul>{rows}</ul></td></tr></table>"
        )
    for severity, heading in SEVERITY_HEADINGS.items():
        if severity != "contraindication":
            writer.statements(heading, [e for e in entries.items if e.severity == severity])
    writer.statements(HEADINGS["notes"], entries.notes)
    writer.disagreements(entries.disagreements)


def render_item(
    library: Library,
    item: ContentItem,
    theme: Theme,
    local_rules: LocalRulesInForce | None = None,
    *,
    compact: bool = False,
) -> RenderedItem:
    """The whole item as rich text, with the numbered citations its markers refer to.

    Site-defined values show the clinic's local rule with its attribution, or "not set by this
    clinic". ``compact`` lays tables out as one box per row, for a narrow pane.
    """
    writer = _Writer(library, theme, local_rules or NO_LOCAL_RULES, compact)
    match item:
        case Protocol():
            _protocol(writer, item)
        case Checklist():
            _checklist(writer, item)
        case ContraindicationList():
            _contraindications(writer, item)
        case _:
            assert_never(item)
    return writer.html()
