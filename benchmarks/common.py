"""Helpers shared by the benchmark scripts (run by hand, never by CI's pass/fail)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def median_ms(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def interleaved_median_ms(fns: dict[str, Callable[[], object]], repeat: int = 15,
                          warmup: int = 2) -> dict[str, float]:
    """Median ms of each function, run in turn (a, b, a, b, …) so that a busy machine slows
    them alike and their ratio holds."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append((time.perf_counter() - t0) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


def paired_ms(ours: Callable[[], object], floor: Callable[[], object], repeat: int = 31,
              warmup: int = 3) -> tuple[float, float]:
    """Medians of `ours` and `floor` run alternately, so both see the same machine load."""
    m = interleaved_median_ms({"ours": ours, "floor": floor}, repeat, warmup)
    return m["ours"], m["floor"]


def ensure_db(data_dir: Path, cases: int) -> Path:
    """A database of `cases` demo cases, made once with `complaintdesk seed-demo`."""
    db = data_dir / "complaintdesk.sqlite3"
    marker = data_dir / f".seeded-{cases}"
    if not marker.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "complaintdesk.cli", "--data-dir", str(data_dir),
                        "seed-demo", "--cases", str(cases)], check=True)
        print(f"seed-demo --cases {cases}: {time.perf_counter() - t0:.0f} s")
        marker.touch()
    return db


def row(name: str, ours: float, floor: float | None, target: str) -> str:
    ratio = f"{ours / floor:5.2f}×" if floor else "   — "
    fl = f"{floor:8.1f}" if floor is not None else "       —"
    return f"| {name:<44} | {ours:8.1f} | {fl} | {ratio} | {target:<8} |"


HEADER = ("| operation                                    |  ours ms | floor ms |  ratio | target   |\n"
          "|----------------------------------------------|---------:|---------:|-------:|----------|")
