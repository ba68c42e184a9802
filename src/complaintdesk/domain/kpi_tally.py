"""Running KPI tallies (DESIGN §8, §10): the statistics kept as counts that every change
updates, so a year's figures are read, not recomputed from a million steps.

What one *owner* — a case with its slips, or a slip without a case — adds to the
statistics is its **tally**: counts filed by local month and by the groups they count
in. It is a pure function of the records (`owner_tally`), the same definitions as
`kpi.py` (see there). Storage keeps the sum of all tallies per (month, group) and, on
every write, adds the new tally of each changed owner and subtracts its old one, in the
same transaction; `tests/storage/test_kpi_tally.py` holds the two paths equal.

Three things are not plain counts:

- a rate's period: 结案率 and what hangs on closing count a complaint closed before the
  end of the period. Its closing is therefore counted twice, for the month it was
  received in (`closed_m` …: closed before that month ended) and for its year
  (`closed_y` …);
- "open at the end": a complaint open at a month's end is counted for that month once
  the month has ended *before the write that stores the tally* (`written_at`); for the
  month ends since, and for "now", storage keeps each still-open complaint's open step
  (`OpenState`) and the reader counts them then (`open_figures`; storage does the same
  count in SQL, by group);
- medians: the receipt → handled / closed hours of every complaint are kept one row per
  complaint (`Durations`) and the medians of the whole (not of each group) read from
  them. A tally-built figure set has medians for the whole only (no sheet shows a
  group's median) and no median of overdue hours (none shows it).

The tallies assume what real records are: nothing is recorded later than the moment it
was written (`now` of `kpi.py` never cuts a record off).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .kpi_index import (
    APPEAL_DECISIONS,
    SATISFIED,
    KpiIndex,
    effective_deadline,
    is_skipped,
    month_bounds,
    open_step_at,
)
from .kpi_model import (
    APPEAL_OUTCOME_LABELS,
    CATEGORY,
    CHANNEL,
    DEPARTMENT,
    EMPLOYEE,
    OVERALL,
    SEVERITY,
    MonthKey,
)
from .records import Case, FaultSlip, FeedbackKind, FlowKind, PenaltyKind, Severity, SlipStatus
from .steps import FEEDBACK_STEP_TITLES, REVISIT

# the groups a tally row counts in: the §8 breakdowns, and the user who finished a step
# (the reader maps users to employees, so a user's employee link may change later)
USER = "user"
STEP_KEYS: tuple[str, ...] = (*FEEDBACK_STEP_TITLES, "other")
APPEAL_OUTCOMES: tuple[str, ...] = tuple(APPEAL_OUTCOME_LABELS)
FIELDS: tuple[str, ...] = (
    "received", "suggestions", "praises", "repeats",
    "handled", "handled_us", "within24", "within48",
    "closed_m", "resolved_m", "first_time_m", "closed_us_m",
    "closed_y", "resolved_y", "first_time_y", "closed_us_y",
    "revisit_due", "revisited", "reached", "satisfied",
    "slips", "fines", "points", "rewards", "bonus", "reward_points",
    "appeals", *(f"appeal_{o}" for o in APPEAL_OUTCOMES),
    "open_end", "overdue_end", "overdue_us",
    *(f"done_{k}" for k in STEP_KEYS), *(f"ontime_{k}" for k in STEP_KEYS),
    # added by migration 0005 (issue 14): 警告 count, suggestions' and praise's steps
    "warnings", "sugg_done", "sugg_ontime", "praise_done", "praise_ontime",
)
FIELD_INDEX: dict[str, int] = {f: i for i, f in enumerate(FIELDS)}
# bump when what a tally counts changes: storage then rebuilds every tally
TALLY_VERSION = 2  # 2: complaints-only 按时处理率, 回访率 per case, any round's responsible

Group = tuple[str, str]  # (dimension, key as text), see `group_key`
Target = tuple[Group, ...]  # the groups one count goes to (the whole is implied)
Tally = dict[tuple[int, Target], dict[str, int]]  # (month yyyymm, target) → field → n

_NOT_ISSUED = frozenset({SlipStatus.PROPOSED, SlipStatus.DISCARDED})
_POINT_KINDS = frozenset({PenaltyKind.POINTS, PenaltyKind.REWARD_POINTS})
_US = timedelta(microseconds=1)


def month_int(ym: MonthKey) -> int:
    return ym[0] * 100 + ym[1]


def month_key(m: int) -> MonthKey:
    return (m // 100, m % 100)


def micros(dt: datetime) -> int:
    """An instant as whole microseconds since 1970 (portable integer SQL arithmetic)."""
    return (dt - datetime(1970, 1, 1, tzinfo=UTC)) // _US


def from_micros(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + us * _US


def _us(delta: timedelta) -> int:
    return delta // _US


def group_key(dim: str, value: Any) -> str:
    """A group's key as text: ids as digits, None as "", enums by value."""
    if value is None:
        return ""
    if isinstance(value, Severity):
        return value.value
    return str(value)


def group_value(dim: str, key: str) -> Hashable:
    """The inverse of `group_key`: the key `kpi.py` uses for the group."""
    if dim in (DEPARTMENT, EMPLOYEE, USER):
        return int(key) if key else None
    if dim == SEVERITY:
        return Severity(key) if key else None
    return key


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600.0


# ---- one owner's tally ----------------------------------------------------------------
@dataclass(slots=True)
class Durations:
    """One complaint's receipt → handled / closed hours, for the medians."""

    case_id: int
    month: int  # received, yyyymm
    handled_h: float | None
    closed_h_m: float | None  # closed before its month ended
    closed_h_y: float | None  # closed before its year ended


@dataclass(slots=True)
class OpenState:
    """A complaint still open when its tally was written: what the reader needs to count
    it open (and overdue) at a later month end or now, without its steps."""

    case_id: int
    written_at: datetime
    target: Target
    deadline: datetime | None  # of the step it waits on after `written_at`
    until: datetime | None  # that holds for an instant ≤ this (a later step may take over)


@dataclass(slots=True)
class OwnerTally:
    counts: Tally = field(default_factory=dict)
    durations: Durations | None = None
    open: OpenState | None = None

    def add(self, month: MonthKey, target: Target, name: str, n: int = 1) -> None:
        if not n:
            return
        bucket = self.counts.setdefault((month_int(month), target), {})
        bucket[name] = bucket.get(name, 0) + n


def case_target(case: Case, employees: Iterable[int]) -> Target:
    return (
        (DEPARTMENT, group_key(DEPARTMENT, case.department_id)),
        (CATEGORY, case.category or ""),
        (SEVERITY, group_key(SEVERITY, case.severity)),
        (CHANNEL, case.intake.channel or ""),
        *((EMPLOYEE, group_key(EMPLOYEE, e)) for e in employees),
    )


def owner_tally(case: Case | None, slips: Sequence[FaultSlip], months: KpiIndex,
                written_at: datetime) -> OwnerTally:
    """What a case (with its slips), or a slip without a case (`case` None), adds to the
    statistics, as of `written_at`. `months` resolves local months (a `KpiIndex`, which
    may be shared across calls)."""
    out = OwnerTally()
    facts = months.facts(case) if case is not None and case.flow == FlowKind.FEEDBACK \
        else None
    if case is not None and facts is not None:
        _case_counts(out, case, facts, months, written_at)
    for slip in slips:
        target: Target = ((DEPARTMENT, group_key(DEPARTMENT, slip.department_id)),)
        if facts is not None:
            target += facts_target(facts)[1:4]
        target += ((EMPLOYEE, group_key(EMPLOYEE, slip.employee_id)),)
        if slip.issued_at is not None and slip.status not in _NOT_ISSUED:
            ym = months.month_of(slip.issued_at)
            out.add(ym, target, "rewards" if slip.is_reward else "slips")
            if slip.status != SlipStatus.REVOKED:
                for x in slip.penalties:
                    if x.kind is PenaltyKind.WARNING:
                        out.add(ym, target, "warnings")
                        continue
                    name = {PenaltyKind.FINE: "fines", PenaltyKind.POINTS: "points",
                            PenaltyKind.BONUS: "bonus",
                            PenaltyKind.REWARD_POINTS: "reward_points"}.get(x.kind)
                    if name is not None:
                        out.add(ym, target, name,
                                x.points if x.kind in _POINT_KINDS else x.amount)
        filed = (slip.appeal or {}).get("filed_at")
        if filed:
            at = filed if isinstance(filed, datetime) else datetime.fromisoformat(str(filed))
            ym = months.month_of(at)
            outcome = APPEAL_DECISIONS.get(
                str((slip.appeal or {}).get("decision") or ""), "pending")
            out.add(ym, target, "appeals")
            out.add(ym, target, f"appeal_{outcome}")
    return out


def facts_target(facts: Any) -> Target:
    return case_target(facts.case, facts.employees)


def _case_counts(out: OwnerTally, case: Case, f: Any, months: KpiIndex,
                 written_at: datetime) -> None:
    target = facts_target(f)
    sig_target = target[:4]
    ym = f.reg_month
    tz = months.tz
    if f.is_complaint:
        out.add(ym, target, "received")
        out.add(ym, target, "repeats", case.repeat_of_id is not None)
        handled_h: float | None = None
        if f.handled_at is not None:
            delta = f.handled_at - f.receipt
            handled_h = _hours(delta)
            out.add(ym, target, "handled")
            out.add(ym, target, "handled_us", _us(delta))
            out.add(ym, target, "within24", handled_h <= 24.0)
            out.add(ym, target, "within48", handled_h <= 48.0)
        closed = {"m": None, "y": None}
        if case.closed_at is not None:
            _, month_end = month_bounds(ym, tz)
            _, year_end = month_bounds((ym[0], 12), tz)
            delta = case.closed_at - f.receipt
            for variant, end in (("m", month_end), ("y", year_end)):
                if case.closed_at < end:
                    closed[variant] = _hours(delta)
                    out.add(ym, target, f"closed_{variant}")
                    out.add(ym, target, f"closed_us_{variant}", _us(delta))
                    out.add(ym, target, f"resolved_{variant}", f.resolved)
                    out.add(ym, target, f"first_time_{variant}", case.reopen_count == 0)
        if case.id is not None:
            out.durations = Durations(case.id, month_int(ym), handled_h, closed["m"],
                                      closed["y"])
        _open_counts(out, case, target, months, written_at)
    else:
        field_name = "suggestions" if case.kind == FeedbackKind.SUGGESTION else "praises"
        out.add(ym, target, field_name)
    first_due: datetime | None = None  # 回访率 per case: the first revisit's due month
    revisited = False
    for s in case.steps:
        skipped = is_skipped(s)
        if f.is_complaint and s.step_key == REVISIT and not skipped:
            if first_due is None or s.due_since < first_due:
                first_due = s.due_since
            if s.finished_at is not None and s.data.get("reached"):
                revisited = True
                done_ym = months.month_of(s.finished_at)
                out.add(done_ym, target, "reached")
                out.add(done_ym, target, "satisfied",
                        s.data.get("satisfaction") in SATISFIED)
        if s.finished_at is None or skipped:
            continue
        dl = effective_deadline(s)
        if dl is None:
            continue
        if not f.is_complaint:  # suggestions' and praise's steps: their own rows
            kind = "sugg" if case.kind == FeedbackKind.SUGGESTION else "praise"
            done_ym = months.month_of(s.finished_at)
            out.add(done_ym, sig_target, f"{kind}_done")
            out.add(done_ym, sig_target, f"{kind}_ontime", s.finished_at <= dl)
            continue
        key = s.step_key if s.step_key in FEEDBACK_STEP_TITLES else "other"
        step_target = sig_target if s.actor_user_id is None else (
            *sig_target, (USER, str(s.actor_user_id)))
        done_ym = months.month_of(s.finished_at)
        out.add(done_ym, step_target, f"done_{key}")
        out.add(done_ym, step_target, f"ontime_{key}", s.finished_at <= dl)
    if first_due is not None:
        due_ym = months.month_of(first_due)
        out.add(due_ym, target, "revisit_due")
        out.add(due_ym, target, "revisited", revisited)


def _open_counts(out: OwnerTally, case: Case, target: Target, months: KpiIndex,
                 written_at: datetime) -> None:
    """Open at each month end from its registration up to `written_at`; the state after
    `written_at` when it is still open then."""
    tz = months.tz
    ym = months.month_of(case.registered_at)
    while True:
        _, end = month_bounds(ym, tz)
        if end > written_at or (case.closed_at is not None and case.closed_at < end):
            break
        n, overdue = open_at(case, end)
        out.add(ym, target, "open_end", n)
        if overdue is not None:
            out.add(ym, target, "overdue_end")
            out.add(ym, target, "overdue_us", _us(overdue))
        ym = (ym[0] + ym[1] // 12, ym[1] % 12 + 1)
    if case.closed_at is None and case.id is not None:
        step = open_step_at(case, written_at + _US)
        later = [s.due_since for s in case.steps
                 if s.finished_at is None and s.due_since > written_at]
        out.open = OpenState(
            case.id, written_at, target,
            effective_deadline(step) if step is not None else None,
            min(later) if later else None)


def open_at(case: Case, as_of: datetime) -> tuple[int, timedelta | None]:
    """(1, how overdue or None) for a complaint open at `as_of`, as `kpi.py` counts it."""
    step = open_step_at(case, as_of)
    deadline = effective_deadline(step) if step is not None else None
    if deadline is not None and as_of > deadline:
        return 1, as_of - deadline
    return 1, None


# ---- open complaints counted at a later instant (the figures: kpi_tally_read.py) --------
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
    step became due since), `overdue_of` works it out from the case (see `open_at`)."""
    out = OpenFigures()
    for st in states:
        if month_end and st.written_at >= as_of:
            continue
        if st.until is not None and as_of > st.until:
            overdue = overdue_of(st, as_of)
            late, us = overdue is not None, (_us(overdue) if overdue is not None else 0)
        else:
            late = st.deadline is not None and as_of > st.deadline
            us = _us(as_of - st.deadline) if late else 0  # type: ignore[operator]
        for g in ((OVERALL, ""), *st.target):
            out.add(g, 1, int(late), us)
    return out


def expand(tally: Tally, sign: int = 1) -> dict[tuple[int, str, str], list[int]]:
    """A tally as the rows storage keeps: (month, dimension, key) → counts in `FIELDS`
    order, the whole (`OVERALL`, "") included; `sign` −1 for taking it back out."""
    out: dict[tuple[int, str, str], list[int]] = {}
    for (month, target), counts in tally.items():
        for dim, key in ((OVERALL, ""), *target):
            row = out.get((month, dim, key))
            if row is None:
                row = out[(month, dim, key)] = [0] * len(FIELDS)
            for name, n in counts.items():
                row[FIELD_INDEX[name]] += sign * n
    return out


def add_rows(into: dict[tuple[int, str, str], list[int]],
             rows: Mapping[tuple[int, str, str], Sequence[int]]) -> None:
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
