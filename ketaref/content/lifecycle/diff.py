"""What changed between two content packs, in clinical terms.

Every item (protocol, checklist, contraindication list) of the two packs is compared field by
field. Quantities and ranges are compared by where they sit (``schedule “Induction” › doses #2``)
and sorted into doses, times and thresholds; statements are matched by their wording, so an
inserted warning shows as one added warning, not as every later warning reworded. Sources and the
manifest (version, expiry, reviews, changelog) are compared too.

A reworded text is searched for quantities (a number with a unit, ``quantity.prose_quantities``)
on both sides: each that changed, appeared or disappeared is a number change of its own, listed
at the top of the item before any wording, so "0.5 mg/kg" becoming "0.6 mg/kg" inside a sentence
is never read as wording. A quantity that only moved within the sentence is no change.

A number that changes tenfold or more (or changes unit, or to or from zero) is *flagged* unless the
changed statement (or checklist item, or weight limits) carries a ``change_reason`` that is new in
this version: a slipped decimal point must not pass review unnoticed. Changes by a factor of 2 or
more are counted apart in the summary and marked on their line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from pydantic import BaseModel

from ketaref.content.format.model import Statement
from ketaref.content.format.pack import Library
from ketaref.content.format.quantity import (
    DOSE_UNITS,
    RATE_UNITS,
    TIME_UNITS,
    ProseQuantity,
    Quantity,
    QuantityRange,
    Unit,
    prose_quantities,
)
from ketaref.text import plural

#: A change of at least this factor is flagged without a change_reason.
FLAG_RATIO = Decimal(10)
#: A change of at least this factor (either way) is counted and marked as large.
LARGE_RATIO = Decimal(2)
#: Categories of changes that are number changes.
NUMBER_CATEGORIES = ("dose", "time", "threshold")
#: Units of prose that count things given (“3 infusions”) or measure time beyond the Unit list.
_PROSE_COUNTS = frozenset({"device", "spray", "dose", "infusion", "session", "treatment"})
_PROSE_TIMES = frozenset({"month", "year"})
_LABEL_FIELDS = ("id", "phase", "when", "pause_point", "study", "topic", "name")
_CITATION_FIELDS = ("source", "locator", "also_cited")


@dataclass(frozen=True)
class Change:
    """One difference inside an item.

    ``category``: ``dose``, ``time``, ``threshold`` (numbers), ``text`` (reworded), ``source``
    (citation changed), ``added``, ``removed`` or ``field`` (anything else, e.g. a title).
    """

    category: str
    path: str
    old: str | None
    new: str | None
    ratio: Decimal | None = None
    flagged: bool = False
    change_reason: str | None = None
    #: For numbers: whether the new value is larger (compared at the lower end of ranges).
    grew: bool | None = None
    #: For a number found in reworded text: the text's number changes hold it too.
    in_text: bool = False
    #: For reworded text: the number changes found in it.
    numbers: tuple[Change, ...] = ()

    @property
    def is_number(self) -> bool:
        """Whether this is a number change (structured, or found in reworded text)."""
        return self.category in NUMBER_CATEGORIES

    @property
    def large(self) -> bool:
        """A number change by a factor of 2 or more either way, or with no factor (a new unit,
        to or from zero); a number that appeared or disappeared is neither."""
        if not self.is_number or self.old is None or self.new is None:
            return False
        return self.ratio is None or self.ratio >= LARGE_RATIO

    def as_json(self) -> dict[str, Any]:
        """The change as plain JSON values."""
        document: dict[str, Any] = {
            "category": self.category,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "ratio": None if self.ratio is None else _ratio_text(self.ratio),
            "flagged": self.flagged,
            "change_reason": self.change_reason,
        }
        if self.is_number:
            document |= {"large": self.large, "in_text": self.in_text}
        if self.category == "text":
            document["number_changes"] = [number.as_json() for number in self.numbers]
        return document


@dataclass(frozen=True)
class ItemDiff:
    """How one item changed: ``added``, ``removed`` or ``changed`` with its changes."""

    kind: str
    id: str
    status: str
    title: str
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class PackDiff:
    """Every clinical difference between two packs."""

    old: Library
    new: Library
    items: tuple[ItemDiff, ...]
    sources: tuple[Change, ...]
    manifest: tuple[Change, ...]
    flagged: tuple[tuple[ItemDiff, Change], ...] = field(default=())

    @property
    def unchanged(self) -> bool:
        """Whether nothing of clinical or editorial meaning differs."""
        return not (self.items or self.sources or self.manifest)

    @property
    def number_changes(self) -> list[Change]:
        """Every number change of every item (structured, and found in reworded text)."""
        return [change for item in self.items for change in item.changes if change.is_number]

    def count(self, status: str) -> int:
        """How many items were ``added`` or ``removed``."""
        return sum(item.status == status for item in self.items)

    @property
    def same_version(self) -> bool:
        """Whether two different packs carry the same content version."""
        return self.old.version == self.new.version and self.old.pack_hash != self.new.pack_hash


@dataclass(frozen=True)
class Reasons:
    """The change_reason of the nearest enclosing statement, in the old and the new pack."""

    old: str | None = None
    new: str | None = None


def _ratio_text(ratio: Decimal) -> str:
    return format(ratio.quantize(Decimal("0.01")).normalize(), "f")


def _category(unit: Any) -> str:
    if unit in DOSE_UNITS or unit in RATE_UNITS:
        return "dose"
    if unit in TIME_UNITS:
        return "time"
    return "threshold"


def _factor(old: Decimal, new: Decimal) -> Decimal | None:
    """How many times larger or smaller ``new`` is than ``old``; None for a change to/from 0."""
    if old == new:
        return Decimal(1)
    if old == 0 or new == 0:
        return None
    return max(new / old, old / new)


def _ends(value: Quantity | QuantityRange) -> tuple[Decimal, Decimal]:
    """Low and high end of a value (a single value is both)."""
    if isinstance(value, Quantity):
        return value.value, value.value
    return value.low, value.high


def _number_change(
    category: str,
    path: str,
    old: tuple[str, tuple[Decimal, Decimal], str],
    new: tuple[str, tuple[Decimal, Decimal], str],
    reasons: Reasons,
    in_text: bool = False,
) -> Change:
    """A number change from (shown, ends, unit) to (shown, ends, unit), with its factor."""
    (old_shown, old_ends, old_unit), (new_shown, new_ends, new_unit) = old, new
    pairs = list(zip(old_ends, new_ends, strict=True))
    factors = [_factor(a, b) for a, b in pairs]
    ratio = None if None in factors else max(f for f in factors if f is not None)
    risky = old_unit != new_unit or ratio is None or ratio >= FLAG_RATIO
    reason = reasons.new if reasons.new and reasons.new != reasons.old else None
    return Change(
        category,
        path,
        old_shown,
        new_shown,
        ratio=ratio if old_unit == new_unit else None,
        flagged=risky and reason is None,
        change_reason=reason,
        grew=pairs[0][1] > pairs[0][0],
        in_text=in_text,
    )


def _numeric_change(
    old: Quantity | QuantityRange, new: Quantity | QuantityRange, path: str, reasons: Reasons
) -> Change:
    return _number_change(
        _category(new.unit),
        path,
        (str(old), _ends(old), old.unit),
        (str(new), _ends(new), new.unit),
        reasons,
    )


def _prose_category(unit: str) -> str:
    """``dose``, ``time`` or ``threshold`` for a unit found in prose."""
    if unit in {u.value for u in Unit}:
        return _category(Unit(unit))
    if unit in _PROSE_TIMES:
        return "time"
    if unit in _PROSE_COUNTS or unit.startswith(("mg", "mcg", "mL")):
        return "dose"
    return "threshold"


def _pair_quantities(
    olds: list[ProseQuantity], news: list[ProseQuantity]
) -> list[tuple[ProseQuantity | None, ProseQuantity | None]]:
    """The quantities that differ between two wordings, paired old with new.

    A quantity on both sides (wherever it moved) is no change. The rest pair in order: in the
    same unit first, then in another unit of the same kind (mg → mcg); what is left appeared
    or disappeared.
    """
    unmatched_new = list(news)
    unmatched_old = []
    for quantity in olds:
        twin = next((other for other in unmatched_new if other.same_amount(quantity)), None)
        if twin is None:
            unmatched_old.append(quantity)
        else:
            unmatched_new.remove(twin)
    pairs: list[tuple[ProseQuantity | None, ProseQuantity | None]] = []
    for alike in (
        lambda a, b: a.unit == b.unit,
        lambda a, b: _prose_category(a.unit) == _prose_category(b.unit),
    ):
        for quantity in list(unmatched_old):
            partner = next((other for other in unmatched_new if alike(quantity, other)), None)
            if partner is not None:
                pairs.append((quantity, partner))
                unmatched_old.remove(quantity)
                unmatched_new.remove(partner)
    return pairs + [(q, None) for q in unmatched_old] + [(None, q) for q in unmatched_new]


def _text_numbers(old: str, new: str, path: str, reasons: Reasons) -> tuple[Change, ...]:
    """Each quantity that changed, appeared or disappeared between two wordings of a text."""
    where = f"{path.removesuffix(' › text')} (in the text)"
    changes = []
    for before, after in _pair_quantities(prose_quantities(old), prose_quantities(new)):
        if before is not None and after is not None:
            changes.append(
                _number_change(
                    _prose_category(after.unit),
                    where,
                    (before.written, before.ends, before.unit),
                    (after.written, after.ends, after.unit),
                    reasons,
                    in_text=True,
                )
            )
        else:
            present = after or before
            assert present is not None  # a pair always holds at least one side
            changes.append(
                Change(
                    _prose_category(present.unit),
                    where,
                    None if before is None else before.written,
                    None if after is None else after.written,
                    in_text=True,
                )
            )
    return tuple(changes)


def _summary(value: Any) -> str:
    if isinstance(value, Statement):
        return value.text
    if isinstance(value, BaseModel):
        for name in ("text", "title", "label", "phase", "id", "name"):
            if isinstance(getattr(value, name, None), str):
                return str(getattr(value, name))
        return type(value).__name__
    return str(value)


def _label(value: Any, index: int) -> str:
    for name in _LABEL_FIELDS:
        label = getattr(value, name, None)
        if isinstance(label, str):
            return f"“{label}”"
    return f"#{index + 1}"


def _key(value: Any) -> str:
    """What identifies a list element across versions: its id or label, else its wording."""
    for name in _LABEL_FIELDS:
        if isinstance(getattr(value, name, None), str):
            return f"{name}:{getattr(value, name)}"
    return _summary(value)


def _join(path: str, part: str) -> str:
    return f"{path} › {part}" if path else part


def _compare(old: Any, new: Any, path: str, reasons: Reasons) -> Iterator[Change]:
    if old == new:
        return
    if old is None or new is None:
        if old is None:
            yield Change("added", path, None, _summary(new))
        else:
            yield Change("removed", path, _summary(old), None)
        return
    numbers = (Quantity, QuantityRange)
    if isinstance(old, numbers) and isinstance(new, numbers):
        yield _numeric_change(old, new, path, reasons)
    elif isinstance(old, BaseModel) and type(old) is type(new):
        if "change_reason" in type(old).model_fields:
            reasons = Reasons(getattr(old, "change_reason"), getattr(new, "change_reason"))  # noqa: B009
        for name in type(old).model_fields:
            if name != "change_reason":
                yield from _compare(
                    getattr(old, name), getattr(new, name), _join(path, name), reasons
                )
    elif isinstance(old, tuple) and isinstance(new, tuple):
        yield from _compare_sequences(old, new, path, reasons)
    else:
        last = path.rsplit(" › ", 1)[-1]
        category = "text" if last == "text" else "source" if last in _CITATION_FIELDS else "field"
        old_text, new_text = _summary(old), _summary(new)
        in_text: tuple[Change, ...] = ()
        if category != "source" and isinstance(old, str) and isinstance(new, str):
            in_text = _text_numbers(old_text, new_text, path, reasons)
            yield from in_text
        yield Change(category, path, old_text, new_text, numbers=in_text)


def _compare_sequences(
    old: tuple[Any, ...], new: tuple[Any, ...], path: str, reasons: Reasons
) -> Iterator[Change]:
    matcher = SequenceMatcher(None, [_key(v) for v in old], [_key(v) for v in new], autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        olds, news = old[old_start:old_end], new[new_start:new_end]
        paired = min(len(olds), len(news)) if tag in ("equal", "replace") else 0
        for offset in range(paired):
            element_path = f"{path} {_label(news[offset], new_start + offset)}"
            yield from _compare(olds[offset], news[offset], element_path, reasons)
        for offset, value in enumerate(olds[paired:], start=old_start + paired):
            yield Change("removed", f"{path} {_label(value, offset)}", _summary(value), None)
        for offset, value in enumerate(news[paired:], start=new_start + paired):
            yield Change("added", f"{path} {_label(value, offset)}", None, _summary(value))


def _source_changes(old: Library, new: Library) -> Iterator[Change]:
    for source_id in sorted(set(old.sources) | set(new.sources)):
        before, after = old.sources.get(source_id), new.sources.get(source_id)
        if before is None and after is not None:
            yield Change("added", source_id, None, after.citation)
        elif after is None and before is not None:
            yield Change("removed", source_id, before.citation, None)
        else:
            yield from _compare(before, after, source_id, Reasons())


def _manifest_changes(old: Library, new: Library) -> Iterator[Change]:
    for name in ("content_version", "released", "expires", "intended_use"):
        before, after = getattr(old.manifest, name), getattr(new.manifest, name)
        if before != after:
            shown = [None if v is None else str(v) for v in (before, after)]
            yield Change("field", name, shown[0], shown[1])
    yield from _compare_sequences(old.manifest.reviews, new.manifest.reviews, "reviews", Reasons())
    yield from _compare_sequences(old.manifest.changes, new.manifest.changes, "changes", Reasons())


def diff_packs(old: Library, new: Library) -> PackDiff:
    """Compare two loaded packs item by item."""
    old_items = {(kind, item.id): item for kind, item in old.items()}
    new_items = {(kind, item.id): item for kind, item in new.items()}
    items: list[ItemDiff] = []
    flagged: list[tuple[ItemDiff, Change]] = []
    for kind, item_id in sorted(old_items.keys() | new_items.keys()):
        before, after = old_items.get((kind, item_id)), new_items.get((kind, item_id))
        if before is None and after is not None:
            items.append(ItemDiff(kind, item_id, "added", after.title))
        elif after is None and before is not None:
            items.append(ItemDiff(kind, item_id, "removed", before.title))
        elif before is not None and after is not None and before != after:
            found = list(_compare(before, after, "", Reasons()))
            # Number changes first, in reading order, then every other change: a reviewer
            # reads the numbers before any wording.
            changes = tuple(sorted(found, key=lambda change: not change.is_number))
            entry = ItemDiff(kind, item_id, "changed", after.title, changes)
            items.append(entry)
            flagged += [(entry, change) for change in changes if change.flagged]
    return PackDiff(
        old,
        new,
        tuple(items),
        tuple(_source_changes(old, new)),
        tuple(_manifest_changes(old, new)),
        tuple(flagged),
    )


def _change_line(change: Change) -> str:
    if change.category == "added":
        text = f"added {change.path}: {change.new}"
    elif change.category == "removed":
        text = f"removed {change.path}: {change.old}"
    elif change.old is None:
        text = f"{change.category} {change.path}: {change.new} appeared"
    elif change.new is None:
        text = f"{change.category} {change.path}: {change.old} disappeared"
    else:
        verb = {"text": "reworded", "source": "citation changed"}.get(change.category, "")
        text = f"{change.category} {change.path}: {change.old} → {change.new}"
        if verb:
            where = change.path.removesuffix(" › text")
            text = f"{verb} {where}: “{change.old}” → “{change.new}”"
    if change.ratio is not None and change.ratio != 1:
        sign = "×" if change.grew else "÷"
        text += f"  ({sign}{_ratio_text(change.ratio)})"
    if change.large and change.ratio is not None:
        text += f"  ! factor {_ratio_text(LARGE_RATIO)} or more"
    if change.change_reason:
        text += f"  [reason: {change.change_reason}]"
    if change.flagged:
        text += "  !! FLAGGED: changed tenfold or more (or unit, or to/from zero) without a change_reason"
    return text


def render_text(result: PackDiff) -> str:
    """The diff as plain text for reviewers, one change per line."""
    old, new = result.old, result.new
    lines = [f"content {old.version} ({old.pack_hash}) → {new.version} ({new.pack_hash})"]
    if result.unchanged:
        lines.append("no differences")
    else:
        lines.append(_summary_line(result))
    lines += [f"warning: {warning}" for warning in warnings(result)]
    for change in result.manifest:
        lines.append(f"manifest: {_change_line(change)}")
    for item in result.items:
        lines.append(f"{item.kind} {item.id} ({item.title}): {item.status}")
        lines += [f"  {_change_line(change)}" for change in item.changes]
    if result.sources:
        lines.append("sources:")
        lines += [f"  {_change_line(change)}" for change in result.sources]
    if result.flagged:
        count = len(result.flagged)
        lines.append(f"{plural(count, 'change')} flagged for review")
    return "\n".join(lines) + "\n"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _summary_line(result: PackDiff) -> str:
    numbers = result.number_changes
    large = sum(change.large for change in numbers)
    return (
        f"summary: {_plural(len(numbers), 'number change')}, {large} large (a factor of"
        f" {_ratio_text(LARGE_RATIO)} or more either way, a new unit, or to or from zero);"
        f" {_plural(result.count('added'), 'item')} added, {result.count('removed')} removed"
    )


def warnings(result: PackDiff) -> list[str]:
    """What a reviewer must know about the two packs as a whole."""
    if not result.same_version:
        return []
    return [
        f"both packs carry content_version {result.new.version} but differ"
        f" ({result.old.pack_hash} and {result.new.pack_hash}): screens and printouts could not"
        " tell them apart; raise content_version in the new pack and seal it again"
    ]


def as_json(result: PackDiff) -> dict[str, Any]:
    """The diff as one JSON document."""
    numbers = result.number_changes
    return {
        "old": {"content_version": result.old.version, "pack_hash": result.old.pack_hash},
        "new": {"content_version": result.new.version, "pack_hash": result.new.pack_hash},
        "summary": {
            "number_changes": len(numbers),
            "large_number_changes": sum(change.large for change in numbers),
            "items_added": result.count("added"),
            "items_removed": result.count("removed"),
        },
        "warnings": warnings(result),
        "manifest": [change.as_json() for change in result.manifest],
        "items": [
            {
                "kind": item.kind,
                "id": item.id,
                "title": item.title,
                "status": item.status,
                "changes": [change.as_json() for change in item.changes],
            }
            for item in result.items
        ],
        "sources": [change.as_json() for change in result.sources],
        "flagged": len(result.flagged),
    }
