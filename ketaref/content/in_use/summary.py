"""The content summary: what the navigation, the home page, the banners and the status bar show.

Each item's kind, id, title and group, the pack's version, hash and review state, and what the
user must be told about the pack in use; ``summarize`` takes it from a loaded ``ActiveContent``.

Nothing here imports the content model: the window imports this module before the content loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, assert_never

from ketaref.content.format.kinds import Kind, kind_of

if TYPE_CHECKING:
    from ketaref.content.format.model import ContentItem
    from ketaref.content.in_use.active import ActiveContent

#: Shown wherever content without a reviewer's sign-off appears (screen, status bar, paper).
NOT_REVIEWED = "not yet clinically reviewed"


@dataclass(frozen=True)
class CatalogueEntry:
    """One item of the pack as the navigation and the home page list it."""

    kind: Kind
    item_id: str
    title: str
    #: Protocols only: the indication they are grouped under.
    indication: str = ""
    #: Protocols only: the regulatory status in the words users see ("FDA-approved labelling").
    status: str = ""


@dataclass(frozen=True)
class ContentSummary:
    """The pack in use, in brief: its identity, its items, and what the user must be told."""

    version: str
    pack_hash: str
    reviewed: bool
    origin: str
    entries: tuple[CatalogueEntry, ...]
    notices: tuple[str, ...] = ()
    #: Every problem of a refused site pack, as ``file:line:col: message`` lines.
    refused_problems: tuple[str, ...] = ()
    expired: bool = False
    refused: bool = False

    def entry(self, item_id: str) -> CatalogueEntry | None:
        """The catalogue entry of an item, or None."""
        return next((e for e in self.entries if e.item_id == item_id), None)


def catalogue_entry(item: ContentItem) -> CatalogueEntry:
    """How the navigation and the home page list ``item``."""
    from ketaref.content.format.model import Checklist, ContraindicationList, Protocol

    match item:
        case Protocol():
            status = item.regulatory_status.label
            return CatalogueEntry(kind_of(item), item.id, item.title, item.indication, status)
        case Checklist() | ContraindicationList():
            return CatalogueEntry(kind_of(item), item.id, item.title)
        case _:
            assert_never(item)


def summarize(active: ActiveContent) -> ContentSummary:
    """The summary of loaded content."""
    library = active.library
    return ContentSummary(
        version=library.version,
        pack_hash=library.pack_hash,
        reviewed=library.reviewed,
        origin=active.origin,
        entries=tuple(catalogue_entry(item) for _, item in library.items()),
        notices=active.notices,
        refused_problems=tuple(str(problem) for problem in active.refused_problems),
        expired=active.expired,
        refused=active.refused,
    )
