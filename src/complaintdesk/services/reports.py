"""Statistics use cases (DESIGN §8): the month and year workbooks, the weekly summary, the
manager's dashboard and the business volumes the complaint rate divides by.

Reports read only what can count: the cases registered in the months shown (a month
report also shows the trend of the eleven months before and the same month a year
before, so thirteen months) plus those still open when that window starts, and the slips
issued or appealed. The figures are read from the running KPI tallies through the unit of
work (`uow.kpis`; made from the records first when they do not hold, e.g. after a change of
the time zone); every definition is the domain's (`domain/kpi/tally.py`).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.dept_assessment import (
    ACCOUNTABILITY_KEY,
    AccountabilitySettings,
)
from ..domain.kpi import (
    STEPS_WITH_DATA_USED,
    GroupKpis,
    KpiLookups,
    MonthKey,
    MonthToDate,
    OpenCase,
    PeriodKpis,
    month_bounds,
    month_label,
    month_to_date,
    open_case,
    period_kpis,
    shift_month,
)
from ..domain.kpi.figures import (
    Medians,
    monthly_from_tallies,
    period_from_tallies,
    yearly_from_tallies,
)
from ..domain.kpi.shapes import DEPARTMENT
from ..domain.kpi.weekly import week_bounds, weekly_summary
from ..domain.records import Case, Role, User
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .errors import ServiceError
from .settings import DEFAULTS

if TYPE_CHECKING:
    from ..documents.excel_month import MonthReportData
    from ..documents.excel_year import YearReportData
    from ..domain.weekly import WeeklySummary

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]

VIEW_ROLES = (Role.GENERAL_MANAGER, Role.ASSESSOR, Role.ADMIN)  # §3: KPIs and exports
VOLUME_ROLES = (Role.ASSESSOR, Role.ADMIN, Role.GENERAL_MANAGER)
TREND_MONTHS = 12
log = logging.getLogger(__name__)
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
MAX_VOLUME = 10_000_000  # a typo guard: no dealership delivers ten million cars a month

# Progress of a report is reported on one scale: loading, computing, writing.
SCALE = 1000
_LOAD, _COMPUTE = 450, 550  # loading ends at 45 %, computing at 55 %, writing fills the rest


@dataclass(slots=True)
class DashboardData:
    """What the manager's dashboard shows: this month against last month, the trend, the
    departments and the complaints overdue now."""

    month: MonthKey
    current: PeriodKpis
    previous: PeriodKpis | None
    trend: list[PeriodKpis]  # oldest first, ending with this month
    departments: list[GroupKpis]
    overdue: list[OpenCase]  # most overdue first
    generated_at: datetime
    # the tiles compare with the same days of last month (`to_date` says which days)
    same_days: PeriodKpis | None = None
    to_date: MonthToDate | None = None

    @property
    def compared(self) -> PeriodKpis | None:
        """What the tiles compare with: the same days of last month while this month is
        under way, else the whole of last month (None: no earlier month)."""
        return self.same_days if self.same_days is not None else self.previous

    def departments_before(self) -> dict[object, int]:
        """Complaints received per department key in the figures compared with."""
        compared = self.compared
        if compared is None:
            return {}
        return {g.key: g.kpis.received for g in compared.groups.get("department", ())}


@dataclass(slots=True)
class VolumeTable:
    """Business volumes of one year: departments × months."""

    year: int
    departments: list[tuple[int, str]]  # (id, name), active ones in their order
    values: dict[tuple[int, int], int]  # (department id, month 1–12) → volume


class _Phase:
    """Maps one phase's own (done, total) onto the report's 0…SCALE progress, and turns a
    cancel into `Cancelled` between batches."""

    def __init__(self, progress: Progress | None, cancelled: IsCancelled | None) -> None:
        self.progress = progress
        self.cancelled = cancelled

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            from ..domain.errors import Cancelled

            raise Cancelled("导出已取消")

    def at(self, value: int) -> None:
        self.check()
        if self.progress is not None:
            self.progress(value, SCALE)

    def span(self, lo: int, hi: int) -> Progress:
        def report(done: int, total: int) -> None:
            self.at(lo + (hi - lo) * done // max(total, 1))
        return report


def check_month(year: int, month: int) -> MonthKey:
    if not 2000 <= year <= 2999:
        raise ServiceError(f"年份无效：{year}（应为 2000–2999）", field="year")
    if not 1 <= month <= 12:
        raise ServiceError(f"月份无效：{month}（应为 1–12）", field="month")
    return (year, month)


def parse_period(period: str) -> MonthKey:
    """"2026-11" → (2026, 11); a Chinese error naming the field otherwise."""
    m = _PERIOD.match(period.strip())
    if m is None:
        raise ServiceError(f"月份格式应为 YYYY-MM：{period}", field="month")
    return check_month(int(m.group(1)), int(m.group(2)))


def parse_volume(value: int | str) -> int:
    """A business volume: a whole number ≥ 0."""
    if isinstance(value, bool):
        raise ServiceError("业务量须为整数", field="volume")
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not re.fullmatch(r"\d+", text):
            raise ServiceError(f"业务量须为不小于 0 的整数：{value}", field="volume")
        value = int(text)
    if not isinstance(value, int) or value < 0:
        raise ServiceError(f"业务量须为不小于 0 的整数：{value}", field="volume")
    if value > MAX_VOLUME:
        raise ServiceError(f"业务量过大：{value}，请核对", field="volume")
    return value


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside `path`, then move it into place: a cancelled or
    failed export leaves no file (and never half of one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ReportService(ServiceBase):
    # ---- reading ------------------------------------------------------------------------
    @staticmethod
    def lookups(uow: UnitOfWork) -> KpiLookups:
        depts = uow.people.departments()
        emps = uow.people.employees()
        users = uow.people.users()
        return KpiLookups(
            department_names={d.id: d.name for d in depts if d.id is not None},
            employee_names={e.id: e.name for e in emps if e.id is not None},
            employee_departments={e.id: e.department_id for e in emps
                                  if e.id is not None and e.department_id is not None},
            user_names={u.id: u.display_name for u in users if u.id is not None},
            user_employee={u.id: u.employee_id for u in users
                           if u.id is not None and u.employee_id is not None},
        )

    def _context(self, uow: UnitOfWork) -> tuple[dict[tuple[int, str], int], KpiLookups, str]:
        """What every report shows beside its records: business volumes, names, the
        dealership's name."""
        return (uow.volumes.all(), self.lookups(uow),
                uow.settings.get("dealership_name", DEFAULTS["dealership_name"]))

    def _keep_medians(self, reader: Any) -> None:
        """Keep the medians a tally reader worked out, until a change to a duration of
        theirs (a write of its own, after the reading)."""
        if reader.worked_out:
            with self.uow() as uow:
                uow.kpis.keep_medians(reader.worked_out)
                uow.commit()

    @contextmanager
    def _tallies(self) -> Iterator[UnitOfWork]:
        """A read-only unit of work whose running KPI tallies hold for this time zone:
        made again from the records first when they do not (at start
        `container.ensure_tallies` made them; the time zone or the tally definitions
        changed since)."""
        with self.uow(readonly=True) as uow:
            if uow.kpis.current(self.tz_name):
                yield uow
                return
        with self.uow() as uow:
            n = uow.kpi_upkeep.rebuild_if_due(self.tz_name, self.clock.now())
            uow.commit()
        log.info("KPI tallies made again from the records for %s: %s owners", self.tz_name, n)
        with self.uow(readonly=True) as uow:
            yield uow

    def _load_between(self, start: datetime, end: datetime, phase: _Phase,
                      flow: str | None = "feedback") -> tuple[
            list[Case], list[Any], dict[tuple[int, str], int], KpiLookups, str]:
        phase.at(0)
        with self.uow(readonly=True) as uow:
            cases = uow.cases.load_period(start, end, flow=flow, open_at_start=True,
                                          data_keys=STEPS_WITH_DATA_USED,
                                          progress=phase.span(0, _LOAD - 20))
            slips = uow.slips.for_kpis(start, end)
            volumes, lookups, dealership = self._context(uow)
        phase.at(_LOAD)
        return cases, slips, volumes, lookups, dealership

    def month_report(self, actor: User, year: int, month: int,
                     progress: Progress | None = None, cancelled: IsCancelled | None = None
                     ) -> MonthReportData:
        """The month's KPIs (with last month, the same month last year and the trend) and
        its detail rows. Progress runs to 55 % of `SCALE`; the workbook writes the rest."""
        self.require(actor, *VIEW_ROLES, what="查看统计报表")
        ym = check_month(year, month)
        return self._month_from_tallies(ym, _Phase(progress, cancelled))

    def accountability_settings(self) -> AccountabilitySettings:
        """The department-evaluation thresholds and the appeal window (defaults until the
        administrator sets them; DESIGN §6)."""
        with self.uow(readonly=True) as uow:
            return AccountabilitySettings.from_dict(uow.settings.get(ACCOUNTABILITY_KEY))

    def _add_case_numbers(self, data: MonthReportData) -> None:
        """The numbers of the cases of slips whose case was not loaded (an internal
        complaint's or a rework order's, or an older case's), for the 过失单 sheet."""
        missing = [s.case_id for s in data.slips
                   if s.case_id is not None and s.case_id not in data.case_numbers]
        if missing:
            with self.uow(readonly=True) as uow:
                data.case_numbers.update(uow.slips.case_numbers(missing))

    _ends_counted: MonthKey | None = None  # the local month whose start was last counted

    def _count_month_ends(self) -> None:
        """Count the month ends passed since an open complaint's last write into the
        running KPI tallies before they are read (`uow.kpi_upkeep.count_month_ends`,
        storage/kpi_maintenance.py; the readers count them themselves otherwise, every
        time).
        Looked at once a month: every write after a month's start is dated after it."""
        now = self.clock.now()
        local = now.astimezone(self.tz)
        if self._ends_counted == (local.year, local.month):
            return
        with self.uow(readonly=True) as uow:
            if not uow.kpi_upkeep.current(self.tz_name):
                return
            due = uow.kpi_upkeep.month_ends_due(now, self.tz)
        if due:
            with self.uow() as uow:
                n = uow.kpi_upkeep.count_month_ends(now, self.tz)
                uow.commit()
            log.info("month ends counted into the tallies of %d open complaints", n)
        self._ends_counted = (local.year, local.month)

    def _month_from_tallies(self, ym: MonthKey, phase: _Phase) -> MonthReportData:
        """The month's figures and trend read from the running KPI tallies, and only the
        records its sheets list (the month's cases, the complaints open at its end, the
        slips issued in it)."""
        from ..documents.excel_month import month_report_from_parts

        phase.at(0)
        now = self.clock.now()
        start, end = month_bounds(ym, self.tz)
        self._count_month_ends()
        with self._tallies() as uow:
            reader = uow.kpis.reader(self.tz)
            rows, open_now, month_ends, medians = reader.month_inputs(ym, TREND_MONTHS, now)
            phase.at(_LOAD // 4)
            cases = uow.cases.for_month_details(  # a month not begun has nothing open
                start, end, min(end, now) if start < now else None, STEPS_WITH_DATA_USED)
            phase.at(_LOAD * 3 // 4)
            slips = uow.slips.issued_between(start, end)
            numbers = uow.slips.case_numbers([s.case_id for s in slips if s.case_id is not None])
            volumes, lookups, dealership = self._context(uow)
            settings = AccountabilitySettings.from_dict(uow.settings.get(ACCOUNTABILITY_KEY))
        self._keep_medians(reader)
        phase.at(_LOAD)
        kpis, trend = monthly_from_tallies(rows, ym, now, self.tz, volumes, lookups, open_now,
                                           month_ends, medians, TREND_MONTHS)
        data = month_report_from_parts(kpis, trend, cases, slips, numbers, lookups, self.tz,
                                       now, dealership, settings)
        phase.at(_COMPUTE)
        return data

    def year_report(self, actor: User, year: int, progress: Progress | None = None,
                    cancelled: IsCancelled | None = None) -> YearReportData:
        self.require(actor, *VIEW_ROLES, what="查看统计报表")
        check_month(year, 1)
        return self._year_from_tallies(year, _Phase(progress, cancelled))

    def _year_from_tallies(self, year: int, phase: _Phase) -> YearReportData:
        """The year read from the running KPI tallies (a few thousand rows instead of every
        case and step of the year)."""
        from ..documents.excel_year import MONTH_DIMENSIONS, YearReportData

        phase.at(0)
        now = self.clock.now()
        self._count_month_ends()
        with self._tallies() as uow:
            reader = uow.kpis.reader(self.tz)
            rows, open_now, month_ends, medians = reader.year_inputs(year, now)
            volumes, lookups, dealership = self._context(uow)
        self._keep_medians(reader)
        kpis = yearly_from_tallies(rows, year, now, self.tz, volumes, lookups, open_now,
                                   month_ends, medians, MONTH_DIMENSIONS)
        phase.at(_COMPUTE)
        return YearReportData(kpis, lookups, self.tz, now, dealership)

    def weekly_summary(self, actor: User, week_start: date) -> WeeklySummary:
        """Last Monday–Sunday: new, closed and overdue cases (every flow), slips issued."""
        self.require(actor, *VIEW_ROLES, what="查看周报")
        if week_start.weekday() != 0:
            raise ServiceError(f"周报须从星期一开始：{week_start:%Y-%m-%d} 不是星期一",
                               field="week")
        start, end = week_bounds(week_start, self.tz)
        cases, slips, _v, lookups, _d = self._load_between(start, end, _Phase(None, None),
                                                          flow=None)
        summary = weekly_summary(cases, slips, week_start, self.tz, self.clock.now(), lookups)
        self._flag_unsigned(summary, start, end)
        with self.uow(readonly=True) as uow:
            head = uow.audit.head()
        summary.audit_head = (head.count, head.last_hash)
        return summary

    def _flag_unsigned(self, summary: WeeklySummary, start: datetime, end: datetime) -> None:
        """Mark the cases closed this week whose signed 处理单 is not on file (签字存档)."""
        from .paper import PaperService

        missing = PaperService(self.engine, self.clock, self.tz_name).closed_without_copy(
            start, end)
        if not missing:
            return
        with self.uow(readonly=True) as uow:
            numbers = uow.slips.case_numbers(list(missing))
        by_number = {numbers[i]: "、".join(t) for i, t in missing.items() if i in numbers}
        for row in summary.closed_cases:
            row.unsigned = by_number.get(row.number, "")

    DASHBOARD_MAX_AGE = timedelta(minutes=5)

    def dashboard(self, actor: User, progress: Progress | None = None,
                  cancelled: IsCancelled | None = None, fresh: bool = False) -> DashboardData:
        """This month so far against last month, twelve months of trend, departments, and
        the complaints overdue now. The same figures for everyone who may see them, so a
        result younger than five minutes is handed out again (`fresh` recomputes). Read
        from the KPI tallies."""
        self.require(actor, *VIEW_ROLES, what="查看统计报表")
        now_utc = self.clock.now()
        cached = getattr(self, "_dashboard_cache", None)
        if not fresh and cached is not None \
                and timedelta(0) <= now_utc - cached.generated_at < self.DASHBOARD_MAX_AGE:
            return cached
        result = self._dashboard_from_tallies(now_utc)
        result.to_date = month_to_date(now_utc, self.tz)
        result.same_days = self.same_days_last_month(now_utc)
        self._dashboard_cache = result
        return result

    def same_days_last_month(self, now_utc: datetime) -> PeriodKpis:
        """Last month's figures as they stood as far into it as `now` is into this month
        (cases registered and slips issued by then, closed and handled by then): what the
        month so far is compared with. The records of that stretch as they stood then,
        each case's tally made in memory (`domain/kpi/recount.py`)."""
        span = month_to_date(now_utc, self.tz)
        with self.uow(readonly=True) as uow:
            cases = uow.cases.load_period(span.previous_start, span.previous_cut,
                                          data_keys=STEPS_WITH_DATA_USED)
            slips = uow.slips.for_kpis(span.previous_start, span.previous_cut)
            volumes, lookups, _name = self._context(uow)
        return period_kpis(cases, slips, volumes, span.previous, self.tz, span.previous_cut,
                           lookups)

    def _dashboard_from_tallies(self, now_utc: datetime) -> DashboardData:
        """The dashboard read from the running KPI tallies, the overdue complaints from
        their cases. Its figures carry no medians (no tile shows one) and its months no
        list of open cases (`overdue` has them)."""
        local = now_utc.astimezone(self.tz)
        ym = (local.year, local.month)
        months = [shift_month(ym, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
        self._count_month_ends()
        with self._tallies() as uow:
            reader = uow.kpis.reader(self.tz)
            rows = reader.rows(months[0], ym)
            month_ends = reader.month_end_figures(months, now_utc)
            open_now = reader.open_at(now_utc, False)
            late = uow.cases.for_kpis_by_ids(reader.overdue_candidates(now_utc))
            volumes = uow.volumes.all()
            lookups = self.lookups(uow)
        trend = [period_from_tallies(rows, (m,), now_utc, self.tz, volumes, lookups,
                                     month_label(m), open_now, Medians(), month_ends)
                 for m in months]
        late.sort(key=lambda c: c.registered_at)
        overdue = [o for c in late if (o := open_case(c, now_utc, lookups)).overdue_hours > 0]
        overdue.sort(key=lambda o: -o.overdue_hours)
        cur = trend[-1]
        return DashboardData(month=ym, current=cur, previous=trend[-2], trend=trend,
                             departments=cur.groups[DEPARTMENT], overdue=overdue,
                             generated_at=now_utc)

    # ---- exports ------------------------------------------------------------------------
    def _audit_export(self, actor: User, what: str, path: Path) -> None:
        with self.uow() as uow:
            self.audit(uow, actor, "export", "report", what, after={"file": str(path)})
            uow.commit()

    def write_month(self, actor: User, year: int, month: int, path: Path,
                    progress: Progress | None = None, cancelled: IsCancelled | None = None
                    ) -> Path:
        """Export the month workbook to `path` (nothing is left there when cancelled)."""
        from ..documents.excel_month import write_month_workbook
        from ..documents.manufacturer import write_month_figures_sheet
        from .manufacturer import ManufacturerService

        data = self.month_report(actor, year, month, progress, cancelled)
        # 厂家转办 (DESIGN §8): its own sheet, from its own records, not in the tallies
        mfr = ManufacturerService(self.engine, self.clock, self.tz_name).month_figures(
            year, month)
        phase = _Phase(progress, cancelled)
        replace_atomically(path, lambda tmp: write_month_workbook(
            tmp, data, phase.span(_COMPUTE, SCALE), cancelled, extra_sheets=[
                lambda wb: write_month_figures_sheet(wb, mfr.count, mfr.on_time, mfr.missed,
                                                     mfr.pending)]))
        self._audit_export(actor, f"month:{year:04d}-{month:02d}", path)
        return Path(path)

    def write_year(self, actor: User, year: int, path: Path, progress: Progress | None = None,
                   cancelled: IsCancelled | None = None) -> Path:
        from ..documents.excel_year import write_year_workbook

        data = self.year_report(actor, year, progress, cancelled)
        phase = _Phase(progress, cancelled)
        replace_atomically(path, lambda tmp: write_year_workbook(
            tmp, data, phase.span(_COMPUTE, SCALE), cancelled))
        self._audit_export(actor, f"year:{year:04d}", path)
        return Path(path)

    def write_weekly(self, actor: User, week_start: date, path: Path, pdf: bool = False,
                     progress: Progress | None = None, cancelled: IsCancelled | None = None
                     ) -> Path:
        """The weekly summary as a workbook, or as PDF when `pdf`."""
        phase = _Phase(progress, cancelled)
        phase.at(0)
        summary = self.weekly_summary(actor, week_start)
        phase.at(_COMPUTE)
        if pdf:
            from ..documents.weekly_pdf import weekly_summary_pdf
            from .print_context import make_print_context

            with self.uow(readonly=True) as uow:
                ctx = make_print_context(uow, self.clock.now(), self.tz_name)
            content = weekly_summary_pdf(summary, ctx)
            phase.check()
            replace_atomically(path, lambda tmp: tmp.write_bytes(content))
        else:
            from ..documents.excel_weekly import write_weekly_workbook

            dealership = self._dealership()
            replace_atomically(path, lambda tmp: write_weekly_workbook(
                tmp, summary, self.tz, dealership, phase.span(_COMPUTE, SCALE), cancelled))
        phase.at(SCALE)
        self._audit_export(actor, f"week:{week_start:%Y-%m-%d}{':pdf' if pdf else ''}", path)
        return Path(path)

    def _dealership(self) -> str:
        with self.uow(readonly=True) as uow:
            return str(uow.settings.get("dealership_name", DEFAULTS["dealership_name"]))

    # ---- business volumes ---------------------------------------------------------------
    def volumes(self, actor: User, year: int) -> VolumeTable:
        self.require(actor, *VOLUME_ROLES, *VIEW_ROLES, what="查看业务量")
        check_month(year, 1)
        with self.uow(readonly=True) as uow:
            depts = [(d.id, d.name) for d in uow.people.departments(include_inactive=False)
                     if d.id is not None]
            values = {}
            for (dept, period), v in uow.volumes.all().items():
                y, m = parse_period(period)
                if y == year:
                    values[(dept, m)] = v
        return VolumeTable(year, depts, values)

    def set_volume(self, actor: User, department_id: int, period: str, value: int | str) -> None:
        """One department's volume (vehicles delivered / repair orders) for "YYYY-MM"."""
        self.set_volumes(actor, {(department_id, period): value})

    def set_volumes(self, actor: User, values: Mapping[tuple[int, str], int | str]) -> int:
        """Several volumes in one transaction (the 业务量录入 table); returns how many
        changed. Every value is checked before anything is written."""
        self.require(actor, *VOLUME_ROLES, what="录入业务量")
        clean: dict[tuple[int, str], int] = {}
        for (dept, period), value in values.items():
            y, m = parse_period(period)
            clean[(dept, f"{y:04d}-{m:02d}")] = parse_volume(value)
        with self.uow() as uow:
            known = {d.id for d in uow.people.departments()}
            existing = uow.volumes.all()
            changed = 0
            for (dept, period), v in clean.items():
                if dept not in known:
                    raise ServiceError(f"部门不存在：#{dept}", field="department")
                before = existing.get((dept, period))
                if before == v:
                    continue
                uow.volumes.put(dept, period, v)
                self.audit(uow, actor, "set_volume", "volume", f"{dept}:{period}", before, v)
                changed += 1
            uow.commit()
        return changed
