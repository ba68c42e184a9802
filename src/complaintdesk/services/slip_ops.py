"""Steps shared by the accountability use cases and the workflow hooks, inside a unit of work:
loading the rule table, proposing a slip for a person, issuing under a gapless number.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from ..domain.errors import DomainError
from ..domain.proposals import ProposalContext, propose_penalties, propose_reward
from ..domain.records import (
    FAULT_SLIP_PREFIX,
    PENALTY_SLIP_PREFIX,
    Case,
    Employee,
    FaultSlip,
    FlowKind,
    Responsibility,
    Role,
    SlipStatus,
    User,
)
from ..domain.rules import Occasion, Rule, RuleError, default_rules_raw, load_rules
from ..domain.slips import issue, new_slip_proposal
from ..domain.validation import format_number
from ..storage.uow import UnitOfWork
from .errors import ServiceError

RULES_KEY = "rules"  # settings key of the rule table the admin edits
# Reward slips (奖励单) are numbered on their own: DESIGN §5 names no prefix for them.
REWARD_SLIP_PREFIX = "JL"
# Who "created" a proposal the rules made (the slip's first history line)
RULES_USER = User(id=None, username="rules", display_name="系统（按规则拟定）",
                  roles=frozenset({Role.ASSESSOR}))
# Slips that a new proposal for the same person on the same case would duplicate
_LIVE = frozenset({SlipStatus.PROPOSED, SlipStatus.ISSUED, SlipStatus.APPROVED,
                   SlipStatus.ENFORCED, SlipStatus.APPEALED})


def rules_raw(uow: UnitOfWork) -> list[dict[str, Any]]:
    raw = uow.settings.get(RULES_KEY)
    return raw if isinstance(raw, list) else default_rules_raw()


_PARSED: dict[str, list[Rule]] = {}  # the rule table as text → parsed rules (rules are immutable)


def current_rules(uow: UnitOfWork) -> list[Rule]:
    raw = rules_raw(uow)
    key = json.dumps(raw, sort_keys=True, ensure_ascii=False)
    try:
        if key not in _PARSED:
            _PARSED.clear()  # only the table in force is worth keeping
            _PARSED[key] = load_rules(raw)
        return _PARSED[key]
    except RuleError as exc:  # only possible if the setting was written around the service
        raise ServiceError("奖惩规则表有误，请由系统管理员在“奖惩规则”中修正：" + exc.message_zh) \
            from exc


def domain_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a domain function; its Chinese refusal becomes a ServiceError."""
    try:
        return fn(*args, **kwargs)
    except DomainError as exc:
        raise ServiceError(exc.message_zh, field=getattr(exc, "field", None)) from exc


def slip_prefix(slip: FaultSlip, case: Case | None) -> str:
    if slip.is_reward:
        return REWARD_SLIP_PREFIX
    if case is not None and case.flow is FlowKind.INTERNAL:
        return PENALTY_SLIP_PREFIX  # 内部投诉 → 处罚单 CF-
    return FAULT_SLIP_PREFIX


def issue_slip(uow: UnitOfWork, actor: User, slip: FaultSlip, case: Case | None,
               now: datetime, tz: tzinfo) -> None:
    """Issue a proposed slip under the next gapless number of its prefix (GS-YYYYMM-NNNN).
    The number is drawn inside the transaction, so a refusal gives it back."""
    if slip.status is not SlipStatus.PROPOSED:
        domain_call(issue, slip, "-", actor, now)  # the domain's state refusal
    if not slip.penalties:
        who = _slip_name(uow, slip)
        raise ServiceError(f"{who}还没有处罚内容：请先“修改处罚”填写处罚，或作“不予开具”处理。",
                           field="penalties")
    local = now.astimezone(tz)
    prefix = slip_prefix(slip, case)
    seq = uow.sequences.next(prefix, f"{local.year:04d}{local.month:02d}")
    domain_call(issue, slip, format_number(prefix, local.year, local.month, seq), actor, now)
    uow.slips.save(slip)


def _slip_name(uow: UnitOfWork, slip: FaultSlip) -> str:
    emp = uow.people.employee(slip.employee_id) if slip.employee_id else None
    kind = "奖励单" if slip.is_reward else "过失单"
    return f"{emp.name}的拟开具{kind}" if emp else f"拟开具{kind}"


def has_live_slip(slips: list[FaultSlip], employee_id: int, *, reward: bool) -> bool:
    return any(s.employee_id == employee_id and s.is_reward == reward and not s.from_breach
               and s.status in _LIVE for s in slips)


def propose_fault(uow: UnitOfWork, case: Case, employee: Employee,
                  responsibility: Responsibility | None, facts: str, now: datetime,
                  tz: tzinfo, *, breach: bool = False, by: User = RULES_USER) -> FaultSlip:
    """A PROPOSED slip for one responsible person, penalties from the rules and the
    person's history (repeat offences)."""
    assert employee.id is not None
    # internal complaints and rework orders are judged by their own flow's rules (DESIGN §6),
    # not as a 一般 customer complaint: they carry no severity
    ctx = ProposalContext(employee_id=employee.id, feedback_kind=case.kind,
                          severity=case.severity, category=case.category,
                          responsibility=responsibility, breach=breach, flow=case.flow)
    # DESIGN §4.8: slips from the same case (two rounds) do not double each other
    history = [s for s in uow.slips.proposal_history(employee.id, now)
               if case.id is None or s.case_id != case.id]
    proposal = propose_penalties(ctx, current_rules(uow), history, now, tz)
    slip = new_slip_proposal(case_id=case.id, employee=employee, facts=facts,
                             responsibility=responsibility, proposal=proposal, now=now,
                             from_breach=breach, by=by)
    return uow.slips.add(slip)


def propose_department_fault(uow: UnitOfWork, case: Case, facts: str, now: datetime,
                             tz: tzinfo, by: User = RULES_USER) -> FaultSlip:
    """DESIGN §4.8: an internal complaint against a whole department — a PROPOSED 处罚单
    for the department (no employee), penalties from the department_fault rules."""
    ctx = ProposalContext(employee_id=None, feedback_kind=case.kind, severity=case.severity,
                          category=case.category, occasion=Occasion.DEPARTMENT_FAULT,
                          department_id=case.department_id, flow=case.flow)
    proposal = propose_penalties(ctx, current_rules(uow), [], now, tz)
    slip = new_slip_proposal(case_id=case.id, employee=None, facts=facts, responsibility=None,
                             proposal=proposal, now=now, department_id=case.department_id,
                             by=by)
    return uow.slips.add(slip)


def propose_reward_slip(uow: UnitOfWork, case: Case, employee: Employee, facts: str,
                        now: datetime, by: User = RULES_USER) -> FaultSlip | None:
    """A PROPOSED reward (奖励) for a praised employee; None when no rule gives one
    (e.g. a normal complaint resolved to praise: the default rule is for 重大 only)."""
    occasion = Occasion.PRAISE if case.kind.value == "praise" else Occasion.RESOLVED_PRAISED
    ctx = ProposalContext(employee_id=employee.id, feedback_kind=case.kind,
                          severity=case.severity, category=case.category, occasion=occasion)
    proposal = propose_reward(ctx, current_rules(uow))
    if not proposal.penalties:
        return None
    slip = new_slip_proposal(case_id=case.id, employee=employee, facts=facts,
                             responsibility=None, proposal=proposal, now=now,
                             is_reward=True, by=by)
    return uow.slips.add(slip)
