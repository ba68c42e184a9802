"""The wall clock lives here, at the edge; domain code only ever receives a Clock.

One clock (DESIGN §9): on PostgreSQL the server's clock decides deadlines and breaches, so
a PC whose own clock is wrong can make no step late or early. `ServerClock` measures the
server's time at connect (`SELECT clock_timestamp()`, taken at the middle of the round
trip) and runs on from it by the PC's monotonic clock — which a change of the PC's date
and time does not move — measuring again every few minutes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from ..domain.clock import Clock, utc

log = logging.getLogger(__name__)

SKEW_WARNING = timedelta(minutes=1)  # product default: more than this and the user is told
REFRESH_SECONDS = 300.0


def _pc_now() -> datetime:
    return datetime.now(UTC)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def skew(self) -> timedelta:
        return timedelta(0)


class ServerClock:
    """The database server's time (PostgreSQL). `wall` and `monotonic` are the PC's clocks
    (parameters so that a test can skew them)."""

    def __init__(self, engine: Engine, wall: Callable[[], datetime] | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 refresh_seconds: float = REFRESH_SECONDS) -> None:
        self._engine = engine.execution_options(readonly=True)  # no writers' lock for this
        self._wall = wall or _pc_now
        self._monotonic = monotonic
        self._refresh = refresh_seconds
        # (server time, monotonic time then): one tuple, swapped whole, so that the UI
        # thread and the workers never read half of a new measure
        self._anchor = (datetime.now(UTC), monotonic())
        self._skew = timedelta(0)
        self._measuring = threading.Lock()
        self.measure()

    def measure(self) -> timedelta:
        """Ask the server for its time; returns (and keeps) server minus PC."""
        m0, w0 = self._monotonic(), self._wall()
        with self._engine.connect() as conn:
            server = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
        m1, w1 = self._monotonic(), self._wall()
        self._anchor = (utc(server), m0 + (m1 - m0) / 2)
        self._skew = utc(server) - (utc(w0) + (utc(w1) - utc(w0)) / 2)
        return self._skew

    def now(self) -> datetime:
        server_at, mono_at = self._anchor
        if self._monotonic() - mono_at > self._refresh and self._measuring.acquire(False):
            try:  # one thread measures; the others run on from the last measure meanwhile
                self.measure()
                server_at, mono_at = self._anchor
            except Exception:  # the server away for a moment: run on from the last measure
                log.warning("server clock not measured again; running on", exc_info=True)
            finally:
                self._measuring.release()
        return server_at + timedelta(seconds=self._monotonic() - mono_at)

    def skew(self) -> timedelta:
        """The server's time minus this PC's, as last measured."""
        return self._skew


def clock_for(engine: Engine) -> Clock:
    """The clock the services use: the server's on PostgreSQL, the PC's on SQLite (one PC)."""
    return SystemClock() if engine.dialect.name == "sqlite" else ServerClock(engine)


def skew_warning(clock: Clock, tz: object | None = None) -> str | None:
    """A sentence for the user when this PC's clock is more than a minute off the server's
    (once at start); None when it is right (or the clock is not the server's)."""
    skew_of = getattr(clock, "skew", None)
    if skew_of is None:
        return None
    skew = skew_of()
    if abs(skew) <= SKEW_WARNING:
        return None
    seconds = abs(skew.total_seconds())
    amount = (f"{seconds / 86400:.1f} 天" if seconds >= 2 * 86400 else
              f"{seconds / 3600:.1f} 小时" if seconds >= 5400 else f"{round(seconds / 60)} 分钟")
    side = "慢" if skew > timedelta(0) else "快"
    return (f"本机时钟比数据库服务器{side} {amount}。期限和超时一律按服务器时间计算，"
            "不受影响；请校准本机的日期和时间，以免看错时间。")
