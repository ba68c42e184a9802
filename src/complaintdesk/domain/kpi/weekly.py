"""Computing the assessor's weekly summary (DESIGN §4.1 "every Monday", §8).

The week runs Monday 00:00 to the next Monday 00:00 in local time. "Overdue" and the
state of a case are taken at `as_of = min(end of week, now)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ..penalty_text import penalty_text
from ..records import (
    Case,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    SlipStatus,
)
from ..steps import step_title
from ..weekly import WeeklyCaseRow, WeeklySlipRow, WeeklySummary, week_start_of
from .calendar import hours_of
from .shapes import KpiLookups
from .tally import is_open_at, overdue_at

_NOT_ISSUED = frozenset({SlipStatus.PROPOSED, SlipStatus.DISCARDED})


def week_bounds(week_start: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) local, as aware UTC instants."""
    start = datetime.combine(week_start, time(0), tzinfo=tz)
    end = datetime.combine(week_start + timedelta(days=7), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def last_week_start(now: datetime, tz: tzinfo) -> date:
    """The Monday of the week before the one `now` falls in (what Monday's summary covers)."""
    return week_start_of(now.astimezone(tz).date()) - timedelta(days=7)


def case_kind_text(case: Case) -> str:
    """客户投诉 / 建议 / 表扬 / 内部投诉 / 厂外返修, and 当场解决 on the simple path."""
    if case.flow is not FlowKind.FEEDBACK:
        return case.flow.label
    text = "客户" + case.kind.label if case.kind is FeedbackKind.COMPLAINT else case.kind.label
    return text + ("（当场解决）" if case.simple_path else "")


def _case_row(case: Case, as_of: datetime, lookups: KpiLookups) -> WeeklyCaseRow:
    row = _state_row(case, as_of, lookups)
    row.kind = case_kind_text(case)
    row.opinion = _digest(case.intake.description)
    return row


def _state_row(case: Case, as_of: datetime, lookups: KpiLookups) -> WeeklyCaseRow:
    dept = lookups.department(case.department_id) if case.department_id is not None else ""
    if case.closed_at is not None and case.closed_at < as_of:
        return WeeklyCaseRow(case.number, case.intake.customer_name, dept, "已结案")
    step, deadline, late = overdue_at(case, as_of)
    overdue = hours_of(late) if late is not None else 0.0
    title = step_title(step.step_key) if step is not None else step_title(case.current_step)
    return WeeklyCaseRow(case.number, case.intake.customer_name, dept, title, deadline, overdue)


def weekly_summary(
    cases: Iterable[Case], slips: Iterable[FaultSlip], week_start: date, tz: tzinfo,
    now: datetime, lookups: KpiLookups | None = None,
) -> WeeklySummary:
    """New, closed and overdue cases and the slips issued in the week starting `week_start`.

    - new: cases (every flow) registered in the week, with their state at the week's end;
    - closed: cases closed in the week;
    - overdue: cases registered before the week's end, still open then, whose open step
      was past its deadline, most overdue first;
    - slips: slips and reward slips issued in the week (not those merely proposed).
    """
    if week_start.weekday() != 0:
        raise ValueError(f"周报须从星期一开始：{week_start} 不是星期一")
    lookups = lookups or KpiLookups()
    start, end = week_bounds(week_start, tz)
    as_of = min(end, now)
    new: list[tuple[datetime, WeeklyCaseRow]] = []
    closed: list[tuple[datetime, WeeklyCaseRow]] = []
    overdue: list[WeeklyCaseRow] = []
    numbers: dict[int, str] = {}
    for case in cases:
        if case.id is not None:
            numbers[case.id] = case.number
        if case.registered_at >= as_of:
            continue
        row: WeeklyCaseRow | None = None
        if case.registered_at >= start:
            row = _case_row(case, as_of, lookups)
            new.append((case.registered_at, row))
        if case.closed_at is not None and start <= case.closed_at < end:
            closed.append((case.closed_at, row or _case_row(case, as_of, lookups)))
        elif is_open_at(case, as_of):
            row = row or _case_row(case, as_of, lookups)
            if row.overdue_hours > 0:
                overdue.append(row)
    slip_rows: list[tuple[datetime, WeeklySlipRow]] = []
    for s in slips:
        if s.issued_at is None or s.status in _NOT_ISSUED or not start <= s.issued_at < end:
            continue
        slip_rows.append((s.issued_at, WeeklySlipRow(
            s.number, lookups.employee(s.employee_id), lookups.department(s.department_id),
            penalty_text(s.penalties),
            numbers.get(s.case_id, "") if s.case_id is not None else "",
        )))
    return WeeklySummary(
        week_start=week_start,
        new_cases=[r for _, r in sorted(new, key=lambda x: (x[0], x[1].number))],
        closed_cases=[r for _, r in sorted(closed, key=lambda x: (x[0], x[1].number))],
        overdue_cases=sorted(overdue, key=lambda r: (-r.overdue_hours, r.number)),
        slips=[r for _, r in sorted(slip_rows, key=lambda x: (x[0], x[1].number))],
    )


OPINION_CHARS = 300  # the weekly summary is a digest: the whole text is on the case's form


def _digest(text: str) -> str:
    """What the customer said, cut to OPINION_CHARS (a table row of the weekly PDF cannot
    run over a page: a 10,000-character complaint made the summary fail to print)."""
    text = text.strip()
    return text if len(text) <= OPINION_CHARS else text[:OPINION_CHARS] + "…（全文见处理单）"
