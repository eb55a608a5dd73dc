"""What the main window needs before the whole pack is loaded: the content summary.

The navigation tree, the home page, the banners and the status bar show only this: each item's
kind, id, title and group, the pack's version, hash and review state, and what the user must be
told about the pack in use. ``summarize`` takes it from a loaded ``ActiveContent``; the start-up
snapshot (``ketaref.content.snapshot``) keeps it between runs, so a start-up with unchanged
inputs builds the window without importing pydantic or PyYAML. ``DeferredContent`` pairs a
summary with the full load, done once, when first needed.

Nothing here imports the content model: this module is on the start-up path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, assert_never

from ketaref.content.kinds import Kind, kind_of

if TYPE_CHECKING:
    from ketaref.content.active import ActiveContent
    from ketaref.content.model import ContentItem

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
    from ketaref.content.model import Checklist, ContraindicationList, Protocol

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


class ContentUnavailable(Exception):
    """The full content could not be loaded; ``cause`` is why (``ContentError``, ``OSError`` …)."""

    def __init__(self, cause: Exception):
        super().__init__(str(cause))
        self.cause = cause


class DeferredContent:
    """A summary to show now, and the fully loaded content once something needs it.

    ``load`` may run in a background thread (``load_in_background``) while the window, built from
    the summary, stays responsive; ``active()`` waits for it. The load runs once: if it fails,
    every call of ``active()`` raises ``ContentUnavailable`` with the same cause, and nothing
    loads again. The loader must not touch Qt: it runs outside the GUI thread.
    """

    def __init__(self, summary: ContentSummary, load: Callable[[], ActiveContent]):
        self.summary = summary
        self._load = load
        self._active: ActiveContent | None = None
        self._thread: threading.Thread | None = None
        self._failure: Exception | None = None

    @classmethod
    def of(cls, active: ActiveContent) -> DeferredContent:
        """Content that is loaded already."""
        deferred = cls(summarize(active), lambda: active)
        deferred._active = active
        return deferred

    @property
    def is_loaded(self) -> bool:
        """Whether the full content has been loaded."""
        return self._active is not None

    @property
    def failure(self) -> Exception | None:
        """Why the load failed, if it has."""
        return self._failure

    @property
    def is_loading(self) -> bool:
        """Whether a background load is still running."""
        return self._thread is not None and self._thread.is_alive()

    def load_in_background(self) -> None:
        """Start loading in a thread, unless the content is loaded, loading or failed already.

        The thread is a daemon so that a load stuck on an unreachable share cannot keep the app
        alive after the user quits; ``wait`` gives a normal load the time to finish its writes.
        """
        if self._active is None and self._thread is None and self._failure is None:
            self._thread = threading.Thread(
                target=self._load_once, name="ketaref content load", daemon=True
            )
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background load to end (at most ``timeout`` seconds); whether it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.is_loading

    def _load_once(self) -> None:
        try:
            self._active = self._load()
        except Exception as exc:  # noqa: BLE001  every failure is the caller's to report, via active()
            self._failure = exc

    def active(self) -> ActiveContent:
        """The fully loaded content: waits for a background load, or loads now.

        Raises ``ContentUnavailable`` if the load failed (now or before).
        """
        self.wait()
        if self._active is None and self._failure is None:
            self._load_once()
        if self._failure is not None:
            raise ContentUnavailable(self._failure) from self._failure
        assert self._active is not None
        return self._active
