"""KPI workbook benchmark (DESIGN §10): the month and the year workbook, each against the
floor — openpyxl write-only writing the same cell values with no styles, no charts.

In memory (the default): records are generated (ten §4.1 steps per case, slips for one
case in five); the month workbook at 2,000 cases and the year workbook over 100,000
cases (all in the one year: the worst case). Best of `--repeat` runs, ours and floor
alike (the machine is shared: compare the two of one run).

    uv run python benchmarks/bench_excel.py [MONTH_CASES] [YEAR_CASES] [--repeat 3]

In memory, both workbooks come from the records: each case's tally worked out and summed
on the spot (`domain/kpi/recount.py`, the same definitions as the stored tallies).

From a database (`--data-dir`, e.g. the 100,000-case one run_all.py builds): the whole
export as the app runs it, on a copy of the database (an export writes an audit entry),
for the month of the service clock (or `--month YYYY-MM`), the full month before it and
the year. Both read their figures from the running KPI tallies (`storage/kpi_reader.py`;
a first export also works out the medians, timed apart); the month reads from the
records only what its sheets list (its cases, the complaints open at its end, its slips):

    uv run python benchmarks/bench_excel.py --data-dir DIR [--month 2026-11] [--repeat 1]

`--cpu` times the process's CPU seconds instead of the wall clock (both sides).
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from complaintdesk.documents.excel_month import build_month_report, write_month_workbook
from complaintdesk.documents.excel_year import build_year_report, write_year_workbook
from complaintdesk.domain import steps as S
from complaintdesk.domain.kpi import KpiLookups, month_bounds, shift_month
from complaintdesk.domain.records import (
    CATEGORIES,
    CHANNELS,
    Case,
    CaseStatus,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    Intake,
    Penalty,
    PenaltyKind,
    Responsibility,
    Severity,
    SlipStatus,
    StepRecord,
)
from complaintdesk.storage.tables import CaseRow

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026
FLOW = (S.REGISTER, S.FORWARD, S.ASSIGN, S.HANDLE, S.DEPT_OPINION, S.ISSUE_SLIPS, S.REVISIT,
        S.EVALUATE, S.APPROVE, S.ENFORCE)
DEADLINE_H = {S.REGISTER: 1, S.FORWARD: 1, S.ASSIGN: 1, S.HANDLE: 24, S.DEPT_OPINION: 24,
              S.ISSUE_SLIPS: 12, S.REVISIT: 48, S.EVALUATE: 24, S.APPROVE: 24, S.ENFORCE: 12}
DEPTS = {i: n for i, n in enumerate(("销售部", "售后服务部", "配件部", "客服中心", "行政部",
                                     "财务部", "市场部", "二手车部"), 1)}
EMPLOYEES = {100 + i: f"员工{i:03d}" for i in range(160)}
EMP_DEPT = {e: 1 + (e % len(DEPTS)) for e in EMPLOYEES}
LOOKUPS = KpiLookups(DEPTS, EMPLOYEES, EMP_DEPT, {u: f"用户{u}" for u in range(1, 41)},
                     {u: 100 + u for u in range(1, 41)})
SATISFACTION = ("满意", "满意", "满意", "基本满意", "不满意")


def generate(n: int, start: datetime, end: datetime, now: datetime,
             seed: int = 7) -> tuple[list[Case], list[FaultSlip]]:
    rnd = random.Random(seed)
    span = (end - start).total_seconds()
    cases: list[Case] = []
    slips: list[FaultSlip] = []
    for cid in range(1, n + 1):
        received = start + timedelta(seconds=rnd.random() * span)
        t = received + timedelta(minutes=rnd.randint(5, 90))
        registered = t
        dept = rnd.randint(1, len(DEPTS))
        kind = (FeedbackKind.COMPLAINT if rnd.random() < 0.85 else
                rnd.choice((FeedbackKind.SUGGESTION, FeedbackKind.PRAISE)))
        emp = rnd.choice(list(EMPLOYEES))
        steps: list[StepRecord] = []
        closed_at = None
        for seq, key in enumerate(FLOW, 1):
            due = t
            deadline = due + timedelta(hours=DEADLINE_H[key])
            done = due + timedelta(hours=DEADLINE_H[key] * rnd.uniform(0.1, 1.3))
            data: dict = {}
            if key == S.HANDLE:
                data = {"responsible": [{"employee_id": emp, "responsibility": "main"}]}
            elif key == S.REVISIT:
                data = {"reached": rnd.random() < 0.9, "satisfaction": rnd.choice(SATISFACTION)}
            if done > now:
                steps.append(StepRecord(None, cid, key, seq, due, deadline))
                break
            steps.append(StepRecord(None, cid, key, seq, due, deadline,
                                    actor_user_id=rnd.randint(1, 40), finished_at=done,
                                    outcome="done", data=data))
            t = done
        else:
            closed_at = t
        local = registered.astimezone(TZ)
        cases.append(Case(
            id=cid, number=f"FK-{local:%Y%m}-{cid:05d}", flow=FlowKind.FEEDBACK, kind=kind,
            intake=Intake(customer_name=f"客户{cid}", phone=f"139{cid:08d}", channel=rnd.choice(CHANNELS),
                          complained_at=received, vin="LSVAM4187C2184847", plate="浙A12345",
                          vehicle_model="帕萨特"),
            registered_at=registered, registered_by_user_id=1,
            status=CaseStatus.CLOSED if closed_at else CaseStatus.OPEN,
            current_step="" if closed_at else steps[-1].step_key,
            category=rnd.choice(CATEGORIES), severity=rnd.choice(list(Severity)),
            department_id=dept, reopen_count=int(rnd.random() < 0.05),
            repeat_of_id=cid - 1 if cid > 1 and rnd.random() < 0.03 else None,
            closed_at=closed_at, steps=steps,
        ))
        if kind == FeedbackKind.COMPLAINT and closed_at and rnd.random() < 0.2:
            issued = steps[5].finished_at
            slips.append(FaultSlip(
                id=len(slips) + 1, number=f"GS-{issued.astimezone(TZ):%Y%m}-{len(slips) + 1:05d}",
                case_id=cid, employee_id=emp, department_id=EMP_DEPT[emp], post="",
                facts="处理超时", responsibility=Responsibility.MAIN,
                penalties=[Penalty(PenaltyKind.FINE, amount=100), Penalty(PenaltyKind.POINTS, points=2)],
                status=SlipStatus.ENFORCED, issued_at=issued,
            ))
    return cases, slips


def volumes() -> dict[tuple[int, str], int]:
    return {(d, f"{y}-{m:02d}"): 300 + 40 * d for d in list(DEPTS)[:6]
            for y in (YEAR - 1, YEAR) for m in range(1, 13)}


CLOCK = time.perf_counter  # --cpu: time.process_time (less disturbed on a shared machine)


def floor_writer(xlsx: bytes):
    """The floor of a workbook: a function writing the same cell values with openpyxl
    write-only (no styles, no charts)."""
    src = load_workbook(io.BytesIO(xlsx), read_only=True)
    sheets = [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in src]
    src.close()

    def write() -> None:
        wb = Workbook(write_only=True)
        for title, rows in sheets:
            ws = wb.create_sheet(title)
            for r in rows:
                ws.append(r)
        wb.save(io.BytesIO())

    return write


def floor_seconds(xlsx: bytes) -> float:
    """openpyxl write-only writing the same cell values (no styles, no charts)."""
    write = floor_writer(xlsx)
    t0 = CLOCK()
    write()
    return CLOCK() - t0


def timed(fn, repeat: int = 1):
    """(result, best seconds of `repeat` runs)."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = CLOCK()
        out = fn()
        best = min(best, CLOCK() - t0)
    return out, best


def best_floor(xlsx: bytes, repeat: int) -> float:
    return min(floor_seconds(xlsx) for _ in range(repeat))


def line(label: str, total: float, floor: float, extra: str = "") -> str:
    if total < 1:
        return (f"{label}: {total * 1000:.1f} ms; floor {floor * 1000:.1f} ms; "
                f"ratio {total / floor:.2f}x{'; ' + extra if extra else ''}")
    return (f"{label}: {total:.2f} s; floor {floor:.3f} s; ratio {total / floor:.1f}x"
            f"{'; ' + extra if extra else ''}")


def in_memory(n_month: int, n_year: int, repeat: int) -> None:
    now = datetime(YEAR + 1, 1, 15, tzinfo=UTC)

    m_start = datetime(YEAR, 3, 1, tzinfo=TZ).astimezone(UTC)
    m_end = datetime(YEAR, 4, 1, tzinfo=TZ).astimezone(UTC)
    cases, slips = generate(n_month, m_start, m_end, now)
    data, t_kpi = timed(lambda: build_month_report(cases, slips, volumes(), YEAR, 3, TZ, now,
                                                   LOOKUPS, "杭州东方汽车"), repeat)
    buf = io.BytesIO()
    _, t_write = timed(lambda: write_month_workbook(io.BytesIO(), data), repeat)
    write_month_workbook(buf, data)
    floor = best_floor(buf.getvalue(), repeat)
    print(line(f"month workbook, {n_month:,} cases in memory", t_kpi + t_write, floor,
               f"KPIs {t_kpi:.2f} s + write {t_write:.3f} s (write alone "
               f"{t_write / floor:.2f}x); {len(buf.getvalue()) / 1e6:.2f} MB"))

    y_start = datetime(YEAR, 1, 1, tzinfo=TZ).astimezone(UTC)
    y_end = datetime(YEAR + 1, 1, 1, tzinfo=TZ).astimezone(UTC)
    (cases, slips), t_gen = timed(lambda: generate(n_year, y_start, y_end, now))
    print(f"(generated {n_year:,} cases, {sum(len(c.steps) for c in cases):,} steps, "
          f"{len(slips):,} slips in {t_gen:.1f} s)")
    ydata, t_kpi = timed(lambda: build_year_report(cases, slips, volumes(), YEAR, TZ, now,
                                                   LOOKUPS, "杭州东方汽车"), repeat)
    buf = io.BytesIO()
    _, t_write = timed(lambda: write_year_workbook(io.BytesIO(), ydata), repeat)
    write_year_workbook(buf, ydata)
    floor = best_floor(buf.getvalue(), repeat)
    print(line(f"year workbook, {n_year:,} cases in memory", t_kpi + t_write, floor,
               f"KPIs {t_kpi:.2f} s + write {t_write:.3f} s (write alone "
               f"{t_write / floor:.2f}x)"))
    # the month workbook out of the same year (about 8,300 cases that month at 100,000)
    data, t_kpi = timed(lambda: build_month_report(cases, slips, volumes(), YEAR, 3, TZ, now,
                                                   LOOKUPS, "杭州东方汽车"), repeat)
    buf = io.BytesIO()
    _, t_write = timed(lambda: write_month_workbook(io.BytesIO(), data), repeat)
    write_month_workbook(buf, data)
    floor = best_floor(buf.getvalue(), repeat)
    print(line(f"month workbook from the {n_year:,}-case year ({len(data.cases):,} cases "
               "that month)", t_kpi + t_write, floor,
               f"KPIs {t_kpi:.2f} s + write {t_write:.3f} s (write alone "
               f"{t_write / floor:.2f}x)"))


def db_figures(services, month: tuple[int, int] | None, work: Path,
               repeat: int = 1) -> list[tuple[str, float, float]]:
    """(label, ours s, floor s) for the month and the year workbook exported by the
    report service from its database (which gets an audit entry per export)."""
    from complaintdesk.services.base import SYSTEM_USER

    reports = services.reports
    if month is None:
        now = services.clock.now().astimezone(reports.tz)
        month = (now.year, now.month)
    y, m = month
    from common import paired_ms

    out = []
    path = work / "m.xlsx"
    # the month asked for (by default the current one, begun lately) and the full month
    # before it: figures and trend read from the tallies, the month's cases and the
    # complaints open at its end from the records
    for i, (yy, mm) in enumerate(((y, m), shift_month((y, m), -1))):
        start, end = month_bounds((yy, mm), reports.tz)
        with services.engine.connect() as conn:  # the cases registered in the month
            t = CaseRow.__table__  # type: ignore[attr-defined]
            n_month = conn.execute(select(func.count()).select_from(t).where(
                t.c.registered_at >= start, t.c.registered_at < end,
                t.c.flow == "feedback")).scalar_one()
        label = f"month workbook {yy}-{mm:02d} ({n_month:,} cases in the month)"
        export = partial(reports.write_month, SYSTEM_USER, yy, mm, path)
        _, first = timed(export, 1)
        if i == 0:
            out.append((f"{label}, first export", first, best_floor(path.read_bytes(), 3)))
        ours_ms, floor_ms = paired_ms(export, floor_writer(path.read_bytes()),
                                      repeat=max(repeat, 5 if i == 0 else 3), warmup=0)
        out.append((f"{label}, again (median, alternating)", ours_ms / 1000,
                    floor_ms / 1000))
    # the year is read from the running KPI tallies; its first export also works out the
    # medians (then kept until a duration of theirs changes): timed apart
    path = work / "y.xlsx"
    _, first = timed(lambda: reports.write_year(SYSTEM_USER, y, path), 1)
    floor = best_floor(path.read_bytes(), max(repeat, 3))
    out.append((f"year workbook {y}, first export", first, floor))
    # later exports against the floor, alternately (a small figure: the machine's mood
    # moves both alike)
    ours_ms, floor_ms = paired_ms(lambda: reports.write_year(SYSTEM_USER, y, path),
                                  floor_writer(path.read_bytes()), repeat=15)
    out.append((f"year workbook {y}, again (median, alternating)", ours_ms / 1000,
                floor_ms / 1000))
    return out


def from_db(data_dir: Path, month: tuple[int, int] | None, repeat: int) -> None:
    from complaintdesk.services.container import open_services
    from complaintdesk.storage.database import DatabaseConfig

    work = Path(tempfile.mkdtemp(prefix="cd-bench-xlsx-"))
    try:
        shutil.copy(data_dir / "complaintdesk.sqlite3", work / "complaintdesk.sqlite3")
        services = open_services(DatabaseConfig.sqlite_file(work / "complaintdesk.sqlite3"),
                                 data_dir=work, auto_backup=False)
        try:
            for label, ours, floor in db_figures(services, month, work, repeat):
                print(line(label, ours, floor))
        finally:
            services.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("month_cases", nargs="?", type=int, default=2_000)
    ap.add_argument("year_cases", nargs="?", type=int, default=100_000)
    ap.add_argument("--data-dir", type=Path, help="export from this data dir's database")
    ap.add_argument("--month", help="YYYY-MM (with --data-dir; default: the current month)")
    ap.add_argument("--repeat", type=int, default=None, help="best of N runs")
    ap.add_argument("--cpu", action="store_true",
                    help="time this process's CPU seconds, not the wall clock")
    args = ap.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    if args.data_dir is not None:
        month = tuple(int(x) for x in args.month.split("-")) if args.month else None
        from_db(args.data_dir, month, args.repeat or 1)  # type: ignore[arg-type]
    else:
        in_memory(args.month_cases, args.year_cases, args.repeat or 3)


if __name__ == "__main__":
    main()
