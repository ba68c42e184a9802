"""The statistics' calendar (DESIGN §8): local calendar months as UTC instants, months as
numbers, instants as whole microseconds, and the month so far against the same days of
last month. Pure: the time zone and `now` are arguments."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

MonthKey = tuple[int, int]  # (year, month), a calendar month in local time

_US = timedelta(microseconds=1)
_DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def month_label(ym: MonthKey) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}"


def shift_month(ym: MonthKey, months: int) -> MonthKey:
    idx = ym[0] * 12 + (ym[1] - 1) + months
    return (idx // 12, idx % 12 + 1)


def month_int(ym: MonthKey) -> int:
    """(2026, 11) → 202611, as storage files the tallies."""
    return ym[0] * 100 + ym[1]


def month_key(m: int) -> MonthKey:
    return (m // 100, m % 100)


def month_bounds(ym: MonthKey, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar month, as aware UTC instants."""
    y, m = ym
    start = datetime(y, m, 1, tzinfo=tz)
    end = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_month(at: datetime, tz: tzinfo) -> MonthKey:
    local = at.astimezone(tz)
    return (local.year, local.month)


def micros(dt: datetime) -> int:
    """An instant as whole microseconds since 1970 (portable integer SQL arithmetic)."""
    return (dt - _EPOCH) // _US


def from_micros(us: int) -> datetime:
    return _EPOCH + us * _US


def us_of(delta: timedelta) -> int:
    return delta // _US


def hours_of(delta: timedelta) -> float:
    return delta.total_seconds() / 3600.0


class MonthCalendar:
    """The local month of an instant, in one time zone. The bounds of every month met are
    kept, so after the first few it is a bisection over them instead of a time-zone
    conversion (a million times over a year of steps)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._starts: list[datetime] = []
        self._ends: list[datetime] = []
        self._yms: list[MonthKey] = []

    def month_of(self, dt: datetime) -> MonthKey:
        starts = self._starts
        i = bisect.bisect_right(starts, dt) - 1
        if i >= 0 and dt < self._ends[i]:
            return self._yms[i]
        tz = self.tz
        ym = local_month(dt, tz)
        lo, hi = month_bounds(ym, tz)
        # keep the bounds only where they agree with the conversion at both ends and no
        # clock change near the start could turn the month back into the one before
        if lo <= dt < hi and local_month(lo, tz) == ym and local_month(hi, tz) != ym \
                and local_month(lo - _US, tz) != ym and local_month(hi - _US, tz) == ym \
                and lo.astimezone(tz).utcoffset() == (lo + _DAY).astimezone(tz).utcoffset():
            j = bisect.bisect_left(starts, lo)
            starts.insert(j, lo)
            self._ends.insert(j, hi)
            self._yms.insert(j, ym)
        return ym


# ---- month to date (issue 13, list 6) ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class MonthToDate:
    """Where `now` stands in its local month, and the same stretch of last month: a month
    in progress compared with the whole of last month always looks like a collapse
    ("投诉量 14 较上月 ↓71" six days in), so the dashboard compares the days so far with
    the same days of last month and says so."""

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
    """The time elapsed since the 1st added to the previous month's start, no further
    than its end (31 March 10:00 compares with the whole of February)."""
    local = now.astimezone(tz)
    ym = (local.year, local.month)
    start, _end = month_bounds(ym, tz)
    prev = shift_month(ym, -1)
    prev_start, prev_end = month_bounds(prev, tz)
    cut = min(prev_end, prev_start + (now - start))
    return MonthToDate(ym, local.day, prev, prev_start, cut, now > start)
