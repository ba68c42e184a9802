"""Step transitions: opening and finishing StepRecords and the effects of each action kind.

Internal to the engine; the flow tables (flows.py) name the effects by key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .. import events as E
from .. import steps as S
from ..records import Case, CaseStatus, FeedbackKind, FlowKind, Role, Severity, StepRecord, User
from . import flows as F
from .deadlines import WorkflowSettings, compute_deadline
from .fields import parse_datetime
from .guards import OUTCOME_DEMAND_UNREASONABLE, OUTCOME_REOPEN, UNSATISFIED, solution_approver
from .notice import record_revisit
from .permissions import Holder


@dataclass(slots=True)
class Act:
    case: Case
    flow: F.FlowDef
    step: StepRecord
    sdef: F.StepDef
    action: F.ActionDef
    user: User
    on_behalf: int | None
    data: dict[str, Any]
    now: datetime
    settings: WorkflowSettings
    events: list[E.Event]  # what the action did, in order (domain/events.py)


# ---- opening and finishing steps --------------------------------------------------------
def open_step(
    case: Case, flow: F.FlowDef, key: str, due_since: datetime,
    settings: WorkflowSettings, events: list[E.Event], *, by: User | None = None,
    at: datetime | None = None,
) -> StepRecord:
    """Open step `key` of the case, due from `due_since`; `by` took the action that opened
    it at `at` (default: `due_since`)."""
    sdef = flow.steps[key]
    holders = {w.holder for w in sdef.who}
    assignee = case.supervisor_user_id if Holder.CASE_SUPERVISOR in holders else None
    if holders == {Holder.ROLE}:
        assignee = previous_role_holder(case, flow, sdef)
    rec = StepRecord(
        id=None, case_id=case.id, step_key=key, seq=len(case.steps) + 1,
        due_since=due_since,
        deadline=compute_deadline(settings.rule_for(key, sdef.deadline), due_since, settings),
        assignee_user_id=assignee,
    )
    case.steps.append(rec)
    if case.status is CaseStatus.OPEN:
        case.current_step = key
    roles: list[Role] = []
    for w in sdef.who:
        roles.extend(w.roles)
        if w.holder is Holder.DEPT_HEAD:
            roles.append(Role.DEPT_HEAD)
        elif w.holder is Holder.DEPT_SUPERVISOR:
            roles.append(Role.SUPERVISOR)
        elif w.holder in (Holder.REPORT_ASSESSOR, Holder.CASE_ASSESSOR):
            roles.append(Role.ASSESSOR)
        # REPORTER_DEPT_HEAD: not every department head — which one is the routing's
    dept_bound = holders & {Holder.DEPT_HEAD, Holder.DEPT_SUPERVISOR}
    events.append(E.StepOpened(
        case.id, key, by, due_since if at is None else at, seq=rec.seq,
        due_since=due_since, deadline=rec.deadline,
        to_user_ids=(assignee,) if assignee is not None else (),
        to_roles=tuple(roles),
        department_id=case.department_id if dept_bound else None,
    ))
    return rec


def previous_role_holder(case: Case, flow: F.FlowDef, sdef: F.StepDef) -> int | None:
    """DESIGN §4.8: a role step (cs_center, assessor) is held by whoever handled the case's
    previous step of that role; None leaves it to the service (least loaded)."""
    roles = {r for w in sdef.who for r in w.roles}
    for s in reversed(case.steps):
        other = flow.steps.get(s.step_key)
        if other is None or s.is_open:
            continue
        # only a step whose every holder has one of this step's roles (a step 1 done by
        # cs_center says nothing about who holds the assessor's evaluation)
        other_roles = {r for w in other.who for r in w.roles}
        if {w.holder for w in other.who} == {Holder.ROLE} and other_roles <= roles:
            holder = s.on_behalf_of_user_id or s.actor_user_id or s.assignee_user_id
            if holder is not None:
                return holder
    return None


def finish_step(
    case: Case, rec: StepRecord, actor_id: int | None, on_behalf: int | None, now: datetime,
    outcome: str, data: Mapping[str, Any], events: list[E.Event], *, judge: bool = True,
) -> None:
    """Close a step; finishing after the deadline is a breach against its holder (§4.4).

    judge=False when the step is cut short by someone else's decision: its holder did not
    finish it, so no breach is charged.
    """
    rec.actor_user_id = actor_id
    rec.on_behalf_of_user_id = on_behalf
    rec.finished_at = now
    rec.outcome = outcome
    rec.data = {**rec.data, **data}
    rec.breach = judge and rec.deadline is not None and now > rec.deadline
    events.append(E.StepFinished(case.id, rec.step_key, rec.seq, outcome, actor_id, on_behalf,
                                 now))
    if rec.breach:
        assert rec.deadline is not None
        holder = next(
            (u for u in (rec.assignee_user_id, on_behalf, actor_id) if u is not None), None
        )
        events.append(E.DeadlineBreached(
            case.id, case.flow, rec.step_key, holder, None, rec.deadline,
            int((now - rec.deadline).total_seconds()), "", False, now))


def _close(case: Case, flow: F.FlowDef, now: datetime, settings: WorkflowSettings,
           events: list[E.Event], by: User) -> None:
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.current_step = ""
    events.append(E.CaseClosed(case.id, now))
    # DESIGN §4.1: 重要/重大 complaints get a second revisit N days after closing
    if (
        flow.kind is FlowKind.FEEDBACK
        and case.kind is FeedbackKind.COMPLAINT
        and case.severity in (Severity.IMPORTANT, Severity.MAJOR)
    ):
        due = now + timedelta(days=settings.second_revisit_days)
        open_step(case, flow, S.SECOND_REVISIT, due, settings, events, by=by, at=now)


def _advance(a: Act, leads_to: str) -> None:
    """Open the step the action leads to, or close the case at the end of the route."""
    if leads_to == F.STAY:
        return
    if leads_to != F.NEXT:
        open_step(a.case, a.flow, leads_to, a.now, a.settings, a.events, by=a.user)
        return
    route = a.flow.case_route(a.case)
    if a.step.step_key not in route:  # an after-closing step (二次回访): nothing follows
        return
    nxt = a.flow.next_on(a.case, a.step.step_key)
    if nxt is None:
        _close(a.case, a.flow, a.now, a.settings, a.events, a.user)
    else:
        open_step(a.case, a.flow, nxt, a.now, a.settings, a.events, by=a.user)


def _done(a: Act, outcome: str = "done", leads_to: str | None = None) -> None:
    step = a.step
    if ({w.holder for w in a.sdef.who} == {Holder.ROLE} and step.assignee_user_id is not None
            and a.user.id != step.assignee_user_id and a.on_behalf is None
            and (step.deadline is None or a.now <= step.deadline)):
        # DESIGN §4.8: anyone of the role may take the step over; at the deadline the
        # holder is whoever holds it then
        step.assignee_user_id = a.user.id
    finish_step(a.case, step, a.user.id, a.on_behalf, a.now, outcome, a.data, a.events)
    _advance(a, a.action.leads_to if leads_to is None else leads_to)


# ---- effects ----------------------------------------------------------------------------
def _eff_finish(a: Act) -> None:
    key = a.step.step_key
    if key == S.EVALUATE:
        a.data.setdefault("demand_unreasonable", any(
            s.outcome == OUTCOME_DEMAND_UNREASONABLE for s in a.case.steps
        ))
    leads_to = None
    if key == S.ISSUE_SLIPS and a.data.get("no_revisit") is True:
        # DESIGN §4.8: the assessor marks 无需回访 at step 5 → straight to evaluation
        a.case.needs_revisit = False
        leads_to = S.EVALUATE
    _done(a, outcome="no_responsible" if a.data.get("no_responsible") is True else "done",
          leads_to=leads_to)
    if key == S.DEPT_OPINION and a.case.intake.self_report_department_id is not None:
        # 003 一.9(1): 部门自查 — CS and the assessor are told once the department finished
        a.events.append(E.NoticeRaised(
            a.case.id, key, "部门自查已处理完毕", a.user, a.now,
            to_roles=(Role.CS_CENTER, Role.ASSESSOR),
            detail={"department_id": a.case.department_id}, ordinal=len(a.events)))


_SERIOUS = (Severity.IMPORTANT, Severity.MAJOR)


def serious_notices(case: Case, before: Severity | None, step_key: str, by: User | None,
                    at: datetime, ordinal: int) -> list[E.NoticeRaised]:
    """000 二(二)3: a complaint classified (or raised to) 重要/重大 alerts the department
    head and the general manager at once (DESIGN §4.1). `ordinal`: how many events the
    action recorded before these."""
    severity = case.severity
    if severity is None or severity not in _SERIOUS or before is severity \
            or before is Severity.MAJOR:
        return []
    reason = f"{severity.label}投诉"
    return [E.NoticeRaised(case.id, step_key, reason, by, at, to_roles=(Role.DEPT_HEAD,),
                           department_id=case.department_id, severity=severity,
                           ordinal=ordinal),
            E.NoticeRaised(case.id, step_key, reason, by, at,
                           to_roles=(Role.GENERAL_MANAGER,), severity=severity,
                           ordinal=ordinal + 1)]


def _alert_if_serious(a: Act, before: Severity | None) -> None:
    a.events.extend(serious_notices(a.case, before, a.step.step_key, a.user, a.now,
                                    len(a.events)))


def _classified(a: Act, before_category: str, before: Severity | None) -> None:
    a.events.append(E.Classified(a.case.id, a.step.step_key, a.case.category, a.case.severity,
                                 before_category, before, a.user, a.now))


def _eff_forward(a: Act) -> None:
    before, before_category = a.case.severity, a.case.category
    a.case.category = str(a.data["category"]).strip()
    a.case.severity = Severity(a.data["severity"])
    a.case.department_id = a.data["department_id"]
    _done(a)
    _alert_if_serious(a, before)
    _classified(a, before_category, before)


def _eff_forward_simple(a: Act) -> None:
    """DESIGN §4.1: step 1 confirms 当场解决 — a 一般 complaint on the simple path: steps 2–4
    are skipped; step 5 only when a responsible person is named, else on to the revisit."""
    a.data["severity"] = Severity.NORMAL.value
    a.data["simple_path"] = True
    a.case.category = str(a.data["category"]).strip()
    a.case.severity = Severity.NORMAL
    a.case.department_id = a.data["department_id"]
    a.case.simple_path = True
    named = [r for r in a.data.get("responsible") or () if isinstance(r, dict)]
    _done(a, leads_to=S.ISSUE_SLIPS if named else S.REVISIT)


def _eff_reassign(a: Act) -> None:
    a.case.supervisor_user_id = a.data["supervisor_user_id"]
    a.step.assignee_user_id = a.data["supervisor_user_id"]
    a.events.append(E.StepOpened(
        a.case.id, a.step.step_key, a.user, a.now, seq=a.step.seq,
        due_since=a.step.due_since, deadline=a.step.deadline,
        to_user_ids=(a.data["supervisor_user_id"],), reassigned=True))


def _eff_assign(a: Act) -> None:
    a.data["handle_myself"] = False
    a.case.supervisor_user_id = a.data["supervisor_user_id"]
    _done(a)


def _eff_handle_myself(a: Act) -> None:
    # 003 一.2: 必要时由业务部门负责人直接处理 — whoever takes this button handles it
    a.data.update(handle_myself=True, supervisor_user_id=a.user.id)
    a.case.supervisor_user_id = a.user.id
    _done(a)


def _eff_revisit(a: Act) -> None:
    a.data.setdefault("revisit_at", a.now.isoformat())
    a.data["skipped"] = False
    if a.data.get("reached") is not True:
        a.data["satisfaction"] = ""
    elif a.flow.kind is FlowKind.FEEDBACK:
        record_revisit(a.case, a.now)  # 003 一.12: a revisit tells the customer
    unsatisfied = a.data.get("satisfaction") == UNSATISFIED
    reopenable = (S.HANDLE in a.flow.route(a.case.kind) and a.step.step_key == S.REVISIT)
    if unsatisfied and reopenable:
        _reopen(a)
        return
    _done(a)
    if unsatisfied:  # rework / second revisit: no reopen, but the assessor must know
        a.events.append(E.NoticeRaised(
            a.case.id, a.step.step_key, "客户回访不满意", a.user, a.now,
            to_roles=(Role.ASSESSOR,),
            detail={"customer_words": a.data.get("customer_words", "")},
            ordinal=len(a.events)))


def _reopen(a: Act) -> None:
    """003 一 / DESIGN §4.1: 不满意 sends the case back to step 3, keeping its history.

    Same department: straight back to its handler (主管处理). Another department
    (reopen_department_id): through 部门安排 first, since its head names the handler.
    """
    case = a.case
    finish_step(case, a.step, a.user.id, a.on_behalf, a.now, OUTCOME_REOPEN, a.data, a.events)
    case.reopen_count += 1
    dept = a.data.get("reopen_department_id")
    case.simple_path = False  # a reopened simple complaint goes down the normal path
    if dept is not None and dept != case.department_id:
        case.department_id = dept
        case.supervisor_user_id = None
        target = S.ASSIGN
    elif case.supervisor_user_id is None:  # nobody handled it yet (the simple path)
        target = S.ASSIGN
    else:
        target = S.HANDLE
    a.events.append(E.CaseReopened(case.id, a.now, a.step.step_key, a.user.id, target))
    open_step(case, a.flow, target, a.now, a.settings, a.events, by=a.user)


def _eff_skip_revisit(a: Act) -> None:
    a.data["skipped"] = True
    a.case.needs_revisit = False
    _done(a, outcome="skipped")


def _extend(a: Act, new_deadline: datetime, reason: str) -> None:
    step = a.step
    step.extensions.append({
        "action": a.action.key, "previous": step.deadline.isoformat() if step.deadline else None,
        "deadline": new_deadline.isoformat(), "reason": reason,
        "by": a.user.id, "on_behalf_of": a.on_behalf, "at": a.now.isoformat(),
    })
    step.deadline = new_deadline
    a.events.append(E.StepExtended(a.case.id, step.step_key, new_deadline, reason, a.user.id,
                                   a.now))


def _eff_extend_once(a: Act) -> None:
    assert a.action.extend_to is not None
    new = compute_deadline(a.action.extend_to, a.step.due_since, a.settings)
    assert new is not None
    reason = a.action.fixed_reason or str(a.data["reason"]).strip()
    if a.step.step_key == S.HANDLE:
        a.step.data["customer_unreachable"] = True
    _extend(a, new, reason)


def _eff_extend(a: Act) -> None:
    new = parse_datetime(a.data["deadline"])
    assert new is not None  # checked by LATER_DEADLINE
    _extend(a, new, str(a.data["reason"]).strip())


def _eff_classify(a: Act) -> None:
    case = a.case
    before, before_category = case.severity, case.category
    case.category = str(a.data["category"]).strip()
    case.severity = Severity(a.data["severity"])
    _classified(a, before_category, before)
    _alert_if_serious(a, before)


def _eff_demand_unreasonable(a: Act) -> None:
    # the open step is cut short by the assessor's decision: no breach for its holder
    data = {"demand_unreasonable": True, "reason": str(a.data["reason"]).strip()}
    finish_step(a.case, a.step, a.user.id, a.on_behalf, a.now, OUTCOME_DEMAND_UNREASONABLE,
                data, a.events, judge=False)
    _advance(a, a.action.leads_to)


# ---- 重要/重大: the solution approved before step 3 is finished (000 二(四)2) ----------
def _eff_request_approval(a: Act) -> None:
    approver = solution_approver(a.case)
    due = a.now + timedelta(hours=a.settings.approval_hours)
    request = {
        "status": "pending", "approver": approver.value, "requested_at": a.now.isoformat(),
        "requested_by": a.user.id, "due": due.isoformat(),
        "solution_kind": a.data.get("solution_kind"),
        "solution_text": str(a.data.get("solution_text") or "").strip(),
    }
    a.step.data = {**a.step.data, "solution_kind": request["solution_kind"],
                   "solution_text": request["solution_text"],
                   "solution_approvals": [*a.step.data.get("solution_approvals", []), request]}
    a.case.approval_role, a.case.approval_due = approver.value, due
    a.events.append(E.NoticeRaised(
        a.case.id, a.step.step_key, "解决方案待审批", a.user, a.now, to_roles=(approver,),
        department_id=a.case.department_id if approver is Role.DEPT_HEAD else None,
        detail={"due": due}, ordinal=len(a.events)))


def _eff_decide_approval(a: Act) -> None:
    approvals = [dict(x) for x in a.step.data.get("solution_approvals", [])]
    current = approvals[-1]
    approved = a.action.key == "approve_solution"
    due = parse_datetime(current.get("due"))
    late = due is not None and a.now > due
    current.update(status="approved" if approved else "returned",
                   decided_at=a.now.isoformat(), decided_by=a.user.id,
                   on_behalf_of=a.on_behalf, reason=str(a.data.get("reason") or "").strip(),
                   breach=late)
    a.step.data = {**a.step.data, "solution_approvals": approvals}
    a.case.approval_role, a.case.approval_due = "", None
    if late:  # DESIGN §4.8: the approval sub-task is charged to the approver if late
        assert due is not None
        a.events.append(E.DeadlineBreached(
            a.case.id, a.case.flow, a.step.step_key, a.on_behalf or a.user.id, None, due,
            int((a.now - due).total_seconds()), "solution_approval", False, a.now))
    a.events.append(E.NoticeRaised(
        a.case.id, a.step.step_key, "解决方案已批准" if approved else "解决方案被退回", a.user,
        a.now, to_user_ids=tuple(u for u in (a.case.supervisor_user_id,) if u is not None),
        detail={"note": current["reason"]}, ordinal=len(a.events)))


EFFECTS: dict[str, Callable[[Act], None]] = {
    F.FINISH: _eff_finish,
    F.FORWARD: _eff_forward,
    F.ASSIGN: _eff_assign,
    F.HANDLE_MYSELF: _eff_handle_myself,
    F.REVISIT: _eff_revisit,
    F.SKIP_REVISIT: _eff_skip_revisit,
    F.EXTEND_ONCE: _eff_extend_once,
    F.EXTEND: _eff_extend,
    F.CLASSIFY: _eff_classify,
    F.DEMAND_UNREASONABLE: _eff_demand_unreasonable,
    F.FORWARD_SIMPLE: _eff_forward_simple,
    F.REQUEST_APPROVAL: _eff_request_approval,
    F.DECIDE_APPROVAL: _eff_decide_approval,
    F.REASSIGN: _eff_reassign,
}
