"""What a case's action forms offer to pick (domain/workflow/choices.py), without Qt."""

from __future__ import annotations

from datetime import UTC, datetime

from complaintdesk.domain.records import (
    Case,
    Department,
    Employee,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    Intake,
    Role,
    SlipStatus,
    User,
)
from complaintdesk.domain.workflow.choices import SlipPick, action_choices

SALES, SERVICE, OLD = (Department(1, "销售部"), Department(2, "售后服务部"),
                       Department(3, "旧车部", active=False))


def _case(department_id: int | None) -> Case:
    return Case(7, "FK-202611-0001", FlowKind.FEEDBACK, FeedbackKind.COMPLAINT,
                Intake(customer_name="王芳"), datetime(2026, 11, 18, tzinfo=UTC), None,
                department_id=department_id)


def _sup(uid: int, name: str, dept: int, active: bool = True) -> User:
    return User(uid, f"u{uid}", name, frozenset({Role.SUPERVISOR}), dept, active=active)


USERS = [_sup(10, "杨帆", 2), _sup(11, "孙倩", 1), _sup(12, "离职主管", 2, active=False),
         User(13, "sh", "陈静", frozenset({Role.DEPT_HEAD}), 2)]
STAFF = [Employee(20, "李娜", 1, "销售顾问"), Employee(21, "赵磊", 2, "维修顾问"),
         Employee(22, "王强", 3, "评估师"), Employee(23, "已离职", 2, "技师", active=False),
         Employee(24, "周杰", 2, "技师")]


def test_the_case_departments_supervisors_are_offered_and_its_staff_first() -> None:
    c = action_choices(_case(2), [SALES, SERVICE, OLD], USERS, STAFF)
    assert c.departments == [("销售部", 1), ("售后服务部", 2)]  # not the inactive one
    assert c.supervisors == [("杨帆", 10)]  # active, of the case's department
    assert c.employees == [("赵磊（售后服务部·维修顾问）", 21), ("周杰（售后服务部·技师）", 24),
                           ("李娜（销售部·销售顾问）", 20), ("王强（旧车部·评估师）", 22)]
    assert c.for_field("department_id") is c.departments
    assert c.for_field("supervisor_user_id") is c.supervisors
    assert c.for_field("responsible") is c.employees


def test_a_department_without_supervisors_offers_all_of_them() -> None:
    c = action_choices(_case(1), [SALES, SERVICE], [u for u in USERS if u.id != 11], STAFF)
    assert c.supervisors == [("杨帆", 10)]
    c = action_choices(_case(None), [SALES, SERVICE], USERS, STAFF)
    assert c.supervisors == [("杨帆", 10), ("孙倩", 11)]


def test_the_slips_offered_are_the_penalties_labelled_by_number_person_and_state() -> None:
    def slip(sid: int, number: str, status: SlipStatus, reward: bool = False) -> FaultSlip:
        return FaultSlip(sid, number, 7, 21, 2, "维修顾问", "", None, status=status,
                         is_reward=reward)

    picks = [SlipPick(slip(5, "GS-202611-0003", SlipStatus.ISSUED), "赵磊", "罚款 100 元"),
             SlipPick(slip(6, "", SlipStatus.PROPOSED), "周杰", "警告"),
             SlipPick(slip(7, "JL-202611-0001", SlipStatus.ISSUED, reward=True), "李娜", "奖金")]
    c = action_choices(_case(2), [SERVICE], USERS, STAFF, picks, ["售后", "试驾"])
    assert c.slips == [("GS-202611-0003  赵磊  罚款 100 元  [已开具]", 5),
                       ("（拟）  周杰  警告  [拟开具]", 6)]
    assert c.for_field("slip_ids") is c.slips and c.categories == ["售后", "试驾"]
