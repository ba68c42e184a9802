"""Builders for accountability tests: the dealership's cast and a complaint walked through
the workflow service up to 开具过失单 (step 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import Case, FaultSlip, Role, User
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services
from service_builders import add_user, intake


@dataclass
class Cast:
    admin: User
    reception: User
    cs: User
    assessor: User
    head: User  # 售后服务部 dept head (陈静)
    supervisor: User  # 售后服务部 supervisor (杨帆)
    gm: User
    zhao: User  # 赵磊, service advisor, the responsible employee
    dept_id: int
    zhao_id: int  # employee id of 赵磊


def employee_id(services: Services, name: str) -> int:
    return next(e.id for e in services.people.employees() if e.name == name)  # type: ignore[misc]


def cast(services: Services) -> Cast:
    dept = next(d.id for d in services.people.departments() if d.name == "售后服务部")
    emp = {e.name: e.id for e in services.people.employees()}
    return Cast(
        admin=add_user(services, "admin", "管理员", Role.ADMIN),
        reception=add_user(services, "jd", "接待小李", Role.RECEPTION),
        cs=add_user(services, "kf", "朱红", Role.CS_CENTER, employee_id=emp["朱红"]),
        assessor=add_user(services, "kh", "郭平", Role.ASSESSOR, employee_id=emp["郭平"]),
        head=add_user(services, "sh", "陈静", Role.DEPT_HEAD, department_id=dept,
                      employee_id=emp["陈静"]),
        supervisor=add_user(services, "zg", "杨帆", Role.SUPERVISOR, department_id=dept,
                            employee_id=emp["杨帆"]),
        gm=add_user(services, "zjl", "高远", Role.GENERAL_MANAGER, employee_id=emp["高远"]),
        zhao=add_user(services, "zl", "赵磊", Role.RECEPTION, employee_id=emp["赵磊"]),
        dept_id=dept,  # type: ignore[arg-type]
        zhao_id=emp["赵磊"],  # type: ignore[arg-type]
    )


def walk_to_issue(services: Services, clock: FixedClock, c: Cast, *,
                  severity: str = "normal", responsibility: str = "main",
                  responsible: list[int] | None = None) -> Case:
    """Register, forward, assign, handle (naming the responsible) and sign (step 4):
    the case then waits at 开具过失单 with its slips proposed."""
    case = services.intake.register(SYSTEM_USER, intake(clock))
    wf = services.workflow
    clock.advance(timedelta(minutes=10))
    wf.act(c.cs, case.id, "forward", {"category": "维修质量", "severity": severity,
                                      "department_id": c.dept_id})
    clock.advance(timedelta(minutes=10))
    wf.act(c.head, case.id, "assign", {"supervisor_user_id": c.supervisor.id})
    clock.advance(timedelta(hours=2))
    if severity in ("important", "major"):  # DESIGN §4.1: the solution approved first
        wf.act(c.supervisor, case.id, "request_approval",
               {"solution_kind": "补偿", "solution_text": "退还工时费"})
        wf.act(c.gm if severity == "major" else c.head, case.id, "approve_solution", {})
    people = responsible if responsible is not None else [c.zhao_id]
    wf.act(c.supervisor, case.id, "handle", {
        "process": "服务顾问未告知客户需加收工时费", "solution_kind": "补偿",
        "solution_text": "退还工时费", "customer_attitude": "接受",
        "responsible": [{"employee_id": e, "responsibility": responsibility,
                         "proposal": "罚款"} for e in people],
    })
    clock.advance(timedelta(hours=1))
    return wf.act(c.head, case.id, "dept_opinion", {
        "opinion": "同意主管意见",
        "responsible": [{"employee_id": e, "responsibility": responsibility,
                         "proposal": "同意处罚，加强培训"} for e in people],
    })


def walk_to_approve(services: Services, clock: FixedClock, c: Cast, case: Case) -> Case:
    """From step 5 (slips issued) through revisit and evaluation to 总经理签批."""
    wf = services.workflow
    clock.advance(timedelta(hours=1))
    wf.act(c.assessor, case.id, "issue_slips", {})
    clock.advance(timedelta(hours=3))
    wf.act(c.cs, case.id, "revisit", {"method": "电话", "reached": True,
                                      "satisfaction": "满意", "customer_words": "满意"})
    clock.advance(timedelta(hours=1))
    return wf.act(c.assessor, case.id, "evaluate", {"evaluation": "处理及时",
                                                    "on_time": True, "proper": True})


def walk_to_enforced(services: Services, clock: FixedClock, c: Cast) -> FaultSlip:
    """A complaint walked to closed: its one slip (for 赵磊) issued, signed and enforced."""
    case = walk_to_approve(services, clock, c, walk_to_issue(services, clock, c))
    services.workflow.act(c.gm, case.id, "approve", gm_signs(services, case.id))
    clock.advance(timedelta(hours=1))
    services.workflow.act(c.assessor, case.id, "enforce", {"feedback_to_department": "已反馈"})
    [view] = services.accountability.proposals_for_case(c.assessor, case.id)
    return view.slip
def gm_signs(services: Services, case_id: int, approval: str = "同意") -> dict[str, object]:
    """The GM's 签批 data approving each of the case's waiting slips as it stands."""
    from complaintdesk.services.gm_decisions import approve_each
    from complaintdesk.storage.uow import UnitOfWork

    with UnitOfWork(services.engine, readonly=True) as uow:
        return {"approval": approval, "slip_decisions": approve_each(uow, case_id, approval)}
