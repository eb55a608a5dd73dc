"""The kinds of content item, in one place: their folder, model, names, group and link field.

A pack holds protocols, session checklists and contraindication lists. Everything that depends on
the kind of an item (where its files live, which model reads them, what screens and the CLI call
it, where the navigation puts it, which protocol field links it) is looked up here, never spelt out
again as a string.

Code that does something different per kind matches over ``Kind`` or over the item union
(``ketaref.content.format.model.ContentItem``) with ``typing.assert_never`` in the default arm, as
``kind_of`` and ``model_of`` do: a kind added here that a view forgets is then a mypy --strict
error, not a screen that shows it as something else.

This module is on the start-up path (the navigation and the home page are built from it before
the pack is loaded), so it does not import the content model; ``model_of`` and ``kind_of`` import
it when they are called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, assert_never

if TYPE_CHECKING:
    from ketaref.content.format.model import ContentItem, Protocol


class Kind(StrEnum):
    """The kinds of item a pack holds, in the order they are listed and ranked.

    The values are the ``kind`` of ``ketaref content list --json`` and ``show --json``: part of
    the CLI contract, never to change.
    """

    PROTOCOL = "protocol"
    CHECKLIST = "checklist"
    CONTRAINDICATIONS = "contraindications"


@dataclass(frozen=True)
class KindInfo:
    """Everything about one kind that is not in its items."""

    kind: Kind
    #: The folder of the pack its files lie in (``protocols/ID.yaml``).
    folder: str
    #: One item, in running text: "contraindication list".
    noun: str
    #: Several items, in running text: "contraindication lists".
    nouns: str
    #: The line above an item's title on screen and beside it in search results.
    heading: str
    #: The navigation group its items are listed under; None: under each item's indication.
    group: str | None
    #: The protocol field that links items of this kind (None: nothing links them).
    link_field: str | None


def _describe(kind: Kind) -> KindInfo:
    match kind:
        case Kind.PROTOCOL:
            return KindInfo(
                kind,
                folder="protocols",
                noun="protocol",
                nouns="protocols",
                heading="Protocol",
                group=None,
                link_field=None,
            )
        case Kind.CHECKLIST:
            return KindInfo(
                kind,
                folder="checklists",
                noun="checklist",
                nouns="checklists",
                heading="Session checklist",
                group="Checklists",
                link_field="checklist",
            )
        case Kind.CONTRAINDICATIONS:
            return KindInfo(
                kind,
                folder="contraindications",
                noun="contraindication list",
                nouns="contraindication lists",
                heading="Contraindication list",
                group="Contraindications",
                link_field="contraindications",
            )
        case _:
            assert_never(kind)


#: Every kind and what it is, in ``Kind`` order.
KINDS: Mapping[Kind, KindInfo] = MappingProxyType({kind: _describe(kind) for kind in Kind})


def kinds_in_words(conjunction: str = "and", *, plural: bool = False) -> str:
    """Every kind in a phrase: "protocol, checklist or contraindication list" (``plural``:
    "protocols, checklists and contraindication lists")."""
    nouns = [info.nouns if plural else info.noun for info in KINDS.values()]
    return f"{', '.join(nouns[:-1])} {conjunction} {nouns[-1]}" if len(nouns) > 1 else nouns[0]


def model_of(kind: Kind) -> type[ContentItem]:
    """The model the files of ``kind`` follow (imports the content model)."""
    from ketaref.content.format.model import Checklist, ContraindicationList, Protocol

    match kind:
        case Kind.PROTOCOL:
            return Protocol
        case Kind.CHECKLIST:
            return Checklist
        case Kind.CONTRAINDICATIONS:
            return ContraindicationList
        case _:
            assert_never(kind)


def kind_of(item: ContentItem) -> Kind:
    """The kind of a content item."""
    from ketaref.content.format.model import Checklist, ContraindicationList, Protocol

    match item:
        case Protocol():
            return Kind.PROTOCOL
        case Checklist():
            return Kind.CHECKLIST
        case ContraindicationList():
            return Kind.CONTRAINDICATIONS
        case _:
            assert_never(item)


def linked_ids(protocol: Protocol, kind: Kind) -> tuple[str, ...]:
    """The ids of the items of ``kind`` that ``protocol`` links (none for unlinked kinds)."""
    match kind:
        case Kind.PROTOCOL:
            return ()
        case Kind.CHECKLIST:
            return (protocol.checklist,) if protocol.checklist else ()
        case Kind.CONTRAINDICATIONS:
            return protocol.contraindications
        case _:
            assert_never(kind)
