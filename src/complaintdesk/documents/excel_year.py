"""The year KPI workbook (DESIGN §8): the twelve months side by side.

Sheets: 全年概览 (every KPI × 1–12月 + 全年, with the trend chart), 部门投诉量 / 部门投诉率 /
类别 / 严重程度 / 渠道 (groups × months), 员工考核 (the year's totals per employee).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference

from ..domain.kpi import Volumes, yearly_kpis
from ..domain.kpi.shapes import (
    CATEGORY,
    CHANNEL,
    DEPARTMENT,
    EMPLOYEE,
    KPI_BY_KEY,
    KPI_DEFS,
    KpiDef,
    KpiLookups,
    YearKpis,
)
from ..domain.records import Case, FaultSlip
from .excel_common import (
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
from .excel_sheets import write_breakdown

MONTH_HEADERS = [f"{m}月" for m in range(1, 13)]
MATRICES: tuple[tuple[str, str, str], ...] = (  # sheet, dimension, KPI
    ("部门投诉量", DEPARTMENT, "received"),
    ("部门投诉率", DEPARTMENT, "complaint_rate"),
    ("部门结案率", DEPARTMENT, "close_rate"),
    ("类别", CATEGORY, "received"),
    ("严重程度", "severity", "received"),
    ("渠道", CHANNEL, "received"),
)
# the breakdowns read of each month (员工考核 is the year's only)
MONTH_DIMENSIONS: tuple[str, ...] = tuple(dict.fromkeys(dim for _, dim, _ in MATRICES))


@dataclass(slots=True)
class YearReportData:
    kpis: YearKpis
    lookups: KpiLookups
    tz: tzinfo
    generated_at: datetime
    dealership: str = ""


def build_year_report(
    cases: Iterable[Case], slips: Iterable[FaultSlip], volumes: Volumes, year: int,
    tz: tzinfo, now: datetime, lookups: KpiLookups, dealership: str = "",
) -> YearReportData:
    """The year's figures from the records in memory (`domain/kpi/recount.py`)."""
    kpis = yearly_kpis(cases, slips, volumes, year, tz, now, lookups, MONTH_DIMENSIONS)
    return YearReportData(kpis, lookups, tz, now, dealership)


def write_year_workbook(
    target: Target, data: YearReportData, progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> None:
    """Write the year workbook; progress and cancel as in `write_month_workbook`."""
    y = data.kpis
    total = len(KPI_DEFS) + sum(len(y.total.groups[d]) for _, d, _ in MATRICES) + len(
        y.total.groups[EMPLOYEE])
    job = Job(total, progress, cancelled, every=50)
    wb = new_workbook(in_memory=True)  # eight small sheets (employees: a few hundred rows)

    def body() -> None:
        _overview(wb, job, data)
        for title, dim, key in MATRICES:
            _matrix(wb, job, data, title, dim, KPI_BY_KEY[key])
        write_breakdown(wb, job, EMPLOYEE, y.total, None, None, data.lookups,
                        compare=False)

    write_workbook(wb, target, job, body)


def _overview(wb: Workbook, job: Job, data: YearReportData) -> TableSheet:
    y = data.kpis
    heading = f"{data.dealership + ' ' if data.dealership else ''}{y.year}年客户投诉统计年报"
    note = (f"各月按当地时间的自然月统计；全年列按全年一个统计期计算（非各月相加的比率）；"
            f"生成于 {data.generated_at.astimezone(data.tz):%Y-%m-%d %H:%M}")
    cols = [Col("指标", 34)] + [Col(h, 9) for h in MONTH_HEADERS] + [Col("全年", 11)]
    sheet = TableSheet(wb, "全年概览", cols, heading=heading, notes=[note])
    rows: dict[str, int] = {}
    for d in KPI_DEFS:
        fmt = FORMATS[d.kind]
        rows[d.key] = sheet.add(
            [d.label, *(d.value(m.overall) for m in y.months), d.value(y.total.overall)],
            [None, *([fmt] * 13)])
        job.step()
    ws = sheet.ws
    cats = Reference(ws, min_col=2, max_col=13, min_row=sheet.header_row)
    bar = BarChart()
    bar.type = "col"
    bar.title = f"{y.year}年各月投诉量与结案率、客户满意度"
    bar.y_axis.title = "件"
    bar.height, bar.width = 8, 22
    bar.add_data(Reference(ws, min_col=1, max_col=13, min_row=rows["received"]),
                 from_rows=True, titles_from_data=True)
    bar.set_categories(cats)
    line = LineChart()
    for key in ("close_rate", "satisfaction"):
        line.add_data(Reference(ws, min_col=1, max_col=13, min_row=rows[key]),
                      from_rows=True, titles_from_data=True)
    line.y_axis.axId = 200
    line.y_axis.title = "比率"
    line.y_axis.number_format = "0%"
    line.y_axis.crosses = "max"
    for c in (bar, line):
        c.x_axis.delete = False
        c.y_axis.delete = False
    bar += line
    ws.add_chart(bar, "P3")
    return sheet


def _matrix(wb: Workbook, job: Job, data: YearReportData, title: str, dim: str,
            d: KpiDef) -> TableSheet:
    """Groups down, months across, the year at the right, a 合计 row at the bottom."""
    y = data.kpis
    fmt = FORMATS[d.kind]
    cols = ([Col(title.removesuffix(d.label).removesuffix("投诉") or "分组", 14)]
            + [Col(h, 9, fmt) for h in MONTH_HEADERS] + [Col("全年", 11, fmt)])
    sheet = TableSheet(wb, title, cols, notes=[f"{y.year}年各月{d.label}"])
    keys: list[Hashable] = [g.key for g in y.total.groups[dim]]
    labels = {g.key: g.label for g in y.total.groups[dim]}
    for key in keys:
        month_vals = []
        for m in y.months:
            k = m.group(dim, key)
            # absent in a month: a count is 0 there; a rate has no base ("—")
            month_vals.append(d.value(k) if k is not None else (0 if fmt == "0" else None))
        year = y.total.group(dim, key)
        assert year is not None  # `keys` are the year's own groups
        sheet.add([labels[key], *month_vals, d.value(year)])
        job.step()
    sheet.add(["合计", *(d.value(m.overall) for m in y.months), d.value(y.total.overall)],
              total=True)
    return sheet
