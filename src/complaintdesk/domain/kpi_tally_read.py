"""Reading the running KPI tallies back as figures (DESIGN §8): the sums of
`kpi_tally` (one row of counts per month and group) become `kpi.py`'s figure sets — the
same definitions, numerator ÷ denominator, as the recount (`kpi._Acc.kpis`).
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .kpi import Volumes, finish_period
from .kpi_index import month_bounds
from .kpi_model import (
    DEPARTMENT,
    DIMENSIONS,
    EMPLOYEE,
    OVERALL,
    Hours,
    KpiLookups,
    KpiSet,
    MonthKey,
    MonthKpis,
    PeriodKpis,
    Ratio,
    YearKpis,
    month_label,
    shift_month,
)
from .kpi_tally import (
    APPEAL_OUTCOMES,
    FIELD_INDEX,
    FIELDS,
    STEP_KEYS,
    USER,
    OpenFigures,
    group_value,
    month_int,
)


class TallyAcc:
    """Summed tallies of one group over a period, with `kpi.py`'s accumulator interface
    (`volume`, `kpis()`)."""

    __slots__ = ("n", "volume", "rate_num", "year", "median_handled", "median_closed")

    def __init__(self) -> None:
        self.n = [0] * len(FIELDS)
        self.volume: int | None = None
        self.rate_num = 0
        self.year = False  # the year as one period: closings before the year's end
        self.median_handled: float | None = None
        self.median_closed: float | None = None

    def add(self, values: Sequence[int]) -> None:
        self.n = list(map(operator.add, self.n, values))

    def empty(self) -> bool:
        return not any(self.n)

    def kpis(self) -> KpiSet:
        if self.volume is None and not any(self.n):
            return KpiSet()  # nothing counted: the defaults are those zeros (a test checks)
        return self.counted_kpis()

    def counted_kpis(self) -> KpiSet:
        """The figures from the summed counts, numerator ÷ denominator as `kpi._Acc.kpis`
        defines them (e.g. 按时处理率 ontime_* ÷ done_* of complaints' steps, 回访率
        revisited ÷ revisit_due per case, 客户满意度 satisfied ÷ reached per contact)."""
        n = self.n
        v = _YEAR_IX if self.year else _MONTH_IX
        closed, received = n[v[0]], n[_I_RECEIVED]
        done = [n[i] for i in _DONE_IX]
        on_time = [n[i] for i in _ONTIME_IX]
        return KpiSet(
            received=received, suggestions=n[_I["suggestions"]], praises=n[_I["praises"]],
            complaint_rate=_ratio(self.rate_num if self.volume is not None else 0, self.volume),
            close_rate=_ratio(closed, received),
            resolution_rate=_ratio(n[v[1]], closed),
            on_time_rate=_ratio(sum(on_time), sum(done)),
            on_time_by_step={k: _ratio(n[o], n[d]) for k, d, o in _STEP_IX if n[d]},
            suggestion_on_time=_ratio(n[_I["sugg_ontime"]], n[_I["sugg_done"]]),
            praise_on_time=_ratio(n[_I["praise_ontime"]], n[_I["praise_done"]]),
            within_24h=_ratio(n[_I["within24"]], received),
            within_48h=_ratio(n[_I["within48"]], received),
            to_handled_hours=_hours_of(n[_I["handled"]], n[_I["handled_us"]],
                                       self.median_handled),
            to_closed_hours=_hours_of(closed, n[v[3]], self.median_closed),
            revisit_rate=_ratio(n[_I["revisited"]], n[_I["revisit_due"]]),
            satisfaction=_ratio(n[_I["satisfied"]], n[_I["reached"]]),
            first_time_fix=_ratio(n[v[2]], closed),
            repeat_rate=_ratio(n[_I["repeats"]], received),
            slips=n[_I["slips"]], fines=n[_I["fines"]], points=n[_I["points"]],
            warnings=n[_I["warnings"]],
            rewards=n[_I["rewards"]], bonus=n[_I["bonus"]],
            reward_points=n[_I["reward_points"]], appeals=n[_I["appeals"]],
            appeal_outcomes={o: n[i] for o, i in _APPEAL_IX if n[i]},
            open_at_end=n[_I["open_end"]], overdue_at_end=n[_I["overdue_end"]],
            overdue_hours=_hours_of(n[_I["overdue_end"]], n[_I["overdue_us"]], None),
        )


_I = FIELD_INDEX
_RATIOS: dict[tuple[int, int | None], Ratio] = {}


def _ratio(numerator: int, denominator: int | None) -> Ratio:
    """A `Ratio`, shared: they are immutable, and a year's figure sets make thousands of
    the same few (0 / 0 …)."""
    key = (numerator, denominator)
    r = _RATIOS.get(key)
    if r is None:
        if len(_RATIOS) > 100_000:
            _RATIOS.clear()
        r = _RATIOS[key] = Ratio(numerator, denominator)
    return r
_I_RECEIVED = _I["received"]
# closed, resolved, first time, closed hours (µs): for a month, for the year
_MONTH_IX = tuple(_I[f"{n}_m"] for n in ("closed", "resolved", "first_time", "closed_us"))
_YEAR_IX = tuple(_I[f"{n}_y"] for n in ("closed", "resolved", "first_time", "closed_us"))
_DONE_IX = tuple(_I[f"done_{k}"] for k in STEP_KEYS)
_ONTIME_IX = tuple(_I[f"ontime_{k}"] for k in STEP_KEYS)
_STEP_IX = tuple((k, _I[f"done_{k}"], _I[f"ontime_{k}"]) for k in STEP_KEYS if k != "other")
_APPEAL_IX = tuple((o, _I[f"appeal_{o}"]) for o in APPEAL_OUTCOMES)
_HOUR_US = 3_600_000_000


def _hours_of(count: int, total_us: int, median: float | None) -> Hours:
    return Hours(count, total_us / _HOUR_US / count if count else None,
                 median if count else None)


TallyRows = Mapping[tuple[int, str, str], Sequence[int]]  # (month, dim, key) → FIELDS


@dataclass(slots=True)
class Medians:
    """The whole's medians of one period (hours), read from the `Durations` rows."""

    handled: float | None = None
    closed: float | None = None


ByMonth = Mapping[int, Sequence[tuple[str, str, Sequence[int]]]]


def by_month(rows: TallyRows) -> dict[int, list[tuple[str, str, Sequence[int]]]]:
    out: dict[int, list[tuple[str, str, Sequence[int]]]] = {}
    for (m, dim, key), values in rows.items():
        out.setdefault(m, []).append((dim, key, values))
    return out


def period_from_tallies(
    rows: TallyRows, months: tuple[MonthKey, ...], now: datetime, tz: Any,
    volumes: Volumes, lookups: KpiLookups, label: str, open_now: OpenFigures | None,
    medians: Medians, month_ends: Mapping[int, OpenFigures] | None = None,
) -> PeriodKpis:
    """One period's figures from summed tallies (`rows`, every month of the period),
    the open complaints counted at its `as_of` when that is not a stored month end
    (`open_now`, or per month in `month_ends`: the complaints whose tally was written
    before that month ended), and the whole's medians."""
    return _period(by_month(rows), months, now, tz, volumes, lookups, label, open_now,
                   medians, month_ends)


_OPEN_IX = tuple(FIELD_INDEX[n] for n in ("open_end", "overdue_end", "overdue_us"))
_I_RECEIVED_ROW = FIELD_INDEX["received"]


def _period(
    rows: ByMonth, months: tuple[MonthKey, ...], now: datetime, tz: Any,
    volumes: Volumes, lookups: KpiLookups, label: str, open_now: OpenFigures | None,
    medians: Medians, month_ends: Mapping[int, OpenFigures] | None,
    dims: tuple[str, ...] = DIMENSIONS,
) -> PeriodKpis:
    start, _ = month_bounds(months[0], tz)
    _, end = month_bounds(months[-1], tz)
    as_of = min(end, now)
    last = month_int(months[-1])
    overall = TallyAcc()
    accs: dict[str, dict[Hashable, TallyAcc]] = {d: {} for d in dims}
    users: dict[int, TallyAcc] = {}
    for ym in months:
        m = month_int(ym)
        ml = month_label(ym)
        for dim, key, values in rows.get(m, ()):
            if dim == OVERALL:
                acc = overall
            elif dim == USER:
                if EMPLOYEE not in accs:
                    continue
                acc = users.setdefault(int(key), TallyAcc())
            elif dim in accs:
                gk = group_value(dim, key)
                acc = accs[dim].get(gk) or accs[dim].setdefault(gk, TallyAcc())
            else:
                continue
            acc.add(values)
            if m != last:  # "open at the end" belongs to the period's last month only
                n = acc.n
                for i in _OPEN_IX:
                    n[i] -= values[i]
            if dim == DEPARTMENT and key and (int(key), ml) in volumes:
                received = values[_I_RECEIVED_ROW]
                acc.rate_num += received
                overall.rate_num += received
    extra = open_now if as_of < end else (month_ends or {}).get(last)
    if start < now and extra is not None:
        for (dim, key), n in extra.n.items():
            if dim == OVERALL:
                acc = overall
            elif dim == USER or dim not in accs:
                continue
            else:
                acc = accs[dim].setdefault(group_value(dim, key), TallyAcc())
            acc.n[_OPEN_IX[0]] += n
            acc.n[_OPEN_IX[1]] += extra.overdue.get((dim, key), 0)
            acc.n[_OPEN_IX[2]] += extra.overdue_us.get((dim, key), 0)
    if not start < now:  # a period that has not begun has no "open at the end"
        for acc in (overall, *(a for d in accs.values() for a in d.values())):
            for i in _OPEN_IX:
                acc.n[i] = 0
    for uid, acc in users.items():  # a step counts for the employee of the user
        emp = lookups.user_employee.get(uid)
        if emp is not None:
            accs[EMPLOYEE].setdefault(emp, TallyAcc()).add(acc.n)
    for d in accs.values():
        for k in [k for k, a in d.items() if a.empty()]:
            del d[k]
    overall.median_handled, overall.median_closed = medians.handled, medians.closed
    year = len(months) > 1
    for acc in (overall, *(a for d in accs.values() for a in d.values())):
        acc.year = year
    return finish_period(overall, accs, TallyAcc, label, months, as_of, [], lookups, volumes)


def yearly_from_tallies(
    rows: TallyRows, year: int, now: datetime, tz: Any, volumes: Volumes,
    lookups: KpiLookups, open_now: OpenFigures | None, month_ends: Mapping[int, OpenFigures],
    medians: Mapping[int | str, Medians], month_dims: tuple[str, ...] = DIMENSIONS,
) -> YearKpis:
    """`kpi.yearly_kpis` from tallies: the twelve months and the year as one period.
    `medians` by month (yyyymm) and "year"; `month_ends` the open complaints counted at
    month ends after their tallies were written, by month (see `period_from_tallies`).
    The months carry the breakdowns in `month_dims` only (departments always; the year
    workbook reads no month's employees), the year all of them. The periods carry no
    list of open cases (the year workbook lists none)."""
    months = tuple((year, m) for m in range(1, 13))
    grouped = by_month(rows)
    dims = tuple(dict.fromkeys((DEPARTMENT, *month_dims)))
    return YearKpis(
        year=year,
        months=[_period(grouped, (ym,), now, tz, volumes, lookups, month_label(ym),
                        open_now, medians.get(month_int(ym), Medians()), month_ends, dims)
                for ym in months],
        total=_period(grouped, months, now, tz, volumes, lookups, f"{year}年",
                      open_now, medians.get("year", Medians()), month_ends),
    )


def monthly_from_tallies(
    rows: TallyRows, ym: MonthKey, now: datetime, tz: Any, volumes: Volumes,
    lookups: KpiLookups, open_now: OpenFigures | None, month_ends: Mapping[int, OpenFigures],
    medians: Mapping[int | str, Medians], trend_months: int = 12,
) -> tuple[MonthKpis, list[PeriodKpis]]:
    """`kpi.monthly_kpis` and the month workbook's trend from tallies: the month, the one
    before and the same month a year before with every breakdown, and the `trend_months`
    months ending with it (oldest first) with the whole only (departments too, which
    the complaint rate reads); `rows` must hold all of them. `medians` by month (yyyymm).
    The periods carry no list of open cases (see `kpi.open_cases`)."""
    grouped = by_month(rows)

    def period(m: MonthKey, dims: tuple[str, ...] = DIMENSIONS) -> PeriodKpis:
        return _period(grouped, (m,), now, tz, volumes, lookups, month_label(m), open_now,
                       medians.get(month_int(m), Medians()), month_ends, dims)

    kpis = MonthKpis(month=ym, current=period(ym), previous=period(shift_month(ym, -1)),
                     year_ago=period(shift_month(ym, -12)))
    trend = [kpis.current if i == 0 else period(shift_month(ym, -i), (DEPARTMENT,))
             for i in range(trend_months - 1, -1, -1)]
    return kpis, trend
