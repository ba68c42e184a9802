"""The assessor's weekly summary (DESIGN §4.1, §8): last Monday–Sunday's new, closed and
overdue cases and the slips issued. Filled by the KPI code, printed as PDF
(documents/weekly_pdf.py) and exported to Excel. Plain rows of display values, so the
documents need no lookups: names and numbers are already resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


def week_start_of(any_day: date) -> date:
    """The Monday of the week (Monday..Sunday) that contains `any_day`."""
    return any_day - timedelta(days=any_day.weekday())


@dataclass(slots=True)
class WeeklyCaseRow:
    """One case in a list of the summary."""

    number: str  # FK-202611-0001
    customer: str  # customer name
    department: str  # responsible department name ("" when not yet forwarded)
    step: str  # title of the open step (e.g. "主管处理"), "已结案" when closed
    deadline: datetime | None = None  # deadline of the open step (aware), None when closed
    overdue_hours: float = 0.0  # hours past the deadline at the end of the week; 0 if not
    # 003 一.8 / 二.7: what the customer (or reporter) said, and which kind of case it is
    kind: str = ""  # 客户投诉 / 建议 / 表扬 / 内部投诉 / 厂外返修; "（当场解决）" on the simple path
    opinion: str = ""  # 意见内容 (the intake's description)
    # closed without its signed copy on file (签字存档, DESIGN §4.7): the forms' titles
    unsigned: str = ""


@dataclass(slots=True)
class WeeklySlipRow:
    """One slip issued during the week."""

    number: str  # GS-202611-0001 / CF-…
    employee: str
    department: str
    penalties: str  # summary as printed, e.g. "罚款 ¥100、绩效扣分 2 分"
    case_number: str = ""  # the case the slip comes from


@dataclass(slots=True)
class WeeklySummary:
    """Week = week_start (a Monday, local date) to week_start + 6 days."""

    week_start: date
    new_cases: list[WeeklyCaseRow] = field(default_factory=list)
    closed_cases: list[WeeklyCaseRow] = field(default_factory=list)
    overdue_cases: list[WeeklyCaseRow] = field(default_factory=list)  # open and overdue at week end
    slips: list[WeeklySlipRow] = field(default_factory=list)
    # the audit chain's head when it was made (entries, last hash): printed on the summary,
    # so cutting the log's end or rewriting it later shows against the paper (DESIGN §9)
    audit_head: tuple[int, str] | None = None

    @property
    def unsigned_closed(self) -> list[WeeklyCaseRow]:
        """Closed this week without the signed 处理单 on file (issue 18 part 4)."""
        return [r for r in self.closed_cases if r.unsigned]

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def number(self) -> str:
        """ISO week label used as the printed number: 2026-W45."""
        y, w, _ = self.week_start.isocalendar()
        return f"{y}-W{w:02d}"
