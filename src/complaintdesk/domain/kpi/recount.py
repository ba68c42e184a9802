"""The statistics from records in memory (DESIGN §8): each case's tally (`tally.py`, the
only definition of a figure) worked out and summed — what storage keeps in its running
sums, made on the spot. For a test's reference, a benchmark in memory, and the dashboard's
same-days-of-last-month comparison.

Records are first cut to what was known at `now` (`known_at`): the tallies assume nothing
is recorded later than the moment they are made."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from ..records import Case, FaultSlip, SlipStatus
from .calendar import MonthCalendar, MonthKey, month_bounds, month_int, month_label, shift_month
from .figures import (
    Medians,
    OpenFigures,
    Rows,
    Volumes,
    _period,
    add_rows,
    by_month,
    expand,
    median_of,
    monthly_from_tallies,
    open_cases,
    open_figures,
    yearly_from_tallies,
)
from .shapes import DIMENSIONS, KpiLookups, MonthKpis, PeriodKpis, YearKpis
from .tally import Durations, OpenState, owner_tally


@dataclass(slots=True)
class Tallied:
    """The tallies of a set of records, summed: what storage keeps, in memory."""

    cases: list[Case] = field(default_factory=list)  # as they stood then (`known_at`)
    rows: Rows = field(default_factory=dict)
    open_states: list[OpenState] = field(default_factory=list)
    durations: list[Durations] = field(default_factory=list)

    def with_open_cases(self, p: PeriodKpis, now: datetime, tz: tzinfo,
                        lookups: KpiLookups) -> PeriodKpis:
        """The period with its list of complaints open at its end (none before it began)."""
        start, _ = month_bounds(p.months[0], tz)
        if not start < now:
            return p
        return dataclasses.replace(p, open_cases=open_cases(self.cases, p.as_of, lookups))

    def open_now(self, now: datetime) -> OpenFigures:
        """The complaints open at `now` (never in a tally: counted from their states)."""
        return open_figures(self.open_states, now, _never_stale, month_end=False)

    def medians(self, months: Iterable[MonthKey], year: int | None = None
                ) -> dict[int | str, Medians]:
        """The whole's medians of these months (and of `year` as one period)."""
        out: dict[int | str, Medians] = {}
        for ym in months:
            m = month_int(ym)
            of_month = [d for d in self.durations if d.month == m]
            out[m] = Medians(_median(d.handled_h for d in of_month),
                             _median(d.closed_h_m for d in of_month))
        if year is not None:
            of_year = [d for d in self.durations if d.month // 100 == year]
            out["year"] = Medians(_median(d.handled_h for d in of_year),
                                  _median(d.closed_h_y for d in of_year))
        return out


def _never_stale(st: OpenState, at: datetime) -> None:  # pragma: no cover - see below
    # every state was made at `now` and is read at `now`: no later step has become due
    raise AssertionError("an open state read after it was made")


def _median(values: Iterable[float | None]) -> float | None:
    return median_of(sorted(v for v in values if v is not None))


def known_at(case: Case, at: datetime) -> Case:
    """The case as it stood at `at`: steps not yet due left out, steps finished later
    still open, a later closing undone (the case itself when nothing is later)."""
    if (case.closed_at is None or case.closed_at <= at) and all(
            s.due_since <= at and (s.finished_at is None or s.finished_at <= at)
            for s in case.steps):
        return case
    steps = [s if s.finished_at is None or s.finished_at <= at else
             dataclasses.replace(s, finished_at=None, outcome="")
             for s in case.steps if s.due_since <= at]
    closed = case.closed_at if case.closed_at is not None and case.closed_at <= at else None
    return dataclasses.replace(case, steps=steps, closed_at=closed)


def _slip_known_at(slip: FaultSlip, at: datetime) -> FaultSlip:
    issued_later = slip.issued_at is not None and slip.issued_at > at
    filed = (slip.appeal or {}).get("filed_at") or None
    if filed is not None and not isinstance(filed, datetime):
        filed = datetime.fromisoformat(str(filed))
    filed_later = filed is not None and filed > at
    if not issued_later and not filed_later:
        return slip
    return dataclasses.replace(
        slip, status=SlipStatus.PROPOSED if issued_later else slip.status,
        issued_at=None if issued_later else slip.issued_at,
        appeal=None if filed_later else slip.appeal)


def tally_records(cases: Iterable[Case], slips: Iterable[FaultSlip], tz: tzinfo,
                  now: datetime) -> Tallied:
    """Every case's tally (with its slips) and every loose slip's, as of `now`, summed."""
    cal = MonthCalendar(tz)
    cases = [known_at(c, now) for c in cases]
    ids = {c.id for c in cases if c.id is not None}
    by_case: dict[int | None, list[FaultSlip]] = {}
    loose: list[FaultSlip] = []
    for s in slips:
        s = _slip_known_at(s, now)
        if s.case_id is not None and s.case_id in ids:
            by_case.setdefault(s.case_id, []).append(s)
        else:
            loose.append(s)
    out = Tallied(cases)
    tallies = [owner_tally(c, by_case.get(c.id, []) if c.id is not None else [], cal, now)
               for c in cases]
    tallies += [owner_tally(None, [s], cal, now) for s in loose]
    for t in tallies:
        add_rows(out.rows, expand(t.counts))
        if t.open is not None:
            out.open_states.append(t.open)
        if t.durations is not None:
            out.durations.append(t.durations)
    return out


def monthly_kpis(
    cases: Iterable[Case], slips: Iterable[FaultSlip], volumes: Volumes,
    year: int, month: int, tz: tzinfo, now: datetime, lookups: KpiLookups | None = None,
    trend_months: int = 1,
) -> MonthKpis:
    """The month's KPIs with the previous month and the same month a year before."""
    return month_with_trend(cases, slips, volumes, (year, month), tz, now,
                            lookups or KpiLookups(), trend_months)[0]


def month_with_trend(
    cases: Iterable[Case], slips: Iterable[FaultSlip], volumes: Volumes, ym: MonthKey,
    tz: tzinfo, now: datetime, lookups: KpiLookups, trend_months: int,
) -> tuple[MonthKpis, list[PeriodKpis]]:
    """The month's KPIs and the `trend_months` months ending with it (oldest first)."""
    t = tally_records(cases, slips, tz, now)
    months = [shift_month(ym, -i) for i in range(max(13, trend_months) - 1, -1, -1)]
    kpis, trend = monthly_from_tallies(t.rows, ym, now, tz, volumes, lookups,
                                       t.open_now(now), {}, t.medians(months), trend_months)

    def listed(p: PeriodKpis) -> PeriodKpis:
        return t.with_open_cases(p, now, tz, lookups)

    current = listed(kpis.current)
    return (MonthKpis(ym, current, kpis.previous and listed(kpis.previous),
                      kpis.year_ago and listed(kpis.year_ago)),
            [*(listed(p) for p in trend[:-1]), current][-len(trend):] if trend else trend)


def yearly_kpis(
    cases: Iterable[Case], slips: Iterable[FaultSlip], volumes: Volumes,
    year: int, tz: tzinfo, now: datetime, lookups: KpiLookups | None = None,
    month_dims: tuple[str, ...] = DIMENSIONS,
) -> YearKpis:
    """Twelve months side by side, and the year as one period (state at its end or now)."""
    t = tally_records(cases, slips, tz, now)
    months = [(year, m) for m in range(1, 13)]
    lookups = lookups or KpiLookups()
    y = yearly_from_tallies(t.rows, year, now, tz, volumes, lookups, t.open_now(now), {},
                            t.medians(months, year), month_dims)
    return YearKpis(year, [t.with_open_cases(p, now, tz, lookups) for p in y.months],
                    t.with_open_cases(y.total, now, tz, lookups))


def period_kpis(cases: Sequence[Case], slips: Iterable[FaultSlip], volumes: Volumes,
                ym: MonthKey, tz: tzinfo, now: datetime, lookups: KpiLookups) -> PeriodKpis:
    """One month's figures as they stood at `now` (a month in progress: so far)."""
    t = tally_records(cases, slips, tz, now)
    p = _period(by_month(t.rows), (ym,), now, tz, volumes, lookups, month_label(ym),
                t.open_now(now), t.medians([ym])[month_int(ym)], {})
    return t.with_open_cases(p, now, tz, lookups)
