"""Facts the KPIs count, extracted once from the records and filed by local month.

Building the index is one pass over cases, steps and slips; every month, previous month,
year-ago month and year total is then computed from its buckets alone, which is what
keeps a twelve-month report over 100,000 cases fast.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from .kpi_model import (
    CATEGORY,
    CHANNEL,
    DEPARTMENT,
    EMPLOYEE,
    SEVERITY,
    KpiLookups,
    MonthKey,
)
from .records import Case, FaultSlip, FeedbackKind, FlowKind, SlipStatus, StepRecord
from .steps import DEPT_OPINION, FORWARD, HANDLE, REVISIT

SATISFIED = frozenset({"满意", "基本满意"})
APPEAL_DECISIONS = {
    "upheld": "upheld", "reduced": "reduced", "revoked": "revoked",
    "维持": "upheld", "减轻": "reduced", "撤销": "revoked",
}
_NOT_ISSUED = frozenset({SlipStatus.PROPOSED, SlipStatus.DISCARDED})


_TICK = timedelta(microseconds=1)
_DAY = timedelta(days=1)


def month_bounds(ym: MonthKey, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar month, as aware UTC instants."""
    y, m = ym
    start = datetime(y, m, 1, tzinfo=tz)
    end = datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _as_datetime(v: Any) -> datetime | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v))


def is_skipped(step: StepRecord) -> bool:
    return step.outcome == "skipped" or bool(step.data.get("skipped"))


def effective_deadline(step: StepRecord) -> datetime | None:
    """The deadline in force: the latest extension's (重大 适当宽限) or the original one."""
    for ext in reversed(step.extensions):
        d = _as_datetime(ext.get("deadline"))
        if d is not None:
            return d
    return step.deadline


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


# The only steps whose recorded data the statistics read (revisit: reached/satisfaction/
# skipped; handle and dept_opinion: the responsible employees). A loader may leave the
# data of every other step out.
STEPS_WITH_DATA_USED: tuple[str, ...] = (REVISIT, HANDLE, DEPT_OPINION, FORWARD)

SKIP: Any = object()  # a signature slot that does not count in that dimension
Signature = tuple[Any, Any, Any, Any]  # (department_id, category, severity, channel)
SIGNATURE_DIMENSIONS: tuple[str, ...] = (DEPARTMENT, CATEGORY, SEVERITY, CHANNEL)


@dataclass(slots=True)
class CaseFacts:
    case: Case
    is_complaint: bool
    reg_month: MonthKey
    receipt: datetime  # intake.complained_at, else registered_at
    handled_at: datetime | None  # first step 3 finished
    resolved: bool  # the last revisit before closing found 满意/基本满意
    sig: Signature  # the groups the case counts in, one per dimension
    employees: tuple[int, ...]  # named responsible (the 员工考核 groups)

    @property
    def keys(self) -> dict[str, tuple[Any, ...]]:
        return {**{d: (k,) for d, k in zip(SIGNATURE_DIMENSIONS, self.sig, strict=True)},
                EMPLOYEE: self.employees}


# (case signature, employee id of the user who finished it or None, step key, on time?)
StepFact = tuple[Signature, Any, str, bool]
# a step of a suggestion or praise: (case signature, kind, on time?) — their own rows
KindStepFact = tuple[Signature, FeedbackKind, bool]
# (slip, signature: its department, its case's category/severity/channel or SKIP)
SlipFact = tuple[FaultSlip, Signature]


class KpiIndex:
    """The records of a dealership, filed by local month for the KPI computation."""

    def __init__(
        self, cases: list[Case], slips: list[FaultSlip], tz: tzinfo, lookups: KpiLookups
    ) -> None:
        self.tz = tz
        self.lookups = lookups
        self._starts: list[datetime] = []  # the months met so far (see month_of)
        self._ends: list[datetime] = []
        self._yms: list[MonthKey] = []
        self.cases_by_month: dict[MonthKey, list[CaseFacts]] = defaultdict(list)
        self.steps_by_month: dict[MonthKey, list[StepFact]] = defaultdict(list)
        self.kind_steps_by_month: dict[MonthKey, list[KindStepFact]] = defaultdict(list)
        # 回访率 per case: a complaint's revisits (not skipped), filed by the month its
        # first one became due (a reopened case revisited twice is one case)
        self.revisits_due_by_month: dict[MonthKey, list[tuple[CaseFacts, list[StepRecord]]]] = (
            defaultdict(list))
        self.revisits_done_by_month: dict[MonthKey, list[tuple[CaseFacts, StepRecord]]] = (
            defaultdict(list))
        self.slips_by_month: dict[MonthKey, list[SlipFact]] = defaultdict(list)
        self.appeals_by_month: dict[MonthKey, list[SlipFact]] = defaultdict(list)
        complaints: list[CaseFacts] = []
        by_id: dict[int, CaseFacts] = {}
        user_emp = lookups.user_employee
        month_of = self.month_of
        steps_by_month = self.steps_by_month
        for case in cases:
            if case.flow != FlowKind.FEEDBACK:
                continue  # internal complaints and rework orders are not customer feedback
            f = self.facts(case)
            self.cases_by_month[f.reg_month].append(f)
            if case.id is not None:
                by_id[case.id] = f
            if f.is_complaint:
                complaints.append(f)
            sig = f.sig
            revisits: list[StepRecord] = []
            for s in case.steps:
                data = s.data
                skipped = s.outcome == "skipped" or (bool(data.get("skipped")) if data else False)
                if f.is_complaint and s.step_key == REVISIT and not skipped:
                    revisits.append(s)
                    if s.finished_at is not None and data.get("reached"):
                        self.revisits_done_by_month[month_of(s.finished_at)].append((f, s))
                if s.finished_at is None or skipped:
                    continue
                dl = effective_deadline(s) if s.extensions else s.deadline
                if dl is None:  # a step without a deadline cannot be late
                    continue
                if not f.is_complaint:  # suggestions' and praise's steps: their own rows
                    self.kind_steps_by_month[month_of(s.finished_at)].append(
                        (sig, case.kind, s.finished_at <= dl))
                    continue
                emp = user_emp.get(s.actor_user_id) if s.actor_user_id is not None else None
                steps_by_month[month_of(s.finished_at)].append(
                    (sig, emp, s.step_key, s.finished_at <= dl))
            if revisits:
                first_due = min(r.due_since for r in revisits)
                self.revisits_due_by_month[month_of(first_due)].append((f, revisits))
        for slip in slips:
            cf = by_id.get(slip.case_id) if slip.case_id is not None else None
            ssig = (slip.department_id, *(cf.sig[1:] if cf is not None else (SKIP,) * 3))
            if slip.issued_at is not None and slip.status not in _NOT_ISSUED:
                self.slips_by_month[month_of(slip.issued_at)].append((slip, ssig))
            filed = _as_datetime((slip.appeal or {}).get("filed_at"))
            if filed is not None:
                self.appeals_by_month[month_of(filed)].append((slip, ssig))
        complaints.sort(key=lambda f: f.case.registered_at)
        self.complaints = complaints
        self._complaint_times = [f.case.registered_at for f in complaints]

    def month_of(self, dt: datetime) -> MonthKey:
        """The local month of an instant. The bounds of every month met are kept, so
        after the first few it is a bisection over them instead of a time-zone conversion
        (a million times over a year of steps)."""
        starts = self._starts
        i = bisect.bisect_right(starts, dt) - 1
        if i >= 0 and dt < self._ends[i]:
            return self._yms[i]
        local = dt.astimezone(self.tz)
        ym = (local.year, local.month)
        lo, hi = month_bounds(ym, self.tz)
        # keep the bounds only where they agree with the conversion at both ends and no
        # clock change near the start could turn the month back into the one before
        tz = self.tz
        if lo <= dt < hi and self._local_month(lo) == ym and self._local_month(hi) != ym \
                and self._local_month(lo - _TICK) != ym and self._local_month(hi - _TICK) == ym \
                and lo.astimezone(tz).utcoffset() == (lo + _DAY).astimezone(tz).utcoffset():
            j = bisect.bisect_left(starts, lo)
            starts.insert(j, lo)
            self._ends.insert(j, hi)
            self._yms.insert(j, ym)
        return ym

    def _local_month(self, dt: datetime) -> MonthKey:
        local = dt.astimezone(self.tz)
        return (local.year, local.month)

    def facts(self, case: Case) -> CaseFacts:
        """What the statistics read of one case (its month, receipt, groups …)."""
        handled_at: datetime | None = None
        last_revisit: StepRecord | None = None
        for s in case.steps:
            if s.finished_at is None or s.outcome == "skipped" \
                    or (s.data and s.data.get("skipped")):
                continue
            if s.step_key == HANDLE and (handled_at is None or s.finished_at < handled_at):
                handled_at = s.finished_at
            if s.step_key == REVISIT and (case.closed_at is None or s.finished_at <= case.closed_at):
                last_revisit = s  # steps are in order of occurrence: the last one counts
        resolved = (
            case.closed_at is not None and last_revisit is not None
            and last_revisit.data.get("satisfaction") in SATISFIED
        )
        return CaseFacts(
            case=case,
            is_complaint=case.kind == FeedbackKind.COMPLAINT,
            reg_month=self.month_of(case.registered_at),
            receipt=case.intake.complained_at or case.registered_at,
            handled_at=handled_at,
            resolved=resolved,
            sig=(case.department_id, case.category or "", case.severity,
                 case.intake.channel or ""),
            employees=responsible_employees(case),
        )

    def open_complaints(self, as_of: datetime) -> list[CaseFacts]:
        """Complaints registered before `as_of` and not closed before it."""
        hi = bisect.bisect_left(self._complaint_times, as_of)
        return [
            f for f in self.complaints[:hi]
            if f.case.closed_at is None or f.case.closed_at >= as_of
        ]


def open_step_at(case: Case, as_of: datetime) -> StepRecord | None:
    """The step a case was waiting on at `as_of` (the latest one due and not yet done)."""
    for s in reversed(case.steps):
        if s.due_since < as_of and (s.finished_at is None or s.finished_at >= as_of):
            return s
    return None
