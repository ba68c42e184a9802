"""The optional business-hours calendar (DESIGN §4.4).

Dealerships usually open seven days, so deadlines run in calendar hours by default. When a
BusinessCalendar is configured (a setting, not code) hour-based clocks only run while the
dealership is open, and day-based deadlines count open days.

All instants going in and out are aware UTC; opening hours are local wall-clock times in
the calendar's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# No real calendar is closed for ten years; a bound keeps a misconfiguration from looping.
_MAX_DAYS = 3660


def _parse_time(value: str | time) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Opening hours per weekday (0 = Monday) and closed dates, in local time."""

    hours: Mapping[int, tuple[time, time]] = field(default_factory=dict)
    closed_dates: frozenset[date] = frozenset()
    tz: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if not self.hours:
            raise ValueError("营业时间设置为空：请至少为一周中的一天设置营业时间。")
        for weekday, (opens, closes) in self.hours.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"营业时间设置有误：星期编号 {weekday} 无效（应为 0–6）。")
            if opens >= closes:
                raise ValueError(f"{WEEKDAY_NAMES[weekday]}的营业时间设置有误：开门时间"
                                 f"（{opens:%H:%M}）必须早于关门时间（{closes:%H:%M}）。")
        ZoneInfo(self.tz)  # fail early on an unknown zone

    # ---- construction from settings data -------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = "Asia/Shanghai") -> BusinessCalendar:
        """{"hours": {"0": ["08:30", "18:00"], ...}, "closed_dates": ["2026-10-01"], "tz": ...}"""
        hours = {
            int(k): (_parse_time(v[0]), _parse_time(v[1]))
            for k, v in dict(data.get("hours", {})).items()
        }
        closed: Iterable[str | date] = data.get("closed_dates", ())
        closed_dates = frozenset(
            d if isinstance(d, date) else date.fromisoformat(d) for d in closed
        )
        return cls(hours=hours, closed_dates=closed_dates, tz=str(data.get("tz", tz)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "hours": {
                str(k): [o.strftime("%H:%M"), c.strftime("%H:%M")]
                for k, (o, c) in sorted(self.hours.items())
            },
            "closed_dates": sorted(d.isoformat() for d in self.closed_dates),
            "tz": self.tz,
        }

    # ---- queries -------------------------------------------------------------------------
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The open interval of a local date as UTC instants, or None when closed all day."""
        if day in self.closed_dates or day.weekday() not in self.hours:
            return None
        opens, closes = self.hours[day.weekday()]
        zone = self.zone
        return (
            datetime.combine(day, opens, tzinfo=zone).astimezone(UTC),
            datetime.combine(day, closes, tzinfo=zone).astimezone(UTC),
        )

    def is_open(self, at: datetime) -> bool:
        w = self.window(at.astimezone(self.zone).date())
        return w is not None and w[0] <= at < w[1]

    def next_open_instant(self, start: datetime) -> datetime:
        """`start` itself when open, else the next opening."""
        cur = start.astimezone(UTC)
        day = cur.astimezone(self.zone).date()
        for _ in range(_MAX_DAYS):
            w = self.window(day)
            if w is not None:
                if cur < w[0]:
                    return w[0]
                if cur < w[1]:
                    return cur
            day += timedelta(days=1)
        raise ValueError("营业日历中找不到营业时间，请检查营业时间和休息日设置。")

    def add_open_time(self, start: datetime, delta: timedelta) -> datetime:
        """The instant when `delta` of open time has elapsed since `start`.

        A step due at 17:30 on a day closing at 18:00 with 1 h to go uses 30 min that day
        and ends 30 min after the next opening (08:30 → 09:00).
        """
        cur = start.astimezone(UTC)
        remaining = delta
        day = cur.astimezone(self.zone).date()
        for _ in range(_MAX_DAYS):
            w = self.window(day)
            if w is not None:
                opens, closes = w
                cur = max(cur, opens)
                if cur < closes:
                    available = closes - cur
                    if remaining <= available:
                        return cur + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("营业日历中找不到营业时间，请检查营业时间和休息日设置。")

    def add_open_days(self, start: datetime, n: int) -> datetime:
        """The same local time on the n-th following open day (clamped to its opening hours).

        Counting starts from the first open instant at or after `start`, so a step due at
        night counts from the next opening.
        """
        effective = self.next_open_instant(start)
        zone = self.zone
        local = effective.astimezone(zone)
        day, count = local.date(), 0
        for _ in range(_MAX_DAYS):
            if count >= n:
                break
            day += timedelta(days=1)
            if self.window(day) is not None:
                count += 1
        w = self.window(day)
        if w is None:  # only when n == 0 and effective lies on an open day — not reachable
            return effective
        target = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone)
        return min(max(target.astimezone(UTC), w[0]), w[1])
