"""Who may act on a step (DESIGN §3) and delegation to a 代理人.

The flows name, per step and action, a tuple of `Who`: a user may act when they match any
of them. A delegate acts for an absent user during the delegation's date range; the
StepRecord then carries on_behalf_of_user_id and the UI shows "代 X 处理".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from ..records import Case, FlowKind, Role, StepRecord, User
from .internal_routing import case_routing


class Holder(StrEnum):
    ANYONE = "anyone"  # 任何员工
    ROLE = "role"  # anyone holding one of the roles
    DEPT_HEAD = "dept_head"  # the dept_head of the case's department
    DEPT_SUPERVISOR = "dept_supervisor"  # a supervisor of the case's department
    CASE_SUPERVISOR = "case_supervisor"  # the person named at step 2 (the step's assignee)
    # internal complaints (003 二.1–2, see internal_routing.py)
    REPORT_ASSESSOR = "report_assessor"  # the reporter's department's own 考核主管, else 行政部's
    CASE_ASSESSOR = "case_assessor"  # the reported department's own 考核主管, else 行政部's
    REPORTER_DEPT_HEAD = "reporter_dept_head"  # the reporter's head, where it has no 考核主管


@dataclass(frozen=True, slots=True)
class Who:
    holder: Holder
    roles: tuple[Role, ...] = ()

    @property
    def label(self) -> str:
        match self.holder:
            case Holder.ANYONE:
                return "任何员工"
            case Holder.ROLE:
                return "或".join(r.label for r in self.roles)
            case Holder.DEPT_HEAD:
                return "责任部门负责人"
            case Holder.DEPT_SUPERVISOR:
                return "被投诉部门的业务主管"
            case Holder.REPORT_ASSESSOR:
                return "投诉人所在部门的考核主管（没有则为行政部考核主管）"
            case Holder.CASE_ASSESSOR:
                return "被投诉部门的考核主管（没有则为行政部考核主管）"
            case Holder.REPORTER_DEPT_HEAD:
                return "投诉人所在部门负责人（本部门没有考核主管时）"
        return "部门负责人指派的处理人"

    @property
    def usual_roles(self) -> tuple[Role, ...]:
        """The roles a user matching this holds (ANYONE: none in particular): a step named
        for the case's department head is a 部门负责人's work, the assigned handler a
        业务主管's (the department head names a supervisor at step 2)."""
        if self.holder is Holder.ROLE:
            return self.roles
        return _HOLDER_ROLES[self.holder]


ANYONE = (Who(Holder.ANYONE),)
DEPT_HEAD_OF_CASE = Who(Holder.DEPT_HEAD)
SUPERVISOR_OF_DEPT = Who(Holder.DEPT_SUPERVISOR)
_HOLDER_ROLES: dict[Holder, tuple[Role, ...]] = {
    Holder.ANYONE: (),
    Holder.DEPT_HEAD: (Role.DEPT_HEAD,),
    Holder.DEPT_SUPERVISOR: (Role.SUPERVISOR,),
    Holder.CASE_SUPERVISOR: (Role.SUPERVISOR,),
    Holder.REPORT_ASSESSOR: (Role.ASSESSOR,),
    Holder.CASE_ASSESSOR: (Role.ASSESSOR,),
    Holder.REPORTER_DEPT_HEAD: (Role.DEPT_HEAD,),
}
ASSIGNED_HANDLER = Who(Holder.CASE_SUPERVISOR)
REPORT_ASSESSOR = Who(Holder.REPORT_ASSESSOR)
CASE_ASSESSOR = Who(Holder.CASE_ASSESSOR)
REPORTER_DEPT_HEAD = Who(Holder.REPORTER_DEPT_HEAD)


def role(*roles: Role) -> Who:
    return Who(Holder.ROLE, tuple(roles))


def who_label(who: Sequence[Who]) -> str:
    return "、".join(w.label for w in who)


@dataclass(frozen=True, slots=True)
class Delegation:
    """An absent user's steps go to a delegate from `start` to `end` (inclusive).

    Dates are local dates in the dealership's time zone; datetimes are instants.
    `absent_user` (optional) lets the delegate also take role-based steps (e.g. a dept
    head's 部门安排); without it only steps named to the absent user by id pass.
    """

    absent_user_id: int
    delegate_user_id: int
    start: date | datetime
    end: date | datetime
    absent_user: User | None = None

    def active_at(self, now: datetime, zone: ZoneInfo) -> bool:
        if isinstance(self.start, datetime) and isinstance(self.end, datetime):
            return self.start <= now <= self.end
        today = now.astimezone(zone).date()
        start = self.start.astimezone(zone).date() if isinstance(self.start, datetime) else self.start
        end = self.end.astimezone(zone).date() if isinstance(self.end, datetime) else self.end
        return start <= today <= end


def _matches(user: User, w: Who, case: Case, step: StepRecord | None) -> bool:
    match w.holder:
        case Holder.ANYONE:
            return True
        case Holder.ROLE:
            return any(user.has(r) for r in w.roles)
        case Holder.DEPT_HEAD:
            return (
                user.has(Role.DEPT_HEAD)
                and case.department_id is not None
                and user.department_id == case.department_id
            )
        case Holder.DEPT_SUPERVISOR:
            if user.id is not None and user.id == case.supervisor_user_id:
                return True
            return (
                user.has(Role.SUPERVISOR)
                and case.department_id is not None
                and user.department_id == case.department_id
            )
        case Holder.CASE_SUPERVISOR:
            named = step.assignee_user_id if step is not None else None
            named = named if named is not None else case.supervisor_user_id
            return user.id is not None and user.id == named
        case Holder.REPORT_ASSESSOR | Holder.CASE_ASSESSOR:
            routing = case_routing(case)
            if routing is None:  # registered before the routing snapshot: any assessor
                return user.has(Role.ASSESSOR)
            scope = routing.receiving_scope if w.holder is Holder.REPORT_ASSESSOR \
                else routing.scope_for(case.department_id)
            return routing.in_scope(user, scope)
        case Holder.REPORTER_DEPT_HEAD:
            routing = case_routing(case)
            return (
                routing is not None and routing.reporter_department_id is not None
                and routing.receiving_scope is None and user.has(Role.DEPT_HEAD)
                and user.department_id == routing.reporter_department_id
            )
    return False


def qualifies(user: User, who: Sequence[Who], case: Case, step: StepRecord | None) -> bool:
    """Whether `user` in person matches any of `who` for this case and step."""
    return user.active and any(_matches(user, w, case, step) for w in who)


def resolve_actor(
    user: User,
    who: Sequence[Who],
    case: Case,
    step: StepRecord | None,
    now: datetime,
    zone: ZoneInfo,
    delegations: Sequence[Delegation] = (),
) -> tuple[bool, int | None]:
    """(allowed, on_behalf_of_user_id). Acting in person wins over acting as a delegate."""
    if not user.active:
        return False, None
    if qualifies(user, who, case, step):
        return True, None
    for d in delegations:
        if user.id is None or d.delegate_user_id != user.id or not d.active_at(now, zone):
            continue
        absent = d.absent_user or User(
            id=d.absent_user_id, username="", display_name="", roles=frozenset()
        )
        if absent.id != d.absent_user_id:
            continue
        # the absent user is away: their account need not be active for this check
        if any(_matches(absent, w, case, step) for w in who if w.holder != Holder.ANYONE):
            return True, d.absent_user_id
    return _stand_in(user, who, case, step, now, zone, delegations)


def _stand_in(user: User, who: Sequence[Who], case: Case, step: StepRecord | None,
              now: datetime, zone: ZoneInfo,
              delegations: Sequence[Delegation]) -> tuple[bool, int | None]:
    """DESIGN §4.8 "nobody there": with no delegate named, the department head (or the GM)
    may take a supervisor's step, the GM a department head's. The step then records
    代 <named handler> 处理 (customer feedback only)."""
    if case.flow is not FlowKind.FEEDBACK:
        return False, None
    holders = {w.holder for w in who}
    if Holder.CASE_SUPERVISOR in holders:
        named = step.assignee_user_id if step is not None else None
        named = named if named is not None else case.supervisor_user_id
        head_of_case = user.has(Role.DEPT_HEAD) and case.department_id is not None \
            and user.department_id == case.department_id
        delegated = any(d.absent_user_id == named and d.active_at(now, zone)
                        for d in delegations)
        if named is not None and not delegated and (
                head_of_case or user.has(Role.GENERAL_MANAGER)):
            return True, named
    if Holder.DEPT_HEAD in holders and user.has(Role.GENERAL_MANAGER):
        return True, None
    return False, None
