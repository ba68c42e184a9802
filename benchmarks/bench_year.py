"""The year workbook alone, from a database (`--data-dir`), against its floor (openpyxl
write-only writing the same cells): the first export of the process, then later exports
alternating with the floor (medians). A quicker look than `bench_excel.py --data-dir`,
which also measures the month workbooks. Exports write an audit entry each: run it on a
copy of a database.

    uv run python benchmarks/bench_year.py --data-dir DIR [--year 2026] [--repeat 15]
    uv run python benchmarks/bench_year.py --data-dir DIR --profile   # cProfile of "again"
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_excel import floor_writer  # noqa: E402
from common import paired_ms  # noqa: E402


def cpu_paired_ms(ours, floor, repeat: int) -> tuple[float, float]:
    """`paired_ms` timed in CPU seconds of this process."""
    times: dict[str, list[float]] = {"ours": [], "floor": []}
    for _ in range(2):
        ours()
        floor()
    for _ in range(repeat):
        for name, fn in (("ours", ours), ("floor", floor)):
            t0 = time.process_time()
            fn()
            times[name].append((time.process_time() - t0) * 1000)
    return statistics.median(times["ours"]), statistics.median(times["floor"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--year", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--cpu", action="store_true",
                    help="time this process's CPU seconds, not the wall clock (both sides; "
                         "less disturbed on a busy machine)")
    ap.add_argument("--forget-medians", action="store_true",
                    help="delete the kept medians first (as a fresh database has none)")
    ap.add_argument("--after-months", action="store_true",
                    help="export the current and the previous month first, as run_all does "
                         "before the year")
    args = ap.parse_args()

    from complaintdesk.services.base import SYSTEM_USER
    from complaintdesk.services.container import open_services
    from complaintdesk.storage.database import DatabaseConfig

    work = Path(tempfile.mkdtemp(prefix="cd-bench-year-"))
    if args.forget_medians:
        import sqlite3

        with sqlite3.connect(args.data_dir / "complaintdesk.sqlite3") as db:
            db.execute("DELETE FROM kpi_median")
    services = open_services(DatabaseConfig.sqlite_file(args.data_dir / "complaintdesk.sqlite3"),
                             data_dir=args.data_dir, auto_backup=False)
    try:
        reports = services.reports
        year = args.year or services.clock.now().astimezone(reports.tz).year
        path = work / "y.xlsx"
        if args.after_months:
            from complaintdesk.domain.kpi import shift_month

            now = services.clock.now().astimezone(reports.tz)
            for yy, mm in ((now.year, now.month), shift_month((now.year, now.month), -1)):
                reports.write_month(SYSTEM_USER, yy, mm, work / "m.xlsx")

        def export() -> None:
            reports.write_year(SYSTEM_USER, year, path)

        clock = time.process_time if args.cpu else time.perf_counter
        t0 = clock()
        export()
        first = clock() - t0
        floor = floor_writer(path.read_bytes())
        floors = []
        for _ in range(3):
            t0 = clock()
            floor()
            floors.append(clock() - t0)
        f_first = min(floors)
        print(f"year workbook {year}, first export: {first * 1000:.1f} ms; floor "
              f"{f_first * 1000:.1f} ms; ratio {first / f_first:.2f}x")
        if args.profile:
            export()
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(5):
                export()
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
            return
        if args.cpu:
            ours, fl = cpu_paired_ms(export, floor, args.repeat)
        else:
            ours, fl = paired_ms(export, floor, repeat=args.repeat, warmup=2)
        print(f"year workbook {year}, again (median of {args.repeat}, alternating"
              f"{', CPU time' if args.cpu else ''}): {ours:.1f} ms; floor {fl:.1f} ms; "
              f"ratio {ours / fl:.2f}x")
    finally:
        services.dispose()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
