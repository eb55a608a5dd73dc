"""Search speed: milliseconds per query on the bundled pack and on a 100× copy of it.

The 100× pack is built in memory: every protocol, checklist and contraindication list copied 100
times with new ids. Goal: at most 5 ms per query on both. Run: `.venv/bin/python benchmarks/search.py`.
"""

from __future__ import annotations

import statistics
import time
from types import MappingProxyType

from ketaref.content.format.pack import Library
from ketaref.content.in_use.active import load_active_content
from ketaref.content.in_use.search import SearchIndex

QUERIES = (
    "esketamine",
    "esketamin",
    "Spravato",
    "spravto",
    "TRD",
    "CRPS",
    "post-traumatic",
    "treatment-resistant depression",
    "blood pressure 40 minutes",
    "blood pres",
    "pulse oxim",
    "contraindications aneurism",
    "infusion 0.5 mg/kg",
    "observation",
    "s",
    "ke",
    "monitoring respiratory status",
)
GOAL_MS = 5.0


def multiplied(library: Library, times: int) -> Library:
    """``library`` with every item copied ``times`` times under new ids."""

    def copies(mapping):  # type: ignore[no-untyped-def]
        return MappingProxyType(
            {
                f"{key}-copy-{n}": item.model_copy(update={"id": f"{key}-copy-{n}"})
                for key, item in mapping.items()
                for n in range(times)
            }
        )

    return Library(
        directory=library.directory,
        manifest=library.manifest,
        manifest_bytes=library.manifest_bytes,
        sources=library.sources,
        protocols=copies(library.protocols),
        checklists=copies(library.checklists),
        contraindications=copies(library.contraindications),
    )


def measure(name: str, library: Library, rounds: int = 20) -> float:
    """Build the index, run every query ``rounds`` times, print and return the worst median."""
    started = time.perf_counter()
    index = SearchIndex.for_library(library)
    build_ms = (time.perf_counter() - started) * 1000
    medians = {}
    for query in QUERIES:
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            index.query(query)
            timings.append((time.perf_counter() - started) * 1000)
        medians[query] = statistics.median(timings)
    slowest = max(medians, key=medians.__getitem__)
    items = len(library.items())
    print(
        f"{name}: {items} items, index built in {build_ms:.0f} ms; per query: median of medians "
        f"{statistics.median(medians.values()):.3f} ms, slowest {medians[slowest]:.3f} ms "
        f"({slowest!r}); goal ≤ {GOAL_MS:g} ms: {'met' if medians[slowest] <= GOAL_MS else 'MISSED'}"
    )
    return medians[slowest]


def main() -> int:
    """Measure both packs; exit 1 if either misses the goal."""
    library = load_active_content().library
    worst = max(measure("bundled pack", library), measure("100× pack", multiplied(library, 100)))
    return 0 if worst <= GOAL_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
