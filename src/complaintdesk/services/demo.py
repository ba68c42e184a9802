"""Demo data (`complaintdesk demo`, `seed-demo`): users one per role, and cases walked
through the real workflow engine to every step — some due soon, some overdue, some
reopened, some closed — with the accountability handlers issuing slips on the way.

Cases are processed in large transactions (one per batch) so 100,000 cases take minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..domain import steps as S
from ..domain.clock import FixedClock
from ..domain.records import (
    FLOW_PREFIX,
    SOLUTIONS,
    Case,
    Employee,
    FeedbackKind,
    FlowKind,
    Intake,
    Penalty,
    PenaltyKind,
    Role,
    Severity,
    User,
)
from ..domain.validation import format_number
from ..domain.workflow import WorkflowError, action_slips, perform, start_case
from ..domain.workflow.flows import APPROVE_SLIPS
from ..domain.workflow.internal_routing import ROUTING_KEY, AssessorMap, company_department
from ..storage.uow import UnitOfWork
from .auth import hash_password
from .demo_data import random_intake
from .gm_decisions import approve_each
from .handlers.accountability import prepare_action
from .messagebus import QUIET_HANDLERS, MessageBus
from .settings import workflow_settings
from .workflow import step_data_json

DEMO_PASSWORD = "demo123"
BATCH = 1000

# category → the department that handles it
_DEPT_OF_CATEGORY = {"销售服务": "销售部", "新车质量": "销售部", "交车问题": "销售部",
                     "配件问题": "配件部", "销售流程": "销售部", "产品质量": "销售部"}
_DEFAULT_DEPT = "售后服务部"


@dataclass
class DemoCast:
    reception: User
    cs: User
    cs2: User  # the second revisit is made by someone who did not handle the case
    assessor: User
    gm: User
    advisor: User  # 维修顾问: opens the rework orders (003 三.1)
    own_assessor: User  # 售后服务部's own 考核主管 (003 二.1–2)
    heads: dict[int, User]  # department id → dept head
    supervisors: dict[int, User]
    employees: dict[int, list[Employee]]  # department id → employees
    dept_ids: dict[str, int]


def create_demo_users(uow: UnitOfWork) -> DemoCast:
    """One demo user per role (password demo123), linked to the seeded employees."""
    deps = {d.name: d.id for d in uow.people.departments() if d.id is not None}
    emps = uow.people.employees()
    by_name = {e.name: e for e in emps}
    pw = hash_password(DEMO_PASSWORD)

    def user(username: str, name: str, roles: set[Role], dept: str | None = None) -> User:
        existing = uow.people.user_by_name(username)
        if existing is not None:
            return existing
        emp = by_name.get(name)
        return uow.people.save_user(
            User(None, username, name, frozenset(roles), deps.get(dept) if dept else None,
                 emp.id if emp else None), password_hash=pw)

    user("admin", "系统管理员", {Role.ADMIN})
    cast = DemoCast(
        reception=user("jiedai", "赵磊", {Role.RECEPTION}, "售后服务部"),
        cs=user("kefu", "朱红", {Role.CS_CENTER}, "客服中心"),
        cs2=user("kefu2", "胡月", {Role.CS_CENTER}, "客服中心"),
        assessor=user("kaohe", "郭平", {Role.ASSESSOR}, "行政部"),
        gm=user("zongjingli", "高远", {Role.GENERAL_MANAGER}),
        advisor=user("weixiu", "黄丽", {Role.SERVICE_ADVISOR}, "售后服务部"),
        own_assessor=user("shouhou_kh", "售后考核专员", {Role.ASSESSOR}, "售后服务部"),
        heads={}, supervisors={}, employees={}, dept_ids=deps,
    )
    for uname, name, dept in (("shouhou", "陈静", "售后服务部"), ("xiaoshou", "张伟", "销售部"),
                              ("peijian", "徐刚", "配件部")):
        cast.heads[deps[dept]] = user(uname, name, {Role.DEPT_HEAD}, dept)
    for uname, name, dept in (("shouhou_zg", "杨帆", "售后服务部"), ("xiaoshou_zg", "李娜", "销售部"),
                              ("peijian_zg", "孙琳", "配件部")):
        cast.supervisors[deps[dept]] = user(uname, name, {Role.SUPERVISOR}, dept)
    for e in emps:
        if e.department_id is not None:
            cast.employees.setdefault(e.department_id, []).append(e)
    return cast


class _Walker:
    """Takes one case from registration as far as `now` allows, acting as the demo users."""

    def __init__(self, rng: random.Random, cast: DemoCast, uow: UnitOfWork, settings: Any,
                 bus: MessageBus, now: datetime) -> None:
        self.rng, self.cast, self.uow, self.settings = rng, cast, uow, settings
        self.bus, self.now = bus, now

    def when(self, case: Case) -> datetime:
        """When the holder acts on the open step: mostly in time, sometimes late."""
        step = case.open_step
        assert step is not None
        span = (step.deadline - step.due_since) if step.deadline else timedelta(hours=4)
        r = self.rng.random()
        frac = self.rng.uniform(0.05, 0.7) if r < 0.97 else self.rng.uniform(1.05, 2.5)
        return step.due_since + span * frac

    def act(self, case: Case, key: str, user: User, data: dict[str, Any], at: datetime) -> bool:
        if action_slips(case, key) == APPROVE_SLIPS and case.id is not None:
            data = {**data, "slip_decisions": approve_each(self.uow, case.id)}  # the GM signs each
        try:
            data = prepare_action(self.uow, user, case, key, data, at, self.bus.context)
            perform(case, key, user, step_data_json(data), at, self.settings)
            self.bus.handle(self.uow, case)  # as the workflow service: slips before the next step
        except WorkflowError:
            return False
        return True

    def walk(self, case: Case, stall: bool) -> None:
        floor = case.registered_at  # an action that keeps the step open: time goes on
        for _ in range(30):
            step = case.open_step
            if step is None:
                return
            at = max(self.when(case), floor)
            if at > self.now or (stall and self.rng.random() < 0.35):
                return  # still waiting: due soon or overdue, as time says
            plan = self.plan(case, step.step_key, at)
            if plan is None:
                return
            key, user, data = plan
            if not self.act(case, key, user, data, at):
                return
            floor = at

    def plan(self, case: Case, key: str, at: datetime) -> tuple[str, User, dict[str, Any]] | None:
        c, rng = self.cast, self.rng
        dept = case.department_id
        head = c.heads.get(dept) if dept else None
        sup = c.supervisors.get(dept) if dept else None
        match key:
            case S.FORWARD:
                cat = case.category or "其他"
                dep = c.dept_ids.get(_DEPT_OF_CATEGORY.get(cat, _DEFAULT_DEPT))
                sev = rng.choices(list(Severity), weights=(70, 22, 8))[0].value
                data = {"category": cat, "severity": sev, "department_id": dep}
                staff = c.employees.get(dep or 0, [])
                if case.kind is FeedbackKind.PRAISE and staff:
                    data["praised"] = [rng.choice(staff).id]  # the reward goes to them
                return "forward", c.cs, data
            case S.ASSIGN if head:
                if sup is None or rng.random() < 0.1:
                    return "handle_myself", head, {"note": "本人亲自处理"}
                return "assign", head, {"supervisor_user_id": sup.id}
            case S.HANDLE:
                handler = head if case.supervisor_user_id == (head.id if head else -1) else sup
                if handler is None:
                    return None
                approval = self.solution_approval(case, handler, head)
                if approval is not None:
                    return approval
                emps = c.employees.get(dept or 0, [])
                responsible = []
                if emps and case.kind is FeedbackKind.COMPLAINT and rng.random() < 0.3:
                    e = rng.choice(emps)
                    responsible.append({"employee_id": e.id, "responsibility":
                                        rng.choice(("main", "main", "secondary", "management")),
                                        "proposal": "按公司制度处理"})
                return "handle", handler, {
                    "process": "已与客户当面沟通，核实情况属实。", "solution_kind": rng.choice(SOLUTIONS),
                    "solution_text": "向客户道歉并安排专人跟进处理。",
                    "customer_attitude": rng.choice(("客户表示理解", "客户基本接受处理方案", "客户仍有不满")),
                    "responsible": responsible, "opinion": "建议按制度处理责任人" if responsible else "无责任人",
                }
            case S.DEPT_OPINION if head:
                prev = next((s.data for s in reversed(case.steps) if s.step_key == S.HANDLE), {})
                return "dept_opinion", head, {"opinion": "同意主管处理意见",
                                              "responsible": prev.get("responsible", [])}
            case S.ISSUE_SLIPS:
                prev = next((s.data for s in reversed(case.steps) if s.step_key == S.DEPT_OPINION), {})
                data: dict[str, Any] = {"note": ""}
                if not prev.get("responsible"):
                    data["no_responsible"] = True
                return "issue_slips", c.assessor, data
            case S.REVISIT | S.SECOND_REVISIT:
                if rng.random() < 0.05 and key == S.REVISIT and case.reopen_count == 0 \
                        and case.severity is Severity.NORMAL:
                    return "skip", c.assessor, {}  # 无需回访: the assessor's call (§4.8)
                sat = rng.choices(("满意", "基本满意", "不满意"), weights=(72, 20, 8))[0]
                reached = rng.random() < 0.93
                data = {"revisit_at": at.isoformat(), "method": rng.choice(("电话", "短信", "上门")),
                        "reached": reached, "customer_words": "感谢回访" if sat != "不满意" else "问题还没解决"}
                if reached:
                    data["satisfaction"] = sat
                action = "revisit" if key == S.REVISIT else "second_revisit"
                user = c.cs if key == S.REVISIT else c.cs2
                return action, user, data
            case S.EVALUATE:
                return "evaluate", c.assessor, {"evaluation": "处理及时，方法得当", "on_time": True,
                                                "proper": True}
            case S.APPROVE:
                return "approve", c.gm, {"approval": "同意", "instructions": ""}
            case S.ENFORCE:
                return "enforce", c.assessor, {"feedback_to_department": "已反馈部门负责人"}
        return self.plan_other(case, key, at)

    def solution_approval(self, case: Case, handler: User,
                          head: User | None) -> tuple[str, User, dict[str, Any]] | None:
        """重要/重大 (DESIGN §4.1): the solution is submitted and approved before step 3."""
        if case.severity not in (Severity.IMPORTANT, Severity.MAJOR):
            return None
        step = case.open_step
        approvals = step.data.get("solution_approvals") or [] if step else []
        status = approvals[-1].get("status") if approvals else None
        if status == "approved":
            return None
        if status == "pending":
            if head is None or case.severity is Severity.MAJOR or handler is head:
                return "approve_solution", self.cast.gm, {}
            return "approve_solution", head, {}
        return "request_approval", handler, {"solution_kind": "返修",
                                             "solution_text": "向客户道歉并安排专人跟进处理。"}

    def plan_other(self, case: Case, key: str,
                   at: datetime) -> tuple[str, User, dict[str, Any]] | None:
        """内部投诉 (§4.2) and 厂外返修 (§4.3)."""
        c, rng = self.cast, self.rng
        dept = case.department_id or 0
        head, sup = c.heads.get(dept), c.supervisors.get(dept)
        emps = c.employees.get(dept, [])
        responsible = [{"employee_id": rng.choice(emps).id, "responsibility": "main",
                        "proposal": "按制度处理"}] if emps and rng.random() < 0.7 else []
        match key:
            case S.IC_OPEN:  # the company's 考核主管 may always act (or the department's own)
                return "ic_open", c.assessor, {"department_id": dept,
                                               "supervisor_user_id": sup.id if sup else None}
            case S.IC_FORWARD:
                return "ic_forward", c.assessor, {"note": "转被投诉部门考核主管"}
            case S.IC_INVESTIGATE if sup:
                against = not responsible and rng.random() < 0.5
                return "ic_investigate", sup, {"findings": "经调查，情况属实，未按流程操作。",
                                               "responsible": responsible,
                                               "against_department": against}
            case S.IC_REVIEW:
                return "ic_review", c.assessor, {"review": "同意调查结论，按内部投诉规则开具处罚单"}
            case S.IC_DEPT_SIGN if head:
                return "ic_dept_sign", head, {"opinion": "同意"}
            case S.IC_EVALUATE:
                return "ic_evaluate", c.assessor, {"evaluation": "处理得当，已告知投诉部门负责人"}
            case S.IC_APPROVE:
                return "ic_approve", c.gm, {"approval": "同意"}
            case S.IC_ENFORCE:
                return "ic_enforce", c.assessor, {"feedback_to_department": "总经理意见已反馈相关部门负责人"}
            case S.RW_COMPLETE:
                # 竣工 some hours before the advisor reports it (never before opening)
                done = max(case.registered_at, at - timedelta(hours=rng.uniform(0.2, 6)))
                return "rw_report", c.advisor, {"completed_at": done.isoformat(),
                                                "note": "委托书和返修作业单已收齐"}
            case S.RW_HANDOVER if sup:
                return "rw_handover", sup, {"note": "已转交考核主管"}
            case S.RW_INVESTIGATE:
                step = case.open_step
                if step is not None and not step.extensions and rng.random() < 0.15 \
                        and step.deadline is not None and at <= step.deadline:
                    return "rw_need_more_time", c.assessor, {"reason": "等待厂外返修厂的检测报告"}
                return "rw_investigate", c.assessor, {
                    "findings": "返修原因为上次维修漏项", "responsible": responsible,
                    "cs_revisit_assessment": rng.choice((
                        "客服中心回访及时，记录完整", "客服中心回访未记录客户抱怨，扣回访质量分"))}
            case S.RW_REVIEW if head:
                return "rw_review", head, {"opinion": "同意"}
            case S.RW_FORWARD_GM:
                return "rw_forward_gm", c.assessor, {"note": "当天上报总经理"}
            case S.RW_APPROVE:
                return "rw_approve", c.gm, {"approval": "同意"}
            case S.RW_ENFORCE:
                return "rw_enforce", c.assessor, {"feedback_to_department": "已反馈维修部经理"}
            case S.RW_REVISIT:
                return "rw_revisit", c.cs, {"method": "电话", "reached": True,
                                            "satisfaction": "满意", "customer_words": "已修好"}
        return None


def _other_flow_intake(rng: random.Random, intake: Intake, flow: FlowKind,
                       cast: DemoCast) -> Intake:
    """An internal complaint names an employee who reported a colleague; a rework order
    keeps the customer and vehicle (mapping as in ui/cases/internal_dialog.py, rework_dialog.py)."""
    if flow is FlowKind.INTERNAL:
        reporter = rng.choice([e for emps in cast.employees.values() for e in emps])
        return Intake(customer_name=reporter.name, phone="", channel="其他",
                      description=rng.choice(("配件出库未按规定登记", "交车前未按流程做PDI检查",
                                              "维修工单未经客户签字即开工")),
                      demand=rng.choice(("配件管理制度", "交车流程", "维修作业规范")),
                      location="店内", received_by=cast.assessor.display_name,
                      complained_at=intake.complained_at)
    intake.description = "车辆厂外返修：" + intake.description
    intake.kind = FeedbackKind.COMPLAINT
    return intake


def seed_demo(services: Any, cases: int = 400, seed: int = 20261123,
              progress: Callable[[int, int], None] | None = None, days: int = 90) -> str:
    """Fill the database with demo users and `cases` cases over the last `days` days
    (three months by default)."""
    rng = random.Random(seed)
    now = services.clock.now()
    tz = services.intake.tz
    # the accountability rules only: the demo's history told nobody (no alerts, no notices)
    bus = MessageBus(services.workflow.tz, QUIET_HANDLERS)
    with UnitOfWork(services.engine) as uow:
        cast = create_demo_users(uow)
        uow.commit()
    company = company_department(services.people.departments())
    start = now - timedelta(days=days)
    times = sorted(start + timedelta(seconds=rng.uniform(0, days * 86400)) for _ in range(cases))
    done = 0
    closed = 0
    for b in range(0, cases, BATCH):
        with UnitOfWork(services.engine, now=services.clock.now, bus=bus) as uow:
            settings = workflow_settings(uow, services.intake.tz_name)
            walker = _Walker(rng, cast, uow, settings, bus, now)
            for complained in times[b:b + BATCH]:
                intake, category = random_intake(rng, complained, cast.reception.display_name)
                registered = min(complained + timedelta(minutes=rng.uniform(3, 75)), now)
                local = registered.astimezone(tz)
                r = rng.random()  # most feedback; a few internal complaints and rework orders
                flow = FlowKind.FEEDBACK if r < 0.94 else (
                    FlowKind.INTERNAL if r < 0.96 else FlowKind.REWORK)
                if flow is not FlowKind.FEEDBACK:
                    intake = _other_flow_intake(rng, intake, flow, cast)
                prefix = FLOW_PREFIX[flow]
                seq = uow.sequences.next(prefix, f"{local.year:04d}{local.month:02d}")
                case = Case(None, format_number(prefix, local.year, local.month, seq),
                            flow, intake.kind, intake, registered, cast.reception.id,
                            category=category if flow is FlowKind.FEEDBACK else "")
                opener, report = cast.reception, None
                if flow is FlowKind.INTERNAL:
                    case.department_id = rng.choice(list(cast.heads))
                    reporter_dept = next(d for d, emps in cast.employees.items()
                                         if any(e.name == intake.customer_name for e in emps))
                    routing = AssessorMap.from_users(uow.people.users(), company, reporter_dept)
                    report = {ROUTING_KEY: routing.to_dict()}
                elif flow is FlowKind.REWORK:  # 003 三.1: the 维修顾问 opens it, 售后服务部
                    case.department_id, opener = cast.dept_ids["售后服务部"], cast.advisor
                    case.registered_by_user_id = opener.id
                start_case(case, opener, settings, registered, report_data=report)
                case.events.clear()  # the demo proposes no slip for a late registration
                uow.cases.add(case)
                walker.walk(case, stall=rng.random() < 0.03)
                uow.cases.save(case)
                closed += case.status.value == "closed"
                done += 1
                if progress and done % 50 == 0 and done % BATCH:
                    progress(done, cases)
            uow.audit.append(at=now, user_id=None, user_name="演示数据", action="demo_seed",
                             entity="case", entity_id=f"batch-{b // BATCH + 1}",
                             after={"cases": min(BATCH, cases - b)})
            uow.commit()
        if progress:
            progress(done, cases)
    stories = _accountability_stories(services, cast, rng, max(3, cases // 300))
    from .demo_manufacturer import seed_forwards
    from .demo_paper import paper_stories

    stories += "，" + paper_stories(services, cast, rng)
    forwards = seed_forwards(services, cast, seed + 18)  # 厂家转办: its own random sequence
    return (f"{done} 个案件（已结案 {closed} 个，厂家转办 {forwards} 个），{stories}，"
            f"演示用户密码 {DEMO_PASSWORD}")


def _accountability_stories(services: Any, cast: DemoCast, rng: random.Random, n: int) -> str:
    """Slips at every stage (issue: accountability demo): the assessor changes some
    proposals with a reason, employees acknowledge, appeal recent enforcements, the
    assessor reviews and the general manager decides — through the services, one
    transaction each, as the people who would do it."""
    from ..domain.records import SlipStatus
    from ..storage.repo_slips import SlipQuery

    acc = services.accountability
    recent = services.clock.now() - timedelta(days=6)

    def slips(status: SlipStatus) -> list[Any]:
        views = acc.list_slips(cast.assessor, SlipQuery(statuses=(status,), limit=5000))
        return [v.slip for v in views if not v.slip.is_reward]

    changed = appealed = decided = 0
    for slip in rng.sample(slips(SlipStatus.ISSUED), k=min(n, len(slips(SlipStatus.ISSUED)))):
        lighter = [Penalty(PenaltyKind.WARNING)] + [
            h for h in _halved(slip.penalties) if h.kind in (PenaltyKind.FINE, PenaltyKind.POINTS)]
        if [(p.kind, p.amount, p.points) for p in lighter] == \
                [(p.kind, p.amount, p.points) for p in slip.penalties]:
            continue  # a warning alone: nothing lighter to give
        acc.change_penalties(cast.assessor, slip.id, lighter, "员工主动认错并已向客户道歉，酌情减轻")
        changed += 1
    enforced = [s for s in slips(SlipStatus.ENFORCED)
                if s.enforced_at is not None and s.enforced_at >= recent]
    for i, slip in enumerate(rng.sample(enforced, k=min(n, len(enforced)))):
        acc.acknowledge(cast.assessor, slip.id)
        acc.file_appeal(cast.assessor, slip.id, "当时客户情绪激动，本人已按流程解释，申请复核")
        appealed += 1
        if i % 3 == 2:
            continue  # still waiting for the assessor
        acc.review_appeal(cast.assessor, slip.id, "经调取录音核实，员工解释基本属实")
        decision = ("upheld", "reduced", "revoked")[i % 3]
        new = _halved(slip.penalties)
        if decision == "reduced" and not any(p.amount > 1 or p.points > 1
                                             for p in slip.penalties):
            decision = "upheld"  # nothing to halve: a warning stays a warning
        new = new if decision == "reduced" else None
        acc.decide_appeal(cast.gm, slip.id, decision, new, "维持原处理" if decision == "upheld"
                          else "酌情减轻" if decision == "reduced" else "证据不足，撤销过失单")
        decided += 1
    return f"改动处罚 {changed} 张、申诉 {appealed} 张（已裁决 {decided} 张）"


__all__ = ["DEMO_PASSWORD", "FixedClock", "Intake", "create_demo_users", "seed_demo"]


def _halved(penalties: list[Penalty]) -> list[Penalty]:
    """The penalties at half their fine and points; one that halves to nothing (¥1, −1
    point) is dropped — a penalty of 0 points is refused, as it should be."""
    out = []
    for p in penalties:
        halves_to_nothing = not (p.amount // 2 or p.points // 2)
        if p.kind in (PenaltyKind.FINE, PenaltyKind.POINTS) and halves_to_nothing:
            continue
        out.append(Penalty(p.kind, p.amount // 2, p.points // 2))
    return out
