"""The performance budget (issue: installer and performance budget; DESIGN §10).

Builds (once) a 100,000-case database with `complaintdesk seed-demo`, then prints for each
operation the median time and its ratio to the library floor measured in the same run.
Run by hand — never part of CI's pass/fail:

    uv run python benchmarks/run_all.py [DATA_DIR] [--cases 100000] [--only start|list|pdf]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import HEADER, ensure_db, interleaved_median_ms, median_ms, paired_ms, row

HERE = Path(__file__).resolve().parent


def start_figures(data_dirs: list[Path | None], runs: int = 7
                  ) -> list[tuple[float, float, float]]:
    """For each data dir (None: the floor, an empty QMainWindow), medians over fresh
    processes — run in turn, floor and app alternating, so load swings hit them alike: ms to
    the window's first paint, ms to "ready" (the app's list page painted; the floor has
    none) and MB resident then."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let Python keep its .pyc like a user's PC
    commands = [[sys.executable, str(HERE / "bench_start.py"),
                 *(["app", str(d)] if d else ["floor"])] for d in data_dirs]
    for args in commands:  # warm the .pyc and the file caches
        subprocess.run(args, env=env, capture_output=True, check=True)
    figures: list[list[list[float]]] = [[] for _ in commands]
    for _ in range(runs):
        for i, args in enumerate(commands):
            out = subprocess.run(args, env=env, capture_output=True, text=True,
                                 check=True).stdout
            figures[i].append([float(x) for x in out.split()])
    return [(statistics.median(f[0] for f in fs) * 1000,
             statistics.median(f[-2] for f in fs) * 1000,
             statistics.median(f[-1] for f in fs)) for fs in figures]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", nargs="?", type=Path,
                    default=Path(tempfile.gettempdir()) / "complaintdesk-bench")
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--only", choices=["start", "list", "pdf"],
                    help="run one section (start: start-up and memory; list: the case list; "
                         "pdf: the 处理单 from the database)")
    ap.add_argument("--repeat", type=int, default=10,
                    help="PDF section: timed rounds (each prints a case not printed before)")
    args = ap.parse_args()
    db = ensure_db(args.data_dir, args.cases)

    from complaintdesk.domain.query import CaseQuery
    from complaintdesk.domain.records import Intake, Role
    from complaintdesk.services.base import SYSTEM_USER
    from complaintdesk.services.container import open_services
    from complaintdesk.storage.database import DatabaseConfig

    # work on a copy: advancing steps and registering change the database
    work = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    shutil.copy(db, work / "complaintdesk.sqlite3")
    services = open_services(DatabaseConfig.sqlite_file(work / "complaintdesk.sqlite3"),
                             data_dir=work, auto_backup=False)
    raw = sqlite3.connect(str(work / "complaintdesk.sqlite3"))
    n = raw.execute("SELECT count(*) FROM complaint_case").fetchone()[0]
    print(f"database: {n} cases, {db.stat().st_size / 1e6:.0f} MB\n")
    lines = [HEADER]

    # ---- start-up and memory --------------------------------------------------------
    if args.only in (None, "start"):
        empty = Path(tempfile.mkdtemp(prefix="cd-empty-"))
        from complaintdesk.services.demo import seed_demo

        e = open_services(DatabaseConfig.sqlite_file(empty / "complaintdesk.sqlite3"),
                          data_dir=empty, auto_backup=False)
        seed_demo(e, cases=0)
        e.dispose()
        (floor_ms, _, floor_mb), (empty_ms, empty_ready, _), (full_ms, full_ready, full_mb) = \
            start_figures([None, empty, work])
        lines.append(row("start to painted main window (empty db)", empty_ms, floor_ms, "≤ 2×"))
        lines.append(row(f"start to painted main window ({n // 1000}k db)", full_ms, floor_ms, "≤ 2×"))
        lines.append(row("  … to the list's first page painted (empty)", empty_ready, None, "—"))
        lines.append(row(f"  … to the list's first page painted ({n // 1000}k)", full_ready, None,
                         "—"))

    if args.only == "start":
        lines.append(f"| {'resident memory, 100k db open':<44} | {full_mb:6.0f} MB | "
                     f"{floor_mb:6.0f} MB | +{full_mb - floor_mb:.0f} MB | ≤ +150 MB |")
        print("\n".join(lines))
        services.dispose()
        raw.close()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(empty, ignore_errors=True)
        return

    # ---- the case list ----------------------------------------------------------------
    if args.only in (None, "list"):
        # The floor is the very SQL list_page runs (17 columns, the department join, the id
        # tie-break), on a plain sqlite3 connection; ours and the floor run alternately.
        from complaintdesk.storage.uow import ListRead

        cols = ("id, number, registered_at, customer_name, phone, plate, category, severity, "
                "department_id, current_step, current_deadline, status")

        def raw_page(where: str, params: tuple):
            sql = f"SELECT {cols} FROM complaint_case WHERE {where} ORDER BY registered_at DESC LIMIT 200"
            return lambda: raw.execute(sql, params).fetchall()

        def same_sql(q: CaseQuery):
            with ListRead(services.engine) as read:
                sql, params = read.cases.page_sql(q, services.clock.now(), 0, 200)
            return lambda: raw.execute(sql, params).fetchall()

        q = CaseQuery(status="open", department_id=2)
        ours_ms, floor_ms = paired_ms(lambda: services.cases.list_page(SYSTEM_USER, q, 0, 200),
                                      same_sql(q))
        lines.append(row("first page of the list, filter status+dept", ours_ms, floor_ms, "≤ 2×"))
        ours_ms, floor_ms = paired_ms(lambda: services.cases.list_page(SYSTEM_USER, q, 0, 200),
                                      raw_page("status=? AND department_id=?", ("open", 2)))
        lines.append(row("  the same vs 12-column SQL without the join", ours_ms, floor_ms, "(info)"))
        vin = raw.execute("SELECT vin FROM complaint_case WHERE vin!='' LIMIT 1 OFFSET ?", (n // 3,)).fetchone()[0]
        phone = raw.execute("SELECT phone FROM complaint_case LIMIT 1 OFFSET ?", (n // 2,)).fetchone()[0]
        like = ("customer_name LIKE ? OR phone LIKE ? OR plate LIKE ? OR vin LIKE ? OR number LIKE ? "
                "OR description LIKE ?")
        for label, kw in (("keyword: 1-char surname 王", "王"), ("keyword: phone fragment", phone[-6:]),
                          ("keyword: VIN fragment", vin[-7:])):
            lines.append(row(label, *paired_ms(lambda kw=kw: services.cases.list_page(
                SYSTEM_USER, CaseQuery(keyword=kw), 0, 200), raw_page(like, (f"%{kw}%",) * 6),
                repeat=15), "≤ 1×"))
    if args.only == "list":
        print("\n".join(lines))
        services.dispose()
        raw.close()
        shutil.rmtree(work)
        return

    # ---- a case: open, advance ----------------------------------------------------------
    if args.only is None:
        some = raw.execute("SELECT id FROM complaint_case LIMIT 1 OFFSET ?", (n // 20,)).fetchone()[0]
        lines.append(row("open a case", median_ms(lambda: services.cases.open_case(SYSTEM_USER, some)),
                         None, "≤ 20 ms"))
        cs = next(u for u in services.people.users() if u.has(Role.CS_CENTER))
        fresh = []
        for _ in range(25):
            now = services.clock.now()
            fresh.append(services.intake.register(SYSTEM_USER, Intake(
                customer_name="测试", phone="13800138000", description="基准测试",
                complained_at=now - timedelta(minutes=5))).id)
        it = iter(fresh)
        lines.append(row("advance a step (with audit)", median_ms(lambda: services.workflow.act(
            cs, next(it), "forward", {"category": "其他", "severity": "normal", "department_id": 2}),
            repeat=20, warmup=2), None, "≤ 10 ms"))
        # DESIGN §4.5: every PC scans for due reminders each minute: the open cases whose
        # stored next mark has come, read off ix_case_next_mark. The first scan of a database
        # (or after the upgrade, or a change of calendar) works every open case's mark out:
        # timed once, apart
        t0 = time.perf_counter()
        services.alerts.scan()
        first_ms = (time.perf_counter() - t0) * 1000
        lines.append(row("reminder scan (each minute)", median_ms(services.alerts.scan,
                                                                  repeat=20), None, "≤ 10 ms"))
        lines.append(row("  the first scan (every open mark worked out)", first_ms, None,
                         "(info)"))

    # ---- PDF ------------------------------------------------------------------------------
    from bench_pdf import floor_pdf

    rounds = max(args.repeat, 3)
    closed = [r[0] for r in raw.execute(
        "SELECT id FROM complaint_case WHERE status='closed' LIMIT ?", (rounds + 2,)).fetchall()]
    others = iter(closed[1:])
    # the same case again (its QR code and its own font subset come from the caches), and
    # a case not printed before each time (both built): the first print of a case
    pdf = interleaved_median_ms({
        "again": lambda: services.printing.case_pdf(SYSTEM_USER, closed[0]),
        "new": lambda: services.printing.case_pdf(SYSTEM_USER, next(others)),
        "floor": floor_pdf,
    }, repeat=min(rounds, len(closed) - 2), warmup=1)
    lines.append(row("one 处理单 PDF (warm, from the database)", pdf["again"], pdf["floor"],
                     "≤ 3×"))
    lines.append(row("  … a case not printed before", pdf["new"], pdf["floor"], "≤ 3×"))
    if args.only == "pdf":
        print("\n".join(lines))
        services.dispose()
        raw.close()
        shutil.rmtree(work, ignore_errors=True)
        return

    # ---- Excel ------------------------------------------------------------------------------
    from bench_excel import db_figures

    # the whole export as the app runs it: load, KPIs, write (bench_excel.py --data-dir)
    for label, ours, floor in db_figures(services, None, work):
        # the year's first export in a process (statements compiled, its medians worked
        # out) is shown for information: the target is the export again (issue 17)
        target = "(info)" if label.startswith("year") and "first" in label else "≤ 2×"
        lines.append(row(label, ours * 1000, floor * 1000, target))

    lines.append(f"| {'resident memory, 100k db open':<44} | {full_mb:6.0f} MB | "
                 f"{floor_mb:6.0f} MB | +{full_mb - floor_mb:.0f} MB | ≤ +150 MB |")
    print("\n".join(lines))
    services.dispose()
    raw.close()
    shutil.rmtree(work, ignore_errors=True)  # the 100k copy: 750 MB each run otherwise
    shutil.rmtree(empty, ignore_errors=True)


if __name__ == "__main__":
    main()
