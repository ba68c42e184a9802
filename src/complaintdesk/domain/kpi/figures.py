"""Summed tallies → the figures of a period (DESIGN §8). `tally.py` defines every count and
every ratio (`kpi_set`); this module adds the counts of a period's months up per group,
counts the complaints open at an instant no tally has counted yet (`open_figures`), and
lays the groups out in the workbook's order with their labels."""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..records import CATEGORIES, CHANNELS, Case, FeedbackKind, FlowKind, Severity
from .calendar import MonthKey, hours_of, month_bounds, month_int, month_label, shift_month, us_of
from .shapes import (
    CATEGORY,
    CHANNEL,
    DEPARTMENT,
    DIMENSIONS,
    EMPLOYEE,
    OVERALL,
    GroupKpis,
    KpiLookups,
    KpiSet,
    MonthKpis,
    OpenCase,
    PeriodKpis,
    YearKpis,
)
from .tally import (
    FIELD_INDEX,
    FIELDS,
    USER,
    Group,
    OpenState,
    Tally,
    group_value,
    is_open_at,
    kpi_set,
    overdue_at,
)

Volumes = dict[tuple[int, str], int]  # (department_id, "YYYY-MM") → vehicles / repair orders
Rows = dict[tuple[int, str, str], list[int]]  # (month, dim, key) → counts in FIELDS order
TallyRows = Mapping[tuple[int, str, str], Sequence[int]]


# ---- adding tallies up -----------------------------------------------------------------
def expand(tally: Tally, sign: int = 1) -> Rows:
    """A tally as the rows storage keeps: (month, dimension, key) → counts in `FIELDS`
    order, the whole (`OVERALL`, "") included; `sign` −1 for taking it back out."""
    out: Rows = {}
    for (month, target), counts in tally.items():
        for dim, key in ((OVERALL, ""), *target):
            row = out.get((month, dim, key))
            if row is None:
                row = out[(month, dim, key)] = [0] * len(FIELDS)
            for name, n in counts.items():
                row[FIELD_INDEX[name]] += sign * n
    return out


def add_rows(into: Rows, rows: TallyRows) -> None:
    """`into` += `rows`, row by row (rows that end at all zeros are kept, as zeros)."""
    for k, values in rows.items():
        row = into.get(k)
        if row is None:
            into[k] = list(values)
        else:
            for i, v in enumerate(values):
                if v:
                    row[i] += v


def median_of(values: Sequence[float]) -> float | None:
    """`statistics.median` of sorted values (None when empty)."""
    n = len(values)
    if not n:
        return None
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


# ---- complaints open at an instant no tally counted -------------------------------------
@dataclass(slots=True)
class OpenFigures:
    """Open complaints at one instant, per group, counted from `OpenState`s."""

    n: dict[Group, int] = field(default_factory=dict)
    overdue: dict[Group, int] = field(default_factory=dict)
    overdue_us: dict[Group, int] = field(default_factory=dict)

    def add(self, group: Group, n: int, overdue: int, overdue_us: int) -> None:
        self.n[group] = self.n.get(group, 0) + n
        if overdue:
            self.overdue[group] = self.overdue.get(group, 0) + overdue
            self.overdue_us[group] = self.overdue_us.get(group, 0) + overdue_us

    def merge(self, other: OpenFigures) -> None:
        for g, n in other.n.items():
            self.add(g, n, other.overdue.get(g, 0), other.overdue_us.get(g, 0))


def open_figures(states: Iterable[OpenState], as_of: datetime,
                 overdue_of: Callable[[OpenState, datetime], timedelta | None],
                 month_end: bool = True) -> OpenFigures:
    """Count the complaints open at `as_of`: at a month end, those whose tally was
    written before it (the others counted it themselves); "now" (`month_end` False) is
    never in a tally, so every one. For a state that does not reach `as_of` (a later
    step became due since), `overdue_of` works it out from the case (`tally.overdue_at`).
    Storage runs this count in SQL, by group (storage/kpi_tallies.TallyReader.open_at)."""
    out = OpenFigures()
    for st in states:
        if month_end and st.written_at >= as_of:
            continue
        if st.until is not None and as_of > st.until:
            overdue = overdue_of(st, as_of)
            late, us = overdue is not None, (us_of(overdue) if overdue is not None else 0)
        else:
            deadline = st.deadline
            late = deadline is not None and as_of > deadline
            us = us_of(as_of - deadline) if deadline is not None and late else 0
        for g in ((OVERALL, ""), *st.target):
            out.add(g, 1, int(late), us)
    return out


def open_case(case: Case, as_of: datetime, lookups: KpiLookups) -> OpenCase:
    """A complaint open at `as_of`: the step it waits on and how overdue that is."""
    step, deadline, late = overdue_at(case, as_of)
    return OpenCase(
        case_id=case.id, number=case.number,
        department_label=lookups.department(case.department_id),
        step_key=step.step_key if step is not None else case.current_step,
        due_since=step.due_since if step is not None else None, deadline=deadline,
        age_hours=hours_of(as_of - case.registered_at),
        overdue_hours=hours_of(late) if late is not None else 0.0,
    )


def open_cases(cases: Iterable[Case], as_of: datetime, lookups: KpiLookups) -> list[OpenCase]:
    """The complaints (customer feedback) of `cases` open at `as_of`, most overdue first
    (the 月末未结 sheet's rows; their count is the tallies' open_end)."""
    found = sorted((c for c in cases if c.flow == FlowKind.FEEDBACK
                    and c.kind == FeedbackKind.COMPLAINT and is_open_at(c, as_of)),
                   key=lambda c: c.registered_at)
    rows = [open_case(c, as_of, lookups) for c in found]
    rows.sort(key=lambda r: -r.overdue_hours)
    return rows


# ---- one group of a period -------------------------------------------------------------
_ZERO_ROW = [0] * len(FIELDS)


class TallyAcc:
    """Summed tallies of one group over a period (`kpis()`: `tally.kpi_set`)."""

    __slots__ = ("n", "volume", "rate_num", "year", "median_handled", "median_closed")

    def __init__(self) -> None:
        self.n = [0] * len(FIELDS)
        self.volume: int | None = None
        self.rate_num = 0
        self.year = False  # the year as one period: closings before the year's end
        self.median_handled: float | None = None
        self.median_closed: float | None = None

    def add(self, values: Sequence[int]) -> None:
        n = self.n
        if n == _ZERO_ROW:  # nothing yet (most groups: one row a month): a copy will do
            self.n = list(values)
        else:
            self.n = list(map(operator.add, n, values))

    def empty(self) -> bool:
        return not any(self.n)

    def kpis(self) -> KpiSet:
        if self.volume is None and not any(self.n):
            return KpiSet()  # nothing counted: the defaults are those zeros (a test checks)
        return kpi_set(self.n, self.volume, self.rate_num, self.year, self.median_handled,
                       self.median_closed)


@dataclass(slots=True)
class Medians:
    """The whole's medians of one period (hours), from each complaint's `Durations`."""

    handled: float | None = None
    closed: float | None = None


ByMonth = Mapping[int, Sequence[tuple[str, str, Sequence[int]]]]


def by_month(rows: TallyRows) -> dict[int, list[tuple[str, str, Sequence[int]]]]:
    out: dict[int, list[tuple[str, str, Sequence[int]]]] = {}
    for (m, dim, key), values in rows.items():
        out.setdefault(m, []).append((dim, key, values))
    return out


_OPEN_IX = tuple(FIELD_INDEX[n] for n in ("open_end", "overdue_end", "overdue_us"))
_I_RECEIVED = FIELD_INDEX["received"]


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
                received = values[_I_RECEIVED]
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
    return _finish(overall, accs, label, months, as_of, lookups, volumes)


def yearly_from_tallies(
    rows: TallyRows, year: int, now: datetime, tz: Any, volumes: Volumes,
    lookups: KpiLookups, open_now: OpenFigures | None, month_ends: Mapping[int, OpenFigures],
    medians: Mapping[int | str, Medians], month_dims: tuple[str, ...] = DIMENSIONS,
) -> YearKpis:
    """The twelve months and the year as one period. `medians` by month (yyyymm) and
    "year"; `month_ends` the open complaints counted at month ends after their tallies
    were written, by month (see `period_from_tallies`). The months carry the breakdowns
    in `month_dims` only (departments always; the year workbook reads no month's
    employees), the year all of them. No period lists its open cases."""
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
    """The month, the one before and the same month a year before with every breakdown,
    and the `trend_months` months ending with it (oldest first) with the whole only
    (departments too, which the complaint rate reads); `rows` must hold all of them.
    `medians` by month (yyyymm). No period lists its open cases (see `open_cases`)."""
    grouped = by_month(rows)

    def period(m: MonthKey, dims: tuple[str, ...] = DIMENSIONS) -> PeriodKpis:
        return _period(grouped, (m,), now, tz, volumes, lookups, month_label(m), open_now,
                       medians.get(month_int(m), Medians()), month_ends, dims)

    kpis = MonthKpis(month=ym, current=period(ym), previous=period(shift_month(ym, -1)),
                     year_ago=period(shift_month(ym, -12)))
    trend = [kpis.current if i == 0 else period(shift_month(ym, -i), (DEPARTMENT,))
             for i in range(trend_months - 1, -1, -1)]
    return kpis, trend


# ---- the groups in the workbook's order ------------------------------------------------
def _volumes(months: Iterable[MonthKey], volumes: Volumes) -> dict[Any, int]:
    labels = {month_label(ym) for ym in months}
    out: dict[Any, int] = {}
    for (dept, ml), v in volumes.items():
        if ml in labels:
            out[dept] = out.get(dept, 0) + v
    return out


def _finish(
    overall: TallyAcc, accs: dict[str, dict[Hashable, TallyAcc]], label: str,
    months: tuple[MonthKey, ...], as_of: datetime, lookups: KpiLookups, volumes: Volumes,
) -> PeriodKpis:
    """Groups in the workbook's order with their labels, every department present (at
    zero too), the business volumes set on the departments and the whole."""
    for dept in lookups.department_names:  # every department gets a row, even at zero
        accs[DEPARTMENT].setdefault(dept, TallyAcc())
    for dept, v in _volumes(months, volumes).items():
        accs[DEPARTMENT].setdefault(dept, TallyAcc()).volume = v
        overall.volume = (overall.volume or 0) + v
    groups: dict[str, list[GroupKpis]] = {}
    for dim in DIMENSIONS:
        if dim not in accs:  # a breakdown not asked for
            continue
        keys = sorted(accs[dim], key=_sort_key(dim, lookups))
        groups[dim] = [
            GroupKpis(dim, k, _label(dim, k, lookups), accs[dim][k].kpis()) for k in keys
        ]
    return PeriodKpis(label, months, as_of, overall.kpis(), groups, [])


_FIXED_ORDERS: dict[str, dict[Any, int]] = {
    CATEGORY: {c: i for i, c in enumerate(CATEGORIES)},
    "severity": {s: i for i, s in enumerate(Severity)},
    CHANNEL: {c: i for i, c in enumerate(CHANNELS)},
}


def _sort_key(dim: str, lookups: KpiLookups) -> Any:
    dept_order = {d: i for i, d in enumerate(lookups.department_names)}
    orders: dict[str, dict[Any, int]] = {DEPARTMENT: dept_order, **_FIXED_ORDERS}
    if dim == EMPLOYEE:
        def emp(key: Any) -> Any:
            dept = lookups.employee_departments.get(key)
            return (dept_order.get(dept, len(dept_order)), lookups.employee(key))
        return emp
    order = orders[dim]
    return lambda key: (order.get(key, len(order)), str(key))


def _label(dim: str, key: Any, lookups: KpiLookups) -> str:
    if dim == DEPARTMENT:
        return lookups.department(key)
    if dim == EMPLOYEE:
        return lookups.employee(key)
    if dim == "severity":
        return Severity(key).label if key else "未定级"
    if dim == CATEGORY:
        return key or "未分类"
    return key or "其他"
