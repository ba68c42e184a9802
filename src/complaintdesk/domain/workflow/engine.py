"""The generic workflow engine: interprets the flow tables of flows.py on a Case.

It mutates the Case in place (finishes the open StepRecord, opens the next one with its
deadline) and records what happened as typed domain events (domain/events.py) on
`case.events`, for the message bus: the accountability rules, the alerts and the notices
react to those (services/messagebus.py). It also hands back the events of the action (the
audit entry lists them). It never reads the clock and never creates fault slips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from .. import events as E
from .. import steps as S
from ..clock import utc
from ..records import Case, CaseStatus, FlowKind, Severity, User
from . import flows as F
from .deadlines import WorkflowSettings
from .errors import WorkflowError
from .events import ActionSpec, ActResult
from .fields import check_fields
from .guards import CHECKS, GuardContext, refusal, unresolved_unsatisfied
from .notice import set_notice_window
from .permissions import Delegation, resolve_actor, who_label
from .secondary_effects import SECONDARY_EFFECTS
from .transitions import EFFECTS, Act, finish_step, open_step, serious_notices

__all__ = ["ActResult", "ActionSpec", "action_slips", "available_actions", "perform",
           "start_case"]


# ---- public API -------------------------------------------------------------------------
def start_case(
    case: Case, registered_by: User, settings: WorkflowSettings, now: datetime,
    report_data: Mapping[str, Any] | None = None,
) -> list[E.Event]:
    """Record the first step (登记 / 报告 / 开单) as done now and open the next one.

    The first step's deadline counts from when the customer complained (intake
    .complained_at, else registered_at): 003 一.1 registered within 1 h, so late
    registration is a breach. Internal complaints and rework orders need
    case.department_id (the reported / owning department) before they start.
    """
    if case.steps:
        raise WorkflowError("该案件已经登记，不能重复登记。")
    now = utc(now)
    flow = F.flow_for(case.flow)
    if flow.kind is not FlowKind.FEEDBACK and case.department_id is None:
        what = "被投诉部门" if flow.kind is FlowKind.INTERNAL else "所属部门"
        raise WorkflowError(f"请选择「{what}」后再提交。", "department_id")
    route = flow.route(case.kind)
    self_dept = case.intake.self_report_department_id if flow.kind is FlowKind.FEEDBACK \
        else None
    if self_dept is not None:
        _take_self_report(case, self_dept)
    events: list[E.Event] = []
    complained = utc(case.intake.complained_at or case.registered_at)
    first = open_step(case, flow, route[0], complained, settings, events, by=registered_by,
                      at=now)
    events.pop()  # the first step is done at once: no "opened" notification for it
    case.status = CaseStatus.OPEN
    # DESIGN §4.1: step 0's lateness is the receiver's (受理人), not the typist's.
    # report_data: what the first step records (an internal complaint's routing snapshot)
    receiver = case.intake.receiver_employee_id
    first_data = dict(report_data or {})
    if receiver is not None:
        first_data["receiver_employee_id"] = receiver
    finish_step(case, first, registered_by.id, None, now, "done", first_data, events)
    # a breach at registration is the receiver's; nothing else breaches here
    events = [replace(e, employee_id=receiver, at_registration=True)
              if isinstance(e, E.DeadlineBreached) else e for e in events]
    if flow.kind is FlowKind.FEEDBACK:
        set_notice_window(case, settings)
    # 003 一.9(1): 部门自查 starts at step 2 (step 1's fields came with the report); CS and
    # the assessor are told when step 4 is signed, not now
    nxt = S.ASSIGN if self_dept is not None else route[1]
    open_step(case, flow, nxt, now, settings, events, by=registered_by)
    if self_dept is not None:  # its head set the severity: a 重要/重大 one alerts the GM too
        events.extend(replace(n, at_registration=True) for n in serious_notices(
            case, None, S.REGISTER, registered_by, now, len(events)))
    events.append(E.Classified(case.id, S.REGISTER, case.category, case.severity, "", None,
                               registered_by, now))
    case.events.extend(events)
    return events


def _take_self_report(case: Case, department_id: int) -> None:
    """The self-report form carries step 1's fields, filled by the department's head."""
    intake = case.intake
    missing = {}
    if not intake.self_report_category.strip():
        missing["self_report_category"] = "部门自查须填写「投诉类别」。"
    if intake.self_report_severity is None:
        missing["self_report_severity"] = "部门自查须选择「严重程度」。"
    if missing:
        first = next(iter(missing))
        raise WorkflowError(missing[first], first, fields=missing)
    case.department_id = department_id
    case.category = intake.self_report_category.strip()
    case.severity = Severity(intake.self_report_severity)


def _step_actions(flow: F.FlowDef, sdef: F.StepDef) -> tuple[F.ActionDef, ...]:
    return sdef.actions + flow.common_actions


def action_slips(case: Case, action_key: str) -> str:
    """What `action_key` on the case's open step does to its slips (the flow table's
    ActionDef.slips: flows.ISSUE_SLIPS …); "" for nothing or an unknown action."""
    step = case.open_step
    if step is None:
        return ""
    flow = F.flow_for(case.flow)
    sdef = flow.steps.get(step.step_key)
    if sdef is None:
        return ""
    action = next((x for x in _step_actions(flow, sdef) if x.key == action_key), None)
    return action.slips if action is not None else ""


def available_actions(
    case: Case, user: User, now: datetime, delegations: Sequence[Delegation] = (),
    settings: WorkflowSettings | None = None,
) -> list[ActionSpec]:
    """Only the actions `user` may take on the case right now (one button each)."""
    settings = settings or WorkflowSettings()
    now = utc(now)
    step = case.open_step
    if step is None:
        return []
    flow = F.flow_for(case.flow)
    sdef = flow.steps[step.step_key]
    specs: list[ActionSpec] = []
    for action in _step_actions(flow, sdef):
        ok, on_behalf = resolve_actor(
            user, action.who or sdef.who, case, step, now, settings.zone, delegations
        )
        if not ok or _in_person_refusal(case, sdef, action, on_behalf):
            continue
        if refusal(GuardContext(case, step, sdef, action, user, now, settings)):
            continue
        specs.append(ActionSpec(action.key, action.label, sdef.key, action.required, on_behalf))
    return specs


def perform(
    case: Case, action_key: str, user: User, data: Mapping[str, Any], now: datetime,
    settings: WorkflowSettings, delegations: Sequence[Delegation] = (),
) -> ActResult:
    """Take an action on the case's open step, or raise WorkflowError (Chinese message)."""
    now = utc(now)
    step = case.open_step
    if step is None:
        raise WorkflowError("该案件已结案，没有待处理的步骤。")
    flow = F.flow_for(case.flow)
    sdef = flow.steps[step.step_key]
    action = next((x for x in _step_actions(flow, sdef) if x.key == action_key), None)
    if action is None:
        raise WorkflowError(
            f"当前步骤是「{sdef.title}」，不能执行该操作。请刷新后重试（可能已被他人处理）。"
        )
    who = action.who or sdef.who
    ok, on_behalf = resolve_actor(user, who, case, step, now, settings.zone, delegations)
    if not ok:
        raise WorkflowError(
            f"「{action.label}」只能由{who_label(who)}执行。如需他人代为处理，请先设置代理人。"
        )
    in_person = _in_person_refusal(case, sdef, action, on_behalf)
    if in_person:
        raise WorkflowError(in_person)
    guard = GuardContext(case, step, sdef, action, user, now, settings)
    message = refusal(guard)
    if message:
        raise WorkflowError(message)
    values = dict(data)
    check_fields(values, action.required)
    for name in action.checks:
        CHECKS[name](guard, values)
    closes = (
        action.effect == F.FINISH and action.leads_to == F.NEXT
        and step.step_key in flow.case_route(case)
        and flow.next_on(case, step.step_key) is None
    )
    if closes and flow.close_requires_revisit and unresolved_unsatisfied(case):
        raise WorkflowError(
            "客户回访「不满意」尚未解决：须重新处理并回访，或由行政部考核主管判定「诉求无法合理满足」后才能结案。"
        )
    events: list[E.Event] = []
    act = Act(case, flow, step, sdef, action, user, on_behalf, values, now, settings, events)
    (SECONDARY_EFFECTS.get(action.effect) or EFFECTS[action.effect])(act)
    case.events.append(E.ActionTaken(case.id, step.step_key, action.key, user, now))
    case.events.extend(events)
    if action.slips == F.ISSUE_SLIPS:
        issued = step.data.get("slip_ids")
        case.events.append(E.CaseSlipsIssued(
            case.id, step.step_key,
            tuple(int(x) for x in issued) if isinstance(issued, list) else (), user, now))
    elif action.slips == F.SIGN_SLIPS:
        opinion = str(step.data.get("opinion") or "").strip()
        case.events.append(E.SlipsSigned(case.id, opinion, user, now))
    elif action.slips == F.ENFORCE_SLIPS:
        case.events.append(E.EnforcementOrdered(case.id, user, now))
    return ActResult(events, step)


def _in_person_refusal(case: Case, sdef: F.StepDef, action: F.ActionDef,
                       on_behalf: int | None) -> str | None:
    """003 一.9(3): a 重大 complaint's handling step is taken by the supervisor in person."""
    if (on_behalf is not None and sdef.in_person_when_major
            and case.severity is Severity.MAJOR and not action.who):
        return ("重大投诉须由业务主管本人亲自处理，代理人不能代为处理；"
                "主管不在时请由部门负责人改派处理主管。")
    return None
