"""Sheets shared by the month and year workbooks: KPI tables, breakdowns, charts."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines

from ..domain.kpi.shapes import (
    DIMENSION_LABELS,
    EMPLOYEE,
    KIND_COUNT,
    KIND_MONEY,
    KPI_BY_KEY,
    KpiDef,
    KpiLookups,
    KpiSet,
    PeriodKpis,
    change,
)
from .excel_common import CHANGE_FORMATS, FORMATS, Col, Job, TableSheet

# The columns of a breakdown sheet (部门, 类别, 严重程度, 渠道), in order.
GROUP_KPIS: tuple[str, ...] = (
    "received", "suggestions", "praises", "volume", "complaint_rate", "close_rate",
    "resolution_rate", "on_time_rate", "within_24h", "within_48h", "handled_mean",
    "closed_mean", "revisit_rate", "satisfaction", "first_time_fix", "repeat_rate",
    "slips", "fines", "points", "warnings", "rewards", "bonus", "open_at_end",
    "overdue_at_end",
)
# 员工考核: what the ledger and the performance review read.
EMPLOYEE_KPIS: tuple[KpiDef, ...] = (
    KpiDef("received", "被投诉次数", KIND_COUNT, lambda k: k.received),
    KPI_BY_KEY["slips"], KPI_BY_KEY["fines"], KPI_BY_KEY["points"], KPI_BY_KEY["warnings"],
    KPI_BY_KEY["rewards"], KPI_BY_KEY["bonus"], KPI_BY_KEY["reward_points"],
    KpiDef("net_points", "净绩效分", KIND_COUNT, lambda k: k.net_points),
    KPI_BY_KEY["appeals"],
    KpiDef("appeal.reduced", "申诉减轻", KIND_COUNT, lambda k: k.appeal_outcomes.get("reduced", 0)),
    KpiDef("appeal.revoked", "申诉撤销", KIND_COUNT, lambda k: k.appeal_outcomes.get("revoked", 0)),
    KpiDef("steps_done", "经手步骤数", KIND_COUNT, lambda k: k.on_time_rate.denominator),
    KPI_BY_KEY["on_time_rate"],
)


def _width(d: KpiDef) -> float:
    return max(9.0, min(16.0, len(d.label) * 1.9 + 2))


def kpi_value(d: KpiDef, k: KpiSet | None) -> int | float | None:
    return d.value(k) if k is not None else None


def _count(d: KpiDef, k: KpiSet | None, period: PeriodKpis | None) -> int | float | None:
    if period is None:
        return None
    return d.value(k) if k is not None else 0


def write_breakdown(
    wb: Workbook, job: Job, dimension: str, cur: PeriodKpis,
    prev: PeriodKpis | None, year_ago: PeriodKpis | None, lookups: KpiLookups,
    compare: bool = True,
) -> TableSheet:
    """One sheet per breakdown: a row per group, the period's figures, a 合计 row.

    With `compare`, three more columns: the key count last month, the change, a year ago.
    """
    is_emp = dimension == EMPLOYEE
    defs = EMPLOYEE_KPIS if is_emp else tuple(KPI_BY_KEY[k] for k in GROUP_KPIS)
    lead = [Col(DIMENSION_LABELS[dimension] if not is_emp else "员工", 14)]
    if is_emp:
        lead.append(Col("所属部门", 12))
    compare_key = "slips" if is_emp else "received"
    cmp_label = KPI_BY_KEY[compare_key].label
    cols = lead + [Col(d.label, _width(d), FORMATS[d.kind]) for d in defs]
    if compare:
        cols += [Col(f"上月{cmp_label}", 10, "0"),
                 Col("环比变化", 10, CHANGE_FORMATS[KIND_COUNT]),
                 Col(f"去年同月{cmp_label}", 12, "0")]
    sheet = TableSheet(wb, DIMENSION_LABELS[dimension], cols, freeze_col=len(lead))
    cmp_def = KPI_BY_KEY[compare_key]
    for g in cur.groups[dimension]:
        lead_vals: list[object] = [g.label]
        if is_emp:
            lead_vals.append(lookups.department(lookups.employee_departments.get(g.key)))
        # a group absent from an earlier period had nothing then: 0, not "—"
        before = _count(cmp_def, prev.group(dimension, g.key) if prev else None, prev)
        ago = _count(cmp_def, year_ago.group(dimension, g.key) if year_ago else None, year_ago)
        extra = [before, change(cmp_def.value(g.kpis), before), ago] if compare else []
        sheet.add([*lead_vals, *(d.value(g.kpis) for d in defs), *extra])
        job.step()
    k = cur.overall
    before = kpi_value(cmp_def, prev.overall if prev else None)
    total_lead: list[object] = ["合计"] + ([""] if is_emp else [])
    if is_emp:  # the listed employees added up; a rate has no meaningful sum
        rows = [g.kpis for g in cur.groups[dimension]]
        sums = [None if d.kind not in (KIND_COUNT, KIND_MONEY) else
                sum(d.value(r) or 0 for r in rows) for d in defs]
        sheet.add([*total_lead, *sums, *([None] * 3 if compare else [])], total=True)
    else:
        ago_total = kpi_value(cmp_def, year_ago.overall if year_ago else None)
        extra = [before, change(cmp_def.value(k), before), ago_total] if compare else []
        sheet.add([*total_lead, *(d.value(k) for d in defs), *extra], total=True)
    return sheet


def _axes_visible(chart: BarChart | LineChart) -> None:
    # openpyxl ≥ 3.1 marks axes deleted unless told otherwise; Excel then hides them
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def bar_chart(title: str, sheet: TableSheet, value_cols: Sequence[int],
              first_row: int, last_row: int, y_title: str = "件",
              label_col: int = 1) -> BarChart:
    """A clustered column chart over rows first_row..last_row of a table sheet."""
    ws = sheet.ws
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.majorGridlines = ChartLines()
    chart.height, chart.width = 7.5, 16
    for c in value_cols:
        chart.add_data(Reference(ws, min_col=c, min_row=sheet.header_row, max_row=last_row),
                       titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=label_col, min_row=first_row, max_row=last_row))
    _axes_visible(chart)
    return chart


def trend_chart(title: str, sheet: TableSheet, count_cols: Sequence[int],
                rate_cols: Sequence[int], first_row: int, last_row: int) -> BarChart:
    """Counts as columns, rates as lines on a second (percentage) axis."""
    ws = sheet.ws
    bar = bar_chart(title, sheet, count_cols, first_row, last_row)
    if rate_cols:
        line = LineChart()
        for c in rate_cols:
            line.add_data(Reference(ws, min_col=c, min_row=sheet.header_row, max_row=last_row),
                          titles_from_data=True)
        line.y_axis.axId = 200
        line.y_axis.title = "比率"
        line.y_axis.number_format = "0%"
        line.y_axis.crosses = "max"
        line.y_axis.majorGridlines = None
        _axes_visible(line)
        bar += line
    return bar
