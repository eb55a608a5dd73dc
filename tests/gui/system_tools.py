"""Tests that need real system parts (X server, AT-SPI, CUPS, OCR) run where those exist.

Without them a test is skipped on a developer's machine; under CI (``CI=true``) it fails
instead, since ``.ci/run`` installs every one of them and a skip there would hide a lost test.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def in_ci() -> bool:
    """Whether this run is CI's (``CI=true``), where nothing may be skipped for lack of a tool."""
    return os.environ.get("CI", "").lower() in ("true", "1")


def missing(reason: str) -> None:
    """Skip the test for ``reason``, or fail it under CI."""
    if in_ci():
        pytest.fail(f"{reason}; .ci/run installs it, so under CI this is a failure")
    pytest.skip(reason)


def require_commands(*commands: str) -> None:
    """Every command must be on PATH (or an absolute path that exists)."""
    absent = [command for command in commands if shutil.which(command) is None]
    if absent:
        missing(f"needs {', '.join(absent)}")


def system_python_has(module: str) -> None:
    """``/usr/bin/python3`` (not the venv) must import ``module``."""
    require_commands("/usr/bin/python3")
    probe = subprocess.run(
        ["/usr/bin/python3", "-c", f"import {module}"], capture_output=True, timeout=60
    )
    if probe.returncode != 0:
        missing(f"needs {module} for /usr/bin/python3")
