"""The registration's special paths (DESIGN §4.1), under the intake form: the receiver
(受理人, whose lateness step 0 is), 部门自查's step-1 fields (category and severity, filled
by the department's head) and 当场解决 (what was done, how the customer took it)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QWidget,
)

from ...domain.records import CATEGORIES, Intake, Severity
from ...domain.workflow.fields import SEVERITY_GUIDANCE

if TYPE_CHECKING:
    from ...services.container import Services


class IntakeSpecial(QGroupBox):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("受理人与特殊登记", parent)
        depts = {d.id: d.name for d in services.people.departments()}
        self.receiver = QComboBox()
        self.receiver.addItem("（未选择：按登记人计）", None)
        for e in services.people.employees():
            if e.active and e.id is not None:
                self.receiver.addItem(f"{e.name}（{depts.get(e.department_id, '')}）", e.id)
        self.receiver.setToolTip("第一时间接到客户投诉的员工；超过1小时才登记的，记为其超时")
        self.self_category = QComboBox()
        self.self_category.setEditable(True)
        self.self_category.addItems(["", *CATEGORIES])
        self.self_severity = QComboBox()
        self.self_severity.addItem("", None)
        for s in Severity:
            self.self_severity.addItem(s.label, s.value)
        self.self_severity.setToolTip(SEVERITY_GUIDANCE)
        self.on_spot = QCheckBox("当场解决（一般投诉，受理人当场或1小时内已解决）")
        self.on_spot_action = QLineEdit()
        self.on_spot_action.setPlaceholderText("当场如何处理")
        self.on_spot_reaction = QLineEdit()
        self.on_spot_reaction.setPlaceholderText("客户对处理的反应")
        form = QFormLayout(self)
        form.addRow("受理人", self.receiver)
        form.addRow("自查·投诉类别", self.self_category)
        form.addRow("自查·严重程度", self.self_severity)
        form.addRow("", self.on_spot)
        form.addRow("当场处理情况", self.on_spot_action)
        form.addRow("客户反应", self.on_spot_reaction)
        self.on_spot.toggled.connect(self._on_spot_toggled)
        self.set_self_report(False)
        self._on_spot_toggled(False)

    def set_self_report(self, on: bool) -> None:
        """部门自查 chosen: its head fills step 1's category and severity here."""
        self.self_category.setEnabled(on)
        self.self_severity.setEnabled(on)
        if on:
            self.on_spot.setChecked(False)
        self.on_spot.setEnabled(not on)

    def _on_spot_toggled(self, on: bool) -> None:
        self.on_spot_action.setEnabled(on)
        self.on_spot_reaction.setEnabled(on)

    def apply(self, intake: Intake) -> Intake:
        severity = self.self_severity.currentData()
        self_report = intake.self_report_department_id is not None
        return replace(
            intake, receiver_employee_id=self.receiver.currentData(),
            self_report_category=self.self_category.currentText().strip() if self_report else "",
            self_report_severity=Severity(severity) if self_report and severity else None,
            resolved_on_spot=self.on_spot.isChecked() and not self_report,
            on_spot_action=self.on_spot_action.text(),
            on_spot_reaction=self.on_spot_reaction.text())
