"""The command line starts without Qt or reportlab, so every command but the GUI stays quick."""

from __future__ import annotations

import json
import subprocess
import sys


def test_importing_the_cli_pulls_in_neither_qt_nor_reportlab() -> None:
    probe = (
        "import json, sys, ketaref.cli; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('PySide6', 'shiboken6', 'reportlab'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []
