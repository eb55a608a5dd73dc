"""What changed between two content packs, in clinical terms.

Every item (protocol, checklist, contraindication list) of the two packs is compared field by
field. Quantities and ranges are compared by where they sit (``schedule “Induction” › doses #2``)
and sorted into doses, times and thresholds; statements are matched by their wording, so an
inserted warning shows as one added warning, not as every later warning reworded. Sources and the
manifest (version, expiry, reviews, changelog) are compared too.

A number that changes tenfold or more (or changes unit, or to or from zero) is *flagged* unless the
changed statement (or checklist item, or weight limits) carries a ``change_reason`` that is new in
this version: a slipped decimal point must not pass review unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from pydantic import BaseModel

from ketaref.content.model import Statement
from ketaref.content.pack import Library
from ketaref.content.quantity import DOSE_UNITS, RATE_UNITS, TIME_UNITS, Quantity, QuantityRange
from ketaref.text import plural

#: A change of at least this factor is flagged without a change_reason.
FLAG_RATIO = Decimal(10)
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

    def as_json(self) -> dict[str, Any]:
        """The change as plain JSON values."""
        return {
            "category": self.category,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "ratio": None if self.ratio is None else _ratio_text(self.ratio),
            "flagged": self.flagged,
            "change_reason": self.change_reason,
        }


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


def _numeric_change(
    old: Quantity | QuantityRange, new: Quantity | QuantityRange, path: str, reasons: Reasons
) -> Change:
    if isinstance(old, Quantity) and isinstance(new, Quantity):
        pairs = [(old.value, new.value)]
    elif isinstance(old, QuantityRange) and isinstance(new, QuantityRange):
        pairs = [(old.low, new.low), (old.high, new.high)]
    else:  # a single value became a range or the other way: compare the ends
        old_ends = [old.value] * 2 if isinstance(old, Quantity) else [old.low, old.high]
        new_ends = [new.value] * 2 if isinstance(new, Quantity) else [new.low, new.high]
        pairs = list(zip(old_ends, new_ends, strict=True))
    factors = [_factor(a, b) for a, b in pairs]
    ratio = None if None in factors else max(f for f in factors if f is not None)
    risky = old.unit is not new.unit or ratio is None or ratio >= FLAG_RATIO
    reason = reasons.new if reasons.new and reasons.new != reasons.old else None
    return Change(
        _category(new.unit),
        path,
        str(old),
        str(new),
        ratio=ratio if old.unit is new.unit else None,
        flagged=risky and reason is None,
        change_reason=reason,
        grew=pairs[0][1] > pairs[0][0],
    )


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
        yield Change(category, path, _summary(old), _summary(new))


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
            changes = tuple(_compare(before, after, "", Reasons()))
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
    else:
        verb = {"text": "reworded", "source": "citation changed"}.get(change.category, "")
        text = f"{change.category} {change.path}: {change.old} → {change.new}"
        if verb:
            where = change.path.removesuffix(" › text")
            text = f"{verb} {where}: “{change.old}” → “{change.new}”"
    if change.ratio is not None and change.ratio != 1:
        sign = "×" if change.grew else "÷"
        text += f"  ({sign}{_ratio_text(change.ratio)})"
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


def as_json(result: PackDiff) -> dict[str, Any]:
    """The diff as one JSON document."""
    return {
        "old": {"content_version": result.old.version, "pack_hash": result.old.pack_hash},
        "new": {"content_version": result.new.version, "pack_hash": result.new.pack_hash},
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
