"""The people of a workflow test: one user per role, and a registered complaint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ui_builders import NOW

from complaintdesk.domain.records import Intake, Role, User
from complaintdesk.services.container import Services

PASSWORD = "secret123"
DEPT = "售后服务部"


@dataclass
class Cast:
    admin: User
    reception: User
    cs: User
    head: User
    sup: User
    assessor: User
    gm: User
    dept_id: int
    employee_id: int  # 赵磊, 服务顾问 of the department


def make_cast(services: Services) -> Cast:
    admin = services.auth.create_first_admin("admin", "管理员", PASSWORD)
    dept = next(d for d in services.people.departments() if d.name == DEPT)
    assert dept.id is not None
    employee = next(e for e in services.people.employees() if e.name == "赵磊")
    assert employee.id is not None

    def user(username: str, name: str, *roles: Role, dept_id: int | None = None) -> User:
        return services.people.save_user(
            admin, User(None, username, name, frozenset(roles), department_id=dept_id), PASSWORD)

    return Cast(
        admin=admin,
        reception=user("jiedai", "接待小李", Role.RECEPTION),
        cs=user("kefu", "客服朱红", Role.CS_CENTER),
        head=user("jingli", "经理陈静", Role.DEPT_HEAD, dept_id=dept.id),
        sup=user("zhuguan", "主管杨帆", Role.SUPERVISOR, dept_id=dept.id),
        assessor=user("kaohe", "考核郭平", Role.ASSESSOR),
        gm=user("zongjingli", "总经理高远", Role.GENERAL_MANAGER),
        dept_id=dept.id, employee_id=employee.id,
    )


def sample_intake(name: str = "王先生") -> Intake:
    return Intake(customer_name=name, phone="13812345678", vehicle_model="卡罗拉",
                  plate="粤A12345", channel="电话", description="保养后发动机异响，要求免费检修",
                  demand="免费检修并道歉", mood="不满", received_by="接待小李",
                  complained_at=NOW - timedelta(minutes=20))
