"""Applying the rule table to a case: the penalties or reward to propose (DESIGN §6).

A proposal is only a proposal — the assessor, department head and general manager may
change it at their steps (see domain/slips.py). Repeat offences (§6):
- a second slip for the same employee within 90 days doubles fines and points;
- a third within 12 months (local calendar) adds 降职降薪 for the general manager to decide.
Only slips that were actually issued count (issued/approved/enforced/appealed), dated by
issued_at (created_at when not issued). Deadline-breach slips have their own escalation
(a second breach in the same local month adds what the breach rule says, ¥50 by default);
they neither count towards nor are doubled by the repeat-offence rule, so a late step
is not punished twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from complaintdesk.domain.penalty_text import penalty_text
from complaintdesk.domain.records import (
    FaultSlip,
    FeedbackKind,
    FlowKind,
    Penalty,
    PenaltyKind,
    Responsibility,
    Severity,
    SlipStatus,
)
from complaintdesk.domain.rules import Occasion, Rule, best_rule, penalties_to_raw

FLOW_NAMES = {FlowKind.FEEDBACK: "客户投诉", FlowKind.INTERNAL: "内部投诉",
              FlowKind.REWORK: "厂外返修"}
REPEAT_WINDOW = timedelta(days=90)  # §6: second slip within 90 days doubles
DEMOTION_WINDOW_MONTHS = 12  # §6: third within 12 months → 降职降薪, GM decides
DEMOTION_NOTE = "待总经理决定"
COUNTED_STATUSES = frozenset(
    {SlipStatus.ISSUED, SlipStatus.APPROVED, SlipStatus.ENFORCED, SlipStatus.APPEALED}
)


@dataclass(slots=True)
class ProposalContext:
    employee_id: int | None
    feedback_kind: FeedbackKind | None = FeedbackKind.COMPLAINT
    severity: Severity | None = None
    category: str = ""
    responsibility: Responsibility | None = None
    breach: bool = False  # a deadline breach by the holder of a step (§4.4)
    occasion: Occasion = Occasion.FAULT
    department_id: int | None = None  # for team rewards
    flow: FlowKind = FlowKind.FEEDBACK  # which flow's rule table judges it (DESIGN §6)


@dataclass(slots=True)
class Proposal:
    penalties: list[Penalty] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # zh: why, including escalations
    clauses: list[str] = field(default_factory=list)  # 依据条款, printed on the slip
    # the rules as they stood when proposed (id, clause, source, their own penalties) and
    # the escalations applied on top: what the printed slip's 依据 line quotes for ever
    rules: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)

    @property
    def clause_text(self) -> str:
        return "；".join(self.clauses)

    def basis(self) -> dict[str, Any] | None:
        """The snapshot a slip keeps (domain/slip_basis.py prints it); None without a rule."""
        if not self.rules:
            return None
        return {"rules": [dict(r) for r in self.rules], "escalations": list(self.escalations),
                "proposed": penalties_to_raw(self.penalties)}


def _rule_snapshot(rule: Rule) -> dict[str, Any]:
    return {"id": rule.id, "clause": rule.clause, "source": rule.source.value,
            "penalties": penalties_to_raw(rule.penalties)}


def proposal_from_rule(rule: Rule) -> Proposal:
    """What one rule proposes, with its snapshot (no escalation)."""
    return Proposal(penalties=rule.proposed(), rule_ids=[rule.id],
                    notes=[f"依据规则：{rule.clause}"], clauses=[rule.clause],
                    rules=[_rule_snapshot(rule)])


def slip_time(slip: FaultSlip) -> datetime | None:
    """When a slip counts as given: issued_at, else created_at."""
    return slip.issued_at or slip.created_at


def _counted(history: list[FaultSlip], employee_id: int | None, now: datetime,
             *, breach: bool) -> list[tuple[datetime, FaultSlip]]:
    """The employee's counted slips of this kind given by `now`, with when each was given,
    oldest first."""
    out = []
    for s in history:
        t = slip_time(s)
        if (
            s.employee_id == employee_id
            and employee_id is not None
            and s.status in COUNTED_STATUSES
            and not s.is_reward
            and s.from_breach == breach
            and t is not None
            and t <= now
        ):
            out.append((t, s))
    return sorted(out, key=lambda ts: ts[0])


def months_back(now: datetime, months: int, tz: tzinfo) -> datetime:
    """The same local wall time `months` calendar months earlier (day clamped to month end)."""
    local = now.astimezone(tz)
    total = local.year * 12 + (local.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    day = local.day
    while True:
        try:
            return local.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def _same_local_month(a: datetime, b: datetime, tz: tzinfo) -> bool:
    la, lb = a.astimezone(tz), b.astimezone(tz)
    return (la.year, la.month) == (lb.year, lb.month)


def _describe(slip: FaultSlip, tz: tzinfo) -> str:
    t = slip_time(slip)
    day = t.astimezone(tz).strftime("%Y-%m-%d") if t else "?"
    return f"{slip.number or '拟开具'}（{day}）"


def _no_rule_note(ctx: ProposalContext) -> str:
    parts = [
        FLOW_NAMES[ctx.flow] if ctx.flow is not FlowKind.FEEDBACK else "",
        ctx.severity.label if ctx.severity else "",
        ctx.responsibility.label if ctx.responsibility else "",
        "处理超时" if ctx.breach else "",
        ctx.category,
    ]
    what = "·".join(p for p in parts if p) or "该情形"
    return f"规则表中没有适用于“{what}”的规则，请手工填写处罚，或请管理员补充规则"


def propose_penalties(
    ctx: ProposalContext,
    rules: list[Rule],
    history: list[FaultSlip],
    now: datetime,
    tz: tzinfo,
) -> Proposal:
    """The penalties the rules propose for one responsible employee, with escalations."""
    rule = _best_for(ctx, rules, ctx.occasion if ctx.occasion is Occasion.DEPARTMENT_FAULT
                     else Occasion.FAULT)
    if rule is None:
        return Proposal(notes=[_no_rule_note(ctx)])
    proposal = proposal_from_rule(rule)
    prior = _counted(history, ctx.employee_id, now, breach=ctx.breach)
    if ctx.breach:
        _escalate_breach(proposal, rule, prior, now, tz)
    else:
        _escalate_repeat(proposal, prior, now, tz)
    return proposal


def _escalated(proposal: Proposal, note: str) -> None:
    proposal.notes.append(note)
    proposal.escalations.append(note)


def _escalate_breach(proposal: Proposal, rule: Rule, prior: list[tuple[datetime, FaultSlip]],
                     now: datetime, tz: tzinfo) -> None:
    # §6: deadline breach — a second one in the same local month adds ¥50 (rule data).
    this_month = [s for t, s in prior if _same_local_month(t, now, tz)]
    if this_month and rule.repeat_in_month_adds:
        proposal.penalties += [replace(p) for p in rule.repeat_in_month_adds]
        added = penalty_text(rule.repeat_in_month_adds)
        _escalated(proposal,
                   f"本月第{len(this_month) + 1}次超时（此前：{_describe(this_month[-1], tz)}），"
                   f"追加{added}")


def _escalate_repeat(proposal: Proposal, prior: list[tuple[datetime, FaultSlip]],
                     now: datetime, tz: tzinfo) -> None:
    within_90 = [s for t, s in prior if now - t <= REPEAT_WINDOW]
    year_start = months_back(now, DEMOTION_WINDOW_MONTHS, tz)
    within_year = [s for t, s in prior if t >= year_start]
    if within_90:
        # §6: second slip within 90 days doubles fines and points.
        for p in proposal.penalties:
            if p.kind in (PenaltyKind.FINE, PenaltyKind.POINTS):
                p.amount *= 2
                p.points *= 2
        _escalated(proposal,
                   f"90天内再次过失（上次：{_describe(within_90[-1], tz)}），罚款和绩效扣分加倍")
    if len(within_year) >= 2:
        # §6: third within 12 months → 降职降薪, for the general manager to decide.
        proposal.penalties.append(Penalty(PenaltyKind.DEMOTION, note=DEMOTION_NOTE))
        earlier = "、".join(_describe(s, tz) for s in within_year)
        _escalated(proposal, f"12个月内第{len(within_year) + 1}次过失（此前：{earlier}），"
                             f"拟降职降薪，{DEMOTION_NOTE}")


def _best_for(ctx: ProposalContext, rules: list[Rule], occasion: Occasion) -> Rule | None:
    return best_rule(rules, occasion, flow=ctx.flow, feedback_kind=ctx.feedback_kind,
                     severity=ctx.severity,
                     category=ctx.category, responsibility=ctx.responsibility,
                     breach=ctx.breach)


def propose_reward(ctx: ProposalContext, rules: list[Rule]) -> Proposal:
    """The reward for praise, a major complaint resolved to praise, or a team (§6)."""
    if not ctx.occasion.is_reward:
        raise ValueError("propose_reward needs a reward occasion")
    rule = _best_for(ctx, rules, ctx.occasion)
    if rule is None:
        return Proposal(notes=[f"规则表中没有“{ctx.occasion.label}”的规则，请手工填写奖励"])
    return proposal_from_rule(rule)
