"""Registering internal complaints (内部投诉, NB-) and rework orders (厂外返修, FX-)."""

from __future__ import annotations

import pytest

from complaintdesk.domain import steps as S
from complaintdesk.domain.records import FeedbackKind, FlowKind, Intake
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import ServiceError
from service_builders import intake, make_services


def _dept(services, name: str) -> int:
    return next(d.id for d in services.people.departments() if d.name == name)


def _internal(clock, **kw) -> Intake:
    values = dict(customer_name="刘芳", description="售后前台未按流程交接客户车辆钥匙",
                  persons_involved="赵磊（服务顾问）", demand="车辆交接流程",
                  channel="其他", mood="", complained_at=clock.now())
    values.update(kw)
    return Intake(**values)


def test_internal_complaint_is_numbered_nb_and_starts_with_the_reported_department(tmp_path):
    services, clock = make_services(tmp_path)
    dept = _dept(services, "售后服务部")
    first = services.intake.register(SYSTEM_USER, _internal(clock), flow=FlowKind.INTERNAL,
                                     department_id=dept)
    second = services.intake.register(SYSTEM_USER, _internal(clock), flow=FlowKind.INTERNAL,
                                      department_id=dept)
    assert (first.number, second.number) == ("NB-202611-0001", "NB-202611-0002")
    assert first.flow is FlowKind.INTERNAL and first.department_id == dept
    assert [s.step_key for s in first.steps] == [S.IC_REPORT, S.IC_OPEN]
    assert first.repeat_of_id is None
    # a customer complaint the same month keeps its own sequence
    fk = services.intake.register(SYSTEM_USER, intake(clock))
    assert fk.number == "FK-202611-0001"


def test_internal_complaint_needs_no_phone_but_names_the_reported_department(tmp_path):
    services, clock = make_services(tmp_path)
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, _internal(clock), flow=FlowKind.INTERNAL)
    assert exc.value.message == "请选择被投诉部门"
    assert set(exc.value.fields) == {"department_id"}  # no phone asked of a colleague
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, _internal(clock, customer_name="", description=""),
                                 flow=FlowKind.INTERNAL, department_id=_dept(services, "销售部"))
    assert exc.value.fields == {"customer_name": "请填写投诉人", "description": "请填写事情经过"}
    # nothing was numbered by the failed attempts
    case = services.intake.register(SYSTEM_USER, _internal(clock), flow=FlowKind.INTERNAL,
                                    department_id=_dept(services, "销售部"))
    assert case.number == "NB-202611-0001"


def test_customer_feedback_still_requires_a_phone(tmp_path):
    services, clock = make_services(tmp_path)
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, intake(clock, phone=""))
    assert exc.value.fields == {"phone": "请至少填写手机号码或固定电话"}


def test_rework_order_is_numbered_fx_and_needs_its_department_and_customer_phone(tmp_path):
    services, clock = make_services(tmp_path)
    dept = _dept(services, "售后服务部")
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, intake(clock), flow=FlowKind.REWORK)
    assert exc.value.message == "请选择所属部门"
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, intake(clock, phone=""), flow=FlowKind.REWORK,
                                 department_id=dept)
    assert "phone" in exc.value.fields
    case = services.intake.register(SYSTEM_USER, intake(clock, kind=FeedbackKind.PRAISE),
                                    flow=FlowKind.REWORK, department_id=dept)
    assert case.number == "FX-202611-0001" and case.department_id == dept
    assert case.kind is FeedbackKind.COMPLAINT  # one route only
    assert [s.step_key for s in case.steps] == [S.RW_OPEN, S.RW_COMPLETE]
    stored = services.cases.open_case(SYSTEM_USER, case.id).case
    assert stored.flow is FlowKind.REWORK and stored.department_id == dept


def test_an_unknown_department_is_refused_by_name(tmp_path):
    services, clock = make_services(tmp_path)
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, _internal(clock), flow=FlowKind.INTERNAL,
                                 department_id=9999)
    assert exc.value.fields == {"department_id": "所选部门不存在或已停用，请重新选择"}
