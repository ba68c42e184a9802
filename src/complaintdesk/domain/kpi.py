"""Monthly and yearly complaint statistics (DESIGN §8, seed 001 五、1 定期评估).

Pure functions over records: the month, the time zone and `now` are arguments. A month
is a calendar month in LOCAL time. Only customer-feedback cases (flow `feedback`) count;
"complaints" are those of kind 投诉, suggestions and praise are counted beside them.

Definitions (numerator ÷ denominator), for a period P with end E and `as_of = min(E, now)`:

- 投诉量 received: complaints whose `registered_at` falls in P (registration, not the
  customer's complaint time, decides the month: it is what the monthly FK number uses,
  so a complaint never moves between months after it is numbered). 建议/表扬 likewise.
- 投诉率: complaints of (department, month) pairs that have a business volume ÷ the sum
  of those volumes. None ("—") where no volume was entered. Only overall and per
  department (other breakdowns have no volume).
- 结案率: complaints received in P and closed by `as_of` ÷ received in P.
- 投诉解决率: of those closed, the ones whose last revisit before closing found the
  customer 满意/基本满意 ÷ closed.
- 一次解决率: closed with `reopen_count == 0` ÷ closed.
- 重复投诉率: received with `repeat_of_id` set ÷ received.
- 按时处理率: steps of complaints finished in P (skipped steps and steps without a
  deadline left out) whose `finished_at` ≤ the deadline in force (the latest extension
  counts) ÷ those steps finished in P; per step key and overall. Complaints only (§8):
  the steps of suggestions and of praise are their own rows (建议·按时处理率,
  表扬·按时处理率: the same numerator and denominator over that kind's steps).
- 24 h / 48 h 处理率: received in P whose first step 3 (主管处理) finished within 24 h /
  48 h of receipt (`intake.complained_at`, else `registered_at`), by `now` ÷ received in P.
- 平均处理时长: hours from receipt to the first step 3 done (received in P, handled by
  `now`), and from receipt to closed (received in P, closed by `as_of`); mean and median.
- 回访率 (per case): complaints whose first revisit (step 6, not skipped) became due in P
  and of which some revisit reached the customer by `now` ÷ complaints whose first
  revisit became due in P. A reopened case revisited twice is one case.
- 客户满意度 (per contact): revisits done in P that reached the customer and found
  满意/基本满意 ÷ revisits done in P that reached the customer.
- 过失单: slips issued in P (not merely proposed or discarded); fines (罚款) and points
  (绩效扣分) of those not revoked, with their current (possibly reduced) penalties;
  警告次数: the 警告 on those slips (one each).
  Rewards likewise (reward slips, 奖金, 绩效加分). Appeals: filed in P, by decision.
- Open at the end: complaints registered by `as_of` and not closed at `as_of`; overdue
  when the step they wait on is past its deadline at `as_of`, by how many hours.

Breakdowns: a complaint counts for its department, category, severity, channel and for
every employee named responsible in any round (each round: step 4's list, else step
3's; `kpi_index.round_responsible`), once per case; a step counts for its
case's groups and for the employee of the user who finished it; a slip for its
department and employee and its case's category, severity and channel.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime, timedelta, tzinfo
from operator import add
from typing import Any

from .kpi_index import (
    APPEAL_DECISIONS,
    SATISFIED,
    SIGNATURE_DIMENSIONS,
    SKIP,
    KpiIndex,
    Signature,
    effective_deadline,
    month_bounds,
    open_step_at,
)
from .kpi_model import (
    CATEGORY,
    CHANNEL,
    DEPARTMENT,
    DIMENSIONS,
    EMPLOYEE,
    SEVERITY,
    GroupKpis,
    Hours,
    KpiLookups,
    KpiSet,
    MonthKey,
    MonthKpis,
    OpenCase,
    PeriodKpis,
    Ratio,
    YearKpis,
    month_label,
    shift_month,
)
from .records import (
    CATEGORIES,
    CHANNELS,
    Case,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    PenaltyKind,
    Severity,
    SlipStatus,
)

Volumes = dict[tuple[int, str], int]  # (department_id, "YYYY-MM") → vehicles / repair orders
_H24 = timedelta(hours=24)
_H48 = timedelta(hours=48)


_FIELDS = (
    "received", "suggestions", "praises", "rate_num", "closed", "resolved", "first_time",
    "repeats", "within24", "within48", "revisit_due", "revisited", "reached", "satisfied",
    "slips", "fines", "points", "rewards", "bonus", "reward_points", "appeals",
    "open_at_end", "overdue", "warnings", "sugg_done", "sugg_ontime", "praise_done",
    "praise_ontime",
)
(RECEIVED, SUGGESTIONS, PRAISES, RATE_NUM, CLOSED, RESOLVED, FIRST_TIME, REPEATS, WITHIN24,
 WITHIN48, REVISIT_DUE, REVISITED, REACHED, SATISFIED_N, SLIPS, FINES, POINTS, REWARDS, BONUS,
 REWARD_POINTS, APPEALS, OPEN_AT_END, OVERDUE, WARNINGS, SUGG_DONE, SUGG_ONTIME, PRAISE_DONE,
 PRAISE_ONTIME) = range(len(_FIELDS))


class _Acc:
    """Additive counters for one group (ints in a list, for cheap merging)."""

    __slots__ = ("n", "volume", "handled_h", "closed_h", "overdue_h", "steps_done",
                 "steps_on_time", "outcomes")

    def __init__(self) -> None:
        self.n = [0] * len(_FIELDS)
        self.volume: int | None = None
        self.handled_h: list[float] = []
        self.closed_h: list[float] = []
        self.overdue_h: list[float] = []
        self.steps_done: dict[str, int] = {}
        self.steps_on_time: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}

    def merge(self, o: _Acc) -> None:
        self.n = list(map(add, self.n, o.n))
        if o.handled_h:
            self.handled_h += o.handled_h
        if o.closed_h:
            self.closed_h += o.closed_h
        if o.overdue_h:
            self.overdue_h += o.overdue_h
        for mine, theirs in ((self.steps_done, o.steps_done),
                             (self.steps_on_time, o.steps_on_time),
                             (self.outcomes, o.outcomes)):
            if not mine:
                mine.update(theirs)
                continue
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v

    def kpis(self) -> KpiSet:
        """The group's figures (numerator ÷ denominator; the module docstring has the
        periods): 结案率 closed ÷ received complaints; 投诉解决率 closed 满意/基本满意 ÷
        closed; 按时处理率 complaints' steps done on time ÷ complaints' steps done (per
        step too); 建议/表扬·按时处理率 that kind's steps on time ÷ its steps done; 24/48 h
        handled within 24/48 h ÷ received; 回访率 complaints revisited (reached) ÷
        complaints due a revisit (per case); 客户满意度 满意/基本满意 ÷ revisit contacts that
        reached the customer; 一次解决率 closed never reopened ÷ closed; 重复投诉率 repeats
        ÷ received; 投诉率 complaints of departments with a volume ÷ that volume."""
        n, done, on_time = self.n, self.steps_done, self.steps_on_time
        return KpiSet(
            received=n[RECEIVED],
            suggestions=n[SUGGESTIONS],
            praises=n[PRAISES],
            complaint_rate=Ratio(n[RATE_NUM] if self.volume is not None else 0, self.volume),
            close_rate=Ratio(n[CLOSED], n[RECEIVED]),
            resolution_rate=Ratio(n[RESOLVED], n[CLOSED]),
            on_time_rate=Ratio(sum(on_time.values()), sum(done.values())),
            on_time_by_step={k: Ratio(on_time.get(k, 0), v) for k, v in done.items()},
            suggestion_on_time=Ratio(n[SUGG_ONTIME], n[SUGG_DONE]),
            praise_on_time=Ratio(n[PRAISE_ONTIME], n[PRAISE_DONE]),
            within_24h=Ratio(n[WITHIN24], n[RECEIVED]),
            within_48h=Ratio(n[WITHIN48], n[RECEIVED]),
            to_handled_hours=Hours.of(self.handled_h),
            to_closed_hours=Hours.of(self.closed_h),
            revisit_rate=Ratio(n[REVISITED], n[REVISIT_DUE]),
            satisfaction=Ratio(n[SATISFIED_N], n[REACHED]),
            first_time_fix=Ratio(n[FIRST_TIME], n[CLOSED]),
            repeat_rate=Ratio(n[REPEATS], n[RECEIVED]),
            slips=n[SLIPS], fines=n[FINES], points=n[POINTS], warnings=n[WARNINGS],
            rewards=n[REWARDS], bonus=n[BONUS], reward_points=n[REWARD_POINTS],
            appeals=n[APPEALS], appeal_outcomes=dict(self.outcomes),
            open_at_end=n[OPEN_AT_END], overdue_at_end=n[OVERDUE],
            overdue_hours=Hours.of(self.overdue_h),
        )


class _Period:
    """Accumulators by case signature (department, category, severity, channel) and by
    employee; the per-dimension groups are the signatures merged at the end, so a fact
    costs one or two counter updates however many breakdowns there are."""

    def __init__(self) -> None:
        self.sigs: dict[Signature, _Acc] = {}
        self.employees: dict[Any, _Acc] = {}

    def sig(self, sig: Signature) -> _Acc:
        a = self.sigs.get(sig)
        if a is None:
            a = self.sigs[sig] = _Acc()
        return a

    def emp(self, emp: Any) -> _Acc:
        a = self.employees.get(emp)
        if a is None:
            a = self.employees[emp] = _Acc()
        return a

    def targets(self, sig: Signature, employees: Iterable[Any]) -> list[_Acc]:
        return [self.sig(sig), *(self.emp(e) for e in employees)]

    def groups(self) -> tuple[_Acc, dict[str, dict[Hashable, _Acc]]]:
        overall = _Acc()
        groups: dict[str, dict[Hashable, _Acc]] = {d: {} for d in DIMENSIONS}
        for sig, acc in self.sigs.items():
            overall.merge(acc)
            for dim, key in zip(SIGNATURE_DIMENSIONS, sig, strict=True):
                if key is SKIP:  # a slip without a case: only its department
                    continue
                g = groups[dim].get(key)
                if g is None:
                    g = groups[dim][key] = _Acc()
                g.merge(acc)
        groups[EMPLOYEE] = dict(self.employees)
        return overall, groups


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600.0


def _fill_month(
    p: _Period, ix: KpiIndex, ym: MonthKey, as_of: datetime, now: datetime, volumes: Volumes
) -> None:
    ml = month_label(ym)
    for f in ix.cases_by_month.get(ym, ()):
        case = f.case
        targets = p.targets(f.sig, f.employees)
        if not f.is_complaint:
            field = SUGGESTIONS if case.kind == FeedbackKind.SUGGESTION else PRAISES
            for a in targets:
                a.n[field] += 1
            continue
        closed = case.closed_at is not None and case.closed_at < as_of
        handled = f.handled_at is not None and f.handled_at <= now
        h_handled = _hours(f.handled_at - f.receipt) if handled else None  # type: ignore[operator]
        h_closed = _hours(case.closed_at - f.receipt) if closed else None  # type: ignore[operator]
        repeat = case.repeat_of_id is not None
        rated = (case.department_id, ml) in volumes
        for a in targets:
            n = a.n
            n[RECEIVED] += 1
            n[REPEATS] += repeat
            n[RATE_NUM] += rated
            if h_handled is not None:
                a.handled_h.append(h_handled)
                n[WITHIN24] += h_handled <= 24.0
                n[WITHIN48] += h_handled <= 48.0
            if h_closed is not None:
                n[CLOSED] += 1
                a.closed_h.append(h_closed)
                n[RESOLVED] += f.resolved
                n[FIRST_TIME] += case.reopen_count == 0
    sig_acc, emp_acc = p.sig, p.emp
    for sig, emp, key, ok in ix.steps_by_month.get(ym, ()):
        for a in (sig_acc(sig), emp_acc(emp)) if emp is not None else (sig_acc(sig),):
            a.steps_done[key] = a.steps_done.get(key, 0) + 1
            if ok:
                a.steps_on_time[key] = a.steps_on_time.get(key, 0) + 1
    for sig, kind, ok in ix.kind_steps_by_month.get(ym, ()):
        n = sig_acc(sig).n
        if kind == FeedbackKind.SUGGESTION:
            n[SUGG_DONE] += 1
            n[SUGG_ONTIME] += ok
        else:
            n[PRAISE_DONE] += 1
            n[PRAISE_ONTIME] += ok
    for f, revisits in ix.revisits_due_by_month.get(ym, ()):
        done = any(s.finished_at is not None and s.finished_at <= now
                   and bool(s.data.get("reached")) for s in revisits)
        for a in p.targets(f.sig, f.employees):
            a.n[REVISIT_DUE] += 1
            a.n[REVISITED] += done
    for f, s in ix.revisits_done_by_month.get(ym, ()):
        happy = s.data.get("satisfaction") in SATISFIED
        for a in p.targets(f.sig, f.employees):
            a.n[REACHED] += 1
            a.n[SATISFIED_N] += happy
    for slip, sig in ix.slips_by_month.get(ym, ()):
        counted = slip.status != SlipStatus.REVOKED
        amounts = {PenaltyKind.FINE: 0, PenaltyKind.POINTS: 0, PenaltyKind.BONUS: 0,
                   PenaltyKind.REWARD_POINTS: 0, PenaltyKind.WARNING: 0}
        for x in slip.penalties:
            if x.kind is PenaltyKind.WARNING:
                amounts[x.kind] += 1
            elif x.kind in amounts:
                amounts[x.kind] += x.points if x.kind in _POINT_KINDS else x.amount
        for a in p.targets(sig, (slip.employee_id,)):
            a.n[REWARDS if slip.is_reward else SLIPS] += 1
            if counted:
                a.n[FINES] += amounts[PenaltyKind.FINE]
                a.n[POINTS] += amounts[PenaltyKind.POINTS]
                a.n[BONUS] += amounts[PenaltyKind.BONUS]
                a.n[REWARD_POINTS] += amounts[PenaltyKind.REWARD_POINTS]
                a.n[WARNINGS] += amounts[PenaltyKind.WARNING]
    for slip, sig in ix.appeals_by_month.get(ym, ()):
        outcome = APPEAL_DECISIONS.get(str((slip.appeal or {}).get("decision") or ""), "pending")
        for a in p.targets(sig, (slip.employee_id,)):
            a.n[APPEALS] += 1
            a.outcomes[outcome] = a.outcomes.get(outcome, 0) + 1


_POINT_KINDS = frozenset({PenaltyKind.POINTS, PenaltyKind.REWARD_POINTS})


def _volumes(months: Iterable[MonthKey], volumes: Volumes) -> dict[Any, int]:
    labels = {month_label(ym) for ym in months}
    out: dict[Any, int] = {}
    for (dept, ml), v in volumes.items():
        if ml in labels:
            out[dept] = out.get(dept, 0) + v
    return out


def _fill_open(p: _Period, ix: KpiIndex, as_of: datetime) -> list[OpenCase]:
    rows: list[OpenCase] = []
    for f in ix.open_complaints(as_of):
        row = open_case(f.case, as_of, ix.lookups)
        overdue = row.overdue_hours
        for a in p.targets(f.sig, f.employees):
            a.n[OPEN_AT_END] += 1
            if overdue > 0:
                a.n[OVERDUE] += 1
                a.overdue_h.append(overdue)
        rows.append(row)
    rows.sort(key=lambda r: -r.overdue_hours)
    return rows


def open_cases(cases: Iterable[Case], as_of: datetime, lookups: KpiLookups) -> list[OpenCase]:
    """The complaints (customer feedback) of `cases` open at `as_of`, most overdue first,
    in the order the period's own list has them (`PeriodKpis.open_cases`)."""
    found = sorted((c for c in cases if c.flow == FlowKind.FEEDBACK
                    and c.kind == FeedbackKind.COMPLAINT and c.registered_at < as_of
                    and (c.closed_at is None or c.closed_at >= as_of)),
                   key=lambda c: c.registered_at)
    rows = [open_case(c, as_of, lookups) for c in found]
    rows.sort(key=lambda r: -r.overdue_hours)
    return rows


def open_case(case: Case, as_of: datetime, lookups: KpiLookups) -> OpenCase:
    """A complaint open at `as_of`: the step it waits on and how overdue that is."""
    step = open_step_at(case, as_of)
    deadline = effective_deadline(step) if step is not None else None
    overdue = max(0.0, _hours(as_of - deadline)) if deadline is not None else 0.0
    return OpenCase(
        case_id=case.id, number=case.number,
        department_label=lookups.department(case.department_id),
        step_key=step.step_key if step is not None else case.current_step,
        due_since=step.due_since if step is not None else None, deadline=deadline,
        age_hours=_hours(as_of - case.registered_at), overdue_hours=overdue,
    )


_FIXED_ORDERS: dict[str, dict[Any, int]] = {
    CATEGORY: {c: i for i, c in enumerate(CATEGORIES)},
    SEVERITY: {s: i for i, s in enumerate(Severity)},
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
    if dim == SEVERITY:
        return Severity(key).label if key else "未定级"
    if dim == CATEGORY:
        return key or "未分类"
    return key or "其他"


def _finish(
    p: _Period, label: str, months: tuple[MonthKey, ...], as_of: datetime,
    open_cases: list[OpenCase], lookups: KpiLookups, volumes: Volumes,
) -> PeriodKpis:
    overall, accs = p.groups()
    return finish_period(overall, accs, _Acc, label, months, as_of, open_cases, lookups,
                         volumes)


def finish_period(
    overall: Any, accs: dict[str, dict[Hashable, Any]], new_acc: Any, label: str,
    months: tuple[MonthKey, ...], as_of: datetime, open_cases: list[OpenCase],
    lookups: KpiLookups, volumes: Volumes,
) -> PeriodKpis:
    """Groups in the workbook's order with their labels, every department present (at
    zero too), the business volumes set on the departments and the whole. `overall` and
    the groups are accumulators (`kpis()`, a settable `volume`): this module's own, or
    the running tallies' (`kpi_tally`), made by `new_acc()`."""
    for dept in lookups.department_names:  # every department gets a row, even at zero
        accs[DEPARTMENT].setdefault(dept, new_acc())
    for dept, v in _volumes(months, volumes).items():
        accs[DEPARTMENT].setdefault(dept, new_acc()).volume = v
        overall.volume = (overall.volume or 0) + v
    groups: dict[str, list[GroupKpis]] = {}
    for dim in DIMENSIONS:
        if dim not in accs:  # a breakdown not asked for
            continue
        keys = sorted(accs[dim], key=_sort_key(dim, lookups))
        groups[dim] = [
            GroupKpis(dim, k, _label(dim, k, lookups), accs[dim][k].kpis()) for k in keys
        ]
    return PeriodKpis(label, months, as_of, overall.kpis(), groups, open_cases)


def _period(
    ix: KpiIndex, months: tuple[MonthKey, ...], now: datetime, volumes: Volumes, label: str
) -> PeriodKpis:
    """Fill one period (one or several consecutive months) and finish it."""
    start, _ = month_bounds(months[0], ix.tz)
    _, end = month_bounds(months[-1], ix.tz)
    as_of = min(end, now)
    p = _Period()
    for ym in months:
        _fill_month(p, ix, ym, as_of, now, volumes)
    # a period that has not begun has no "open at the end"
    open_cases = _fill_open(p, ix, as_of) if start < now else []
    return _finish(p, label, months, as_of, open_cases, ix.lookups, volumes)


def period_kpis(ix: KpiIndex, ym: MonthKey, now: datetime, volumes: Volumes) -> PeriodKpis:
    """The figures of one month from a prepared index (see `monthly_kpis`)."""
    return _period(ix, (ym,), now, volumes, month_label(ym))


def monthly_kpis(
    cases: Iterable[Case], slips: Iterable[FaultSlip], volumes: Volumes,
    year: int, month: int, tz: tzinfo, now: datetime, lookups: KpiLookups | None = None,
    index: KpiIndex | None = None,
) -> MonthKpis:
    """The month's KPIs with the previous month and the same month a year before.

    Every rate is a `Ratio` (numerator, denominator) as the module docstring defines it:
    complaint figures over complaints only, suggestions and praise on their own rows,
    回访率 per case, 客户满意度 per contact, employees named in any round.

    Pass `index` (a `KpiIndex` of the same records) to reuse it across calls.
    """
    ix = index or KpiIndex(list(cases), list(slips), tz, lookups or KpiLookups())
    ym = (year, month)
    return MonthKpis(
        month=ym,
        current=period_kpis(ix, ym, now, volumes),
        previous=period_kpis(ix, shift_month(ym, -1), now, volumes),
        year_ago=period_kpis(ix, shift_month(ym, -12), now, volumes),
    )


def yearly_kpis(
    cases: Iterable[Case], slips: Iterable[FaultSlip], volumes: Volumes,
    year: int, tz: tzinfo, now: datetime, lookups: KpiLookups | None = None,
    index: KpiIndex | None = None,
) -> YearKpis:
    """Twelve months side by side, and the year as one period (state at its end or now)."""
    ix = index or KpiIndex(list(cases), list(slips), tz, lookups or KpiLookups())
    months = tuple((year, m) for m in range(1, 13))
    return YearKpis(
        year=year,
        months=[period_kpis(ix, ym, now, volumes) for ym in months],
        total=_period(ix, months, now, volumes, f"{year}年"),
    )
