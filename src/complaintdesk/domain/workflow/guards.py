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
from ..records import SATISFACTION, Case, CaseStatus, Severity, StepRecord, User
from . import flows as F
from .deadlines import WorkflowSettings
from .errors import WorkflowError
from .fields import parse_datetime

UNSATISFIED = "不满意"
OUTCOME_REOPEN = "reopen"
OUTCOME_DEMAND_UNREASONABLE = "demand_unreasonable"


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
    """A 不满意 revisit reopened the case and no 客户要求过高 decision has followed."""
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
        return "只有客户回访「不满意」、案件重新处理期间，才能判定客户要求过高。"
    return None


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
}
