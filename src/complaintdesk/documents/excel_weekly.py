"""The weekly summary as a workbook (DESIGN §8): 概要 and one sheet per list."""

from __future__ import annotations

from datetime import tzinfo

from ..domain.weekly import WeeklyCaseRow, WeeklySummary
from .excel_common import (
    DATETIME_FORMAT,
    FORMATS,
    Col,
    IsCancelled,
    Job,
    Progress,
    TableSheet,
    Target,
    local_naive,
    new_workbook,
    write_workbook,
)

CASE_COLS: tuple[Col, ...] = (
    Col("编号", 16), Col("客户", 10), Col("责任部门", 12), Col("当前步骤", 14),
    Col("期限", 16, DATETIME_FORMAT), Col("超时（小时）", 11, FORMATS["hours"]),
    Col("类型", 12), Col("意见内容", 40),  # 003 一.8: each case's 意见内容
)
SIGNED_COL = Col("签字存档", 10)  # "未存档": closed without the signed 处理单 on file
SLIP_COLS: tuple[Col, ...] = (
    Col("编号", 16), Col("员工", 10), Col("部门", 12), Col("处罚/奖励", 34), Col("关联案件", 16),
)


def write_weekly_workbook(
    target: Target, summary: WeeklySummary, tz: tzinfo, dealership: str = "",
    progress: Progress | None = None, cancelled: IsCancelled | None = None,
) -> None:
    """Write the week's new, closed and overdue cases and the slips issued."""
    lists: list[tuple[str, list[WeeklyCaseRow]]] = [
        ("新增案件", summary.new_cases), ("已结案", summary.closed_cases),
        ("超时未结", summary.overdue_cases),
    ]
    total = sum(len(rows) for _, rows in lists) + len(summary.slips) + 4
    job = Job(total, progress, cancelled)
    wb = new_workbook()
    period = f"{summary.week_start:%Y-%m-%d} 至 {summary.week_end:%Y-%m-%d}"

    def body() -> None:
        head = TableSheet(wb, "概要", [Col("项目", 14), Col("数量", 10, "0")],
                          heading=f"{dealership + ' ' if dealership else ''}客户投诉处理周报 "
                                  f"{summary.number}",
                          notes=[f"统计周期：{period}（周一至周日）"])
        for title, rows in lists:
            head.add([title, len(rows)])
            job.step()
        head.add(["开具过失单", len(summary.slips)])
        head.add(["结案未存档签字处理单", len(summary.unsigned_closed)])
        job.step()
        for title, rows in lists:
            closed = rows is summary.closed_cases  # with the 签字存档 flag (DESIGN §4.7)
            sheet = TableSheet(wb, title, CASE_COLS + ((SIGNED_COL,) if closed else ()))
            for r in rows:
                values = [r.number, r.customer, r.department, r.step,
                          local_naive(r.deadline, tz), r.overdue_hours, r.kind, r.opinion]
                sheet.add(values + (["未存档" if r.unsigned else ""] if closed else []))
                job.step()
        sheet = TableSheet(wb, "过失单", SLIP_COLS)
        for s in summary.slips:
            sheet.add([s.number, s.employee, s.department, s.penalties, s.case_number])
            job.step()

    write_workbook(wb, target, job, body)
