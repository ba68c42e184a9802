"""系统管理 → 用户: login name, display name, roles, department, linked employee, active,
reset password. The rules (who needs a department, password length) are the service's."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLineEdit, QPushButton, QWidget

from ...domain.records import ROLE_LABELS, Role, User
from ...domain.workflow.internal_routing import role_label
from ...services.auth import check_password_rules
from .admin_people import FormDialog, ListTab, department_combo, select_data

if TYPE_CHECKING:
    from ...services.container import Services


# DESIGN §3: who belongs where — the department chosen below decides it
ROLE_HINTS: dict[Role, str] = {
    Role.ASSESSOR: "部门选“行政部”（或不选）为公司的考核主管；选其他部门则为该部门自己的考核主管，"
                   "接收本部门的内部投诉（制度003 二.1–2）",
    Role.SERVICE_ADVISOR: "维修顾问开具车辆厂外返修作业单（制度003 三.1），须选择所在部门",
}


class RolesBox(QWidget):
    """Several roles may be held at once: one checkbox per role, with its Chinese label."""

    def __init__(self, roles: frozenset[Role] = frozenset(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[Role, QCheckBox] = {}
        for i, (role, label) in enumerate(ROLE_LABELS.items()):
            box = QCheckBox(label)
            box.setChecked(role in roles)
            if role in ROLE_HINTS:
                box.setToolTip(ROLE_HINTS[role])
            self.boxes[role] = box
            grid.addWidget(box, i // 2, i % 2)

    def roles(self) -> frozenset[Role]:
        return frozenset(r for r, b in self.boxes.items() if b.isChecked())


def employee_combo(services: Services) -> QComboBox:
    box = QComboBox()
    box.addItem("（不关联）", None)
    depts = {d.id: d.name for d in services.people.departments(True)}
    for e in services.people.employees(True):
        state = "" if e.active else "·已离职"
        box.addItem(f"{e.name}（{depts.get(e.department_id, '')}{state}）", e.id)
    return box


class UsersTab(ListTab):
    headers = ("登录名", "姓名", "角色", "部门", "关联员工", "状态")
    stretch = 2  # 角色: several roles make the longest text
    noun = "用户"

    def __init__(self, services: Services, actor: User, parent: QWidget | None = None) -> None:
        super().__init__(services, actor, parent)
        self.reset_button = QPushButton("重置密码")
        self.reset_button.clicked.connect(self.reset_selected)
        self.buttons.insertWidget(2, self.reset_button)

    def load(self) -> list[User]:
        self.depts = {d.id: d for d in self.services.people.departments(True)}
        self.dept_names = {i: d.name for i, d in self.depts.items()}
        self.emp_names = {e.id: e.name for e in self.services.people.employees(True)}
        return self.services.people.users(True)

    def cells(self, item: User) -> list[str]:
        dept = self.depts.get(item.department_id)
        roles = "、".join(role_label(r, dept) for r in ROLE_LABELS if r in item.roles)
        return [item.username, item.display_name, roles,
                self.dept_names.get(item.department_id, ""),
                self.emp_names.get(item.employee_id, ""), "启用" if item.active else "停用"]

    def dialog(self, item: User | None) -> FormDialog:
        user = item or User(None, "", "")
        username, name = QLineEdit(user.username), QLineEdit(user.display_name)
        roles = RolesBox(user.roles)
        dept = department_combo(self.services, "（无）", include_inactive=True)
        select_data(dept, user.department_id)
        emp = employee_combo(self.services)
        select_data(emp, user.employee_id)
        active = QCheckBox("启用（停用后不能登录）")
        active.setChecked(user.active)
        password = QLineEdit()
        password.setEchoMode(QLineEdit.EchoMode.Password)
        password.setPlaceholderText("至少 6 位")

        def save() -> None:
            self.services.people.save_user(self.actor, replace(
                user, username=username.text(), display_name=name.text().strip()
                or username.text().strip(), roles=roles.roles(),
                department_id=dept.currentData(), employee_id=emp.currentData(),
                active=active.isChecked()), password.text() or None)

        rows: list[tuple[str, str, QWidget]] = [
            ("username", "登录名", username), ("display_name", "姓名", name),
            ("roles", "角色", roles), ("department", "部门", dept),
            ("employee", "关联员工", emp), ("active", "状态", active)]
        if item is None:
            rows.append(("password", "初始密码", password))
        return FormDialog("编辑用户" if item else "新建用户", rows, save, self)

    def reset_selected(self) -> FormDialog | None:
        user = self.selected()
        if user is None:
            return None
        return self.reset_password(user)

    def reset_password(self, user: User) -> FormDialog:
        password = QLineEdit()
        password.setEchoMode(QLineEdit.EchoMode.Password)
        password.setPlaceholderText("至少 6 位")

        def save() -> None:
            check_password_rules(password.text())  # an empty box must not "succeed"
            self.services.people.save_user(self.actor, user, password.text())

        dialog = FormDialog(f"重置密码：{user.display_name}",
                            [("password", "新密码", password)], save, self)
        dialog.open()
        return dialog
