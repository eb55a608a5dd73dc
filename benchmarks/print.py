"""How fast a session checklist prints.

* warm: build_checklist_pdf in a process that has already built one (fonts registered, modules
  imported), median over many runs, for every protocol with a checklist and both paper sizes;
  the goal is at most 50 ms (wall time; CPU time is shown too, as a shared machine slows wall
  time down);
* cold: ``ketaref print`` end to end in a fresh process (start-up, content load, build, atomic
  write), median of several runs.

Run: ``.venv/bin/python benchmarks/print.py [--runs N] [--cold-runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ketaref import paths
from ketaref.content.format.pack import load_pack
from ketaref.printing.checklist_pdf import build_checklist_pdf, printable_protocols
from ketaref.printing.patient import PatientDetails

WARM_GOAL_MS = 50.0


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def warm(runs: int) -> bool:
    """Print the warm build figures; return whether every median meets the goal."""
    library = load_pack(paths.bundled_content_dir())
    patient = PatientDetails(name="Benchmark Patient", patient_id="B-1", weight="70 kg")
    met = True
    for protocol in printable_protocols(library):
        for paper in ("a4", "letter"):
            build_checklist_pdf(library, protocol.id, paper=paper, patient=patient)  # warm up
            samples, cpu_samples = [], []
            for _ in range(runs):
                started, cpu_started = time.perf_counter(), time.process_time()
                build_checklist_pdf(library, protocol.id, paper=paper, patient=patient)
                samples.append(time.perf_counter() - started)
                cpu_samples.append(time.process_time() - cpu_started)
            median = median_ms(samples)
            met &= median <= WARM_GOAL_MS
            print(
                f"warm build  {protocol.id:<28} {paper:<6} median {median:6.1f} ms"
                f"  (CPU {median_ms(cpu_samples):.1f} ms, min {min(samples) * 1000:.1f},"
                f" max {max(samples) * 1000:.1f}, n={runs})"
                f"  goal ≤ {WARM_GOAL_MS:.0f} ms: {'met' if median <= WARM_GOAL_MS else 'MISSED'}"
            )
    return met


def cold(runs: int) -> None:
    """Print the median wall time of ``ketaref print`` in a fresh process."""
    library = load_pack(paths.bundled_content_dir())
    protocol_id = printable_protocols(library)[0].id
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "checklist.pdf"
        command = [sys.executable, "-m", "ketaref", "print", "--protocol", protocol_id]
        command += ["--out", str(out)]
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            samples.append(time.perf_counter() - started)
    print(
        f"cold `ketaref print --protocol {protocol_id}`: median {median_ms(samples):.0f} ms"
        f"  (min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f}, n={runs})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="warm builds per checklist")
    parser.add_argument("--cold-runs", type=int, default=7, help="cold CLI runs")
    args = parser.parse_args()
    met = warm(args.runs)
    cold(args.cold_runs)
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
