"""The wheel carries its resources: built, installed outside the source tree, and run from there."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ketaref import paths

ROOT = Path(__file__).resolve().parents[2]

# Runs the installed copy with the source tree removed from sys.path (the editable install of
# .venv puts it there), so a resource missing from the wheel cannot be found in the checkout.
RUN_INSTALLED = """
import os, sys
target, source = sys.argv[1], sys.argv[2]
sys.path[:] = [target] + [p for p in sys.path if p and os.path.abspath(p) != source]
import ketaref
from ketaref import paths
from ketaref.cli import main
assert ketaref.__file__.startswith(target), ketaref.__file__
print(paths.resources_dir(), flush=True)
sys.exit(main(["content", "validate"]))
"""
#: Building the wheel and installing it with pip takes minutes on a loaded machine.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once with pip (no new build tool)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("ketaref-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_every_bundled_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        "ketaref/resources/" + str(p.relative_to(paths.resources_dir()))
        for p in paths.resources_dir().rglob("*")
        if p.is_file()
    }
    assert "ketaref/resources/content/manifest.yaml" in names
    assert shipped <= names, sorted(shipped - names)


@pytest.mark.slow
def test_the_installed_wheel_validates_its_content_from_outside_the_source_tree(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "installed"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    result = subprocess.run(
        [sys.executable, "-c", RUN_INSTALLED, str(target), str(ROOT)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(target / "ketaref" / "resources")
    assert "valid" in result.stderr
