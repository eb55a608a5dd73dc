"""Which content pack is in use, and why.

The bundled pack, unless the machine policy names a site pack (``content_dir``) that is complete,
valid and trusted; otherwise the last good pack. Callers get the ``Library`` and the notices to
show (banner in the GUI, stderr in the CLI). Never a mix of two packs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ketaref import paths
from ketaref.content.pack import Library, load_pack
from ketaref.content.problems import ContentProblem


@dataclass(frozen=True)
class ActiveContent:
    """The pack in use, where it came from, and what the user must be told about it."""

    library: Library
    origin: str
    notices: tuple[str, ...] = ()
    refused_problems: tuple[ContentProblem, ...] = field(default=())


def load_active_content() -> ActiveContent:
    """Load the pack the app should use now (raises ContentError if even the bundled one fails)."""
    return ActiveContent(library=load_pack(paths.bundled_content_dir()), origin="bundled")
