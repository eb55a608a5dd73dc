"""A clinic's local rules: its values for the content's site-defined slots, checked and attributed.

The content declares each value no source gives as a *slot* (``model.Slot``: id, meaning, type,
unit). A clinic writes one YAML file that fills them, with its governance: who owns and approved
it, when, until when, which version, and per rule a change summary and the content version it
was approved against. This module reads that file (``check_local_rules``) and reports every
problem as ``FILE:LINE:COL: message``; it never guesses a value.

Two kinds of finding:

* a *problem* (unknown slot, wrong type or unit, ISMP style, a value below a published minimum,
  dates out of order, …): the file is refused as a whole;
* a *re-confirm*: a rule approved against an older content version whose slot that version's
  update removed or changed (meaning, type or unit). Only that rule is left out; the others stay
  in force until the clinic re-approves it.

Delivery (signatures, rollback, the kept copy) is ``ketaref.content.lifecycle.local_rules_gate``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, assert_never

from ketaref.content.format.model import (
    IDENTIFIER_PATTERN,
    MAX_IDENTIFIER,
    SLOT_UNITS,
    WEIGHT_OUTSIDE_WARNING_OPTIONS,
    Checklist,
    ContentItem,
    ContraindicationList,
    Protocol,
    Slot,
    SlotInputCheck,
    in_minutes,
)
from ketaref.content.format.problems import ContentProblem
from ketaref.content.format.quantity import (
    QuantityError,
    lint_prose,
    other_digit,
    other_digit_problem,
    parse_quantity,
)
from ketaref.content.format.yaml_source import DataPath, Document, YamlProblem, parse
from ketaref.glyphs import FontUnavailable, first_unprintable

LOCAL_RULES = "local-rules.yaml"
#: A local-rules file holds a few dozen short values: anything near this is not one.
MAX_LOCAL_RULES_BYTES = 256 * 1024
#: What screen and paper say where the clinic's rule for a slot waits for re-confirmation: a
#: nurse who knows the clinic set a value must not read that it did not.
HELD_BACK = (
    "the clinic's rule is held back for re-confirmation after a content update and is not used"
)
#: The longest text value: a rule, not a policy document.
MAX_TEXT_VALUE = 500
_VERSION = re.compile(r"[0-9]+(\.[0-9]+){0,3}")
_BLOOD_PRESSURE = re.compile(
    r"(?P<systolic>[0-9]+)/(?P<diastolic>[0-9]+)(?P<space> ?)(?P<unit>\S*)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TOP_KEYS = (
    "clinic",
    "document",
    "version",
    "clinical_owner",
    "approved_by",
    "approving_body",
    "approved_on",
    "effective_from",
    "review_due",
    "values",
    "rules",
)
_REQUIRED = ("clinic", "document", "version", "approved_by", "approved_on", "review_due", "values")
_RULE_KEYS = ("change", "approved_against", "meaning", "type", "unit")
_PERSON_KEYS = ("name", "role")


#: Why a local highest dose is one of its options: the content's own doses, never a higher one.
NARROWS_ONLY = (
    "a local rule may lower the highest dose to one the content names and cites, never raise it"
    " above the content's or set a dose the content does not give"
)


@dataclass(frozen=True)
class DeclaredSlot:
    """A slot of the content in use, with the item that declares it and its options."""

    slot: Slot
    item: str
    options: tuple[str, ...] = ()
    #: Said after a refused choice: why the options are all a clinic may pick.
    options_note: str = ""


def declared_slots(items: Iterable[ContentItem]) -> dict[str, DeclaredSlot]:
    """Every slot the content declares, by id (the first declaration of an id wins)."""
    found: dict[str, DeclaredSlot] = {}
    for _, declared in _declarations(items):
        found.setdefault(declared.slot.id, declared)
    return found


def retired_slots(items: Iterable[ContentItem]) -> dict[str, str]:
    """Slot ids the content no longer declares, each with why it went (``RetiredSlot``)."""
    return {
        retired.id: retired.reason
        for item in items
        if isinstance(item, Checklist)
        for entry in item.items()
        for retired in entry.retired_slots
    }


def slot_problems(items: Iterable[ContentItem]) -> list[tuple[str, str, str]]:
    """(item id, slot id, message) for each slot id declared twice, or declared and retired: a
    rule must fill exactly one place."""
    items = list(items)
    retired = retired_slots(items)
    seen: dict[str, str] = {}
    problems = []
    for item, declared in _declarations(items):
        slot_id = declared.slot.id
        if slot_id in retired:
            problems.append((item, slot_id, f"slot “{slot_id}” is declared and also retired"))
        elif slot_id in seen:
            problems.append(
                (item, slot_id, f"slot “{slot_id}” is already declared in {seen[slot_id]}")
            )
        else:
            seen[slot_id] = item
    return problems


def _declarations(items: Iterable[ContentItem]) -> Iterable[tuple[str, DeclaredSlot]]:
    for item in items:
        for declared in _slots_of(item):
            yield item.id, declared


def _slots_of(item: ContentItem) -> Iterator[DeclaredSlot]:
    """The slots an item declares: a checklist's items', a protocol's site-defined observation."""
    match item:
        case Checklist():
            for entry in item.items():
                slot = entry.local_slot()
                if slot is not None:
                    options = entry.site_defined.options if entry.site_defined else ()
                    yield DeclaredSlot(slot, item.id, options)
        case Protocol():
            site = item.observation.site_defined if item.observation else None
            if site is not None and site.slot is not None:
                yield DeclaredSlot(site.slot, item.id, site.options)
            limits = item.dosing.weight_limits if item.dosing else None
            if limits is not None and limits.local_outside_warning is not None:
                yield DeclaredSlot(
                    limits.local_outside_warning, item.id, WEIGHT_OUTSIDE_WARNING_OPTIONS
                )
            for regimen in item.dosing.regimens if item.dosing else ():
                highest = regimen.local_highest_dose
                if highest is not None:
                    yield DeclaredSlot(highest.slot, item.id, highest.option_texts(), NARROWS_ONLY)
        case ContraindicationList():
            return
        case _:
            assert_never(item)


@dataclass(frozen=True)
class Person:
    """Someone named in the file's governance, with their role."""

    name: str
    role: str

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


@dataclass(frozen=True)
class LocalRule:
    """One clinic value in force for one slot, with what it was approved against."""

    slot_id: str
    item: str
    value: str
    change: str
    approved_against: str


@dataclass(frozen=True)
class LocalRules:
    """A checked local-rules file: its governance and the rules usable with the content in use."""

    clinic: str
    document: str
    version: str
    approved_by: Person
    approved_on: dt.date
    effective_from: dt.date
    review_due: dt.date
    clinical_owner: Person | None
    approving_body: str | None
    rules: Mapping[str, LocalRule]
    #: Slot id → why its rule is not used until the clinic re-approves it.
    reconfirm: Mapping[str, str] = field(default_factory=dict)

    def attribution(self) -> str:
        """What every value from this file is shown and printed with."""
        return (
            f"Local rule: {self.document}, approved by {self.approved_by} on"
            f" {self.approved_on.isoformat()}, review due {self.review_due.isoformat()}"
        )

    def past_review(self, today: dt.date) -> bool:
        """Whether the file's review date has passed."""
        return today > self.review_due

    def version_tuple(self) -> tuple[int, ...]:
        """The version as integers, for ordering (anti-rollback)."""
        return tuple(int(part) for part in self.version.split("."))


@dataclass(frozen=True)
class LocalRulesCheck:
    """What checking a file found: the rules (None when any problem), problems, re-confirms."""

    rules: LocalRules | None
    problems: tuple[ContentProblem, ...]
    reconfirm: tuple[ContentProblem, ...] = ()


class _Checker:
    """Walks one parsed file, collecting problems at their line and column."""

    def __init__(self, document: Document, display: str):
        self.document = document
        self.display = display
        self.problems: list[ContentProblem] = []
        self.reconfirm: list[ContentProblem] = []

    def at(self, path: DataPath, message: str, *, key: bool = False) -> None:
        position = self.document.key_position(path) if key else self.document.position(path)
        line, column = position or (None, None)
        self.problems.append(ContentProblem(self.display, line, column, message))

    def at_value(self, path: DataPath, value: str, problem: ValueProblem) -> None:
        """Report ``problem`` in the text ``value`` at ``path``: at the character at fault where
        the file writes the value as it reads, else at the value's start."""
        position = None
        if problem.index is not None:
            position = self.document.character_position(path, value, problem.index)
        if position is None:
            self.at(path, problem.text(exact=False))
            return
        line, column = position
        self.problems.append(ContentProblem(self.display, line, column, problem.text(exact=True)))

    def mapping(self, value: Any, path: DataPath, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.at(path, f"{what} must be a mapping of keys and values")
        return None

    def unknown_keys(
        self, data: Mapping[str, Any], allowed: tuple[str, ...], path: DataPath
    ) -> None:
        for key in data:
            if key not in allowed:
                self.at(
                    (*path, key), f"unknown key “{key}”; allowed: {', '.join(allowed)}", key=True
                )

    def text(self, data: Mapping[str, Any], key: str, path: DataPath) -> str | None:
        value = data.get(key)
        where = (*path, key)
        if value is None:
            self.at(path if key not in data else where, f"“{key}” is missing or empty")
            return None
        if not isinstance(value, str):
            self.at(where, f"“{key}” must be text in quotes")
            return None
        if problem := _text_problem(value):
            self.at_value(where, value, problem.about(f"“{key}”"))
            return None
        return value

    def date(self, data: Mapping[str, Any], key: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            self.at((key,) if key in data else (), f"“{key}” is missing; write it as YYYY-MM-DD")
            return None
        try:
            if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.at((key,), f"“{key}” must be a date written as YYYY-MM-DD")
            return None

    def person(self, data: Mapping[str, Any], key: str) -> Person | None:
        if key not in data:
            return None
        person = self.mapping(data[key], (key,), f"“{key}”")
        if person is None:
            return None
        self.unknown_keys(person, _PERSON_KEYS, (key,))
        name, role = self.text(person, "name", (key,)), self.text(person, "role", (key,))
        return Person(name, role) if name and role else None


@dataclass(frozen=True)
class ValueProblem:
    """Why a value cannot stand, and where in it when one character is at fault."""

    message: str
    #: The character at fault, counted from 0 in the value; None: the value as a whole.
    index: int | None = None
    #: The message for where the column cannot point at that character ("…, character 3").
    located: str = ""
    #: The value is refused by what the content declares for its slot (its options, published
    #: minimum or input check), not by how it is written: a content update can cause it.
    set_by_content: bool = False

    def text(self, *, exact: bool) -> str:
        """The message; with ``exact`` False, the one that says where the character is."""
        if exact or self.index is None:
            return self.message
        return self.located or f"{self.message} (character {self.index + 1} of the value)"

    def about(self, subject: str) -> ValueProblem:
        """The same problem said of ``subject`` (“clinic” …)."""
        located = f"{subject} {self.located}" if self.located else ""
        return ValueProblem(f"{subject} {self.message}", self.index, located, self.set_by_content)


def _text_problem(value: str) -> ValueProblem | None:
    """Why ``value`` cannot stand as a one-line text, or None."""
    if problem := _form_problem(value):
        return problem
    if problems := lint_prose(value):
        return ValueProblem("; ".join(problems))
    return None


def _form_problem(value: str) -> ValueProblem | None:
    """Why ``value`` cannot be printed as one line, or None (its wording is not checked)."""
    if not value.strip():
        return ValueProblem("is empty")
    if value != value.strip():
        return ValueProblem("has spaces at its start or end")
    if control := _CONTROL.search(value):
        return ValueProblem("holds a control character", control.start())
    if len(value) > MAX_TEXT_VALUE:
        return ValueProblem(f"is longer than {MAX_TEXT_VALUE} characters")
    # Every text of the file is printed (values with their attribution): the printout's rule.
    try:
        unprintable = first_unprintable(value)
    except FontUnavailable as exc:
        return ValueProblem(
            f"cannot be checked against the printout's fonts ({exc}); reinstall ketaref"
        )
    if unprintable is not None:
        advice = "; write it so the printout can show it"
        return ValueProblem(
            f"holds {unprintable.describe(position=False)}{advice}",
            unprintable.position - 1,
            f"holds {unprintable.describe()}{advice}",
        )
    return None


def input_check_text(slot_type: str, check: SlotInputCheck) -> str:
    """The accepted range in words a clinic reads: a typing check, not a clinical limit."""
    return (
        f"{check.accepted}, the content pack's input check for this {slot_type} (it catches"
        " typing errors; it is not a clinical limit)"
    )


def value_problem(declared: DeclaredSlot, value: str) -> str | None:
    """Why ``value`` cannot fill ``declared``'s slot (type, unit, ISMP style, limits), or None."""
    problem = placed_value_problem(declared, value)
    return problem.text(exact=False) if problem else None


def placed_value_problem(declared: DeclaredSlot, value: str) -> ValueProblem | None:
    """As ``value_problem``, with the character at fault where one is."""
    slot = declared.slot
    if (digit := other_digit(value)) and (said := other_digit_problem(value)):
        # Numbers, choices among numbers, and numbers in a text (staff) are printed for nurses
        # who read 0–9; another script's digit would be taken, or read, as another text.
        return ValueProblem(said, value.index(digit))
    if slot.type == "blood-pressure":
        return _blood_pressure_problem(value)
    if slot.type in ("duration", "interval"):
        return _time_problem(declared, value)
    if slot.type == "choice":
        if value != value.strip():  # said as for every other value, not "not an option"
            return ValueProblem(f"“{value}” has spaces at its start or end")
        if value in declared.options:
            return None
        if form_problem := _form_problem(value):  # wrong in any version, not narrowed by one
            return form_problem.about(f"“{slot.id}”")
        note = f" ({declared.options_note})" if declared.options_note else ""
        return ValueProblem(
            f"“{value}” is not one of the options: {', '.join(declared.options)}{note}",
            set_by_content=True,
        )
    text_problem = _text_problem(value)
    return text_problem.about(f"“{slot.id}”") if text_problem else None


def _time_problem(declared: DeclaredSlot, value: str) -> ValueProblem | None:
    """Why ``value`` cannot fill a duration or interval slot, or None."""
    slot = declared.slot
    try:
        quantity = parse_quantity(value)
    except QuantityError as exc:
        return ValueProblem(f"{exc} ({_article(slot.type)} is {_written(slot.type)})", exc.index)
    allowed = SLOT_UNITS[slot.type]
    if quantity.unit.value not in allowed:
        return ValueProblem(
            f"“{value}” is in {quantity.unit.value}; {_article(slot.type)} is"
            f" {_written(slot.type)}",
            value.index(" ") + 1,  # a quantity is written number, one space, unit
        )
    if quantity.value <= 0:
        return ValueProblem(f"“{value}”: {_article(slot.type)} is longer than zero")
    minimum = slot.at_least
    if minimum is not None and in_minutes(quantity) < in_minutes(minimum):
        return ValueProblem(
            f"“{value}” is shorter than the published minimum of {minimum} the content states"
            f" for {declared.item}; a local rule may lengthen it, never shorten it",
            set_by_content=True,
        )
    check = slot.input_check
    if check is not None and check.refuses(quantity):
        return ValueProblem(
            f"“{value}” is outside {input_check_text(slot.type, check)}", set_by_content=True
        )
    return None


def _article(slot_type: str) -> str:
    return f"an {slot_type}" if slot_type[0] in "aeiou" else f"a {slot_type}"


def _written(slot_type: str) -> str:
    """How a value of the type is written (a pattern, never a number that could read as advice)."""
    units = " or ".join(SLOT_UNITS[slot_type])
    return f"in {units}: a whole or decimal number, one space, then {units}"


def _blood_pressure_problem(value: str) -> ValueProblem | None:
    match = _BLOOD_PRESSURE.fullmatch(value)
    if match is None:
        return ValueProblem(
            f"“{value}” is not a blood pressure: write systolic/diastolic in whole numbers, one"
            " space, then mmHg"
        )
    if match["unit"] != "mmHg":
        unit_at = match.start("unit") if match["unit"] else None
        return ValueProblem(
            f"“{value}”: a blood pressure is in mmHg (systolic/diastolic mmHg)", unit_at
        )
    if not match["space"]:
        return ValueProblem(f"“{value}”: put one space before mmHg", match.start("unit"))
    for part in ("systolic", "diastolic"):
        number = match[part]
        if len(number) > 1 and number.startswith("0"):
            return ValueProblem(
                f"“{value}”: drop the leading zeros ({int(number)}, not {number})",
                match.start(part),
            )
    systolic, diastolic = int(match["systolic"]), int(match["diastolic"])
    if not 0 < diastolic < systolic:
        return ValueProblem(f"“{value}”: the systolic figure comes first and is the higher one")
    return None


def check_local_rules(
    raw: bytes,
    display: str,
    slots: Mapping[str, DeclaredSlot],
    content_version: str,
    retired: Mapping[str, str] = MappingProxyType({}),
) -> LocalRulesCheck:
    """Check a local-rules file against the slots of the content in use (``content_version``).

    A value for a ``retired`` slot is a re-confirm, whatever version it was approved against: the
    content says where that meaning lives now, and the value is never carried over to it.
    """
    try:
        document = parse(raw)
    except YamlProblem as exc:
        return LocalRulesCheck(None, (ContentProblem(display, exc.line, exc.column, exc.message),))
    check = _Checker(document, display)
    data = check.mapping(document.data, (), "a local-rules file")
    if data is None:
        return LocalRulesCheck(None, tuple(check.problems))
    check.unknown_keys(data, _TOP_KEYS, ())
    for key in _REQUIRED:
        if key not in data:
            check.at((), f"“{key}” is missing")
    clinic = check.text(data, "clinic", ()) if "clinic" in data else None
    document_name = check.text(data, "document", ()) if "document" in data else None
    version = _version(check, data)
    approved_by = check.person(data, "approved_by")
    owner = check.person(data, "clinical_owner")
    body = check.text(data, "approving_body", ()) if "approving_body" in data else None
    approved_on = check.date(data, "approved_on") if "approved_on" in data else None
    review_due = check.date(data, "review_due") if "review_due" in data else None
    effective = check.date(data, "effective_from") if "effective_from" in data else approved_on
    if approved_on and review_due and review_due <= approved_on:
        check.at(("review_due",), "the review date must come after the approval date")
    if approved_on and effective and effective < approved_on:
        check.at(("effective_from",), "a rule cannot take effect before it was approved")
    rules, reconfirm = _rules(check, data, slots, content_version, retired)
    if check.problems or not (
        clinic and document_name and version and approved_by and approved_on and review_due
    ):
        return LocalRulesCheck(None, tuple(check.problems), tuple(check.reconfirm))
    assert effective is not None  # defaults to approved_on
    local = LocalRules(
        clinic=clinic,
        document=document_name,
        version=version,
        approved_by=approved_by,
        approved_on=approved_on,
        effective_from=effective,
        review_due=review_due,
        clinical_owner=owner,
        approving_body=body,
        rules=MappingProxyType(rules),
        reconfirm=MappingProxyType(reconfirm),
    )
    return LocalRulesCheck(local, (), tuple(check.reconfirm))


def _version(check: _Checker, data: Mapping[str, Any]) -> str | None:
    if "version" not in data:
        return None
    value = data["version"]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _VERSION.fullmatch(value):
        check.at(
            ("version",), '“version” must be dotted whole numbers in quotes, e.g. "3" or "2026.1"'
        )
        return None
    return value


def _rules(
    check: _Checker,
    data: Mapping[str, Any],
    slots: Mapping[str, DeclaredSlot],
    content_version: str,
    retired: Mapping[str, str],
) -> tuple[dict[str, LocalRule], dict[str, str]]:
    values = check.mapping(data.get("values", {}), ("values",), "“values”") or {}
    governance = check.mapping(data.get("rules", {}) or {}, ("rules",), "“rules”") or {}
    for slot_id in governance:
        if slot_id not in values:  # an empty value with its entry is fine: a template row
            check.at(("rules", slot_id), f"“{slot_id}” has a rule entry but no value", key=True)
    rules: dict[str, LocalRule] = {}
    reconfirm: dict[str, str] = {}
    for slot_id, value in values.items():
        where = ("values", slot_id)
        if value is None or value == "":
            continue  # an unset slot stays blank on screen and paper
        if not isinstance(value, str):
            check.at(where, f'the value of “{slot_id}” must be text in quotes, e.g. "60 min"')
            continue
        declared = slots.get(slot_id)
        if declared is None and not _is_slot_id(slot_id):
            # Never a slot of any version: the file is wrong, whatever it says it was approved
            # against (and the id is not repeated back, however long).
            check.at(
                where,
                "a key under “values” is not a slot id (lower-case words joined by hyphens, up to"
                f" {MAX_IDENTIFIER} characters)",
                key=True,
            )
            continue
        if declared is None and slot_id in retired:
            message = (
                f"re-confirm “{slot_id}”: content {content_version} no longer has this slot"
                f" ({retired[slot_id]}); this rule is not used"
            )
            _hold_back(check, reconfirm, slot_id, message)
            continue
        entry = _rule_entry(check, governance, slot_id, report_missing=declared is not None)
        if declared is None and (entry is None or entry[1] == content_version):
            check.at(
                where,
                f"unknown slot “{slot_id}”; `ketaref local-rules template` lists the slots of"
                f" content {content_version}",
                key=True,
            )
            continue
        if entry is None:
            continue
        if rule := _rule_for(check, reconfirm, declared, slot_id, entry, value, content_version):
            rules[slot_id] = rule
    return rules, reconfirm


def _is_slot_id(key: object) -> bool:
    """Whether ``key`` has the form of a slot id, in any content version."""
    return (
        isinstance(key, str)
        and len(key) <= MAX_IDENTIFIER
        and re.fullmatch(IDENTIFIER_PATTERN, key) is not None
    )


def _rule_for(
    check: _Checker,
    reconfirm: dict[str, str],
    declared: DeclaredSlot | None,
    slot_id: str,
    entry: tuple[str, str, dict[str, Any]],
    value: str,
    content_version: str,
) -> LocalRule | None:
    """The rule for ``slot_id``, or None when it is refused or held back for re-confirmation.

    A rule approved against another content version waits for its owner when that version's slot
    changed, or no longer takes its value (an option removed, a minimum raised, an input check
    narrowed); the rest of the file stays in force. Against the content in use, either is simply
    a wrong file.
    """
    change, approved_against, recorded = entry
    where = ("values", slot_id)
    updated = approved_against != content_version
    changed = _slot_change(declared, recorded)
    if changed and not updated:
        check.at(where, f"the rule for “{slot_id}” does not match its slot: {changed}", key=True)
        return None
    if changed:
        why = f"in content {content_version} {changed}"
        _hold_back(check, reconfirm, slot_id, _reconfirm_message(slot_id, approved_against, why))
        return None
    assert declared is not None
    problem = placed_value_problem(declared, value)
    if problem is None:
        return LocalRule(slot_id, declared.item, value, change, approved_against)
    if problem.set_by_content and updated:
        why = f"content {content_version} does not take its value: {problem.message}"
        _hold_back(check, reconfirm, slot_id, _reconfirm_message(slot_id, approved_against, why))
    else:
        check.at_value(where, value, problem)
    return None


def _reconfirm_message(slot_id: str, approved_against: str, why: str) -> str:
    return (
        f"re-confirm “{slot_id}”: approved against content {approved_against}, and {why};"
        " this rule is not used until re-approved"
    )


def _hold_back(check: _Checker, reconfirm: dict[str, str], slot_id: str, message: str) -> None:
    """Leave the rule for ``slot_id`` out until re-approved, reported at its value's key."""
    reconfirm[slot_id] = message
    line, column = check.document.key_position(("values", slot_id)) or (None, None)
    check.reconfirm.append(ContentProblem(check.display, line, column, message))


def _rule_entry(
    check: _Checker, governance: Mapping[str, Any], slot_id: str, *, report_missing: bool
) -> tuple[str, str, dict[str, Any]] | None:
    """(change summary, content version approved against, slot as approved) of one rule."""
    if slot_id not in governance:
        if not report_missing:
            return None
        check.at(
            ("values", slot_id),
            f"“{slot_id}” has no entry under “rules” (change summary, approved_against, and the"
            " slot's meaning, type and unit as approved)",
            key=True,
        )
        return None
    path: DataPath = ("rules", slot_id)
    entry = check.mapping(governance[slot_id], path, f"the rule for “{slot_id}”")
    if entry is None:
        return None
    check.unknown_keys(entry, _RULE_KEYS, path)
    change = check.text(entry, "change", path)
    against = entry.get("approved_against")
    if not isinstance(against, str) or not _VERSION.fullmatch(against):
        check.at(
            (*path, "approved_against"),
            '“approved_against” must be the content version in quotes, e.g. "2026.11.1"',
        )
        against = None
    recorded = {key: entry.get(key) for key in ("meaning", "type", "unit")}
    if not isinstance(recorded["meaning"], str) or not isinstance(recorded["type"], str):
        check.at(path, f"the rule for “{slot_id}” records the slot's meaning and type as approved")
        return None
    if change is None or against is None:
        return None
    return change, against, recorded


def _slot_change(declared: DeclaredSlot | None, recorded: Mapping[str, Any]) -> str | None:
    """How the slot differs from what the rule was approved against, or None."""
    if declared is None:
        return "the slot no longer exists"
    slot = declared.slot
    differences = [
        name
        for name, now in (("meaning", slot.meaning), ("type", slot.type), ("unit", slot.unit))
        if recorded.get(name) != now
    ]
    if not differences:
        return None
    return f"the slot's {' and '.join(differences)} changed (now: {slot.type}, {slot.unit or 'no unit'}, “{slot.meaning}”)"


def template(slots: Mapping[str, DeclaredSlot], content_version: str) -> str:
    """The local-rules file to start from: every slot with an empty value and what it means."""
    lines = [
        "# ketaref local rules: the clinic's values for the content's site-defined slots.",
        "# Fill what the clinic has approved; leave the rest empty (it stays blank on paper).",
        "# Then: ketaref local-rules validate local-rules.yaml; ketaref local-rules sign ...",
        'clinic: ""',
        'document: ""            # the local document, e.g. "Clinic policy KC-07 rev 3"',
        'version: "1"            # raise for every change: older versions are refused',
        'clinical_owner: {name: "", role: ""}',
        'approved_by: {name: "", role: ""}',
        'approving_body: ""      # e.g. "Drugs and therapeutics committee"',
        "approved_on: YYYY-MM-DD",
        "effective_from: YYYY-MM-DD",
        "review_due: YYYY-MM-DD",
        "values:",
    ]
    for slot_id, declared in slots.items():
        lines.append(f"  # {_describe(declared)}")
        lines.append(f'  {slot_id}: ""')
    lines.append("# One entry per value set above: what changed, and the slot as approved.")
    lines.append("rules:")
    for slot_id, declared in slots.items():
        slot = declared.slot
        unit = slot.unit if slot.unit else "null"
        lines.append(f"  {slot_id}:")
        lines.append('    change: ""')
        lines.append(f'    approved_against: "{content_version}"')
        lines.append(f"    meaning: {_quoted(slot.meaning)}")
        lines.append(f"    type: {slot.type}")
        lines.append(f"    unit: {unit}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _describe(declared: DeclaredSlot) -> str:
    slot = declared.slot
    parts = [slot.meaning, f"type {slot.type}", f"unit {slot.unit or 'none'}"]
    if declared.options:
        parts.append(f"options: {', '.join(declared.options)}")
    if slot.at_least is not None:
        parts.append(f"at least {slot.at_least} (published minimum)")
    if slot.input_check is not None:
        parts.append(f"accepted {input_check_text(slot.type, slot.input_check)}")
    parts.append(f"item {declared.item}")
    return "; ".join(parts)


def template_json(slots: Mapping[str, DeclaredSlot]) -> list[dict[str, Any]]:
    """The slots as the contract's JSON objects: id, item, meaning, type, unit, options, and the
    published minimum and the input check's accepted range (or null)."""
    return [
        {
            "id": slot_id,
            "item": declared.item,
            "meaning": declared.slot.meaning,
            "type": declared.slot.type,
            "unit": declared.slot.unit,
            "options": list(declared.options) if declared.slot.type == "choice" else None,
            "at_least": str(declared.slot.at_least) if declared.slot.at_least else None,
            "input_check": str(check.accepted) if (check := declared.slot.input_check) else None,
        }
        for slot_id, declared in slots.items()
    ]


@dataclass(frozen=True)
class LocalRulesInForce:
    """The local rules in use (or none), where they came from, and what users must be told."""

    rules: LocalRules | None = None
    origin: str = ""
    notices: tuple[str, ...] = ()
    #: Why the clinic's file was refused ("" when it was not).
    refusal: str = ""
    problems: tuple[ContentProblem, ...] = field(default=())
    #: Past the file's review date (and the policy says warn): values are marked so.
    past_review: bool = False

    def rule(self, slot_id: str) -> LocalRule | None:
        """The clinic's rule for a slot, None when unset (or left out for re-confirmation)."""
        return self.rules.rules.get(slot_id) if self.rules else None

    def held_back(self, slot_id: str) -> bool:
        """Whether the clinic set this slot but its rule waits for re-confirmation (not used)."""
        return self.rules is not None and slot_id in self.rules.reconfirm

    def attribution(self) -> str:
        """What each value is shown and printed with, marked when past its review date."""
        if self.rules is None:
            return ""
        mark = " (past review date)" if self.past_review else ""
        return self.rules.attribution() + mark

    def describe(self) -> str:
        """The rules in force as one line, e.g. ``Clinic policy KC-07 rev 3, version 3``."""
        if self.rules is None:
            return "none"
        return f"{self.rules.document}, version {self.rules.version} ({self.rules.clinic})"

    def version_text(self) -> str:
        """The version of the rules in force, or ``none``."""
        return self.rules.version if self.rules else "none"

    def footer(self) -> str:
        """How printouts name the rules in force, next to the content version."""
        return f"local rules {self.rules.version}" if self.rules else "no local rules"


NO_LOCAL_RULES = LocalRulesInForce()
