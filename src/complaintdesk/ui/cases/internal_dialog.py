"""内部投诉登记 (DESIGN §4.2): an employee reports a colleague or a department.

An internal complaint reuses the intake record (what the 《内部投诉意见处理单》 prints):
    投诉人            → Intake.customer_name   (the reporter; the current user by default)
    投诉人部门        → register(..., reporter_department_id=...): its own 考核主管 receives
                        the report, else its head and the 行政部's (003 二.1)
    被投诉部门        → Case.department_id     (register(..., department_id=...))
    被投诉员工        → Intake.persons_involved ("姓名(岗位)", optional)
    发生时间          → Intake.complained_at   (003 二.1: reported within 1 h of it)
    发生地点          → Intake.location
    事情经过          → Intake.description
    违反的制度/流程   → Intake.demand
    接报人            → Intake.received_by     (who registers it)
No phone, vehicle or customer mood: the channel is "其他" and the mood is left empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSizePolicy, QWidget

from ...domain.records import FlowKind, Intake, User
from .flow_intake import FlowIntakeDialog

if TYPE_CHECKING:
    from ...services.container import Services

DRAFT_KEY = "internal_complaint"


class InternalComplaintDialog(FlowIntakeDialog):
    flow = FlowKind.INTERNAL
    draft_key = DRAFT_KEY

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(services, user, "内部投诉登记", parent)
        self.resize(620, 560)

    def build_form(self) -> None:
        self.reporter = QLineEdit(self.user.display_name)
        self.reporter_department = self.department_combo("请选择…")
        mine = self.reporter_department.findData(self.user.department_id)
        if mine >= 0:
            self.reporter_department.setCurrentIndex(mine)
        self.department = self.department_combo("请选择…")
        self.employee = QComboBox()
        self.employee.setToolTip("被投诉部门的员工；针对部门整体的投诉可不指定")
        self.department.currentIndexChanged.connect(self._fill_employees)
        self._fill_employees()
        self.occurred_at = self.datetime_edit()
        self.location = QLineEdit()
        self.location.setPlaceholderText("例如 售后前台、展厅")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("何时、何地、何人、发生了什么")
        self.violated = QPlainTextEdit()
        self.violated.setPlaceholderText("例如 《车辆交接管理规定》第三条：交接须双方签字")
        self.violated.setFixedHeight(64)
        # fixed height AND a fixed policy, or its row grows and the box floats in it
        self.violated.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.add_row("投诉人 *", "customer_name", self.reporter)
        self.add_row("投诉人部门", "reporter_department_id", self.reporter_department)
        self.add_row("被投诉部门 *", "department_id", self.department)
        self.add_row("被投诉员工", "persons_involved", self.employee)
        self.add_row("发生时间 *", "complained_at", self.occurred_at)
        self.add_row("发生地点", "location", self.location)
        self.add_row("事情经过 *", "description", self.description)
        self.add_row("违反的制度/流程", "demand", self.violated)

    def _fill_employees(self) -> None:
        current = self.employee.currentData()
        self.employee.blockSignals(True)
        self.employee.clear()
        self.employee.addItem("（不指定）", None)
        dept = self.department.currentData()
        if dept is not None:
            for e in self.services.people.employees():
                if e.department_id == dept:
                    self.employee.addItem(f"{e.name}（{e.post}）" if e.post else e.name, e.id)
        i = self.employee.findData(current)
        self.employee.setCurrentIndex(max(i, 0))
        self.employee.blockSignals(False)

    def department_id(self) -> int | None:
        value = self.department.currentData()
        return int(value) if value is not None else None

    def register_kwargs(self) -> dict[str, Any]:
        value = self.reporter_department.currentData()
        return {"reporter_department_id": int(value) if value is not None else None}

    def intake(self) -> Intake:
        person = self.employee.currentText() if self.employee.currentData() is not None else ""
        return Intake(
            customer_name=self.reporter.text(), persons_involved=person,
            complained_at=self.aware(self.occurred_at), location=self.location.text(),
            description=self.description.toPlainText(), demand=self.violated.toPlainText(),
            received_by=self.user.display_name, channel="其他", mood="",
        )

    def prefilled_keys(self) -> set[str]:
        return {"customer_name"}
