"""Content pack load + validate: the bundled pack beside generated 10× and 100× packs.

Each generated pack holds every protocol, checklist and contraindication list of the bundled pack
copied N times with new ids and file names (links between them renamed to match; sources.yaml
stays one file), sealed with the real ``seal``. The packs are loaded in turn, several rounds, so
machine noise hits all of them alike; the script prints the medians, the ratio to the bundled
pack, and the time per item, which stays flat when loading is linear.

    .venv/bin/python benchmarks/content_load.py [--rounds 7]

Goals (issue 4): bundled ≤ 50 ms; 100× ≤ 1 s and linear.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from ketaref import paths
from ketaref.content.format.pack import KIND_DIRS, Library, load_pack
from ketaref.content.lifecycle.seal import seal

LINK_KEYS = ("id", "checklist", "contraindications")


def build_copies(source: Path, target: Path, copies: int) -> Path:
    """Write a pack with every item of ``source`` copied ``copies`` times; return its folder."""
    library = load_pack(source)
    ids = [item.id for _, item in library.items()]
    shutil.copytree(source, target)
    link = re.compile(rf"^({'|'.join(LINK_KEYS)}): ({'|'.join(map(re.escape, ids))})$", re.M)
    # Items limited to some protocols, and slot ids, which must be unique across the pack.
    applies_to = re.compile(r"^(\s*applies_to: \[)([^\]]*)\]", re.M)
    slot_id = re.compile(r"^(\s*(?:slot|local_outside_warning):\n\s*id: )([a-z0-9-]+)", re.M)
    slot_use = re.compile(r"^(\s*(?:weight_basis|interval)_slot: )([a-z0-9-]+)", re.M)
    linked_lists = re.compile(r"^(contraindications: \[)([^\]]*)\]", re.M)
    for folder in KIND_DIRS:
        for original in sorted((target / folder).glob("*.yaml")):
            text = original.read_text(encoding="utf-8")
            for number in range(copies):
                suffix = f"-copy{number:03d}"
                renamed = link.sub(lambda m, s=suffix: f"{m[1]}: {m[2]}{s}", text)
                renamed = applies_to.sub(
                    lambda m, s=suffix: m[1] + ", ".join(f"{i}{s}" for i in m[2].split(", ")) + "]",
                    renamed,
                )
                renamed = slot_id.sub(lambda m, s=suffix: f"{m[1]}{m[2]}{s}", renamed)
                renamed = slot_use.sub(lambda m, s=suffix: f"{m[1]}{m[2]}{s}", renamed)
                renamed = linked_lists.sub(
                    lambda m, s=suffix: m[1] + ", ".join(f"{i}{s}" for i in m[2].split(", ")) + "]",
                    renamed,
                )
                (original.parent / f"{original.stem}{suffix}.yaml").write_text(
                    renamed, encoding="utf-8"
                )
            original.unlink()
    seal(target, same_version=True)  # a generated pack for timing, not a release
    return target


def time_load(directory: Path) -> float:
    """Seconds to load and fully validate the pack in ``directory``."""
    started = time.perf_counter()
    load_pack(directory)
    return time.perf_counter() - started


def item_count(library: Library) -> int:
    return len(library.items())


def main() -> None:
    """Build the packs, time them side by side, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds per pack")
    rounds = parser.parse_args().rounds

    bundled = paths.bundled_content_dir()
    with tempfile.TemporaryDirectory(prefix="ketaref-bench-") as temporary:
        packs = {
            "bundled": bundled,
            "10×": build_copies(bundled, Path(temporary) / "x10", 10),
            "100×": build_copies(bundled, Path(temporary) / "x100", 100),
        }
        items = {name: item_count(load_pack(folder)) for name, folder in packs.items()}  # warm
        times: dict[str, list[float]] = {name: [] for name in packs}
        for _ in range(rounds):
            for name, folder in packs.items():
                times[name].append(time_load(folder))

    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["bundled"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"content pack load + validate, median of {rounds} rounds (side by side); "
        f"{os.cpu_count()} CPUs, load average {load:.1f} (figures grow with it)"
    )
    print(f"{'pack':<8} {'items':>6} {'median':>10} {'min':>10} {'ratio':>7} {'per item':>10}")
    for name, median in medians.items():
        print(
            f"{name:<8} {items[name]:>6} {median * 1000:>8.1f} ms {min(times[name]) * 1000:>7.1f} ms"
            f" {median / base:>6.1f}× {median / items[name] * 1000:>7.2f} ms"
        )
    print(
        f"goals: bundled ≤ 50 ms: {'met' if base <= 0.05 else 'MISSED'}; "
        f"100× ≤ 1 s: {'met' if medians['100×'] <= 1 else 'MISSED'}; "
        f"100×/10× = {medians['100×'] / medians['10×']:.1f} (10 is linear)"
    )


if __name__ == "__main__":
    main()
