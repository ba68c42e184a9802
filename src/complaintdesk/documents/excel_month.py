"""The monthly KPI workbook (DESIGN §8).

Sheets: 概览 (every KPI with last month's and last year's beside it and the change, and
the charts), 部门 / 类别 / 严重程度 / 渠道 / 员工考核 (one row per group), 趋势 (the recent
months the trend chart reads), 月末未结 (open at month end, how overdue), 明细 (every case
of the month, one row, phone and VIN masked), 过失单 (slips issued in the month), 月度评估
(the month's proposed department rewards/penalties and the 监督与评估小组's sign-off).

The data comes in prepared (`month_report_from_parts`, or `build_month_report` from
records in memory); nothing here reads storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import Any

from ..domain.dept_assessment import AccountabilitySettings, DeptVerdict, evaluate_departments
from ..domain.kpi import Volumes, month_bounds, open_cases
from ..domain.kpi.recount import month_with_trend
from ..domain.kpi.shapes import (
    CATEGORY,
    DEPARTMENT,
    DIMENSIONS,
    KPI_BY_KEY,
    KPI_DEFS,
    KpiLookups,
    MonthKpis,
    PeriodKpis,
    change,
)
from ..domain.records import Case, FaultSlip, FlowKind
from .excel_common import (
    CHANGE_FORMATS,
    FORMATS,
    Col,
    IsCancelled,
    Job,
    Progress,
    TableSheet,
    Target,
    new_workbook,
    write_workbook,
)
from .excel_details import (
    write_cases_sheet,
    write_evaluation_sheet,
    write_open_sheet,
    write_slips_sheet,
)
from .excel_sheets import bar_chart, trend_chart, write_breakdown

TREND_KPIS: tuple[str, ...] = (
    "received", "suggestions", "praises", "close_rate", "on_time_rate", "satisfaction",
    "complaint_rate", "slips", "fines",
)
NOTES: tuple[str, ...] = (
    "口径说明：按登记时间归属月份（当地时间）；结案率、解决率、一次解决率、月末未结均截至月末；",
    "24/48小时处理率与处理时长自客户投诉时间起算，至首次主管处理完成；按时处理率按本月完成的步骤计；",
    "投诉率 = 有业务量的部门的投诉量 ÷ 其业务量，未录入业务量显示“—”；变化列为本月减上月（比率为百分点）。",
)


@dataclass(slots=True)
class MonthReportData:
    """Everything the month workbook shows, computed beforehand (pure data)."""

    kpis: MonthKpis
    trend: list[PeriodKpis]  # recent months, oldest first, ending with the report month
    cases: list[Case]  # customer-feedback cases registered in the month
    slips: list[FaultSlip]  # slips issued in the month (penalties and rewards)
    lookups: KpiLookups
    tz: tzinfo
    generated_at: datetime
    case_numbers: dict[int, str] = field(default_factory=dict)  # for the 过失单 sheet
    dealership: str = ""
    # the monthly evaluation's proposals (001 五.1–3)
    dept_verdicts: list[DeptVerdict] = field(default_factory=list)

    @property
    def month_title(self) -> str:
        y, m = self.kpis.month
        return f"{y}年{m}月"


def build_month_report(
    cases: Iterable[Case], slips: Iterable[FaultSlip], volumes: Volumes, year: int,
    month: int, tz: tzinfo, now: datetime, lookups: KpiLookups, dealership: str = "",
    trend_months: int = 12, settings: AccountabilitySettings | None = None,
) -> MonthReportData:
    """The month's KPIs and trend from the records in memory (each case's tally, summed:
    `domain/kpi/recount.py`) and the detail rows."""
    cases, slips = list(cases), list(slips)
    kpis, trend = month_with_trend(cases, slips, volumes, (year, month), tz, now, lookups,
                                   trend_months)
    numbers = {c.id: c.number for c in cases if c.id is not None}
    return month_report_from_parts(kpis, trend, cases, slips, numbers, lookups, tz, now,
                                   dealership, settings)


def month_report_from_parts(
    kpis: MonthKpis, trend: list[PeriodKpis], cases: Iterable[Case],
    slips: Iterable[FaultSlip], case_numbers: dict[int, str], lookups: KpiLookups,
    tz: tzinfo, now: datetime, dealership: str = "",
    settings: AccountabilitySettings | None = None,
) -> MonthReportData:
    """The month workbook's data from figures read elsewhere (the running KPI tallies,
    whose periods list no open cases) and the records its sheets list: `cases` holds the
    month's cases and the complaints open at its end (more is ignored), `slips` the
    slips issued in it, `case_numbers` the numbers of their cases."""
    ym = kpis.month
    start, end = month_bounds(ym, tz)
    cases = list(cases)
    cur = kpis.current
    if start < now:  # a month that has not begun has no "open at the end"
        cur = replace(cur, open_cases=open_cases(cases, cur.as_of, lookups))
    kpis = replace(kpis, current=cur)
    trend = [*trend[:-1], cur] if trend else trend
    in_month = [c for c in cases if c.flow == FlowKind.FEEDBACK
                and start <= c.registered_at < end]
    return _report(kpis, trend, in_month, slips, case_numbers, lookups, tz, now, dealership,
                   settings)


def _report(kpis: MonthKpis, trend: list[PeriodKpis], in_month: Iterable[Case],
            slips: Iterable[FaultSlip], numbers: dict[int, str], lookups: KpiLookups,
            tz: tzinfo, now: datetime, dealership: str,
            settings: AccountabilitySettings | None = None) -> MonthReportData:
    start, end = month_bounds(kpis.month, tz)
    issued = sorted(
        (s for s in slips if s.issued_at is not None and start <= s.issued_at < end
         and s.number),
        key=lambda s: s.number,
    )
    # the monthly evaluation's proposals (001 五.1–3), thresholds from the settings
    verdicts = evaluate_departments(trend, settings or AccountabilitySettings())
    return MonthReportData(kpis, trend, sorted(in_month, key=lambda c: (c.registered_at,
                                                                        c.number)),
                           issued, lookups, tz, now, numbers, dealership, verdicts)


def write_month_workbook(
    target: Target, data: MonthReportData, progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
    extra_sheets: Sequence[Callable[[Any], None]] = (),
) -> None:
    """Write the month workbook to a path or a binary stream.

    `extra_sheets`: writers of sheets computed apart from the KPIs (the 厂家转办 figures,
    documents/manufacturer.py), each called with the workbook after the KPI sheets.

    `progress(done, total)` is called as rows are written; when `cancelled()` turns true
    the export stops with `Cancelled` (nothing is saved to `target`).
    """
    cur = data.kpis.current
    total = (len(data.cases) + len(data.slips) + len(cur.open_cases) + len(KPI_DEFS)
             + sum(len(cur.groups[d]) for d in DIMENSIONS) + len(data.trend) + 1)
    job = Job(total, progress, cancelled)
    wb = new_workbook()

    def body() -> None:
        overview = _write_overview(wb, job, data)
        sheets = {
            dim: write_breakdown(wb, job, dim, cur, data.kpis.previous, data.kpis.year_ago,
                                 data.lookups)
            for dim in DIMENSIONS
        }
        trend = _write_trend(wb, job, data)
        write_open_sheet(wb, job, cur, data.tz)
        write_cases_sheet(wb, job, data.cases, data.tz, data.lookups, cur.as_of)
        write_slips_sheet(wb, job, data.slips, data.tz, data.lookups, data.case_numbers)
        write_evaluation_sheet(wb, job, data.dept_verdicts, data.month_title)
        for write in extra_sheets:
            write(wb)
        _add_charts(overview, trend, sheets, data)

    write_workbook(wb, target, job, body)


def _write_overview(wb: object, job: Job, data: MonthReportData) -> TableSheet:
    k = data.kpis
    heading = f"{data.dealership + ' ' if data.dealership else ''}{data.month_title}客户投诉统计月报"
    as_of = k.current.as_of.astimezone(data.tz)
    sub = (f"统计截至 {as_of:%Y-%m-%d %H:%M}；生成于 "
           f"{data.generated_at.astimezone(data.tz):%Y-%m-%d %H:%M}")
    cols = [Col("指标", 36), Col("本月", 12), Col("计算（分子/分母）", 16), Col("上月", 12),
            Col("环比变化", 12), Col("去年同月", 12), Col("同比变化", 12)]
    sheet = TableSheet(wb, "概览", cols, heading=heading, notes=[sub])
    for d in KPI_DEFS:
        now_v = d.value(k.current.overall)
        prev_v = d.value(k.previous.overall) if k.previous else None
        ago_v = d.value(k.year_ago.overall) if k.year_ago else None
        fmt, cfmt = FORMATS[d.kind], CHANGE_FORMATS[d.kind]
        sheet.add([d.label, now_v, d.detail(k.current.overall), prev_v,
                   change(now_v, prev_v), ago_v, change(now_v, ago_v)],
                  [None, fmt, None, fmt, cfmt, fmt, cfmt])
        job.step()
    sheet.blank()
    for line in NOTES:
        sheet.note(line)
    return sheet


def _write_trend(wb: object, job: Job, data: MonthReportData) -> TableSheet:
    defs = [KPI_BY_KEY[k] for k in TREND_KPIS]
    cols = [Col("月份", 10)] + [Col(d.label, 11, FORMATS[d.kind]) for d in defs]
    sheet = TableSheet(wb, "趋势", cols)
    for p in data.trend:
        sheet.add([p.label, *(d.value(p.overall) for d in defs)])
        job.step()
    return sheet


def _add_charts(overview: TableSheet, trend: TableSheet, sheets: dict[str, TableSheet],
                data: MonthReportData) -> None:
    n_trend = len(data.trend)
    col = {k: i + 2 for i, k in enumerate(TREND_KPIS)}
    if n_trend:
        chart = trend_chart(
            "近月投诉趋势", trend, [col["received"]],
            [col["close_rate"], col["satisfaction"]],
            trend.header_row + 1, trend.header_row + n_trend,
        )
        overview.ws.add_chart(chart, "I3")
    dept = sheets[DEPARTMENT]
    n_dept = len(data.kpis.current.groups[DEPARTMENT])
    if n_dept:
        chart = bar_chart("各部门投诉量", dept, [2, 3, 4], dept.header_row + 1,
                          dept.header_row + n_dept)
        overview.ws.add_chart(chart, "I19")
        dept.ws.add_chart(bar_chart("各部门投诉量", dept, [2], dept.header_row + 1,
                                    dept.header_row + n_dept), f"B{n_dept + 4}")
    cat = sheets[CATEGORY]
    n_cat = len(data.kpis.current.groups[CATEGORY])
    if n_cat:
        overview.ws.add_chart(bar_chart("各类别投诉量", cat, [2], cat.header_row + 1,
                                        cat.header_row + n_cat), "I35")
        cat.ws.add_chart(bar_chart("各类别投诉量", cat, [2], cat.header_row + 1,
                                   cat.header_row + n_cat), f"B{n_cat + 4}")
