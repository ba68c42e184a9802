"""Month-to-date against the same days of last month (issue 13, list 6).

A month in progress compared with the whole of last month always looks like a collapse
("投诉量 14 较上月 ↓71" six days in); the dashboard compares the days so far with the same
stretch of last month and says so. Pure: the caller passes `now` (no clock here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from .kpi_index import month_bounds
from .kpi_model import MonthKey, shift_month


@dataclass(frozen=True, slots=True)
class MonthToDate:
    month: MonthKey  # the month in progress
    day: int  # today's day of the month (local)
    previous: MonthKey
    previous_start: datetime  # UTC
    previous_cut: datetime  # UTC: as far into last month as `now` is into this one
    partial: bool  # False on the stroke of a new month (nothing of it yet)

    @property
    def days_text(self) -> str:
        """"1–6日" (or "1日" on the first)."""
        return "1日" if self.day == 1 else f"1–{self.day}日"

    @property
    def compare_text(self) -> str:
        """"本月1–6日 较上月同期" — what the tiles' changes compare."""
        return f"本月{self.days_text} 较上月同期"

    @property
    def change_prefix(self) -> str:
        return "较上月同期"

    @property
    def partial_label(self) -> str:
        """"（截至6日）" under the month in progress on a chart."""
        return f"（截至{self.day}日）"


def month_to_date(now: datetime, tz: tzinfo) -> MonthToDate:
    """Where `now` stands in its local month, and the same stretch of last month: the
    time elapsed since the 1st added to the previous month's start, no further than its
    end (31 March 10:00 compares with the whole of February)."""
    local = now.astimezone(tz)
    ym = (local.year, local.month)
    start, _end = month_bounds(ym, tz)
    prev = shift_month(ym, -1)
    prev_start, prev_end = month_bounds(prev, tz)
    cut = min(prev_end, prev_start + (now - start))
    return MonthToDate(ym, local.day, prev, prev_start, cut, now > start)
