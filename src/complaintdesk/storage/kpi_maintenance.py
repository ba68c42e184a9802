"""Upkeep of the running KPI tallies (storage/kpi_tallies.py): making them all again from
the records (`rebuild`: first start after the upgrade, a change of the tally definitions
or of the time zone), checking them against a recount (`verify`, the `check` command),
and counting the month ends passed since an open complaint's last write into its tally
(`count_month_ends`, once a month). Services reach it as `uow.kpi_upkeep`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, text
from sqlmodel import Session

from ..domain.kpi.calendar import MonthCalendar, from_micros, local_month, micros, month_bounds
from ..domain.kpi.figures import Rows, add_rows, expand
from ..domain.kpi.tally import FIELDS, STEPS_WITH_DATA_USED, OwnerTally, owner_tally
from ..domain.records import Case, FaultSlip
from .kpi_reader import STATE_KEY, open_since_us, sums_on_disk, tallies_current, tally_state
from .kpi_tallies import KpiTallies, setting_tz_name, tz_name_of, write_owner_rows
from .tables import (
    KPI_DURATION,
    KPI_MEDIAN,
    KPI_OPEN,
    KPI_OWNER,
    KPI_TALLY,
    CaseRow,
    SettingRow,
    table_of,
)

if TYPE_CHECKING:
    from .repo_slips import SlipRepository


class KpiMaintenance:
    """The upkeep of one unit of work's tallies (`uow.kpi_upkeep`)."""

    def __init__(self, session: Session, tallies: KpiTallies) -> None:
        self._s = session
        self._tallies = tallies

    def current(self, tz_name: str) -> bool:
        return tallies_current(self._s, tz_name)

    def rebuild_if_due(self, tz_name: str, now: datetime,
                       progress: Callable[[int, int], None] | None = None) -> int | None:
        return rebuild_if_due(self._s, tz_name, now, progress)

    def rebuild(self, now: datetime, progress: Callable[[int, int], None] | None = None
                ) -> int:
        return rebuild(self._s, now, progress)

    def verify(self, limit: int = 20) -> tuple[int, list[str]]:
        return verify(self._s, limit)

    def month_ends_due(self, now: datetime, tz: tzinfo) -> bool:
        return month_ends_due(self._s, now, tz)

    def count_month_ends(self, now: datetime, tz: tzinfo) -> int:
        """Note the complaints open across the last month end for rewriting at commit."""
        return count_month_ends(self._tallies, self._s, now, tz)


# ---- month ends ------------------------------------------------------------------------
def month_ends_due(session: Session, now: datetime, tz: tzinfo) -> bool:
    """Whether an open complaint's tally was written before the last month end (by
    `now`): the readers count that end for it themselves until `count_month_ends`."""
    start, _ = month_bounds(local_month(now, tz), tz)
    first = open_since_us(session)
    return first is not None and int(first) < micros(start)


def count_month_ends(tracker: KpiTallies, session: Session, now: datetime, tz: tzinfo) -> int:
    """Note for `tracker` (a unit of work's, whose commit writes them) the open complaints
    whose tallies were written before the last month end: written again, their tallies
    count the month ends passed since (open at the end, how overdue) and the readers need
    not (`month_end_figures`). Once a month, for the complaints open across it; returns
    how many."""
    start, _ = month_bounds(local_month(now, tz), tz)
    ids = list(session.connection().execute(
        select(KPI_OPEN.c.case_id).where(KPI_OPEN.c.written_us < micros(start))
        .order_by(KPI_OPEN.c.case_id)).scalars())
    tracker.before_cases(ids)
    return len(ids)


# ---- rebuilding ------------------------------------------------------------------------
def rebuild_if_due(session: Session, tz_name: str, now: datetime,
                   progress: Callable[[int, int], None] | None = None) -> int | None:
    """`rebuild` unless the tallies hold for this time zone; None when they did. Several
    PCs starting at once on PostgreSQL: one makes them, the others wait and find them
    made (a transaction-scoped advisory lock; SQLite's BEGIN IMMEDIATE already queues)."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(727275)"))
    if tallies_current(session, tz_name):
        return None
    return rebuild(session, now, progress, tz_name)


def rebuild(session: Session, now: datetime, progress: Callable[[int, int], None] | None = None,
            tz_name: str | None = None) -> int:
    """Make every tally again from the records (in the caller's transaction), counting
    local months in `tz_name` (default: the time zone setting); returns how many owners
    were tallied."""
    from .repo_cases import CaseRepository
    from .repo_slips import SlipRepository

    conn = session.connection()
    for table in (KPI_TALLY, KPI_OWNER, KPI_OPEN, KPI_DURATION, KPI_MEDIAN):
        conn.execute(delete(table))
    cases_repo, slips_repo = CaseRepository(session), SlipRepository(session)
    tz_name = tz_name or setting_tz_name(session)
    months = MonthCalendar(ZoneInfo(tz_name))
    total = int(conn.execute(select(func.count()).select_from(table_of(CaseRow)))
                .scalar_one())
    sums: Rows = {}
    done = 0
    for cases in cases_repo.iter_where([], batch=2000, data_keys=_data_keys()):
        by_case = _slips_by_case(slips_repo, cases)
        tallies = {f"c{c.id}": owner_tally(c, by_case.get(c.id, []), months, now)
                   for c in cases}
        for t in tallies.values():
            add_rows(sums, expand(t.counts))
        write_owner_rows(conn, {k: now for k in tallies}, tallies, [], fresh=True)
        done += len(cases)
        if progress is not None:
            progress(done, total)
    loose = slips_repo.for_kpis_where(slips_repo._T.c.case_id.is_(None))
    tallies = {f"s{s.id}": owner_tally(None, [s], months, now) for s in loose}
    for t in tallies.values():
        add_rows(sums, expand(t.counts))
    write_owner_rows(conn, {k: now for k in tallies}, tallies, [], fresh=True)
    rows = [{"month": m, "dim": d, "key": k, **dict(zip(FIELDS, v, strict=True))}
            for (m, d, k), v in sums.items() if any(v)]
    for i in range(0, len(rows), 2000):
        conn.execute(KPI_TALLY.insert(), rows[i:i + 2000])
    row = session.get(SettingRow, STATE_KEY)
    if row is None:
        session.add(SettingRow(key=STATE_KEY, value=tally_state(tz_name)))
    else:
        row.value = tally_state(tz_name)
        session.add(row)
    session.flush()
    return done + len(tallies)


def verify(session: Session, limit: int = 20) -> tuple[int, list[str]]:
    """Count every owner again as of when it was last tallied and compare with the sums
    kept: (owners counted, problems in Chinese). Nothing is written."""
    from .repo_cases import CaseRepository
    from .repo_slips import SlipRepository

    conn = session.connection()
    written = {k: from_micros(int(v)) for k, v in conn.execute(
        select(KPI_OWNER.c.owner, KPI_OWNER.c.written_us))}
    months = MonthCalendar(ZoneInfo(tz_name_of(session)))
    cases_repo, slips_repo = CaseRepository(session), SlipRepository(session)
    sums: Rows = {}
    opens: set[int] = set()
    durations: set[int] = set()
    problems: list[str] = []
    counted = 0

    def count(key: str, tally: OwnerTally) -> None:
        add_rows(sums, expand(tally.counts))
        if tally.open is not None:
            opens.add(tally.open.case_id)
        if tally.durations is not None:
            durations.add(tally.durations.case_id)

    for cases in cases_repo.iter_where([], batch=2000, data_keys=_data_keys()):
        by_case = _slips_by_case(slips_repo, cases)
        for c in cases:
            at = written.get(f"c{c.id}")
            if at is None:
                problems.append(f"案件 #{c.id} 未计入统计汇总")
                continue
            count(f"c{c.id}", owner_tally(c, by_case.get(c.id, []), months, at))
            counted += 1
    for sl in slips_repo.for_kpis_where(slips_repo._T.c.case_id.is_(None)):
        at = written.get(f"s{sl.id}")
        if at is None:
            problems.append(f"过失单 #{sl.id} 未计入统计汇总")
            continue
        count(f"s{sl.id}", owner_tally(None, [sl], months, at))
        counted += 1
    kept = {k: v for k, v in sums_on_disk(conn).items() if any(v)}
    recount = {k: v for k, v in sums.items() if any(v)}
    for k in sorted(set(kept) | set(recount)):
        a, b = kept.get(k, [0] * len(FIELDS)), recount.get(k, [0] * len(FIELDS))
        for name, x, y in zip(FIELDS, a, b, strict=True):
            if x != y:
                problems.append(f"统计汇总 {k[0]} {k[1]}={k[2] or '（全部）'} {name}："
                                f"记录为 {x}，重新计数为 {y}")
    if set(conn.execute(select(KPI_OPEN.c.case_id)).scalars()) != opens:
        problems.append("统计汇总：未结案件的记录与案件不符")
    if set(conn.execute(select(KPI_DURATION.c.case_id)).scalars()) != durations:
        problems.append("统计汇总：处理时长的记录与案件不符")
    return counted, problems[:limit] + ([f"……另有 {len(problems) - limit} 处"]
                                        if len(problems) > limit else [])


def _slips_by_case(slips_repo: SlipRepository, cases: Sequence[Case]
                   ) -> dict[int | None, list[FaultSlip]]:
    """The slips of these (stored) cases as the statistics read them, by case id."""
    by_case: dict[int | None, list[FaultSlip]] = {}
    for s in slips_repo.for_kpis_of_cases([c.id for c in cases if c.id is not None]):
        by_case.setdefault(s.case_id, []).append(s)
    return by_case


def _data_keys() -> Sequence[str]:
    return STEPS_WITH_DATA_USED
