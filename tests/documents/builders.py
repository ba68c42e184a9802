"""Small builders for the form tests: a case with some steps done, slips, a context."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from complaintdesk.documents.pdf_common import PrintContext
from complaintdesk.domain import steps as S
from complaintdesk.domain.records import (
    Case,
    CaseStatus,
    Employee,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    Intake,
    Penalty,
    PenaltyKind,
    Responsibility,
    SlipChange,
    SlipStatus,
    StepRecord,
)

T0 = datetime(2026, 11, 5, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai

DEPARTMENTS = {1: "售后服务部", 2: "销售部", 3: "客服中心", 4: "行政部"}
USERS = {10: "李客服", 11: "赵经理", 12: "钱主管", 13: "孙考核", 14: "周总", 15: "吴前台"}
EMPLOYEES = {
    100: Employee(100, "王小明", 1, "维修技师"),
    101: Employee(101, "陈大伟", 1, "服务顾问"),
    102: Employee(102, "刘芳", 2, "销售顾问"),
}


def context(**over: Any) -> PrintContext:
    kw: dict[str, Any] = dict(
        dealership_name="杭州东方汽车销售服务有限公司",
        printed_at=datetime(2026, 11, 9, 2, 15, tzinfo=UTC),
        departments=DEPARTMENTS, users=USERS, employees=EMPLOYEES,
        case_numbers={1: "FK-202611-0007", 2: "FK-202610-0031", 3: "NB-202611-0002",
                      4: "FX-202611-0003"},
    )
    kw.update(over)
    return PrintContext(**kw)


def intake(**over: Any) -> Intake:
    kw: dict[str, Any] = dict(
        customer_name="张伟", phone="13812345678", landline="0571-88886666",
        vehicle_model="帕萨特 2024款 330TSI", plate="浙A12345", vin="LSVAM4187C2184847",
        purchase_date=date(2025, 6, 18), channel="电话", location="售后维修车间",
        description="客户反映上周保养后发动机异响，回厂检查两次仍未解决，等待时间过长。",
        persons_involved="维修技师王小明，服务顾问陈大伟", demand="尽快修好并赔偿误工费",
        mood="不满", received_by="吴前台", complained_at=T0 - timedelta(minutes=20),
    )
    kw.update(over)
    return Intake(**kw)


class CaseBuilder:
    """Builds a feedback case step by step: `CaseBuilder().forward().assign().build()`."""

    def __init__(self, case_id: int = 1, number: str = "FK-202611-0007",
                 kind: FeedbackKind = FeedbackKind.COMPLAINT, flow: FlowKind = FlowKind.FEEDBACK,
                 **intake_over: Any) -> None:
        self.case = Case(id=case_id, number=number, flow=flow, kind=kind,
                         intake=intake(kind=kind, **intake_over), registered_at=T0,
                         registered_by_user_id=15)
        self.t = T0
        self.step(S.REGISTER if flow is FlowKind.FEEDBACK else "", {})

    def step(self, key: str, data: dict[str, Any], actor: int = 10, hours: float = 0.5,
             outcome: str = "done", breach: bool = False, finished: bool = True) -> CaseBuilder:
        if not key:
            return self
        seq = len(self.case.steps) + 1
        due = self.t
        self.t = self.t + timedelta(hours=hours)
        self.case.steps.append(StepRecord(
            id=seq, case_id=self.case.id, step_key=key, seq=seq, due_since=due,
            deadline=due + timedelta(hours=24), actor_user_id=actor if finished else None,
            finished_at=self.t if finished else None, outcome=outcome if finished else "",
            data=data, breach=breach,
        ))
        return self

    def open_step(self, key: str) -> CaseBuilder:
        return self.step(key, {}, finished=False)

    def forward(self) -> CaseBuilder:
        self.case.category, self.case.department_id = "维修质量", 1
        return self.step(S.FORWARD, {"category": "维修质量", "severity": "important",
                                     "department_id": 1, "note": "请售后尽快处理"})

    def assign(self) -> CaseBuilder:
        return self.step(S.ASSIGN, {"supervisor_user_id": 12, "handle_myself": False}, actor=11)

    def handle(self, process: str = "经查，保养时机油滤清器安装不到位导致异响。") -> CaseBuilder:
        return self.step(S.HANDLE, {
            "process": process, "solution_kind": "返修",
            "solution_text": "免费重新安装并检测，赠送一次保养。",
            "customer_attitude": "客户表示理解，接受处理方案。", "customer_unreachable": False,
            "responsible": [{"employee_id": 100, "responsibility": "main",
                             "proposal": "罚款300元，扣5分"}],
            "opinion": "维修技师作业不规范，建议按重要投诉主要责任处理。",
        }, actor=12, hours=5, breach=True)

    def dept_opinion(self) -> CaseBuilder:
        return self.step(S.DEPT_OPINION, {"opinion": "同意主管意见，加强班组培训。"}, actor=11)

    def issue_slips(self, slip_ids: list[int] | None = None) -> CaseBuilder:
        return self.step(S.ISSUE_SLIPS, {"slip_ids": slip_ids or [500], "no_responsible": False},
                         actor=13)

    def revisit(self, satisfaction: str = "满意", words: str = "处理及时，很满意。"
                ) -> CaseBuilder:
        outcome = "reopen" if satisfaction == "不满意" else "done"
        return self.step(S.REVISIT, {
            "revisit_at": (self.t + timedelta(hours=1)).isoformat(), "method": "电话",
            "reached": True, "satisfaction": satisfaction, "customer_words": words,
        }, actor=10, outcome=outcome)

    def evaluate(self) -> CaseBuilder:
        return self.step(S.EVALUATE, {"evaluation": "处理基本及时，方案得当。", "on_time": False,
                                      "proper": True, "demand_unreasonable": False}, actor=13)

    def approve(self) -> CaseBuilder:
        return self.step(S.APPROVE, {"approval": "同意", "instructions": "售后部全员学习本案例。"},
                         actor=14)

    def enforce(self) -> CaseBuilder:
        self.step(S.ENFORCE, {"feedback_to_department": "已反馈售后服务部赵经理。"}, actor=13)
        self.case.status, self.case.closed_at = CaseStatus.CLOSED, self.t
        return self

    def full(self) -> CaseBuilder:
        return (self.forward().assign().handle().dept_opinion().issue_slips().revisit()
                .evaluate().approve().enforce())

    def build(self) -> Case:
        return self.case


def slip(slip_id: int = 500, number: str = "GS-202611-0012", employee_id: int = 100,
         case_id: int | None = 1, **over: Any) -> FaultSlip:
    kw: dict[str, Any] = dict(
        id=slip_id, number=number, case_id=case_id, employee_id=employee_id,
        department_id=EMPLOYEES[employee_id].department_id, post=EMPLOYEES[employee_id].post,
        facts="保养作业时机油滤清器未按规范安装，导致客户车辆异响并两次返厂。",
        responsibility=Responsibility.MAIN,
        penalties=[Penalty(PenaltyKind.FINE, amount=300), Penalty(PenaltyKind.POINTS, points=5)],
        rule_ids=["R-重要-主要责任"], status=SlipStatus.APPROVED, issued_by_user_id=13,
        issued_at=T0 + timedelta(hours=8), dept_opinion="同意处罚。", gm_opinion="同意。",
        changes=[SlipChange(at=T0 + timedelta(hours=30), by_user_id=14, by_name="周总",
                            what="penalties", before="罚款 ¥150、绩效扣分 2 分",
                            after="罚款 ¥300、绩效扣分 5 分", reason="客户两次返厂，情节较重")],
    )
    kw.update(over)
    return FaultSlip(**kw)


def internal_case(done: int = 3) -> Case:
    """An internal complaint (NB-) with its first `done` steps finished."""
    b = CaseBuilder(case_id=3, number="NB-202611-0002", flow=FlowKind.INTERNAL,
                    customer_name="销售部 刘芳", description="售后前台未按流程交接客户车辆钥匙。",
                    persons_involved="服务顾问陈大伟", demand="请规范交接流程")
    b.case.department_id = 1
    plan = [
        (S.IC_REPORT, {}),
        (S.IC_INVESTIGATE, {"findings": "经调查，交接单未签字属实。", "responsible": [
            {"employee_id": 101, "responsibility": "main", "proposal": "罚款50元"}]}),
        (S.IC_REVIEW, {"review": "情况属实，拟开具处罚单。", "slip_ids": [900]}),
        (S.IC_DEPT_SIGN, {"opinion": "同意处罚。"}),
    ]
    for key, data in plan[:done]:
        b.step(key, data, actor=13)
    return b.build()


def rework_case(done: int = 3) -> Case:
    b = CaseBuilder(case_id=4, number="FX-202611-0003", flow=FlowKind.REWORK,
                    description="变速箱异响，送厂外专修店返修。", location="杭州某变速箱专修厂")
    plan = [
        (S.RW_OPEN, {}),
        (S.RW_HANDOVER, {"note": "已转行政部"}),
        (S.RW_INVESTIGATE, {"findings": "首次维修未彻底排查，导致厂外返修。", "slip_ids": [501]}),
        (S.RW_REVIEW, {"opinion": "同意。"}),
    ]
    for key, data in plan[:done]:
        b.step(key, data, actor=12)
    return b.build()
