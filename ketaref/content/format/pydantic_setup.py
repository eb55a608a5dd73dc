"""pydantic as ketaref uses it: no plugins, and no package metadata read on the way to the screen.

Imported by ``model.py`` before its first class is made (the app's start-up pays for it).
"""

import os
import sys
import types
from typing import Any

# ketaref uses no pydantic plugins. Looking for them reads the metadata of every installed
# distribution when the first model is built, on the way to the first screen; pydantic reads
# this variable then, not at import.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def import_plugin_loader_without_metadata() -> None:
    """Import pydantic's plugin loader without importing ``importlib.metadata`` yet.

    The loader (imported when the first model class is made) takes ``entry_points`` from
    ``importlib.metadata`` at module level, only to look plugins up, which the variable above
    turns off. That import (with ``email``, ``zipfile``, ``csv``, ``socket``) is some 5 % of
    the app's start-up. So the loader is imported here with a stand-in module holding an
    ``entry_points`` that imports the real one when first called: a lookup still works. The
    stand-in is in ``sys.modules`` only for this one import; nothing is done if the real module
    or the loader is imported already (or if this pydantic has no such loader).
    """
    metadata, loader = "importlib.metadata", "pydantic.plugin._loader"
    if metadata in sys.modules or loader in sys.modules:
        return

    def entry_points(**selection: Any) -> Any:
        from importlib.metadata import entry_points as real_entry_points

        return real_entry_points(**selection)

    stand_in = types.ModuleType(
        metadata, "Stands in for importlib.metadata while pydantic's plugin loader is imported."
    )
    stand_in.entry_points = entry_points  # type: ignore[attr-defined]
    sys.modules[metadata] = stand_in
    try:
        __import__(loader)
    except ModuleNotFoundError:  # a pydantic without this loader: nothing to defer
        pass
    finally:
        if sys.modules.get(metadata) is stand_in:
            del sys.modules[metadata]


import_plugin_loader_without_metadata()
