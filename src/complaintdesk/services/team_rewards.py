"""Use case: a department whose complaint rate fell three months running proposes a team
reward (DESIGN §6; 001 五.2). The assessor runs the check for a finished month; each
qualifying department gets one PROPOSED reward slip (no employee), which then goes the
usual way (issue → GM approval → enforcement)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.kpi_model import DEPARTMENT
from ..domain.proposals import ProposalContext, propose_reward, team_reward_due
from ..domain.records import FaultSlip, Role, User
from ..domain.rules import Occasion
from ..domain.slips import new_slip_proposal
from ..storage.repo_slips import SlipQuery
from .base import ServiceBase
from .errors import ServiceError
from .reports import ReportService
from .slip_ops import current_rules


@dataclass(frozen=True, slots=True)
class TeamRewardCheck:
    department_id: int
    department: str
    rates: tuple[float | None, ...]  # the last four months, oldest first
    proposed: FaultSlip | None  # the new proposal, or None (not due / already proposed)
    already: bool = False


class TeamRewardService(ServiceBase):
    def __init__(self, reports: ReportService) -> None:
        super().__init__(reports.engine, reports.clock, reports.tz_name)
        self.reports = reports

    def check(self, actor: User, year: int, month: int) -> list[TeamRewardCheck]:
        self.require(actor, Role.ASSESSOR, what="提议团队奖励")
        now = self.clock.now().astimezone(self.tz)
        if (year, month) >= (now.year, now.month):
            raise ServiceError("只能检查已经结束的月份", field="month")
        data = self.reports.month_report(actor, year, month)
        last4 = data.trend[-4:]
        label = f"{year}年{month}月"
        out: list[TeamRewardCheck] = []
        with self.uow() as uow:
            rules = current_rules(uow)
            existing = uow.slips.list(SlipQuery(is_reward=True, limit=100000))
            for group in data.kpis.current.groups[DEPARTMENT]:
                dept_id = group.key
                if not isinstance(dept_id, int):
                    continue
                rates = tuple(
                    (g.complaint_rate.value if (g := p.group(DEPARTMENT, dept_id)) else None)
                    for p in last4)
                facts = f"{group.label}{label}投诉率连续三个月下降（团队奖励）"
                if not team_reward_due(list(rates)):
                    out.append(TeamRewardCheck(dept_id, group.label, rates, None))
                    continue
                if any(w.slip.department_id == dept_id and w.slip.facts == facts
                       for w in existing):
                    out.append(TeamRewardCheck(dept_id, group.label, rates, None, True))
                    continue
                proposal = propose_reward(ProposalContext(
                    employee_id=None, occasion=Occasion.TEAM, department_id=dept_id), rules)
                slip = uow.slips.add(new_slip_proposal(
                    case_id=None, employee=None, facts=facts, responsibility=None,
                    proposal=proposal, now=self.clock.now(), department_id=dept_id,
                    is_reward=True, by=actor))
                self.audit(uow, actor, "team_reward", "fault_slip", f"#{slip.id}", None,
                           {"department": group.label, "month": label, "rates": rates})
                out.append(TeamRewardCheck(dept_id, group.label, rates, slip))
            uow.commit()
        return out
