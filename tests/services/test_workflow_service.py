from datetime import timedelta

import pytest

from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import ConflictError, ServiceError
from complaintdesk.services.maintenance import check_database
from service_builders import add_user, intake, make_services


def _forward(services, cs, case):
    return services.workflow.act(cs, case.id, "forward", {
        "category": "维修质量", "severity": "normal", "department_id": 2})


def test_two_people_acting_on_the_same_step_one_wins_the_other_is_told(tmp_path):
    services, clock = make_services(tmp_path)
    cs1 = add_user(services, "kf1", "朱红", Role.CS_CENTER)
    cs2 = add_user(services, "kf2", "胡月", Role.CS_CENTER)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    seen_version = case.version  # both screens show this version
    services.workflow.act(cs1, case.id, "forward", {
        "category": "维修质量", "severity": "normal", "department_id": 2},
        expected_version=seen_version)
    with pytest.raises(ConflictError) as exc:
        services.workflow.act(cs2, case.id, "forward", {
            "category": "服务态度", "severity": "major", "department_id": 1},
            expected_version=seen_version)
    assert "已被他人处理" in exc.value.message
    after = services.cases.open_case(SYSTEM_USER, case.id).case
    assert after.category == "维修质量" and after.department_id == 2


def test_actions_are_refused_to_the_wrong_role_with_a_reason(tmp_path):
    services, clock = make_services(tmp_path)
    reception = add_user(services, "jd", "赵磊", Role.RECEPTION)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    assert services.workflow.actions(reception, case.id) == []
    with pytest.raises(ServiceError) as exc:
        _forward(services, reception, case)
    assert "客服中心" in exc.value.message


def test_my_tasks_follow_the_case_and_show_due_state(tmp_path):
    services, clock = make_services(tmp_path)
    cs = add_user(services, "kf", "朱红", Role.CS_CENTER)
    head = add_user(services, "sh", "陈静", Role.DEPT_HEAD, department_id=2)
    other_head = add_user(services, "xs", "张伟", Role.DEPT_HEAD, department_id=1)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    assert [(t.row.number, t.state) for t in services.workflow.my_tasks(cs)] == [
        (case.number, "normal")]
    clock.advance(timedelta(minutes=46))  # last 25 % of the 1 h step
    assert services.workflow.my_tasks(cs)[0].state == "due_soon"
    clock.advance(timedelta(minutes=15))
    assert services.workflow.my_tasks(cs)[0].state == "overdue"
    _forward(services, cs, case)
    assert services.workflow.my_tasks(cs) == []
    assert [t.row.number for t in services.workflow.my_tasks(head)] == [case.number]
    assert services.workflow.my_tasks(other_head) == []


def test_every_action_is_audited_and_the_chain_verifies(tmp_path):
    services, clock = make_services(tmp_path)
    cs = add_user(services, "kf", "朱红", Role.CS_CENTER)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    _forward(services, cs, case)
    report = check_database(services.config)
    assert report.ok, report.lines
    assert any("全部一致" in line for line in report.lines)


def test_check_names_the_tampered_audit_entry(tmp_path):
    from sqlalchemy import text

    services, clock = make_services(tmp_path)
    cs = add_user(services, "kf", "朱红", Role.CS_CENTER)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    _forward(services, cs, case)
    with services.engine.begin() as conn:
        target = conn.execute(text(
            "SELECT id FROM audit_log WHERE action='register'")).scalar_one()
        conn.execute(text("UPDATE audit_log SET user_name='伪造' WHERE id=:i"), {"i": target})
    report = check_database(services.config)
    assert not report.ok
    assert any(f"第 {target} 条" in line and "被修改" in line for line in report.lines)
