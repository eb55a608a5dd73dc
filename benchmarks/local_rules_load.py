"""What a clinic's local rules add to loading the content, side by side in one run.

Two set-ups, loaded in turn for several rounds so machine noise hits both alike:

* the bundled pack alone (no ``content_dir``);
* the bundled pack with a signed ``local-rules.yaml`` filling every slot in ``content_dir``
  (signature checked, file checked against the slots, trust record read, kept copy in place).

The values are benchmark data, not clinical content. Prints both medians and the difference.

    .venv/bin/python benchmarks/local_rules_load.py [--rounds 15]

Goal (issue 17): local rules add at most 5 ms to the content load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from ketaref import paths
from ketaref.content.format.local_rules import DeclaredSlot
from ketaref.content.format.pack import load_pack
from ketaref.content.in_use.active import load_active_content
from ketaref.content.lifecycle.local_rules_gate import sign_local_rules, slots_of
from ketaref.content.lifecycle.signing import generate_keypair
from ketaref.policy import load_policy

GOAL_MS = 5.0


def benchmark_value(declared: DeclaredSlot) -> str:
    """A well-formed value of the slot's type (benchmark data, not advice)."""
    kind = declared.slot.type
    if kind == "blood-pressure":
        return "171/93 mmHg"
    if kind == "duration":
        return "150 min"  # above SPRAVATO's published 2-hour minimum
    if kind == "interval":
        return "17 min"
    if kind == "choice":
        return declared.options[0]
    return "Benchmark text, not clinical content"


def rules_file(folder: Path) -> Path:
    """A local-rules file that sets every slot of the bundled pack."""
    library = load_pack(paths.bundled_content_dir())
    slots = slots_of(library)
    lines = [
        'clinic: "Benchmark clinic"',
        'document: "Benchmark policy"',
        'version: "1"',
        'approved_by: {name: "Benchmark", role: "Benchmark"}',
        "approved_on: 2026-01-01",
        "review_due: 2099-01-01",
        "values:",
        *(f"  {i}: {json.dumps(benchmark_value(d))}" for i, d in slots.items()),
        "rules:",
    ]
    for slot_id, declared in slots.items():
        slot = declared.slot
        lines += [
            f"  {slot_id}:",
            '    change: "benchmark"',
            f'    approved_against: "{library.version}"',
            f"    meaning: {json.dumps(slot.meaning)}",
            f"    type: {slot.type}",
            f"    unit: {slot.unit or 'null'}",
        ]
    path = folder / "local-rules.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        os.environ["KETAREF_STATE_DIR"] = str(root / "state")
        os.environ["KETAREF_USER_SETTINGS"] = str(root / "user.toml")
        private, public = generate_keypair(root / "keys", "bench")
        site = root / "site"
        site.mkdir()
        rules = rules_file(site)
        sign_local_rules(rules, private, load_pack(paths.bundled_content_dir()))
        plain_policy = root / "plain.toml"
        plain_policy.write_text("", encoding="utf-8")
        rules_policy = root / "rules.toml"
        rules_policy.write_text(
            f"content_dir = {json.dumps(str(site))}\ntrusted_keys = [{json.dumps(str(public))}]\n",
            encoding="utf-8",
        )
        timings: dict[str, list[float]] = {"bundled pack": [], "with local rules": []}
        policies = {"bundled pack": plain_policy, "with local rules": rules_policy}
        for round_number in range(args.rounds + 1):
            for name, policy_path in policies.items():
                os.environ["KETAREF_POLICY"] = str(policy_path)
                policy = load_policy()
                started = time.perf_counter()
                active = load_active_content(policy)
                elapsed = time.perf_counter() - started
                if name == "with local rules":
                    assert active.local_rules.rules is not None, active.notices
                if round_number:  # the first round warms caches and installs the kept copy
                    timings[name].append(elapsed * 1000)
        medians = {name: statistics.median(values) for name, values in timings.items()}
        for name, value in medians.items():
            print(f"{name:<18} {value:7.1f} ms (median of {args.rounds})")
        added = medians["with local rules"] - medians["bundled pack"]
        verdict = "within" if added <= GOAL_MS else "OVER"
        print(
            f"local rules add  {added:7.1f} ms to the content load ({verdict} the {GOAL_MS:g} ms goal)"
        )


if __name__ == "__main__":
    main()
