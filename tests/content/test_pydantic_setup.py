"""pydantic's plugin loader is imported without importlib.metadata, and still works when used."""

from __future__ import annotations

import json
import subprocess
import sys

#: Loads the bundled pack, then says what the start-up imported and what a plugin lookup finds.
PROBE = """
import json, os, sys
from ketaref.content.in_use.active import load_active_content
load_active_content()
imported_metadata = "importlib.metadata" in sys.modules
import pydantic.plugin._loader as loader
del os.environ["PYDANTIC_DISABLE_PLUGINS"]  # a lookup as pydantic makes it with plugins on
plugins = list(loader.get_plugins())
print(json.dumps([imported_metadata, len(plugins), "importlib.metadata" in sys.modules]))
"""


def test_loading_the_content_does_not_import_package_metadata_but_a_lookup_still_can() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    imported_at_load, plugins_found, imported_by_lookup = json.loads(result.stdout)
    assert imported_at_load is False
    assert plugins_found == 0  # none installed: the lookup ran through the real entry_points
    assert imported_by_lookup is True
