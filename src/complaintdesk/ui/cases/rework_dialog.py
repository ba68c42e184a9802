"""厂外返修登记 (DESIGN §4.3): a service advisor opens a 车辆厂外返修作业单.

The order reuses the intake record (what the 《车辆厂外返修作业单》 prints):
    客户姓名 / 手机号码 / 固定电话 / 车型 / 车牌号 / 车架号 → the same Intake fields
    返修地点          → Intake.location       (the outside workshop)
    返修原因及内容    → Intake.description
    涉及人员          → Intake.persons_involved
    所属部门          → Case.department_id    (售后服务部 by default; its 前台主管 hands over)
    开单人            → Intake.received_by    (who registers it); 开单时间 is now
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from ...domain.records import FlowKind, Intake, User
from ..widgets.common import FieldError
from .flow_intake import FlowIntakeDialog

if TYPE_CHECKING:
    from ...services.container import Services

DRAFT_KEY = "rework_order"
DEFAULT_DEPARTMENT = "售后服务部"


class ReworkOrderDialog(FlowIntakeDialog):
    flow = FlowKind.REWORK
    draft_key = DRAFT_KEY

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(services, user, "厂外返修登记", parent)
        self.resize(620, 600)

    def build_form(self) -> None:
        self.edits = {k: QLineEdit() for k in ("customer_name", "phone", "landline",
                                                "vehicle_model", "plate", "vin", "location",
                                                "persons_involved")}
        self.edits["phone"].setPlaceholderText("11 位手机号")
        self.edits["landline"].setPlaceholderText("例如 010-68880061")
        self.edits["plate"].setPlaceholderText("例如 京A12345")
        self.edits["vin"].setPlaceholderText("17 位车架号")
        self.edits["vin"].setMaxLength(20)
        self.edits["location"].setPlaceholderText("厂外返修单位")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("故障现象、首次维修情况、为何需要厂外返修")
        self.department = self.department_combo(None, DEFAULT_DEPARTMENT)
        # the VIN row: the check-digit warning, then the box that accepts it
        self.errors["vin"] = FieldError()
        vin_box = QWidget()
        vin_lay = QVBoxLayout(vin_box)
        vin_lay.setContentsMargins(0, 0, 0, 0)
        vin_lay.setSpacing(2)
        for w in (self.edits["vin"], self.errors["vin"], self.vin_override):
            vin_lay.addWidget(w)
        for label, key in (("客户姓名 *", "customer_name"), ("手机号码", "phone"),
                           ("固定电话", "landline"), ("车型", "vehicle_model"),
                           ("车牌号", "plate")):
            self.add_row(label, key, self.edits[key])
        self.form.addRow("车架号（VIN）", vin_box)
        self.draft_widgets["vin"] = self.edits["vin"]
        self.add_row("返修地点", "location", self.edits["location"])
        self.add_row("返修原因及内容 *", "description", self.description)
        self.add_row("涉及人员", "persons_involved", self.edits["persons_involved"])
        self.add_row("所属部门 *", "department_id", self.department)

    def department_id(self) -> int | None:
        value = self.department.currentData()
        return int(value) if value is not None else None

    def intake(self) -> Intake:
        return Intake(
            **{k: e.text() for k, e in self.edits.items()},
            description=self.description.toPlainText(),
            received_by=self.user.display_name, channel="到店",
            complained_at=self.services.clock.now(),
        )
