"""Start-up time and peak memory: `ketaref --exit-after-startup` against a bare PySide6 window.

All run in the same session, alternating, several times each; the ratio of the median wall times
is printed with each one's peak resident memory (from the kernel's accounting of the child). The
ratio of CPU times (user + system) is printed too: on a busy machine it moves less than wall time.
Goal: ratio ≤ 1.5 (must be ≤ 2.0), peak ≤ 150 MiB. QT_QPA_PLATFORM defaults to offscreen.

ketaref is measured twice. "ketaref" is the usual start: the content is unchanged since the last
run, so the window is built from the start-up snapshot (ketaref.content.snapshot) and the pack is
loaded in full after the window is painted (an ``--exit-after-startup`` run exits before that).
"ketaref, first start" has no snapshot (a first start, or the first after a content, policy or
app update): it loads and validates the pack before building the window. The limits apply to the
usual start; the first start is printed so nobody mistakes one for the other, and so is the
usual start run until the pack has loaded behind the window (what a user who clicks an item the
instant the window appears waits for).

Run: `.venv/bin/python benchmarks/startup.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
app.processEvents()
"""
#: The usual start, run until the pack has loaded behind the painted window: what a user who
#: clicks an item the instant the window appears waits for.
UNTIL_PACK_LOADED = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ketaref.gui import app

watch = app._when_loaded

def when_loaded(window):
    watch(window)
    QTimer.singleShot(0, lambda: (window.loaded_content(), QApplication.exit(0)))

app._when_loaded = when_loaded
sys.exit(app.run_app(exit_after_startup=False))
"""
RATIO_GOAL, RATIO_LIMIT, PEAK_LIMIT_MIB = 1.5, 2.0, 150
FIRST_START = "ketaref, first start"
PACK_LOADED = "ketaref, pack loaded"


def ketaref_command() -> list[str]:
    """The installed `ketaref` script next to this Python, else `python -m ketaref`."""
    script = Path(sys.executable).with_name("ketaref")
    if script.exists():
        return [str(script), "--exit-after-startup"]
    found = shutil.which("ketaref")
    return [found, "--exit-after-startup"] if found else [sys.executable, "-m", "ketaref"]


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one run; raise if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}: {stderr.strip()}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> int:
    """Measure both, print medians, the ratio and peak memory; exit 1 if a limit is broken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (default 7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        env = os.environ | {
            "KETAREF_STATE_DIR": state,
            "XDG_CONFIG_HOME": state,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        }
        # An installed ketaref has its bytecode compiled (as PySide6 does in site-packages);
        # let the unmeasured warm-up run write it rather than compile ketaref on every run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        snapshot = Path(state) / "startup-snapshot.json"
        commands = {
            "ketaref": ketaref_command(),
            FIRST_START: ketaref_command(),
            PACK_LOADED: [sys.executable, "-c", UNTIL_PACK_LOADED],
            "bare QMainWindow": [sys.executable, "-c", BARE_WINDOW],
        }
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for command in commands.values():  # warm the file cache once, unmeasured
            run_once(command, env)
        for _ in range(args.runs):
            for name, command in commands.items():
                if name == FIRST_START:
                    snapshot.unlink(missing_ok=True)
                results[name].append(run_once(command, env))
                if name == FIRST_START and not snapshot.exists():
                    raise SystemExit("the first start kept no start-up snapshot")
    medians = {name: statistics.median(r[0] for r in runs) for name, runs in results.items()}
    cpu = {name: statistics.median(r[1] for r in runs) for name, runs in results.items()}
    peaks = {name: max(r[2] for r in runs) for name, runs in results.items()}
    for name in commands:
        print(
            f"{name:>20}: median wall {medians[name] * 1000:4.0f} ms, CPU {cpu[name] * 1000:4.0f} ms,"
            f" peak {peaks[name]:5.1f} MiB"
        )
    ratio = medians["ketaref"] / medians["bare QMainWindow"]
    print(f"ratio of CPU medians: {cpu['ketaref'] / cpu['bare QMainWindow']:.2f}×")
    verdict = (
        "goal met"
        if ratio <= RATIO_GOAL
        else "within limit"
        if ratio <= RATIO_LIMIT
        else "OVER LIMIT"
    )
    print(
        f"ratio of medians: {ratio:.2f}× ({verdict}; goal ≤ {RATIO_GOAL}×, limit ≤ {RATIO_LIMIT}×)"
    )
    first = medians[FIRST_START] / medians["bare QMainWindow"]
    print(f"first start (no snapshot: the pack is validated before the window): {first:.2f}×")
    loaded = medians[PACK_LOADED] / medians["bare QMainWindow"]
    print(f"usual start until the pack has loaded behind the window: {loaded:.2f}×")
    peak = max(peaks["ketaref"], peaks[FIRST_START])
    print(f"ketaref peak memory: {peak:.1f} MiB (limit {PEAK_LIMIT_MIB} MiB)")
    return 0 if ratio <= RATIO_LIMIT and peak <= PEAK_LIMIT_MIB else 1


if __name__ == "__main__":
    raise SystemExit(main())
