"""Time as a parameter: domain code never reads the wall clock itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can say what time it is (an aware UTC datetime)."""

    def now(self) -> datetime: ...


class FixedClock:
    """A clock tests (and the demo seeder) move by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now = self._now + (delta or timedelta(**kwargs))
        return self._now


def stored_utc(v: datetime | str | None) -> datetime | None:
    """A UTC time as the database hands it over — naive ISO text (SQLite) or a datetime
    (PostgreSQL) — as an aware UTC datetime. Parsing with the offset appended is one C
    call; `.replace(tzinfo=UTC)` afterwards cost five times as much."""
    if v is None:
        return None
    if isinstance(v, str):
        try:
            return datetime.fromisoformat(v + "+00:00")
        except ValueError:  # text that already carries an offset
            return utc(datetime.fromisoformat(v))
    return utc(v)


def utc(dt: datetime) -> datetime:
    """Normalise to aware UTC (naive values are taken to be UTC, as SQLite returns them)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
