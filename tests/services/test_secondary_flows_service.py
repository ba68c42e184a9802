"""Internal complaints and rework orders through the services (DESIGN §4.2, §4.3): who may
open a rework order, where an internal report goes, and that a late report is not penalised."""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaintdesk.domain import steps as S
from complaintdesk.domain.records import FlowKind, Intake, Role
from complaintdesk.domain.workflow.internal_routing import case_routing
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, intake, make_services


def _dept(services, name: str) -> int:
    return next(d.id for d in services.people.departments() if d.name == name)


def _report(clock, **kw) -> Intake:
    values = dict(customer_name="刘芳", description="售后前台未按流程交接车辆钥匙",
                  channel="其他", mood="", complained_at=clock.now())
    values.update(kw)
    return Intake(**values)


def test_only_a_service_advisor_opens_a_rework_order(tmp_path):
    services, clock = make_services(tmp_path)
    after_sales = _dept(services, "售后服务部")
    reception = add_user(services, "jd", "接待", Role.RECEPTION)
    supervisor = add_user(services, "zg", "主管", Role.SUPERVISOR, department_id=after_sales)
    advisor = add_user(services, "gw", "顾问", Role.SERVICE_ADVISOR, department_id=after_sales)
    for who in (reception, supervisor):
        with pytest.raises(PermissionDenied, match="维修顾问"):
            services.intake.register(who, intake(clock), flow=FlowKind.REWORK,
                                     department_id=after_sales)
    case = services.intake.register(advisor, intake(clock), flow=FlowKind.REWORK,
                                    department_id=after_sales)
    assert case.number == "FX-202611-0001"  # the refusals drew no number
    assert case.current_step == S.RW_COMPLETE and case.open_step.deadline is None
    actions = [a.key for a in services.workflow.actions(advisor, case.id)]
    assert actions == ["rw_record_completion", "rw_report"]
    assert services.workflow.actions(supervisor, case.id) == []


def test_a_service_advisor_belongs_to_a_department(tmp_path):
    services, _ = make_services(tmp_path)
    with pytest.raises(ServiceError, match="维修顾问必须属于一个部门") as exc:
        add_user(services, "gw", "顾问", Role.SERVICE_ADVISOR)
    assert exc.value.field == "department"


def test_internal_report_goes_to_the_reporters_own_assessor_else_the_head(tmp_path):
    services, clock = make_services(tmp_path)
    sales, after_sales = _dept(services, "销售部"), _dept(services, "售后服务部")
    admin_dept = _dept(services, "行政部")
    company = add_user(services, "kh", "郭平", Role.ASSESSOR, department_id=admin_dept)
    own = add_user(services, "shkh", "售后考核", Role.ASSESSOR, department_id=after_sales)
    sales_head = add_user(services, "xs", "销售经理", Role.DEPT_HEAD, department_id=sales)
    as_head = add_user(services, "sh", "服务经理", Role.DEPT_HEAD, department_id=after_sales)
    sales_rep = add_user(services, "xsy", "销售顾问", Role.RECEPTION, department_id=sales)
    # 售后服务部 has its own 考核主管: the report is theirs (and the company's)
    case = services.intake.register(as_head, _report(clock), flow=FlowKind.INTERNAL,
                                    department_id=after_sales)
    routing = case_routing(case)
    assert routing.reporter_department_id == after_sales
    assert routing.own_assessor_departments == {after_sales}
    assert routing.company_department_id == admin_dept
    assert [a.key for a in services.workflow.actions(own, case.id)] == ["ic_open"]
    assert [a.key for a in services.workflow.actions(company, case.id)] == ["ic_open"]
    assert services.workflow.actions(as_head, case.id) == []
    # 销售部 has none: its head may receive it and pass it on; 售后's assessor may not act
    case = services.intake.register(sales_rep, _report(clock), flow=FlowKind.INTERNAL,
                                    department_id=after_sales)
    assert [a.key for a in services.workflow.actions(sales_head, case.id)] == ["ic_pass_on"]
    assert services.workflow.actions(own, case.id) == []
    services.workflow.act(sales_head, case.id, "ic_pass_on", {})
    # cross-department: forwarded to 售后服务部's own 考核主管
    after = services.workflow.act(company, case.id, "ic_open", {"department_id": after_sales})
    assert after.current_step == S.IC_FORWARD


def test_reporter_department_may_be_named_and_must_exist(tmp_path):
    services, clock = make_services(tmp_path)
    sales = _dept(services, "销售部")
    case = services.intake.register(SYSTEM_USER, _report(clock), flow=FlowKind.INTERNAL,
                                    department_id=sales, reporter_department_id=sales)
    assert case_routing(case).reporter_department_id == sales
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, _report(clock), flow=FlowKind.INTERNAL,
                                 department_id=sales, reporter_department_id=9999)
    assert exc.value.field == "reporter_department_id"


def test_a_late_internal_report_is_recorded_not_penalised(tmp_path):
    # DESIGN §4.8: 内部投诉 — a late report by the reporter is recorded, not penalised
    services, clock = make_services(tmp_path)
    sales = _dept(services, "销售部")
    emp = services.people.employees()[0]
    reporter = add_user(services, "xsy", "销售顾问", Role.RECEPTION, department_id=sales,
                        employee_id=emp.id)
    case = services.intake.register(
        reporter, _report(clock, complained_at=clock.now() - timedelta(hours=3)),
        flow=FlowKind.INTERNAL, department_id=sales)
    stored = services.cases.open_case(SYSTEM_USER, case.id).case
    assert stored.steps[0].breach
    assert services.accountability.proposals_for_case(SYSTEM_USER, case.id) == []


def test_a_complaint_against_a_whole_department_gets_a_department_penalty_slip(tmp_path):
    # DESIGN §4.8: 内部投诉 against a whole department use the department penalties
    services, clock = make_services(tmp_path)
    sales = _dept(services, "销售部")
    admin_dept = _dept(services, "行政部")
    assessor = add_user(services, "kh", "郭平", Role.ASSESSOR, department_id=admin_dept)
    sup = add_user(services, "xszg", "李娜", Role.SUPERVISOR, department_id=sales)
    head = add_user(services, "xs", "张伟", Role.DEPT_HEAD, department_id=sales)
    case = services.intake.register(SYSTEM_USER, _report(clock), flow=FlowKind.INTERNAL,
                                    department_id=sales, reporter_department_id=sales)
    wf = services.workflow
    wf.act(assessor, case.id, "ic_open", {"department_id": sales})
    wf.act(sup, case.id, "ic_investigate", {"findings": "部门整体未执行交接制度",
                                            "against_department": True})
    [view] = services.accountability.proposals_for_case(SYSTEM_USER, case.id)
    slip = view.slip
    assert slip.employee_id is None and slip.department_id == sales
    assert slip.rule_ids == ["R-internal-department"]
    assert view.penalty_text == "部门负责人警告、部门绩效扣分2分"
    wf.act(assessor, case.id, "ic_review", {"review": "属实"})
    wf.act(head, case.id, "ic_dept_sign", {"opinion": "接受"})
    issued = services.accountability.slip(SYSTEM_USER, slip.id).slip
    assert issued.number.startswith("CF-") and issued.dept_opinion == "接受"
