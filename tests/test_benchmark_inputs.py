"""The benchmarks' own inputs stay valid as the content changes (they are not run here: they time
things, and the suite has no timed tests). A content update once made the local-rules benchmark's
file invalid, and it stopped with a traceback instead of a figure."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from ketaref import paths
from ketaref.content.format.pack import Library, load_pack
from ketaref.content.lifecycle.local_rules_gate import check_rules_file, slots_of

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def benchmark(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_local_rules_benchmark_fills_every_slot_with_a_value_the_content_takes(
    tmp_path: Path, bundled_library: Library
) -> None:
    rules = benchmark("local_rules_load").rules_file(tmp_path)
    check = check_rules_file(rules.read_bytes(), str(rules), bundled_library)
    assert check.problems == ()
    assert check.rules is not None
    assert set(check.rules.rules) == set(slots_of(bundled_library))


def test_the_content_load_benchmarks_copied_pack_is_valid(
    tmp_path: Path, bundled_library: Library
) -> None:
    copies = benchmark("content_load").build_copies(
        paths.bundled_content_dir(), tmp_path / "copies", 2
    )
    library = load_pack(copies)
    assert len(list(library.items())) == 2 * len(list(bundled_library.items()))
