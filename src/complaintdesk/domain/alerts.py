"""Alerts and reminders (DESIGN §4.5): who is told what, and when.

Pure functions: the service hands in the open steps, the users, the business-hours calendar
and `now`; these say which alerts are due. Every alert carries a dedupe key, unique per
person, so that it is sent once however many PCs scan at the same moment.

Sent:
- a step becomes yours (event alert, in the transaction of the step change);
- a 重要/重大 complaint is classified (seed 000 二(二)3): the department head and the GM;
- a step of yours reaches 50 % and 75 % of its time, and its deadline (the scan);
- a slip or appeal waiting on you (AlertService.notify from the accountability side);
- the Monday summary is due (the assessor, seed 003 一.8).
Reminders fall inside business hours when a calendar is set: one that falls at night or on a
closed day moves to the next opening.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from . import steps as S
from .records import Role, Severity, User
from .workflow.calendar import BusinessCalendar
from .workflow.flows import flow_for
from .workflow.permissions import Holder


class AlertKind(StrEnum):
    STEP = "step"  # a step became yours
    SEVERE = "severe"  # a 重要/重大 complaint was classified
    HALF = "remind50"  # 50 % of the step's time gone
    THREE_QUARTERS = "remind75"  # 75 %
    DEADLINE = "deadline"  # the deadline is reached
    SLIP = "slip"  # a slip waits on you
    APPEAL = "appeal"  # an appeal waits on you
    WEEKLY = "weekly"  # the Monday summary is due
    NOTICE = "notice"  # anything else the workflow tells (部门自查 done, 不满意…)

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[AlertKind, str] = {
    AlertKind.STEP: "新待办",
    AlertKind.SEVERE: "重要投诉",
    AlertKind.HALF: "时限过半",
    AlertKind.THREE_QUARTERS: "即将到期",
    AlertKind.DEADLINE: "已到期限",
    AlertKind.SLIP: "过失单",
    AlertKind.APPEAL: "申诉",
    AlertKind.WEEKLY: "周汇总",
    AlertKind.NOTICE: "通知",
}

# DESIGN §4.5: reminders at 50 % and 75 % of a step's time and at its deadline. The
# fractions are the product's defaults (the policy names none); settings may replace them.
DEFAULT_REMINDERS: tuple[float, ...] = (0.5, 0.75, 1.0)
_REMINDER_KINDS = {0.5: AlertKind.HALF, 0.75: AlertKind.THREE_QUARTERS, 1.0: AlertKind.DEADLINE}


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert of one person, as stored."""

    id: int | None
    person_id: int
    kind: AlertKind
    text: str
    ref: str  # "case:<id>", "slip:<id>", "week:<yyyy-mm-dd>" — what clicking it opens
    key: str  # unique per person: the alert is sent once
    created_at: datetime
    send_at: datetime  # shown from then on (a reminder moved into business hours)
    read_at: datetime | None = None

    @property
    def case_id(self) -> int | None:
        return _ref_id(self.ref, "case")

    @property
    def slip_id(self) -> int | None:
        return _ref_id(self.ref, "slip")


def _ref_id(ref: str, what: str) -> int | None:
    head, _, tail = ref.partition(":")
    return int(tail) if head == what and tail.isdigit() else None


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert to write (the storage gives it its id and `created_at`)."""

    person_id: int
    kind: AlertKind
    text: str
    ref: str
    key: str
    send_at: datetime


@dataclass(frozen=True, slots=True)
class OpenStep:
    """What the reminder scan needs of a case's open step."""

    case_id: int
    case_number: str
    flow: str
    step_key: str
    seq: int
    due_since: datetime
    deadline: datetime | None
    department_id: int | None = None
    supervisor_user_id: int | None = None
    assignee_user_id: int | None = None


# ---- who holds a step -----------------------------------------------------------------
def step_holders(flow: str, step_key: str, department_id: int | None,
                 supervisor_user_id: int | None, assignee_user_id: int | None,
                 users: Sequence[User]) -> tuple[int, ...]:
    """The active users who may act on the step in person (DESIGN §3): a role step goes to
    everyone with the role, a department step to that department's head or supervisors, the
    handling step to the person named at step 2."""
    sdef = flow_for(flow).steps.get(step_key)
    if sdef is None:
        return ()
    out: list[int] = []
    for w in sdef.who:
        for u in users:
            if u.id is None or not u.active or u.id in out:
                continue
            if _holds(u, w.holder, w.roles, department_id, supervisor_user_id, assignee_user_id):
                out.append(u.id)
    return tuple(out)


def _holds(u: User, holder: Holder, roles: tuple[Role, ...], department_id: int | None,
           supervisor_user_id: int | None, assignee_user_id: int | None) -> bool:
    match holder:
        case Holder.ROLE:
            return any(u.has(r) for r in roles)
        case Holder.DEPT_HEAD:
            return u.has(Role.DEPT_HEAD) and department_id is not None \
                and u.department_id == department_id
        case Holder.DEPT_SUPERVISOR:
            if supervisor_user_id is not None:
                return u.id == supervisor_user_id
            return u.has(Role.SUPERVISOR) and department_id is not None \
                and u.department_id == department_id
        case Holder.CASE_SUPERVISOR:
            named = assignee_user_id if assignee_user_id is not None else supervisor_user_id
            return u.id == named
    return False  # ANYONE (登记): nobody in particular


def severe_recipients(department_id: int | None, users: Sequence[User]) -> tuple[int, ...]:
    """Seed 000 二(二)3: 重要/重大 complaints go to the department head and the GM at once."""
    out = [u.id for u in users if u.id is not None and u.active and (
        u.has(Role.GENERAL_MANAGER)
        or (u.has(Role.DEPT_HEAD) and department_id is not None
            and u.department_id == department_id))]
    return tuple(dict.fromkeys(out))


# ---- business hours ---------------------------------------------------------------------
def open_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """How much open time lies between two instants."""
    total = timedelta()
    if end <= start:
        return total
    zone = calendar.zone
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        w = calendar.window(day)
        if w is not None:
            lo, hi = max(w[0], start), min(w[1], end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


def into_business_hours(at: datetime, calendar: BusinessCalendar | None) -> datetime:
    """`at` when the dealership is open then (its closing instant included), else the next
    opening: no reminder at night or on a closed day."""
    if calendar is None:
        return at
    w = calendar.window(at.astimezone(calendar.zone).date())
    if w is not None and w[0] <= at <= w[1]:
        return at
    return calendar.next_open_instant(at)


def reminder_instant(due_since: datetime, deadline: datetime, fraction: float,
                     calendar: BusinessCalendar | None) -> datetime:
    """When `fraction` of the step's time is gone — of its open time where a calendar is set
    (its deadline was counted in open time too)."""
    if fraction >= 1.0:
        return deadline
    if calendar is None:
        return due_since + (deadline - due_since) * fraction
    span = open_time_between(calendar, due_since, deadline)
    if span <= timedelta():
        return due_since + (deadline - due_since) * fraction
    return calendar.add_open_time(due_since, span * fraction)


# ---- the scan -----------------------------------------------------------------------------
# The mark of a step with no reminder left (or no deadline): the scan does not read it again
# until the case changes (storage then clears its mark) or the marks' basis changes.
NO_MARK = datetime(9000, 1, 1, tzinfo=UTC)


def reminder_sends(step: OpenStep, calendar: BusinessCalendar | None,
                   fractions: Sequence[float] = DEFAULT_REMINDERS
                   ) -> list[tuple[float, datetime]]:
    """(fraction, when its reminder is sent) for each mark of the step, in fraction order:
    the instant moved into business hours. None for a step without a span of time."""
    if step.deadline is None or step.deadline <= step.due_since:
        return []
    return [(f, into_business_hours(
        reminder_instant(step.due_since, step.deadline, f, calendar), calendar))
        for f in sorted(fractions)]


def next_mark(step: OpenStep, now: datetime, calendar: BusinessCalendar | None,
              fractions: Sequence[float] = DEFAULT_REMINDERS) -> datetime:
    """When the step's next reminder is sent after `now` (NO_MARK: none is left). The scan
    reads the step again once that instant has come, and not before."""
    return min((send for _, send in reminder_sends(step, calendar, fractions) if send > now),
               default=NO_MARK)


def marks_basis(calendar: BusinessCalendar | None, fractions: Sequence[float], tz: str) -> str:
    """What the stored marks were worked out from: when it changes (the calendar, the
    reminder fractions, the time zone), every open step's mark is worked out again."""
    return json.dumps({"calendar": calendar.to_dict() if calendar is not None else None,
                       "fractions": sorted(fractions), "tz": tz},
                      sort_keys=True, ensure_ascii=False)


def due_reminders(steps: Iterable[OpenStep], users: Sequence[User], now: datetime,
                  calendar: BusinessCalendar | None, since: datetime | None, tz: str,
                  fractions: Sequence[float] = DEFAULT_REMINDERS) -> list[NewAlert]:
    """The 50 %/75 %/deadline reminders that became due in (since, now], one per step and
    holder: when a step passed several marks since the last scan (nobody logged in
    overnight), only the latest is sent — an overdue step is not announced three times."""
    zone = ZoneInfo(tz)
    out: list[NewAlert] = []
    for step in steps:
        if step.deadline is None or step.due_since > now:
            continue
        best: tuple[AlertKind, datetime] | None = None
        for fraction, send in reminder_sends(step, calendar, fractions):
            if send <= now and (since is None or send > since):
                best = (_REMINDER_KINDS.get(fraction, AlertKind.THREE_QUARTERS), send)
        if best is None:
            continue
        kind, send = best
        holders = step_holders(step.flow, step.step_key, step.department_id,
                               step.supervisor_user_id, step.assignee_user_id, users)
        text = reminder_text(kind, step.case_number, step.step_key, step.deadline, zone)
        # keyed by the deadline too: an extension's new marks are reminded again
        key = f"{kind.value}:{step.case_id}:{step.seq}:{int(step.deadline.timestamp())}"
        out.extend(NewAlert(p, kind, text, f"case:{step.case_id}", key, send) for p in holders)
    return out


def reminder_text(kind: AlertKind, number: str, step_key: str, deadline: datetime,
                  zone: ZoneInfo) -> str:
    when = deadline.astimezone(zone).strftime("%m-%d %H:%M")
    title = S.step_title(step_key)
    if kind is AlertKind.DEADLINE:
        return f"{number}「{title}」已到期限（{when}），请尽快处理。"
    if kind is AlertKind.HALF:
        return f"{number}「{title}」时限已过半，期限 {when}。"
    return f"{number}「{title}」即将到期，期限 {when}。"


def weekly_summary_due(now: datetime, users: Sequence[User], tz: str,
                       calendar: BusinessCalendar | None) -> list[NewAlert]:
    """Seed 003 一.8 / 二.7: every Monday the assessor sends last week's summary to the GM.
    Told on Monday (at the opening when a calendar is set; the next open day when Monday is
    closed), once per week; a PC first started later in the week does not tell it late."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    monday: date = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    send = into_business_hours(start, calendar)
    # told on the day it falls due (Monday, or the next open day): not later in the week
    if send > now or send.astimezone(zone).date() != local.date():
        return []
    week = (monday - timedelta(days=7)).isoformat()
    last = monday - timedelta(days=7)
    text = (f"周汇总：请于今天把上周（{last:%m-%d} 至 {monday - timedelta(days=1):%m-%d}）"
            "的客户投诉、内部投诉汇总及处罚情况上报总经理。")
    return [NewAlert(u.id, AlertKind.WEEKLY, text, f"week:{week}", f"weekly:{monday.isoformat()}",
                     send)
            for u in users if u.id is not None and u.active and u.has(Role.ASSESSOR)]


# ---- event alerts ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OpenedStep:
    """A step that opened in a workflow action, as its alert needs it (from the domain
    event StepOpened and the case's open step)."""

    step_key: str
    seq: int
    due_since: datetime
    deadline: datetime | None
    to_user_ids: tuple[int, ...] = ()


def step_alerts(case_id: int, number: str, flow: str, opened: Sequence[OpenedStep],
                department_id: int | None, supervisor_user_id: int | None,
                actor_id: int | None, users: Sequence[User], tz: str) -> list[NewAlert]:
    """"A step becomes yours": to its holders, not to whoever just opened it for themselves.
    A step scheduled later (二次回访) is shown from when it becomes due."""
    zone = ZoneInfo(tz)
    out: list[NewAlert] = []
    for st in opened:
        holders = step_holders(flow, st.step_key, department_id, supervisor_user_id,
                               st.to_user_ids[0] if st.to_user_ids else None, users)
        if not holders:
            continue
        when = st.deadline.astimezone(zone).strftime("%m-%d %H:%M") if st.deadline else "无时限"
        text = f"{number}「{S.step_title(st.step_key)}」待您处理，期限 {when}。"
        key = f"step:{case_id}:{st.seq}"
        out.extend(NewAlert(p, AlertKind.STEP, text, f"case:{case_id}", key, st.due_since)
                   for p in holders if p != actor_id)
    return out


def severity_alerts(case_id: int, number: str, severity: Severity | None,
                    department_id: int | None, actor_id: int | None, users: Sequence[User],
                    now: datetime) -> list[NewAlert]:
    """重要/重大: the department head and the GM, the moment it is so classified (and again
    if it is raised from 重要 to 重大 later, DESIGN §4.8)."""
    if severity not in (Severity.IMPORTANT, Severity.MAJOR):
        return []
    text = f"{number} 被定为{severity.label}投诉，请关注并审批其解决方案。"
    key = f"severe:{case_id}:{severity.value}"
    return [NewAlert(p, AlertKind.SEVERE, text, f"case:{case_id}", key, now)
            for p in severe_recipients(department_id, users) if p != actor_id]
