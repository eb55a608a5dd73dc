"""What a site pack costs at start-up: bundled pack vs. signed site pack (kept copy) vs. first install.

Measured side by side in one run, interleaved, median of N rounds; prints milliseconds and ratios
to the bundled pack. Run: ``.venv/bin/python benchmarks/site_pack_start.py [ROUNDS]``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ketaref import paths
from ketaref.content.in_use.active import load_active_content
from ketaref.content.lifecycle.signing import generate_keypair, sign_pack
from ketaref.policy import load_policy


def main(rounds: int) -> None:
    """Time the three cases and print them."""
    root = Path(tempfile.mkdtemp(prefix="ketaref-bench-"))
    try:
        private, public = generate_keypair(root / "keys")
        shared = root / "shared"
        shutil.copytree(paths.bundled_content_dir(), shared)
        sign_pack(shared, private)
        os.environ["KETAREF_STATE_DIR"] = str(root / "state")
        bundled_policy = root / "none.toml"
        site_policy = root / "site.toml"
        site_policy.write_text(
            f"content_dir = {json.dumps(str(shared))}\ntrusted_keys = [{json.dumps(str(public))}]\n"
        )

        def run(policy_file: Path, fresh_state: bool) -> float:
            if fresh_state:
                shutil.rmtree(root / "state", ignore_errors=True)
            os.environ["KETAREF_POLICY"] = str(policy_file)
            started = time.perf_counter()
            active = load_active_content(load_policy())
            elapsed = time.perf_counter() - started
            assert not active.notices, active.notices
            return elapsed * 1000

        cases = {
            "bundled pack": (bundled_policy, False),
            "site pack, kept copy verified": (site_policy, False),
            "site pack, first install (copy + verify + record)": (site_policy, True),
        }
        run(site_policy, True)  # warm up imports and caches
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):
            for name, (policy_file, fresh) in cases.items():
                times[name].append(run(policy_file, fresh))
        base = statistics.median(times["bundled pack"])
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:<52} {median:7.1f} ms   ×{median / base:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
