"""Use case: the monthly evaluation of departments proposes department rewards and
penalties (DESIGN §6; seed 001 五.1 定期评估, 五.2 部门奖励, 五.3 部门惩罚).

The assessor runs it for a finished month. A department whose 投诉率 clearly fell while
its 投诉解决率 and 客户满意度 clearly rose gets one PROPOSED team reward (团队活动经费,
荣誉证书); one whose 投诉率 is too high or whose 客户满意度 kept falling gets one PROPOSED
department penalty (部门负责人警告, 部门绩效扣分, 扣减部门奖金 — per the rule table). The
thresholds are settings (`AccountabilitySettings`, product defaults). The proposals are
slips without an employee that go the usual way: the assessor issues them, the general
manager signs, the assessor enforces, the ledger records.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.case_marks import DIFFICULT
from ..domain.dept_assessment import PENALTY, REWARD, DeptVerdict
from ..domain.kpi.shapes import DEPARTMENT
from ..domain.proposals import Proposal, ProposalContext, proposal_from_rule, propose_reward
from ..domain.records import (
    CaseStatus,
    FaultSlip,
    Penalty,
    PenaltyKind,
    Role,
    Severity,
    User,
)
from ..domain.rules import Occasion, Rule, best_rule
from ..domain.slips import new_slip_proposal
from ..storage.repo_slips import SlipQuery
from .base import ServiceBase
from .errors import NotFound, ServiceError
from .reports import ReportService
from .slip_ops import current_rules

# 001 五.2 个人奖励: 成功解决重大、疑难投诉，为公司挽回重大损失或赢得客户高度赞誉
REWARD_REASONS: dict[str, str] = {
    "major": "成功解决重大投诉", "difficult": "成功解决疑难投诉",
    "loss": "为公司挽回重大损失", "praise": "赢得客户高度赞誉",
}
_REASON_OCCASION = {"major": Occasion.RESOLVED_PRAISED, "difficult": Occasion.RESOLVED_PRAISED,
                    "loss": Occasion.LOSS_RECOVERED, "praise": Occasion.PRAISE}


@dataclass(frozen=True, slots=True)
class TeamRewardCheck:
    department_id: int
    department: str
    rates: tuple[float | None, ...]  # the last four months' 投诉率, oldest first
    proposed: FaultSlip | None  # a new team reward, or None (not due / already proposed)
    already: bool = False  # a proposal of this month was made before
    penalty: FaultSlip | None = None  # a new department penalty proposal
    verdict: DeptVerdict | None = None  # the evaluation (reasons, missing volumes)
    months: tuple[str, ...] = ()  # "2026-07" … of `rates`


def _proposal(rules: list[Rule], occasion: Occasion, department_id: int) -> Proposal:
    if occasion is Occasion.TEAM:
        return propose_reward(ProposalContext(employee_id=None, occasion=Occasion.TEAM,
                                              department_id=department_id), rules)
    rule = best_rule(rules, occasion)
    return proposal_from_rule(rule) if rule is not None else Proposal(
        notes=["规则表中没有“部门处罚”的规则，请手工填写处罚"])


class TeamRewardService(ServiceBase):
    def __init__(self, reports: ReportService) -> None:
        super().__init__(reports.engine, reports.clock, reports.tz_name)
        self.reports = reports

    def check(self, actor: User, year: int, month: int) -> list[TeamRewardCheck]:
        self.require(actor, Role.ASSESSOR, what="进行部门月度评估")
        now = self.clock.now().astimezone(self.tz)
        if (year, month) >= (now.year, now.month):
            raise ServiceError("只能评估已经结束的月份，请选择上月或更早的月份。", field="month")
        data = self.reports.month_report(actor, year, month)
        last4 = data.trend[-4:]
        months = tuple(p.label for p in last4)
        verdicts = {v.department_id: v for v in data.dept_verdicts}
        out: list[TeamRewardCheck] = []
        with self.uow() as uow:
            rules = current_rules(uow)
            existing = uow.slips.list(SlipQuery(limit=100000))
            for group in data.kpis.current.groups[DEPARTMENT]:
                dept_id = group.key
                if not isinstance(dept_id, int):
                    continue
                rates = tuple(
                    (g.complaint_rate.value if (g := p.group(DEPARTMENT, dept_id)) else None)
                    for p in last4)
                verdict = verdicts.get(dept_id)
                made: dict[str, FaultSlip] = {}
                already = False
                proposed = [(kind, verdict) for kind in verdict.proposals] if verdict else []
                for kind, v in proposed:
                    facts = v.facts(kind) + "：" + v.text
                    head = v.facts(kind)
                    if any(w.slip.department_id == dept_id and w.slip.facts.startswith(head)
                           for w in existing):
                        already = True
                        continue
                    occasion = Occasion.TEAM if kind == REWARD else Occasion.DEPT_PENALTY
                    slip = uow.slips.add(new_slip_proposal(
                        case_id=None, employee=None, facts=facts, responsibility=None,
                        proposal=_proposal(rules, occasion, dept_id), now=self.clock.now(),
                        department_id=dept_id, is_reward=kind == REWARD, by=actor))
                    made[kind] = slip
                    self.audit(uow, actor, "team_reward" if kind == REWARD else "dept_penalty",
                               "fault_slip", f"#{slip.id}", None,
                               {"department": group.label, "month": f"{year}-{month:02d}",
                                "reasons": v.reasons})
                out.append(TeamRewardCheck(dept_id, group.label, rates, made.get(REWARD),
                                           already, made.get(PENALTY), verdict, months))
            uow.commit()
        return out


    # ---- individual rewards (001 五.2) ------------------------------------------------
    def propose_individual_reward(self, actor: User, case_id: int, employee_id: int,
                                  reason: str, *, loss_yuan: int | None = None,
                                  prize: str = "", note: str = "") -> FaultSlip:
        """The assessor proposes a reward for one employee on a case: a 重大 complaint
        resolved, a complaint the assessor marks 疑难 resolved, a loss recovered for the
        company (amount recorded), or the customer's high praise. Penalties come from the
        rule table; a 奖品 is added when described. The proposal then goes the usual way."""
        self.require(actor, Role.ASSESSOR, what="提议个人奖励")
        if reason not in REWARD_REASONS:
            raise ServiceError("奖励事由无效，请选择：" + "、".join(REWARD_REASONS.values()) + "。",
                               field="reason")
        if reason == "loss" and (not isinstance(loss_yuan, int) or isinstance(loss_yuan, bool)
                                 or loss_yuan <= 0):
            raise ServiceError("挽回损失金额须为大于 0 的整数（元）。", field="loss_yuan")
        with self.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件，请刷新后重试。")
            employee = uow.people.employee(employee_id)
            if employee is None:
                raise ServiceError("找不到该员工，请重新选择受奖人。", field="employee_id")
            if reason in ("major", "difficult") and case.status is not CaseStatus.CLOSED:
                raise ServiceError("案件尚未结案：“成功解决”须在结案后提议奖励。", field="reason")
            if reason == "difficult" and uow.marks.get(case.id or 0, DIFFICULT) is None:
                raise ServiceError("该案件未标记为疑难投诉：请先在案件中“标记疑难”并写明理由。",
                                   field="reason")
            if reason == "major" and case.severity is not Severity.MAJOR:
                raise ServiceError("该案件不是重大投诉；如属疑难投诉，请选择“成功解决疑难投诉”。",
                                   field="reason")
            # 001 五.2 names 重大 and 疑难 together: a case marked 疑难 takes the 重大 rule
            severity = Severity.MAJOR if reason == "difficult" else case.severity
            ctx = ProposalContext(employee_id=employee.id, feedback_kind=case.kind,
                                  severity=severity, category=case.category,
                                  occasion=_REASON_OCCASION[reason])
            proposal = propose_reward(ctx, current_rules(uow))
            if prize.strip():
                proposal.penalties.append(Penalty(PenaltyKind.PRIZE, note=prize.strip()))
            if not proposal.penalties:
                raise ServiceError("规则表中没有该奖励的规则，请由系统管理员补充规则。")
            facts = f"{REWARD_REASONS[reason]}：案件{case.number}"
            if reason == "difficult":
                mark = uow.marks.get(case.id or 0, DIFFICULT)
                facts += f"（行政部考核主管认定为疑难投诉：{mark.note if mark else ''}）"
            if reason == "loss":
                facts += f"，挽回损失 ¥{loss_yuan}"
            if note.strip():
                facts += f"。{note.strip()}"
            slip = uow.slips.add(new_slip_proposal(
                case_id=case.id, employee=employee, facts=facts, responsibility=None,
                proposal=proposal, now=self.clock.now(), is_reward=True, by=actor))
            self.audit(uow, actor, "individual_reward", "fault_slip", f"#{slip.id}", None,
                       {"case": case.number, "reason": reason, "difficult": reason == "difficult",
                        "loss_yuan": loss_yuan})
            uow.commit()
            return slip
