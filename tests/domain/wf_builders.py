"""Builders for the workflow tests: users, cases and the standard action of each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import (
    Case,
    FeedbackKind,
    FlowKind,
    Intake,
    Role,
    Severity,
    User,
)
from complaintdesk.domain.workflow import WorkflowSettings, perform, start_case

TZ = ZoneInfo("Asia/Shanghai")
SETTINGS = WorkflowSettings()
SALES, AFTER_SALES = 10, 20


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    """A Shanghai wall-clock time as an aware UTC instant."""
    return datetime(y, m, d, h, mi, s, tzinfo=TZ).astimezone(UTC)


def user(uid: int, *roles: Role, dept: int | None = None, active: bool = True) -> User:
    return User(uid, f"u{uid}", f"用户{uid}", frozenset(roles), dept, active=active)


RECEPTION = user(1, Role.RECEPTION)
CS = user(2, Role.CS_CENTER)
CS2 = user(3, Role.CS_CENTER)
ASSESSOR = user(4, Role.ASSESSOR)
HEAD = user(5, Role.DEPT_HEAD, dept=SALES)
SUP = user(6, Role.SUPERVISOR, dept=SALES)
GM = user(7, Role.GENERAL_MANAGER)
HEAD_AS = user(8, Role.DEPT_HEAD, dept=AFTER_SALES)
SUP_AS = user(9, Role.SUPERVISOR, dept=AFTER_SALES)
SUP2 = user(11, Role.SUPERVISOR, dept=SALES)
ADMIN = user(12, Role.ADMIN)
ADVISOR = user(13, Role.SERVICE_ADVISOR, dept=AFTER_SALES)  # 维修顾问
ASSESSOR_AS = user(14, Role.ASSESSOR, dept=AFTER_SALES)  # 售后服务部's own 考核主管
EVERYONE = (RECEPTION, CS, CS2, ASSESSOR, HEAD, SUP, GM, HEAD_AS, SUP_AS, SUP2, ADMIN, ADVISOR)
ADMIN_DEPT = 30  # 行政部: its 考核主管 is the company's

T0 = local(2026, 11, 2, 9, 0)  # a Monday morning


def make_case(
    kind: FeedbackKind = FeedbackKind.COMPLAINT,
    flow: FlowKind = FlowKind.FEEDBACK,
    complained_at: datetime = T0,
    registered_at: datetime = T0,
    self_dept: int | None = None,
    department_id: int | None = None,
    self_severity: Severity = Severity.NORMAL,
) -> Case:
    intake = Intake(
        customer_name="张先生", phone="13812345678", complained_at=complained_at, kind=kind,
        self_report_department_id=self_dept,
        # 部门自查 carries step 1's fields (DESIGN §4.1)
        self_report_category="服务态度" if self_dept is not None else "",
        self_report_severity=self_severity if self_dept is not None else None,
    )
    return Case(
        id=1, number="FK-202611-0001", flow=flow, kind=kind, intake=intake,
        registered_at=registered_at, registered_by_user_id=RECEPTION.id,
        department_id=department_id,
    )


# the standard action of each step: (action key, acting user, data)
STANDARD: dict[str, tuple[str, User, dict[str, Any]]] = {
    S.FORWARD: ("forward", CS, {"category": "维修质量", "severity": "normal",
                                "department_id": SALES}),
    S.ASSIGN: ("assign", HEAD, {"supervisor_user_id": SUP.id}),
    S.HANDLE: ("handle", SUP, {
        "process": "客户车辆保养后异响", "solution_kind": "返修", "solution_text": "免费返修",
        "customer_attitude": "认可处理结果",
        "responsible": [{"employee_id": 100, "responsibility": "main", "proposal": "罚款"}],
        "opinion": "按制度处理",
    }),
    S.DEPT_OPINION: ("dept_opinion", HEAD, {"opinion": "同意主管意见"}),
    S.ISSUE_SLIPS: ("issue_slips", ASSESSOR, {"slip_ids": [501]}),
    S.REVISIT: ("revisit", CS, {"method": "电话", "reached": True, "satisfaction": "满意",
                                "customer_words": "处理得不错"}),
    S.EVALUATE: ("evaluate", ASSESSOR, {"evaluation": "处理及时得当", "on_time": True,
                                        "proper": True}),
    S.APPROVE: ("approve", GM, {"approval": "同意"}),
    S.ENFORCE: ("enforce", ASSESSOR, {"feedback_to_department": "已反馈销售部"}),
    S.SECOND_REVISIT: ("second_revisit", CS, {"method": "电话", "reached": True,
                                              "satisfaction": "满意"}),
    # internal complaint
    S.IC_OPEN: ("ic_open", ASSESSOR, {"department_id": SALES}),
    S.IC_FORWARD: ("ic_forward", ASSESSOR, {"note": "转被投诉部门考核主管"}),
    S.IC_INVESTIGATE: ("ic_investigate", SUP, {"findings": "未按流程交车"}),
    S.IC_REVIEW: ("ic_review", ASSESSOR, {"review": "属实", "slip_ids": [601]}),
    S.IC_DEPT_SIGN: ("ic_dept_sign", HEAD, {"opinion": "同意"}),
    S.IC_EVALUATE: ("ic_evaluate", ASSESSOR, {"evaluation": "处理得当"}),
    S.IC_APPROVE: ("ic_approve", GM, {"approval": "同意"}),
    S.IC_ENFORCE: ("ic_enforce", ASSESSOR, {"feedback_to_department": "已反馈"}),
    # rework (rw_report's completed_at defaults to the clock's now, see do())
    S.RW_COMPLETE: ("rw_report", ADVISOR, {"note": "委托书与返修单已收齐"}),
    S.RW_HANDOVER: ("rw_handover", SUP_AS, {"note": "返修单及委托书已收齐"}),
    S.RW_INVESTIGATE: ("rw_investigate", ASSESSOR, {"findings": "漏检", "slip_ids": [701],
                                                    "cs_revisit_assessment": "客服回访及时"}),
    S.RW_REVIEW: ("rw_review", HEAD_AS, {"opinion": "同意"}),
    S.RW_FORWARD_GM: ("rw_forward_gm", ASSESSOR, {}),
    S.RW_APPROVE: ("rw_approve", GM, {"approval": "同意"}),
    S.RW_ENFORCE: ("rw_enforce", ASSESSOR, {"feedback_to_department": "已反馈维修部经理"}),
    S.RW_REVISIT: ("rw_revisit", CS, {"method": "电话", "reached": True, "satisfaction": "满意"}),
}


def do(case: Case, clock: FixedClock, step_key: str | None = None,
       settings: WorkflowSettings = SETTINGS, **overrides: Any):
    """Take the standard action of the open step (or of `step_key`), data merged with overrides."""
    key = step_key or case.open_step.step_key
    action, actor, data = STANDARD[key]
    if key == S.HANDLE:
        approve_solution(case, clock, settings)
    if key == S.RW_COMPLETE and not case.open_step.data.get("completed_at"):
        overrides.setdefault("completed_at", clock.now())
    return perform(case, action, actor, {**data, **overrides}, clock.now(), settings)


def approve_solution(case: Case, clock: FixedClock, settings: WorkflowSettings = SETTINGS,
                     approver: User | None = None) -> None:
    """重要/重大 (DESIGN §4.1): the supervisor submits the solution and it is approved."""
    if case.severity not in (Severity.IMPORTANT, Severity.MAJOR):
        return
    approvals = case.open_step.data.get("solution_approvals") or [{}]
    if approvals[-1].get("status") == "approved":
        return
    handler = next(u for u in EVERYONE if u.id == case.supervisor_user_id)
    if approvals[-1].get("status") != "pending":
        perform(case, "request_approval", handler,
                {"solution_kind": "返修", "solution_text": "免费返修"}, clock.now(), settings)
    approver = approver or (GM if case.severity is Severity.MAJOR else HEAD)
    perform(case, "approve_solution", approver, {}, clock.now(), settings)


def started(clock: FixedClock, settings: WorkflowSettings = SETTINGS, **kwargs: Any) -> Case:
    case = make_case(complained_at=clock.now(), registered_at=clock.now(), **kwargs)
    start_case(case, RECEPTION, settings, clock.now())
    return case


def advance_to(case: Case, step_key: str, clock: FixedClock, step: timedelta = timedelta(minutes=30),
               severity: str = "normal") -> None:
    """Walk the case with standard actions (30 min apart) until `step_key` is open."""
    while case.open_step is not None and case.open_step.step_key != step_key:
        clock.advance(step)
        extra = {"severity": severity} if case.open_step.step_key == S.FORWARD else {}
        do(case, clock, **extra)
    assert case.open_step is not None, f"case closed before reaching {step_key}"


def keys(case: Case) -> list[str]:
    return [s.step_key for s in case.steps]


def internal_case(clock: FixedClock, reporter_dept: int | None = SALES,
                  reported_dept: int = SALES, own_assessors: tuple[int, ...] = (),
                  reported_at: datetime | None = None) -> Case:
    """An internal complaint registered now, with the routing snapshot the service stores:
    `own_assessors` are the departments with their own 考核主管 (行政部's is the company's)."""
    from complaintdesk.domain.workflow.internal_routing import ROUTING_KEY, AssessorMap

    routing = AssessorMap(ADMIN_DEPT, frozenset(own_assessors), reporter_dept)
    case = make_case(flow=FlowKind.INTERNAL, complained_at=reported_at or clock.now(),
                     registered_at=clock.now(), department_id=reported_dept)
    start_case(case, RECEPTION, SETTINGS, clock.now(),
               report_data={ROUTING_KEY: routing.to_dict()})
    return case


def rework_case(clock: FixedClock) -> Case:
    case = make_case(flow=FlowKind.REWORK, complained_at=clock.now(), registered_at=clock.now(),
                     department_id=AFTER_SALES)
    start_case(case, ADVISOR, SETTINGS, clock.now())
    return case
