"""THE definition of every KPI (DESIGN §8, seed 001 五、1 定期评估): what one case — with
its slips — adds to the statistics (its *tally*), and the figures made of the summed
counts (`kpi_set`). Nothing else defines a figure: the stored sums (storage/kpi_tallies.py)
and the in-memory recount (`recount.py`) both add up these tallies.

Only customer-feedback cases (flow `feedback`) count; "complaints" are those of kind 投诉,
suggestions and praise are counted beside them. A month is a calendar month in LOCAL time.
For a period P with end E and `as_of = min(E, now)`; count fields in brackets:

- 投诉量 received [received]: complaints whose `registered_at` falls in P (registration,
  not the customer's complaint time, decides the month: it is what the monthly FK number
  uses, so a complaint never moves between months after it is numbered). 建议/表扬
  likewise [suggestions, praises].
- 投诉率: complaints of (department, month) pairs that have a business volume ÷ the sum
  of those volumes ("—" where none was entered). Only overall and per department.
- 结案率: complaints received in P and closed by `as_of` ÷ received in P. Closing counts
  for a month [closed_m …: before the month of receipt ended] and for its year
  [closed_y …: before that year ended] (a year's figures are one period).
- 投诉解决率: of those closed, the ones whose last revisit before closing found the
  customer 满意/基本满意 ÷ closed [resolved_m / resolved_y].
- 一次解决率: closed with `reopen_count == 0` ÷ closed [first_time_m / first_time_y].
- 重复投诉率: received with `repeat_of_id` set ÷ received [repeats].
- 按时处理率: steps of complaints finished in P (skipped steps and steps without a
  deadline left out) whose `finished_at` ≤ the deadline in force (the latest extension
  counts) ÷ those steps finished in P; per step key and overall [done_<step>,
  ontime_<step>]. Complaints only: the steps of suggestions and of praise are their own
  rows (建议·按时处理率, 表扬·按时处理率) [sugg_done, sugg_ontime, praise_done,
  praise_ontime].
- 24 h / 48 h 处理率: received in P whose first step 3 (主管处理) finished within 24 h /
  48 h of receipt (`intake.complained_at`, else `registered_at`) ÷ received in P
  [within24, within48] — the 48-hour rule of the statistics.
- 平均处理时长: hours from receipt to the first step 3 done [handled, handled_us], and
  from receipt to closed [closed_*, closed_us_*]; mean from the sums, median of the
  whole from each complaint's `Durations`.
- 回访率 (per case): complaints whose first revisit (step 6, not skipped) became due in P
  and of which some revisit reached the customer ÷ complaints whose first revisit became
  due in P [revisited, revisit_due]. A reopened case revisited twice is one case.
- 客户满意度 (per contact): revisits done in P that reached the customer and found
  满意/基本满意 ÷ revisits done in P that reached the customer [satisfied, reached].
- 过失单: slips issued in P (not merely proposed or discarded) [slips]; fines (罚款) and
  points (绩效扣分) of those not revoked, with their current (possibly reduced) penalties
  [fines, points]; 警告次数, the 警告 on those slips [warnings]. Rewards likewise [rewards,
  bonus, reward_points]. Appeals: filed in P, by decision [appeals, appeal_<outcome>].
- Open at the end: complaints registered by `as_of` and not closed at `as_of`; overdue
  when the step they wait on is past its deadline at `as_of`, by how much [open_end,
  overdue_end, overdue_us]. A month end is in the tally once it passed before the tally
  was written (`written_at`); for later instants the tally keeps the complaint's
  `OpenState` and `figures.open_figures` counts it.

Breakdowns: a complaint counts for its department, category, severity, channel and for
every employee named responsible in any round (`responsible_employees`), once per case; a
step counts for its case's groups and for the user who finished it (read as that user's
employee); a slip for its department and employee and its case's category, severity and
channel.

The tallies assume what real records are: nothing is recorded later than the moment the
tally is written (`recount.known_at` cuts records that are).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..records import (
    Case,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    PenaltyKind,
    Severity,
    SlipStatus,
    StepRecord,
)
from ..steps import DEPT_OPINION, FEEDBACK_STEP_TITLES, FORWARD, HANDLE, REVISIT
from .calendar import MonthCalendar, MonthKey, hours_of, month_bounds, month_int, us_of
from .shapes import (
    APPEAL_OUTCOME_LABELS,
    CATEGORY,
    CHANNEL,
    DEPARTMENT,
    EMPLOYEE,
    SEVERITY,
    Hours,
    KpiSet,
    Ratio,
)

SATISFIED = frozenset({"满意", "基本满意"})
APPEAL_DECISIONS = {
    "upheld": "upheld", "reduced": "reduced", "revoked": "revoked",
    "维持": "upheld", "减轻": "reduced", "撤销": "revoked",
}
# The only steps whose recorded data the statistics read (revisit: reached/satisfaction/
# skipped; handle and dept_opinion: the responsible employees). A loader may leave the
# data of every other step out.
STEPS_WITH_DATA_USED: tuple[str, ...] = (REVISIT, HANDLE, DEPT_OPINION, FORWARD)
_NOT_ISSUED = frozenset({SlipStatus.PROPOSED, SlipStatus.DISCARDED})
_POINT_KINDS = frozenset({PenaltyKind.POINTS, PenaltyKind.REWARD_POINTS})
_AMOUNT_FIELDS = {PenaltyKind.FINE: "fines", PenaltyKind.POINTS: "points",
                  PenaltyKind.BONUS: "bonus", PenaltyKind.REWARD_POINTS: "reward_points"}
_US = timedelta(microseconds=1)


# ---- what the statistics read of a case's steps ------------------------------------------
def is_skipped(step: StepRecord) -> bool:
    return step.outcome == "skipped" or bool(step.data.get("skipped"))


def _as_datetime(v: Any) -> datetime | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v))


def effective_deadline(step: StepRecord) -> datetime | None:
    """The deadline in force: the latest extension's (重大 适当宽限) or the original one."""
    for ext in reversed(step.extensions):
        d = _as_datetime(ext.get("deadline"))
        if d is not None:
            return d
    return step.deadline


def open_step_at(case: Case, as_of: datetime) -> StepRecord | None:
    """The step a case was waiting on at `as_of` (the latest one due and not yet done)."""
    for s in reversed(case.steps):
        if s.due_since < as_of and (s.finished_at is None or s.finished_at >= as_of):
            return s
    return None


def is_open_at(case: Case, as_of: datetime) -> bool:
    """Registered before `as_of` and not closed before it: open at that instant."""
    return case.registered_at < as_of and (case.closed_at is None or case.closed_at >= as_of)


def overdue_at(case: Case, as_of: datetime
               ) -> tuple[StepRecord | None, datetime | None, timedelta | None]:
    """A case open at `as_of`: the step it waits on, that step's deadline in force, and
    how far past it `as_of` is (None when not past) — "overdue" everywhere (the month's
    open complaints, the dashboard, the weekly summary)."""
    step = open_step_at(case, as_of)
    deadline = effective_deadline(step) if step is not None else None
    late = as_of - deadline if deadline is not None and as_of > deadline else None
    return step, deadline, late


def round_responsible(case: Case) -> list[tuple[int, ...]]:
    """The employees named responsible in each round of a case, in order: a round is a
    step 3 (主管处理) with the department head's step 4 after it, whose (amended) list
    replaces step 3's. A reopened case has one round per handling (issue 14: every round
    keeps its own people)."""
    rounds: list[tuple[int, ...]] = []
    for s in case.steps:
        if s.finished_at is None or s.step_key not in (HANDLE, DEPT_OPINION) \
                or "responsible" not in s.data:
            continue
        ids = (r.get("employee_id") for r in s.data.get("responsible") or ())
        people = tuple(dict.fromkeys(i for i in ids if i is not None))
        if s.step_key == HANDLE or not rounds:
            rounds.append(people)
        else:  # step 4 amends its round's list
            rounds[-1] = people
    return rounds


def responsible_employees(case: Case) -> tuple[int, ...]:
    """Employees named responsible in ANY round of the case, each once (§8): the case's
    own accessor (records.Case.responsible_all_rounds — rounds end at a reopen; a simple
    complaint names its people at step 1), so the figure has one definition."""
    return case.responsible_all_rounds()


# ---- the tally's fields and groups ----------------------------------------------------
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


def group_key(dim: str, value: Any) -> str:
    """A group's key as text: ids as digits, None as "", enums by value."""
    if value is None:
        return ""
    if isinstance(value, Severity):
        return value.value
    return str(value)


def group_value(dim: str, key: str) -> Hashable:
    """The inverse of `group_key`: the key a figure set's group has."""
    if dim in (DEPARTMENT, EMPLOYEE, USER):
        return int(key) if key else None
    if dim == SEVERITY:
        return Severity(key) if key else None
    return key


def case_target(case: Case, employees: Iterable[int]) -> Target:
    return (
        (DEPARTMENT, group_key(DEPARTMENT, case.department_id)),
        (CATEGORY, case.category or ""),
        (SEVERITY, group_key(SEVERITY, case.severity)),
        (CHANNEL, case.intake.channel or ""),
        *((EMPLOYEE, group_key(EMPLOYEE, e)) for e in employees),
    )


# ---- one owner's tally ----------------------------------------------------------------
@dataclass(slots=True)
class Durations:
    """One complaint's receipt → handled / closed hours, for the medians."""

    case_id: int | None
    month: int  # received, yyyymm
    handled_h: float | None
    closed_h_m: float | None  # closed before its month ended
    closed_h_y: float | None  # closed before its year ended


@dataclass(slots=True)
class OpenState:
    """A complaint still open when its tally was written: what the reader needs to count
    it open (and overdue) at a later month end or now, without its steps."""

    case_id: int | None
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


def owner_tally(case: Case | None, slips: Sequence[FaultSlip], cal: MonthCalendar,
                written_at: datetime) -> OwnerTally:
    """What a case (with its slips), or a slip without a case (`case` None), adds to the
    statistics, as of `written_at`. `cal` resolves local months (may be shared)."""
    out = OwnerTally()
    target: Target = ()
    if case is not None and case.flow == FlowKind.FEEDBACK:
        target = case_target(case, responsible_employees(case))
        _case_counts(out, case, target, cal, written_at)
    for slip in slips:
        st: Target = ((DEPARTMENT, group_key(DEPARTMENT, slip.department_id)),
                      *target[1:4], (EMPLOYEE, group_key(EMPLOYEE, slip.employee_id)))
        if slip.issued_at is not None and slip.status not in _NOT_ISSUED:
            ym = cal.month_of(slip.issued_at)
            out.add(ym, st, "rewards" if slip.is_reward else "slips")
            if slip.status != SlipStatus.REVOKED:
                for x in slip.penalties:
                    if x.kind is PenaltyKind.WARNING:
                        out.add(ym, st, "warnings")
                    elif (name := _AMOUNT_FIELDS.get(x.kind)) is not None:
                        out.add(ym, st, name, x.points if x.kind in _POINT_KINDS else x.amount)
        filed = _as_datetime((slip.appeal or {}).get("filed_at"))
        if filed is not None:
            ym = cal.month_of(filed)
            outcome = APPEAL_DECISIONS.get(
                str((slip.appeal or {}).get("decision") or ""), "pending")
            out.add(ym, st, "appeals")
            out.add(ym, st, f"appeal_{outcome}")
    return out


def _first_handled_and_resolved(case: Case) -> tuple[datetime | None, bool]:
    """When step 3 (主管处理) was first finished, and whether the last revisit before
    closing found the customer 满意/基本满意."""
    handled_at: datetime | None = None
    last_revisit: StepRecord | None = None
    for s in case.steps:
        if s.finished_at is None or is_skipped(s):
            continue
        if s.step_key == HANDLE and (handled_at is None or s.finished_at < handled_at):
            handled_at = s.finished_at
        if s.step_key == REVISIT and (case.closed_at is None or s.finished_at <= case.closed_at):
            last_revisit = s  # steps are in order of occurrence: the last one counts
    resolved = (case.closed_at is not None and last_revisit is not None
                and last_revisit.data.get("satisfaction") in SATISFIED)
    return handled_at, resolved


def _case_counts(out: OwnerTally, case: Case, target: Target, cal: MonthCalendar,
                 written_at: datetime) -> None:
    sig_target = target[:4]
    ym = cal.month_of(case.registered_at)
    is_complaint = case.kind == FeedbackKind.COMPLAINT
    if is_complaint:
        receipt = case.intake.complained_at or case.registered_at
        handled_at, resolved = _first_handled_and_resolved(case)
        out.add(ym, target, "received")
        out.add(ym, target, "repeats", case.repeat_of_id is not None)
        handled_h: float | None = None
        if handled_at is not None:
            delta = handled_at - receipt
            handled_h = hours_of(delta)
            out.add(ym, target, "handled")
            out.add(ym, target, "handled_us", us_of(delta))
            out.add(ym, target, "within24", handled_h <= 24.0)
            out.add(ym, target, "within48", handled_h <= 48.0)
        closed: dict[str, float | None] = {"m": None, "y": None}
        if case.closed_at is not None:
            _, month_end = month_bounds(ym, cal.tz)
            _, year_end = month_bounds((ym[0], 12), cal.tz)
            delta = case.closed_at - receipt
            for variant, end in (("m", month_end), ("y", year_end)):
                if case.closed_at < end:
                    closed[variant] = hours_of(delta)
                    out.add(ym, target, f"closed_{variant}")
                    out.add(ym, target, f"closed_us_{variant}", us_of(delta))
                    out.add(ym, target, f"resolved_{variant}", resolved)
                    out.add(ym, target, f"first_time_{variant}", case.reopen_count == 0)
        out.durations = Durations(case.id, month_int(ym), handled_h, closed["m"],
                                  closed["y"])
        _open_counts(out, case, target, cal, written_at)
    else:
        out.add(ym, target, "suggestions" if case.kind == FeedbackKind.SUGGESTION
                else "praises")
    first_due: datetime | None = None  # 回访率 per case: the first revisit's due month
    revisited = False
    for s in case.steps:
        skipped = is_skipped(s)
        if is_complaint and s.step_key == REVISIT and not skipped:
            if first_due is None or s.due_since < first_due:
                first_due = s.due_since
            if s.finished_at is not None and s.data.get("reached"):
                revisited = True
                done_ym = cal.month_of(s.finished_at)
                out.add(done_ym, target, "reached")
                out.add(done_ym, target, "satisfied", s.data.get("satisfaction") in SATISFIED)
        if s.finished_at is None or skipped:
            continue
        dl = effective_deadline(s)
        if dl is None:  # a step without a deadline cannot be late
            continue
        done_ym = cal.month_of(s.finished_at)
        if not is_complaint:  # suggestions' and praise's steps: their own rows
            kind = "sugg" if case.kind == FeedbackKind.SUGGESTION else "praise"
            out.add(done_ym, sig_target, f"{kind}_done")
            out.add(done_ym, sig_target, f"{kind}_ontime", s.finished_at <= dl)
            continue
        key = s.step_key if s.step_key in FEEDBACK_STEP_TITLES else "other"
        step_target = sig_target if s.actor_user_id is None else (
            *sig_target, (USER, str(s.actor_user_id)))
        out.add(done_ym, step_target, f"done_{key}")
        out.add(done_ym, step_target, f"ontime_{key}", s.finished_at <= dl)
    if first_due is not None:
        due_ym = cal.month_of(first_due)
        out.add(due_ym, target, "revisit_due")
        out.add(due_ym, target, "revisited", revisited)


def _open_counts(out: OwnerTally, case: Case, target: Target, cal: MonthCalendar,
                 written_at: datetime) -> None:
    """Open at each month end from its registration up to `written_at`; the state after
    `written_at` when it is still open then."""
    ym = cal.month_of(case.registered_at)
    while True:
        _, end = month_bounds(ym, cal.tz)
        if end > written_at or not is_open_at(case, end):
            break
        _step, _deadline, overdue = overdue_at(case, end)
        out.add(ym, target, "open_end")
        if overdue is not None:
            out.add(ym, target, "overdue_end")
            out.add(ym, target, "overdue_us", us_of(overdue))
        ym = (ym[0] + ym[1] // 12, ym[1] % 12 + 1)
    if case.closed_at is None:
        step = open_step_at(case, written_at + _US)
        later = [s.due_since for s in case.steps
                 if s.finished_at is None and s.due_since > written_at]
        out.open = OpenState(
            case.id, written_at, target,
            effective_deadline(step) if step is not None else None,
            min(later) if later else None)


# ---- the figures made of summed counts ------------------------------------------------
_KPI_SETS: dict[tuple[Any, ...], KpiSet] = {}  # in order of last use (oldest first)
_KPI_SETS_MAX = 1_024  # a year export makes ~180, a month ~700 (at most a few MB kept)


def kpi_set(n: Sequence[int], volume: int | None, rate_num: int, year: bool,
            median_handled: float | None, median_closed: float | None) -> KpiSet:
    """`make_kpi_set`, remembered by its arguments: a pure function of the counts, so a
    figure set is made once per distinct set of counts (an export run again makes none
    for the months behind it; a write changes the counts of the groups it touches, and a
    group open now changes with the clock: those are made again). The least recently
    used go first. The set handed out is shared: read it, never change it."""
    key = (*n, volume, rate_num, year, median_handled, median_closed)
    found = _KPI_SETS.pop(key, None)
    if found is None:
        if len(_KPI_SETS) >= _KPI_SETS_MAX:
            del _KPI_SETS[next(iter(_KPI_SETS))]
        found = make_kpi_set(n, volume, rate_num, year, median_handled, median_closed)
    _KPI_SETS[key] = found  # (again) the most recently used
    return found


def make_kpi_set(n: Sequence[int], volume: int | None, rate_num: int, year: bool,
                 median_handled: float | None, median_closed: float | None) -> KpiSet:
    """One group's figures from its summed counts (`n` in `FIELDS` order), numerator ÷
    denominator: 结案率 closed ÷ received complaints; 投诉解决率 resolved ÷ closed;
    按时处理率 Σ ontime_* ÷ Σ done_* of complaints' steps (per step too); 建议/表扬·按时处理率
    that kind's steps on time ÷ its steps done; 24/48 h within24/within48 ÷ received;
    回访率 revisited ÷ revisit_due (per case); 客户满意度 satisfied ÷ reached (per contact);
    一次解决率 first_time ÷ closed; 重复投诉率 repeats ÷ received; 投诉率 complaints of
    departments with a volume (`rate_num`) ÷ that volume. `year`: the period is a year
    (closings before the year's end count)."""
    v = _YEAR_IX if year else _MONTH_IX
    closed, received = n[v[0]], n[_I["received"]]
    return KpiSet(
        received=received, suggestions=n[_I["suggestions"]], praises=n[_I["praises"]],
        complaint_rate=_ratio(rate_num if volume is not None else 0, volume),
        close_rate=_ratio(closed, received),
        resolution_rate=_ratio(n[v[1]], closed),
        on_time_rate=_ratio(sum(n[i] for i in _ONTIME_IX), sum(n[i] for i in _DONE_IX)),
        on_time_by_step={k: _ratio(n[o], n[d]) for k, d, o in _STEP_IX if n[d]},
        suggestion_on_time=_ratio(n[_I["sugg_ontime"]], n[_I["sugg_done"]]),
        praise_on_time=_ratio(n[_I["praise_ontime"]], n[_I["praise_done"]]),
        within_24h=_ratio(n[_I["within24"]], received),
        within_48h=_ratio(n[_I["within48"]], received),
        to_handled_hours=_hours(n[_I["handled"]], n[_I["handled_us"]], median_handled),
        to_closed_hours=_hours(closed, n[v[3]], median_closed),
        revisit_rate=_ratio(n[_I["revisited"]], n[_I["revisit_due"]]),
        satisfaction=_ratio(n[_I["satisfied"]], n[_I["reached"]]),
        first_time_fix=_ratio(n[v[2]], closed),
        repeat_rate=_ratio(n[_I["repeats"]], received),
        slips=n[_I["slips"]], fines=n[_I["fines"]], points=n[_I["points"]],
        warnings=n[_I["warnings"]], rewards=n[_I["rewards"]], bonus=n[_I["bonus"]],
        reward_points=n[_I["reward_points"]], appeals=n[_I["appeals"]],
        appeal_outcomes={o: n[i] for o, i in _APPEAL_IX if n[i]},
        open_at_end=n[_I["open_end"]], overdue_at_end=n[_I["overdue_end"]],
        overdue_hours=_hours(n[_I["overdue_end"]], n[_I["overdue_us"]], None),
    )


_I = FIELD_INDEX
# closed, resolved, first time, closed hours (µs): for a month, for the year
_MONTH_IX = tuple(_I[f"{n}_m"] for n in ("closed", "resolved", "first_time", "closed_us"))
_YEAR_IX = tuple(_I[f"{n}_y"] for n in ("closed", "resolved", "first_time", "closed_us"))
_DONE_IX = tuple(_I[f"done_{k}"] for k in STEP_KEYS)
_ONTIME_IX = tuple(_I[f"ontime_{k}"] for k in STEP_KEYS)
_STEP_IX = tuple((k, _I[f"done_{k}"], _I[f"ontime_{k}"]) for k in STEP_KEYS if k != "other")
_APPEAL_IX = tuple((o, _I[f"appeal_{o}"]) for o in APPEAL_OUTCOMES)
_HOUR_US = 3_600_000_000
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


_NO_HOURS = Hours(0, None, None)


def _hours(count: int, total_us: int, median: float | None) -> Hours:
    if not count:
        return _NO_HOURS  # immutable, shared (most groups of most months)
    return Hours(count, total_us / _HOUR_US / count, median)
