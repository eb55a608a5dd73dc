"""How long a dose takes: the calculator against plain Decimal arithmetic, and `ketaref dose`
against `ketaref --version`, measured side by side in one run.

Run: .venv/bin/python benchmarks/dose.py
"""

from __future__ import annotations

import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from decimal import Decimal

from ketaref import paths
from ketaref.content.format.model import WeightBasedRegimen
from ketaref.content.format.pack import load_pack
from ketaref.dosing.calculator import calculate


def best_of(repeat: int, function: Callable[[], object], number: int) -> float:
    """Seconds per call, best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number


def bare_arithmetic() -> Decimal:
    kg = Decimal("154") * Decimal("0.45359237")
    dose = Decimal("0.5") * kg
    return dose * 60 / Decimal(40)


def process_seconds(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ketaref", *args], capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    library = load_pack(paths.bundled_content_dir())
    spravato = library.protocols["spravato-trd"]
    weight_based = [
        (protocol, regimen)
        for protocol in library.protocols.values()
        for regimen in (protocol.dosing.regimens if protocol.dosing else ())
        if isinstance(regimen, WeightBasedRegimen)
    ]

    bare = best_of(5, bare_arithmetic, 2000)
    fixed = best_of(5, lambda: calculate(spravato, dose="84 mg").summary_lines(False), 2000)
    print(f"bare Decimal arithmetic              {bare * 1e6:8.1f} µs")
    print(f"spravato-trd 84 mg + summary lines   {fixed * 1e6:8.1f} µs  ({fixed / bare:.0f}× bare)")
    for protocol, regimen in weight_based:
        standard, allowed = regimen.standard_dose, regimen.allowed_range
        dose = str(standard.value) if standard else f"{allowed.value.high} {regimen.dose_unit}"
        per_call = best_of(
            5,
            lambda p=protocol, d=dose: calculate(
                p, weight="154 lb", dose=d, concentration="10 mg/mL"
            ).summary_lines(False),
            2000,
        )
        label = f"{protocol.id} {dose}"
        print(f"{label:<36} {per_call * 1e6:8.1f} µs  ({per_call / bare:.0f}× bare)")

    version = min(process_seconds("--version") for _ in range(3))
    dose = min(
        process_seconds("dose", "--protocol", "spravato-trd", "--dose", "84 mg", "--json")
        for _ in range(3)
    )
    print(f"ketaref --version                    {version * 1000:8.0f} ms")
    print(
        f"ketaref dose … --json                {dose * 1000:8.0f} ms  ({dose / version:.2f}× --version)"
    )


if __name__ == "__main__":
    main()
