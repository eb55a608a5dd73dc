"""The content a window shows: loading, loaded (set once), or failed.

Loading the active content reads the site folder, checks signatures and hashes, and validates
every file: it runs in a worker (``ketaref.gui.tasks``), never on the screen thread. Until it
ends, ``active`` is None and the window shows that the content is loading; nothing ever waits
for the load. When it ends, ``loaded`` (or ``failed``) is emitted once, on the screen thread,
between two events: the content is never swapped in the middle of what the user is doing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from ketaref.gui.tasks import task_runner

if TYPE_CHECKING:
    from ketaref.content.in_use.active import ActiveContent

#: Loads the content to show (e.g. ``load_active_content`` with the start-up policy).
ContentLoader = Callable[[], "ActiveContent"]


class ContentLoad(QObject):
    """The window's content and where its load stands."""

    #: The content has loaded (an ``ActiveContent``); emitted once.
    loaded = Signal(object)
    #: The content could not be loaded (the exception); emitted once.
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._active: ActiveContent | None = None
        self._failure: BaseException | None = None
        self._started = False

    @property
    def active(self) -> ActiveContent | None:
        """The loaded content; None while it loads (or if it failed)."""
        return self._active

    @property
    def failure(self) -> BaseException | None:
        """Why the load failed, if it did."""
        return self._failure

    @property
    def is_loading(self) -> bool:
        """Whether the content is still on its way."""
        return self._started and self._active is None and self._failure is None

    def start(self, load: ContentLoader) -> Future[ActiveContent]:
        """Load in a worker; ``loaded`` or ``failed`` follows on this thread. Once only."""
        if self._started:
            raise RuntimeError("the content is loaded once per window")
        self._started = True
        return task_runner().run_in_background(
            load, self._finished, context=self, name="ketaref content load"
        )

    def set(self, active: ActiveContent) -> None:
        """Content loaded already (by the caller): shown at once, as a finished load would be."""
        if self._started:
            raise RuntimeError("the content is loaded once per window")
        self._started = True
        self._active = active
        self.loaded.emit(active)

    def _finished(self, future: Future[ActiveContent]) -> None:
        try:
            active = future.result()
        except Exception as exc:  # noqa: BLE001  every failure is the window's to report, in words
            self._failure = exc
            self.failed.emit(exc)
            return
        self._active = active
        self.loaded.emit(active)
