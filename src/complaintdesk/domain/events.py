"""Domain events: what happened to a case or a slip, recorded by the aggregate itself.

The workflow engine (domain/workflow/engine.py) and the slip transitions (domain/slips.py)
append these to the aggregate's `events` list as they change it. The unit of work collects
them from the aggregates it read or wrote (`collect_new_events`) and the service layer's
message bus (services/messagebus.py) hands each to its handlers — the accountability rules
(services/handlers/accountability.py) — in the same transaction, after the change
(cosmicpython chapters 8–9). Nothing here reads the clock: `at` is the time the change was
made, given to the domain by the caller.

`case_id` is None for a case not stored yet (registration raises events before the insert
gives it an id); the unit of work fills it in when it collects the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .records import FlowKind, SlipStatus, User


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every domain event."""


# ---- cases (raised by the workflow engine) ------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseEvent(Event):
    case_id: int | None


@dataclass(frozen=True, slots=True)
class StepOpened(CaseEvent):
    """A step became due (its holder is told; step 5 / ic_review propose the slips).
    `by`: whose action opened it (the registering user for the first one)."""

    step_key: str
    by: User | None
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
    """不满意 at the revisit: the case goes back to handling (a new round)."""

    at: datetime


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


SLIP_STATUS_EVENTS: dict[SlipStatus, type[SlipEvent]] = {
    SlipStatus.ISSUED: SlipIssued,
    SlipStatus.DISCARDED: SlipDiscarded,
    SlipStatus.APPROVED: SlipApproved,
    SlipStatus.ENFORCED: SlipEnforced,
    SlipStatus.APPEALED: SlipAppealed,
}
