"""系统管理 → 用户: a 维修顾问 and a department's own 考核主管 are set up by the admin
(DESIGN §3; seed 003 二.1, 三.1)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit
from wf_cast import make_cast

from complaintdesk.domain.records import Role
from complaintdesk.services.container import Services
from complaintdesk.ui.admin.admin_users import RolesBox
from complaintdesk.ui.admin.admin_view import AdminDialog


def _new_user(dialog: AdminDialog, username: str, role: Role, dept_id: int | None):
    form = dialog.users.edit(None)
    f = form.fields
    assert isinstance(f["roles"], RolesBox) and isinstance(f["username"], QLineEdit)
    f["username"].setText(username)
    f["roles"].boxes[role].setChecked(True)
    f["password"].setText("secret123")  # type: ignore[attr-defined]
    dept = f["department"]
    assert isinstance(dept, QComboBox)
    dept.setCurrentIndex(dept.findData(dept_id))
    return form


def test_admin_sets_up_a_service_advisor_and_a_departments_own_assessor(
        qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    after_sales = next(d.id for d in services.people.departments() if d.name == "售后服务部")
    form = _new_user(dialog, "weixiu", Role.SERVICE_ADVISOR, None)
    assert "维修顾问" in form.fields["roles"].boxes[Role.SERVICE_ADVISOR].text()
    assert not form.try_save()  # a 维修顾问 belongs to a department: said by the field
    assert "维修顾问必须属于一个部门" in form.errors["department"].text()
    dept = form.fields["department"]
    dept.setCurrentIndex(dept.findData(after_sales))  # type: ignore[attr-defined]
    assert form.try_save()
    form = _new_user(dialog, "shkh", Role.ASSESSOR, after_sales)
    assert "该部门自己的考核主管" in form.fields["roles"].boxes[Role.ASSESSOR].toolTip()
    assert form.try_save()
    users = {u.username: u for u in services.people.users()}
    assert users["weixiu"].roles == frozenset({Role.SERVICE_ADVISOR})
    assert users["shkh"].department_id == after_sales
    rows = {dialog.users.table.item(r, 0).text(): dialog.users.table.item(r, 2).text()
            for r in range(dialog.users.table.rowCount())}
    assert rows["shkh"] == "售后服务部考核主管" and rows["weixiu"] == "维修顾问"


def test_the_rework_revisit_time_limit_is_a_workflow_setting(
        qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    tab = dialog.workflow
    assert tab.rework_revisit_days.value() == 2  # the product default
    tab.rework_revisit_days.setValue(3)
    assert tab.save(), tab.message.text()
    assert services.workflow.settings().rework_revisit_days == 3
