"""Domain events: what happened to a case or a slip, recorded by the aggregate itself.

The workflow engine (domain/workflow/engine.py) and the slip transitions (domain/slips.py)
append these to the aggregate's `events` list as they change it. The unit of work collects
them from the aggregates it read or wrote (`collect_new_events`) and the service layer's
message bus (services/messagebus.py) hands each to its handlers — the accountability rules,
the alerts and the notices (services/handlers/) — in the same transaction, after the change
(cosmicpython chapters 8–9). Nothing here reads the clock: `at` is the time the change was
made, given to the domain by the caller.

Besides what the accountability rules need, the engine records what the alerts and the
notices need (services/handlers/alerts.py, notices.py): which step finished or opened and
for whom, what people are to be told, a classification, an extension — each a type of its
own, so that a handler says which it takes and nothing dispatches on a string.

`case_id` is None for a case not stored yet (registration raises events before the insert
gives it an id); the unit of work fills it in when it collects the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .records import FlowKind, Role, Severity, SlipStatus, User


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every domain event."""


# ---- cases (raised by the workflow engine) ------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseEvent(Event):
    case_id: int | None


@dataclass(frozen=True, slots=True)
class StepOpened(CaseEvent):
    """A step became due (its holders are alerted; step 5 / ic_review propose the slips),
    or was handed to another holder (`reassigned`: 改派, the same step and seq).
    `by`: whose action opened it (the registering user for the first one).

    `to_user_ids`: the step's named holder when it has one (the case's supervisor, the
    role's previous holder); `to_roles`/`department_id`: who holds it otherwise."""

    step_key: str
    by: User | None
    at: datetime
    seq: int = 0
    due_since: datetime | None = None
    deadline: datetime | None = None
    to_user_ids: tuple[int, ...] = ()
    to_roles: tuple[Role, ...] = ()
    department_id: int | None = None
    reassigned: bool = False


@dataclass(frozen=True, slots=True)
class StepFinished(CaseEvent):
    """The step `seq` was finished (its alerts and reminders are settled): by an action,
    at registration (step 0), or cut short (无理诉求, a reopen)."""

    step_key: str
    seq: int
    outcome: str
    by_user_id: int | None
    on_behalf_of_user_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ActionTaken(CaseEvent):
    """`by` took `action` on the open step `step_key`: it finished the step, or kept it
    open (an extension, a reclassification: the flow table's STAY)."""

    step_key: str
    action: str
    by: User | None
    at: datetime


@dataclass(frozen=True, slots=True)
class DeadlineBreached(CaseEvent):
    """A step (or its solution approval, `task`) was finished after its deadline.

    `holder_user_id`: who held it; `employee_id`: set for step 0, whose lateness is the
    receiver's (受理人, DESIGN §4.1). `at_registration`: raised when the case was registered."""

    flow: FlowKind
    step_key: str
    holder_user_id: int | None
    employee_id: int | None
    deadline: datetime | None
    late_seconds: int
    task: str
    at_registration: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class NoticeRaised(CaseEvent):
    """The workflow tells people something (部门自查 done, a solution awaiting approval, 不满意,
    an internal complaint passed on …): `to_user_ids`, or the holders of `to_roles` —
    narrowed to `department_id` when set. `severity` is set for the 重要/重大 notice of a
    classification (000 二(二)3: the department head and the GM), which is alerted once as
    the severity alert, not also as a plain notice. `detail`: what else the notice says
    (kept in the audit entry). `ordinal`: its place among what the action did (the
    engine's events of the action, in order) — part of its alert key since version 1.
    `at_registration`: the registration's audit entry lists it (no entry of its own)."""

    step_key: str
    reason: str
    by: User | None
    at: datetime
    to_user_ids: tuple[int, ...] = ()
    to_roles: tuple[Role, ...] = ()
    department_id: int | None = None
    severity: Severity | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    ordinal: int = 0
    at_registration: bool = False  # raised when the case was registered (a 部门自查 report)


@dataclass(frozen=True, slots=True)
class Classified(CaseEvent):
    """The case's category and severity were set: at registration (a 部门自查 report
    carries them), by step 1 (填单转派) or corrected later (修改类别/严重程度). A 重要/重大
    one alerts the department head and the GM (000 二(二)3)."""

    step_key: str
    category: str
    severity: Severity | None
    before_category: str
    before_severity: Severity | None
    by: User | None
    at: datetime


@dataclass(frozen=True, slots=True)
class StepExtended(CaseEvent):
    """The open step's deadline was moved (联系不上客户 48 h, 需要更多时间 …)."""

    step_key: str
    deadline: datetime
    reason: str
    by_user_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class CompletionRecorded(CaseEvent):
    """A rework order's 竣工 was recorded: the step's clock runs from it (DESIGN §4.4)."""

    step_key: str
    completed_at: datetime
    deadline: datetime | None
    by_user_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class CaseSlipsIssued(CaseEvent):
    """The step that issues the case's slips was taken (issue_slips, ic_review,
    rw_investigate: the flow table's `slips=ISSUE_SLIPS`); `slip_ids`: what it issued
    (step data "slip_ids"), each now waiting on its employee."""

    step_key: str
    slip_ids: tuple[int, ...]
    by: User
    at: datetime


@dataclass(frozen=True, slots=True)
class SlipsSigned(CaseEvent):
    """The department head signed his opinion on the case's issued slips (ic_dept_sign,
    rw_review: the flow table's `slips=SIGN` actions)."""

    opinion: str
    by: User
    at: datetime


@dataclass(frozen=True, slots=True)
class EnforcementOrdered(CaseEvent):
    """The step that enforces the approved slips of the case was taken (enforce,
    ic_enforce, rw_enforce: `slips=ENFORCE`)."""

    by: User
    at: datetime


@dataclass(frozen=True, slots=True)
class CaseClosed(CaseEvent):
    at: datetime


@dataclass(frozen=True, slots=True)
class CaseReopened(CaseEvent):
    """不满意 at the revisit (`step_key`): the case goes back to handling (a new round),
    to `back_to`."""

    at: datetime
    step_key: str = ""
    by_user_id: int | None = None
    back_to: str = ""


# ---- slips (raised by domain/slips.py) -----------------------------------------------------
@dataclass(frozen=True, slots=True)
class SlipEvent(Event):
    slip_id: int | None
    case_id: int | None
    by_user_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class SlipIssued(SlipEvent):
    number: str


@dataclass(frozen=True, slots=True)
class SlipDiscarded(SlipEvent):
    pass


@dataclass(frozen=True, slots=True)
class SlipApproved(SlipEvent):
    pass


@dataclass(frozen=True, slots=True)
class SlipEnforced(SlipEvent):
    pass


@dataclass(frozen=True, slots=True)
class SlipAppealed(SlipEvent):
    pass


@dataclass(frozen=True, slots=True)
class SlipAppealDecided(SlipEvent):
    """The appeal was decided: `status` is what the slip is now (enforced or revoked)."""

    status: SlipStatus


@dataclass(frozen=True, slots=True)
class SlipChanged(SlipEvent):
    """The slip changed without changing its status: its penalties, the department
    head's opinion, the employee's acknowledgement (签字确认), an appeal's review, the
    GM's having read the appeal's decision. `what`: the change's kind (the SlipChange's
    `what`, domain/slips.py). Whom the slip waits on may change with it (an acknowledged
    slip no longer waits on its employee, a reviewed appeal waits on the GM)."""

    what: str


SLIP_STATUS_EVENTS: dict[SlipStatus, type[SlipEvent]] = {
    SlipStatus.ISSUED: SlipIssued,
    SlipStatus.DISCARDED: SlipDiscarded,
    SlipStatus.APPROVED: SlipApproved,
    SlipStatus.ENFORCED: SlipEnforced,
    SlipStatus.APPEALED: SlipAppealed,
}


# The names an action's audit entry gives its events (the names of earlier versions).
AUDIT_NAMES: dict[type[Event], str] = {
    StepOpened: "step_opened", StepFinished: "step_finished", DeadlineBreached: "breach",
    NoticeRaised: "notify", Classified: "classified", StepExtended: "extended",
    CompletionRecorded: "completion_recorded", CaseClosed: "closed", CaseReopened: "reopened",
}


def audit_entry(event: Event) -> dict[str, Any]:
    """One event of an action as its audit entry lists it: what, on which step, by whom
    (for a breach: the step's holder; an opened step: nobody yet)."""
    who: int | None = None
    match event:
        case StepFinished() | StepExtended() | CompletionRecorded() | CaseReopened():
            who = event.by_user_id
        case DeadlineBreached():
            who = event.holder_user_id
        case NoticeRaised() | Classified():
            who = event.by.id if event.by is not None else None
    return {"kind": AUDIT_NAMES.get(type(event), type(event).__name__),
            "step": str(getattr(event, "step_key", "")), "user": who}
