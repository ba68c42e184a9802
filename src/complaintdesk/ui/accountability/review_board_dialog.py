"""监督与评估小组与奖惩考核设置 (administrator): who hears appeals — the leader (the 行政部
head) and the HR and finance members (seed 001 二.3, 四.1) — the appeal window, and the
thresholds of the monthly department evaluation (001 五.2–3). The numbers are this
product's defaults until changed: the policy names none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.dept_assessment import DEFAULTS_LABEL, AccountabilitySettings
from ...domain.records import User
from ...services.errors import ServiceError
from ..widgets.common import show_error

if TYPE_CHECKING:
    from ...services.container import Services

_LABELS = AccountabilitySettings.LABELS


def _percent(value: float, maximum: float = 100.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.1, maximum)
    box.setDecimals(1)
    box.setSuffix(" %")
    box.setValue(value * 100)
    return box


class ReviewBoardDialog(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        acc = services.accountability
        board, settings = acc.review_board(), acc.accountability_settings()
        self.setWindowTitle("监督与评估小组与奖惩考核设置")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        users = [u for u in services.people.users() if u.id is not None]
        self.leader = QComboBox()
        self.leader.addItem("（未设置：由行政部考核主管复核、总经理裁决）", None)
        for u in users:
            self.leader.addItem(u.display_name, u.id)
        self.leader.setCurrentIndex(max(self.leader.findData(board.leader_user_id), 0))
        form.addRow("组长（行政部负责人）", self.leader)
        self.members = QListWidget()
        self.members.setMaximumHeight(120)
        for u in users:
            item = QListWidgetItem(u.display_name)
            item.setData(Qt.ItemDataRole.UserRole, u.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = u.id in board.member_user_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.members.addItem(item)
        form.addRow("成员（人力资源部、财务部）", self.members)
        self.window_days = QSpinBox()
        self.window_days.setRange(1, 90)
        self.window_days.setSuffix(" 天")
        self.window_days.setValue(settings.appeal_window_days)
        form.addRow(_LABELS["appeal_window_days"], self.window_days)
        self.rate_drop = _percent(settings.reward_rate_drop, 99)
        form.addRow(_LABELS["reward_rate_drop"], self.rate_drop)
        self.rise = _percent(settings.reward_rise_points, 99)
        form.addRow(_LABELS["reward_rise_points"], self.rise)
        self.rate_above = _percent(settings.penalty_rate_above, 99)
        form.addRow(_LABELS["penalty_rate_above"], self.rate_above)
        self.falling = QSpinBox()
        self.falling.setRange(2, 12)
        self.falling.setSuffix(" 个月")
        self.falling.setValue(settings.penalty_falling_months)
        form.addRow(_LABELS["penalty_falling_months"], self.falling)
        lay.addLayout(form)
        lay.addWidget(QLabel(f"以上数值为{DEFAULTS_LABEL}，请按本店实际修改。"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def member_ids(self) -> list[int]:
        out = []
        for i in range(self.members.count()):
            item = self.members.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def save(self) -> bool:
        acc = self.services.accountability
        try:
            acc.set_accountability_settings(self.user, {
                "appeal_window_days": self.window_days.value(),
                "reward_rate_drop": self.rate_drop.value() / 100,
                "reward_rise_points": self.rise.value() / 100,
                "penalty_rate_above": self.rate_above.value() / 100,
                "penalty_falling_months": self.falling.value(),
            })
            leader = self.leader.currentData()
            if leader is not None:
                acc.set_review_board(self.user, leader, self.member_ids())
        except ServiceError as exc:
            show_error(self, exc)
            return False
        self.accept()
        return True
