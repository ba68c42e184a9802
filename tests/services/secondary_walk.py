"""Walk an internal complaint and a rework order through the services, every step, with
realistic data — for the form tests (and the screenshots of the forms)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from acc_builders import gm_signs
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import Case, FlowKind, Intake, Role, User
from complaintdesk.services.container import Services
from service_builders import add_user, intake


@dataclass
class Crew:
    advisor: User
    front_desk: User
    assessor: User
    own_assessor: User
    service_manager: User
    sales_head: User
    sales_sup: User
    gm: User
    cs: User
    reporter: User
    sales: int
    after_sales: int


def crew(services: Services) -> Crew:
    dept = {d.name: d.id for d in services.people.departments()}
    emp = {e.name: e.id for e in services.people.employees()}
    sales, after = dept["销售部"], dept["售后服务部"]
    return Crew(
        advisor=add_user(services, "gw", "赵磊", Role.SERVICE_ADVISOR, department_id=after,
                         employee_id=emp["赵磊"]),
        front_desk=add_user(services, "qt", "杨帆", Role.SUPERVISOR, department_id=after,
                            employee_id=emp["杨帆"]),
        assessor=add_user(services, "kh", "郭平", Role.ASSESSOR, department_id=dept["行政部"],
                          employee_id=emp["郭平"]),
        own_assessor=add_user(services, "shkh", "黄丽", Role.ASSESSOR, department_id=after,
                              employee_id=emp["黄丽"]),
        service_manager=add_user(services, "sh", "陈静", Role.DEPT_HEAD, department_id=after,
                                 employee_id=emp["陈静"]),
        sales_head=add_user(services, "xs", "张伟", Role.DEPT_HEAD, department_id=sales,
                            employee_id=emp["张伟"]),
        sales_sup=add_user(services, "xszg", "李娜", Role.SUPERVISOR, department_id=sales,
                           employee_id=emp["李娜"]),
        gm=add_user(services, "zjl", "高远", Role.GENERAL_MANAGER, employee_id=emp["高远"]),
        cs=add_user(services, "kf", "朱红", Role.CS_CENTER, employee_id=emp["朱红"]),
        reporter=add_user(services, "fw", "黄丽丽", Role.RECEPTION, department_id=after),
        sales=sales, after_sales=after,
    )


def walk_internal(services: Services, clock: FixedClock, c: Crew) -> Case:
    """售后服务部 (with its own 考核主管) reports 销售部: cross-department, forwarded."""
    wf = services.workflow
    case = services.intake.register(c.reporter, Intake(
        customer_name="黄丽丽", description="销售部交车时未按流程与售后前台交接，客户车辆钥匙遗失两小时。",
        persons_involved="王强（销售顾问）", demand="《车辆交接管理规定》第三条",
        location="售后前台", channel="其他", mood="", complained_at=clock.now() - timedelta(minutes=30),
    ), flow=FlowKind.INTERNAL, department_id=c.sales)
    emp = {e.name: e.id for e in services.people.employees()}
    steps = [
        (c.own_assessor, "ic_open", {"department_id": c.sales, "supervisor_user_id": c.sales_sup.id}),
        (c.own_assessor, "ic_forward", {"note": "转行政部考核主管"}),
        (c.sales_sup, "ic_investigate", {"findings": "交接单未签字属实，钥匙放错工位。",
                                         "responsible": [{"employee_id": emp["王强"],
                                                          "responsibility": "main"}]}),
        (c.assessor, "ic_review", {"review": "情况属实，按内部投诉规则开具处罚单。"}),
        (c.sales_head, "ic_dept_sign", {"opinion": "同意处罚，部门内通报。"}),
        (c.assessor, "ic_evaluate", {"evaluation": "处理及时，已告知售后服务部负责人。"}),
        (c.gm, "ic_approve", {"approval": "同意。"}),
        (c.assessor, "ic_enforce", {"feedback_to_department": "总经理意见已反馈销售部、售后服务部负责人。"}),
    ]
    for actor, action, data in steps:
        clock.advance(timedelta(minutes=20))
        if action in ("ic_approve", "rw_approve"):  # 签批 decides each waiting slip
            data = {**data, **gm_signs(services, case.id, data["approval"])}
        case = wf.act(actor, case.id, action, data)
    return case


def walk_rework(services: Services, clock: FixedClock, c: Crew) -> Case:
    wf = services.workflow
    case = services.intake.register(c.advisor, intake(
        clock, description="变速箱换挡冲击，本店两次维修未排除，送厂外专修厂返修。",
        location="杭州某变速箱专修厂", persons_involved="周杰（机电技师）"),
        flow=FlowKind.REWORK, department_id=c.after_sales)
    emp = {e.name: e.id for e in services.people.employees()}
    clock.advance(timedelta(days=2))
    case = wf.act(c.advisor, case.id, "rw_record_completion",
                  {"completed_at": clock.now() - timedelta(hours=1)})
    steps = [
        (c.advisor, "rw_report", {"note": "委托书与返修作业单已收齐"}),
        (c.front_desk, "rw_handover", {"note": "已交行政部考核主管"}),
        (c.assessor, "rw_investigate", {
            "findings": "首次维修未按手册检查阀体，导致厂外返修。",
            "cs_revisit_assessment": "客服中心首次回访及时，但未记录客户的换挡抱怨，扣回访质量分。",
            "responsible": [{"employee_id": emp["周杰"], "responsibility": "main"}]}),
        (c.service_manager, "rw_review", {"opinion": "同意，车间组织阀体检修培训。"}),
        (c.assessor, "rw_forward_gm", {"note": "当天上报"}),
        (c.gm, "rw_approve", {"approval": "同意。"}),
        (c.assessor, "rw_enforce", {"feedback_to_department": "总经理批示已反馈维修部经理。"}),
        (c.cs, "rw_revisit", {"method": "电话", "reached": True, "satisfaction": "满意",
                              "customer_words": "换挡平顺了"}),
    ]
    for actor, action, data in steps:
        clock.advance(timedelta(minutes=20))
        if action in ("ic_approve", "rw_approve"):  # 签批 decides each waiting slip
            data = {**data, **gm_signs(services, case.id, data["approval"])}
        case = wf.act(actor, case.id, action, data)
    return case
