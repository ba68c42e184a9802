"""提议个人奖励 (seed 001 五.2): the assessor names a case and an employee and says why —
a 重大 complaint resolved, a complaint he marks 疑难 resolved, a loss recovered for the
company (amount), or the customer's high praise — optionally with a 奖品 described. The
proposal then waits in 过失单 to be issued, signed by the GM and enforced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import FaultSlip, User
from ...services.errors import ServiceError
from ...services.team_rewards import REWARD_REASONS
from ..widgets.common import error_label

if TYPE_CHECKING:
    from ...services.container import Services


class RewardDialog(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.proposed: FaultSlip | None = None
        self.setWindowTitle("提议个人奖励")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.case_number = QLineEdit()
        self.case_number.setPlaceholderText("如 FK-202611-0001")
        form.addRow("案件编号", self.case_number)
        self.employee = QComboBox()
        for e in services.people.employees():
            self.employee.addItem(e.name, e.id)
        form.addRow("受奖人", self.employee)
        self.reason = QComboBox()
        for key, label in REWARD_REASONS.items():
            self.reason.addItem(label, key)
        form.addRow("奖励事由", self.reason)
        self.loss = QSpinBox()
        self.loss.setRange(0, 100_000_000)
        self.loss.setSuffix(" 元")
        form.addRow("挽回损失金额", self.loss)
        self.prize = QLineEdit()
        self.prize.setPlaceholderText("可留空；如“加油卡一张”")
        form.addRow("奖品", self.prize)
        self.note = QLineEdit()
        form.addRow("说明", self.note)
        lay.addLayout(form)
        self.error = error_label()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _fail(self, text: str) -> bool:
        self.error.setText(text)
        self.error.show()
        return False

    def submit(self) -> bool:
        number = self.case_number.text().strip()
        case_id = self.services.cases.case_id_by_number(number) if number else None
        if case_id is None:
            return self._fail("案件编号：找不到该案件，请填写正确的编号（如 FK-202611-0001）。")
        if self.employee.currentData() is None:
            return self._fail("受奖人：请选择受奖员工。")
        reason = str(self.reason.currentData())
        try:
            self.proposed = self.services.team_rewards.propose_individual_reward(
                self.user, case_id, int(self.employee.currentData()), reason,
                loss_yuan=self.loss.value() if reason == "loss" else None,
                prize=self.prize.text(), note=self.note.text())
        except ServiceError as exc:
            return self._fail(exc.message)
        self.accept()
        return True
