"""Named conditions (when an action is offered) and data checks used by the flow tables.

A condition returns None when the action may be taken now, else the Chinese reason.
A check raises WorkflowError naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import steps as S
from ..records import (
    OUTCOME_DEMAND_UNREASONABLE,
    OUTCOME_REOPEN,
    SATISFACTION,
    Case,
    CaseStatus,
    Role,
    Severity,
    StepRecord,
    User,
)
from . import flows as F
from .deadlines import WorkflowSettings
from .errors import WorkflowError
from .fields import parse_datetime

UNSATISFIED = "不满意"
__all__ = ["OUTCOME_DEMAND_UNREASONABLE", "OUTCOME_REOPEN", "UNSATISFIED", "GuardContext",
           "CHECKS", "CONDITIONS", "refusal", "solution_approver", "unresolved_unsatisfied"]


@dataclass(frozen=True, slots=True)
class GuardContext:
    case: Case
    step: StepRecord
    step_def: F.StepDef
    action: F.ActionDef
    user: User
    now: datetime
    settings: WorkflowSettings


def local_text(when: datetime, settings: WorkflowSettings) -> str:
    return when.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")


def unresolved_unsatisfied(case: Case) -> bool:
    """A 不满意 revisit reopened the case and no 诉求无法合理满足 decision has followed."""
    pending = False
    for s in case.steps:
        if s.is_open:
            continue
        if s.outcome == OUTCOME_REOPEN:
            pending = True
        elif s.outcome == OUTCOME_DEMAND_UNREASONABLE or s.step_key == S.REVISIT:
            pending = False
    return pending


def involved_user_ids(case: Case) -> set[int]:
    """Everyone who acted on (or held) a step of the case."""
    ids: set[int] = set()
    for s in case.steps:
        for uid in (s.actor_user_id, s.on_behalf_of_user_id):
            if uid is not None and s.step_key != S.SECOND_REVISIT:
                ids.add(uid)
    for uid in (case.supervisor_user_id, case.registered_by_user_id):
        if uid is not None:
            ids.add(uid)
    return ids


def original_deadline(step: StepRecord) -> datetime | None:
    if step.extensions:
        first = parse_datetime(step.extensions[0].get("previous"))
        return first
    return step.deadline


# ---- conditions -------------------------------------------------------------------------
def _before_first_deadline(g: GuardContext) -> str | None:
    first = original_deadline(g.step)
    if first is not None and g.now > first:
        return (
            f"「{g.action.label}」只能在本步骤开始后{g.step_def.deadline.label}内申请"
            f"（截至 {local_text(first, g.settings)}），现已超过，请尽快完成「{g.step_def.title}」。"
        )
    return None


def _not_extended_yet(g: GuardContext) -> str | None:
    if any(e.get("action") == g.action.key for e in g.step.extensions):
        return f"本步骤已申请过「{g.action.label}」，不能重复申请。"
    return None


def _major_only(g: GuardContext) -> str | None:
    if g.case.severity is not Severity.MAJOR:
        return "只有重大投诉可以延长处理期限（适当宽限）；一般/重要投诉请按期处理。"
    return None


def _after_unsatisfied(g: GuardContext) -> str | None:
    if g.case.status is not CaseStatus.OPEN or not unresolved_unsatisfied(g.case):
        return "只有客户回访「不满意」、案件重新处理期间，才能判定诉求无法合理满足。"
    return None


def _on_spot(g: GuardContext) -> str | None:
    if not g.case.intake.resolved_on_spot:
        return "登记时未标记「当场解决」，请按一般流程填单转派。"
    return None


def _handling_step(g: GuardContext) -> str | None:
    if g.step.step_key != S.HANDLE:
        return "重大投诉只能延长「主管处理」步骤的期限，其他步骤请按期完成。"
    return None


def _approvals(step: StepRecord) -> list[dict[str, Any]]:
    raw = step.data.get("solution_approvals")
    return [x for x in raw if isinstance(x, dict)] if isinstance(raw, list) else []


def solution_approver(case: Case) -> Role:
    """DESIGN §4.1/§4.8: the department head for 重要, the GM for 重大 — and the GM when
    the department head handles the case personally."""
    if case.severity is Severity.MAJOR:
        return Role.GENERAL_MANAGER
    for s in reversed(case.steps):
        if s.step_key == S.ASSIGN and not s.is_open:
            return Role.GENERAL_MANAGER if s.data.get("handle_myself") else Role.DEPT_HEAD
    return Role.DEPT_HEAD


def needs_solution_approval(case: Case) -> bool:
    """000 二(四)2: 重要/重大 — from whenever the severity says so (raised later too)."""
    return case.severity in (Severity.IMPORTANT, Severity.MAJOR)


def _needs_approval(g: GuardContext) -> str | None:
    if not needs_solution_approval(g.case):
        return "只有重要/重大投诉的解决方案需要审批。"
    last = _approvals(g.step)[-1:]
    if last and last[0].get("status") in ("pending", "approved"):
        return "解决方案已提交审批（或已批准），无需重复提交。"
    return None


def _is_approver(g: GuardContext) -> bool:
    approver = solution_approver(g.case)
    if approver is Role.GENERAL_MANAGER:
        return g.user.has(Role.GENERAL_MANAGER)
    return g.user.has(Role.DEPT_HEAD) and g.user.department_id == g.case.department_id


def _approval_pending(g: GuardContext) -> str | None:
    last = _approvals(g.step)[-1:]
    if not last or last[0].get("status") != "pending":
        return "没有待审批的解决方案。"
    if not _is_approver(g):
        return "该解决方案须由部门负责人（重要投诉）或总经理（重大投诉、部门负责人亲自处理的）审批。"
    return None


def _solution_approved(g: GuardContext) -> str | None:
    if not needs_solution_approval(g.case):
        return None
    last = _approvals(g.step)[-1:]
    if last and last[0].get("status") == "approved":
        return None
    who = "总经理" if g.case.severity is Severity.MAJOR else "部门负责人"
    return (f"重要/重大投诉的解决方案须经{who}审批后才能提交处理意见："
            "请先「提交解决方案审批」，待批准后再提交。")


def revisit_skip_refusal(case: Case) -> str | None:
    """DESIGN §4.8: 无需回访 never for 重要/重大 or a reopened round."""
    if case.severity in (Severity.IMPORTANT, Severity.MAJOR):
        return "重要/重大投诉必须回访，不能标记「无需回访」。"
    if case.reopen_count > 0:
        return "重新处理的案件必须回访，不能标记「无需回访」。"
    return None


def _revisit_skippable(g: GuardContext) -> str | None:
    return revisit_skip_refusal(g.case)


def _not_involved(g: GuardContext) -> str | None:
    if g.user.id is not None and g.user.id in involved_user_ids(g.case):
        return "二次回访须由未经办本案的人员进行：您处理过本案，请安排其他客服人员回访。"
    return None


def _not_before_due(g: GuardContext) -> str | None:
    if g.now < g.step.due_since:
        return (
            f"「{g.step_def.title}」应于 {local_text(g.step.due_since, g.settings)} 之后进行，"
            "请届时再处理。"
        )
    return None


def _case_open(g: GuardContext) -> str | None:
    if g.case.status is not CaseStatus.OPEN:
        return "案件已结案，不能再修改。"
    return None


CONDITIONS: dict[str, Callable[[GuardContext], str | None]] = {
    F.BEFORE_FIRST_DEADLINE: _before_first_deadline,
    F.NOT_EXTENDED_YET: _not_extended_yet,
    F.MAJOR_ONLY: _major_only,
    F.AFTER_UNSATISFIED: _after_unsatisfied,
    F.NOT_INVOLVED: _not_involved,
    F.NOT_BEFORE_DUE: _not_before_due,
    F.CASE_OPEN: _case_open,
    F.ON_SPOT: _on_spot,
    F.HANDLING_STEP: _handling_step,
    F.NEEDS_APPROVAL: _needs_approval,
    F.APPROVAL_PENDING: _approval_pending,
    F.SOLUTION_APPROVED: _solution_approved,
    F.REVISIT_SKIPPABLE: _revisit_skippable,
}


def refusal(g: GuardContext) -> str | None:
    """The first unmet condition's message, or None."""
    for name in g.action.conditions:
        message = CONDITIONS[name](g)
        if message:
            return message
    return None


# ---- data checks ------------------------------------------------------------------------
def _slips_or_none(g: GuardContext, data: Mapping[str, Any]) -> None:
    # 003 一.4: one 过失单 per responsible person — or none when nobody is at fault
    slips = data.get("slip_ids") or []
    none = data.get("no_responsible") is True
    if slips and none:
        raise WorkflowError("已填写过失单时不能同时勾选「无责任人」，请只选其一。", "no_responsible")
    if not slips and not none:
        raise WorkflowError("请选择已开具的过失单（内部投诉为处罚单），或勾选「无责任人」。", "slip_ids")


def _satisfaction_if_reached(g: GuardContext, data: Mapping[str, Any]) -> None:
    if data.get("reached") is True and data.get("satisfaction") not in SATISFACTION:
        raise WorkflowError(
            "已联系上客户，请选择「满意度」（满意/基本满意/不满意）。", "satisfaction"
        )


def _later_deadline(g: GuardContext, data: Mapping[str, Any]) -> None:
    new = parse_datetime(data.get("deadline"))
    floor = max(g.now, g.step.deadline) if g.step.deadline else g.now
    if new is None or new <= floor:
        raise WorkflowError(
            f"「新的期限」必须晚于当前期限({local_text(floor, g.settings)})，请重新选择。",
            "deadline",
        )


def _no_revisit_allowed(g: GuardContext, data: Mapping[str, Any]) -> None:
    if data.get("no_revisit") is True:
        message = revisit_skip_refusal(g.case)
        if message:
            raise WorkflowError(message, "no_revisit")


def _completion_time(g: GuardContext, data: Mapping[str, Any]) -> None:
    # DESIGN §4.3: 竣工 happens after the order was opened and not in the future
    done = parse_datetime(data.get("completed_at"))
    if done is None:
        raise WorkflowError("请选择「竣工时间」。", "completed_at")
    if done > g.now:
        raise WorkflowError(
            f"「竣工时间」不能晚于现在（{local_text(g.now, g.settings)}），请重新选择。",
            "completed_at")
    if done < g.case.registered_at:
        raise WorkflowError(
            f"「竣工时间」不能早于开单时间（{local_text(g.case.registered_at, g.settings)}），"
            "请重新选择。", "completed_at")


def _completion_known(g: GuardContext, data: Mapping[str, Any]) -> None:
    if data.get("completed_at") not in (None, ""):
        _completion_time(g, data)
    elif not g.step.data.get("completed_at"):
        raise WorkflowError("请先记录「竣工时间」再上报：竣工前不能上报返修单。", "completed_at")


CHECKS: dict[str, Callable[[GuardContext, Mapping[str, Any]], None]] = {
    F.COMPLETION_TIME: _completion_time,
    F.COMPLETION_KNOWN: _completion_known,
    F.SLIPS_OR_NONE: _slips_or_none,
    F.SATISFACTION_IF_REACHED: _satisfaction_if_reached,
    F.LATER_DEADLINE: _later_deadline,
    F.NO_REVISIT_ALLOWED: _no_revisit_allowed,
}
