"""Start-up against a bare PySide6 window: first paint, time to usable, peak memory.

In one run, alternating, several times each (medians; the ratio is ketaref's median over the bare
window's):

* **bare window**: a bare PySide6 ``QMainWindow``, run until it has painted;
* **first paint**: ``ketaref --exit-after-first-paint``, until its window has painted (it says
  "Loading content…" while the content loads behind it);
* **time to usable**: ``ketaref --exit-after-startup``, until the content has loaded, been
  validated and is on screen (the navigation and the home page list every item; a click shows
  one). Every run is a *first start*: a new, empty state folder and settings, so nothing a
  previous run left can stand in for the load;
* **…and an item opened**: the same, then the first protocol opened and painted (the render and
  the dose calculator; printed for information, no limit);
* **first start after install**: time to usable from a fresh copy of the ``ketaref`` package that
  has no compiled bytecode and never gets any (``PYTHONDONTWRITEBYTECODE``), so every module of
  ours is compiled as on the very first start of an install that did not precompile it: the
  worst case (pip and the packaged app ship compiled bytecode). Printed for information, no limit.

Peak memory is each child's peak resident set (the kernel's accounting). CPU time (user + system)
is printed too: on a busy machine the longer runs wait for a core more than the bare window does,
so wall-time ratios grow while CPU ratios stay steadier; the load average is printed, and the
limits are judged on wall time as measured on a quiet machine. QT_QPA_PLATFORM defaults to
offscreen. Limits: time to usable ≤ 3.0× (target 2.5×), first paint ≤ 2.0×, peak ≤ 150 MiB.

Run: `.venv/bin/python benchmarks/startup.py [--runs N]`; exit 1 if a limit is broken.
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

#: The same "painted" signal as ketaref's: the window's first paint event, then exit.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class AfterPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication(sys.argv[:1])
window = QMainWindow()
watcher = AfterPaint()
window.installEventFilter(watcher)
window.show()
sys.exit(app.exec())
"""
#: Time to usable, then the first protocol opened (what a first click costs on top).
ITEM_OPENED = """
import gc, sys
gc.disable()  # as `ketaref` does before importing Qt
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ketaref.gui import app
from ketaref.gui.main_window import MainWindow

qt_app = QApplication(sys.argv[:1])

def open_first_protocol(window):
    window.open_item(next(iter(window.library.protocols)))
    window.repaint()  # the item, painted
    qt_app.exit(0)

def when_built():
    window = next(w for w in qt_app.topLevelWidgets() if isinstance(w, MainWindow))
    window.contentShown.connect(lambda: open_first_protocol(window))

QTimer.singleShot(0, when_built)
sys.exit(app.run_app())
"""
BARE = "bare window"
FIRST_PAINT = "first paint"
USABLE = "time to usable"
ITEM = "…and an item opened"
AFTER_INSTALL = "first start after install"
PAINT_LIMIT, USABLE_LIMIT, USABLE_TARGET, PEAK_LIMIT_MIB = 2.0, 3.0, 2.5, 150


def ketaref_command(flag: str) -> list[str]:
    """The installed `ketaref` script next to this Python (else `python -m ketaref`), with ``flag``."""
    script = Path(sys.executable).with_name("ketaref")
    if script.exists():
        return [str(script), flag]
    found = shutil.which("ketaref")
    return [found, flag] if found else [sys.executable, "-m", "ketaref", flag]


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one run, on a new state folder."""
    with tempfile.TemporaryDirectory() as state:
        env = env | {"KETAREF_STATE_DIR": state, "XDG_CONFIG_HOME": state}
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if code != 0:
            raise SystemExit(f"{' '.join(command)} exited {code}: {stderr.strip()}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # KiB on Linux


def fresh_install(folder: Path) -> list[str]:
    """A copy of the ketaref package in ``folder`` without bytecode, beside the repository's
    resources; the command that starts it until usable."""
    package = Path(__file__).resolve().parent.parent / "ketaref"
    shutil.copytree(package, folder / "ketaref", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "resources").symlink_to(package.parent / "resources", target_is_directory=True)
    return [
        sys.executable,
        "-c",
        f"import sys; sys.path.insert(0, {str(folder)!r}); "
        "from ketaref.cli import main; sys.exit(main(['--exit-after-startup']))",
    ]


def main() -> int:
    """Measure, print medians, ratios and peak memory; exit 1 if a limit is broken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each (default 9)")
    args = parser.parse_args()
    env = os.environ | {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    # An installed ketaref has its bytecode compiled (as PySide6 does in site-packages); let the
    # unmeasured warm-up run write it rather than compile ketaref on every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    install = Path(tempfile.mkdtemp(prefix="ketaref-install-"))
    commands = {
        BARE: [sys.executable, "-c", BARE_WINDOW],
        FIRST_PAINT: ketaref_command("--exit-after-first-paint"),
        USABLE: ketaref_command("--exit-after-startup"),
        ITEM: [sys.executable, "-c", ITEM_OPENED],
        AFTER_INSTALL: fresh_install(install),
    }
    envs = dict.fromkeys(commands, env) | {AFTER_INSTALL: env | {"PYTHONDONTWRITEBYTECODE": "1"}}
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    load_before = os.getloadavg()[0]
    try:
        for name, command in commands.items():  # warm the file cache once, unmeasured
            run_once(command, envs[name])
        for _ in range(args.runs):
            for name, command in commands.items():
                results[name].append(run_once(command, envs[name]))
    finally:
        shutil.rmtree(install)
    wall = {name: statistics.median(r[0] for r in runs) for name, runs in results.items()}
    cpu = {name: statistics.median(r[1] for r in runs) for name, runs in results.items()}
    peak = {name: max(r[2] for r in runs) for name, runs in results.items()}
    for name in commands:
        print(
            f"{name:>25}: median wall {wall[name] * 1000:4.0f} ms ({wall[name] / wall[BARE]:.2f}×),"
            f" CPU {cpu[name] * 1000:4.0f} ms ({cpu[name] / cpu[BARE]:.2f}×),"
            f" peak {peak[name]:5.1f} MiB"
        )
    load = max(load_before, os.getloadavg()[0])
    cores = os.cpu_count() or 1
    print(
        f"load average {load:.1f} on {cores} cores"
        + (" (busy: wall ratios inflated)" if load > cores / 2 else "")
    )
    paint, usable = wall[FIRST_PAINT] / wall[BARE], wall[USABLE] / wall[BARE]
    ketaref_peak = max(peak[FIRST_PAINT], peak[USABLE])
    verdicts = [
        (f"first paint {paint:.2f}×", paint <= PAINT_LIMIT, f"limit ≤ {PAINT_LIMIT}×"),
        (
            f"time to usable (first start) {usable:.2f}×",
            usable <= USABLE_LIMIT,
            f"limit ≤ {USABLE_LIMIT}×, target ≤ {USABLE_TARGET}×"
            + (" met" if usable <= USABLE_TARGET else " not met"),
        ),
        (f"peak memory {ketaref_peak:.1f} MiB", ketaref_peak <= PEAK_LIMIT_MIB, "limit ≤ 150 MiB"),
    ]
    for what, within, limits in verdicts:
        print(f"{what}: {'within' if within else 'OVER'} ({limits})")
    return 0 if all(within for _, within, _ in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
