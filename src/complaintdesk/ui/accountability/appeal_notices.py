"""申诉裁决通知 (general manager): the 监督与评估小组's decisions on appeals the GM has not yet
read (seed 001 四.1, DESIGN §6: the GM is told). Each is marked read here (已知悉)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ...domain.slips import DECISION_LABELS
from ...services.errors import ServiceError
from ..widgets.common import show_error

if TYPE_CHECKING:
    from ...services.container import Services


class AppealNoticesDialog(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.setWindowTitle("申诉裁决通知")
        self.resize(620, 320)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("监督与评估小组已裁决、您尚未确认知悉的申诉："))
        self.list = QListWidget()
        lay.addWidget(self.list, 1)
        self.read_button = QPushButton("确认已知悉所选裁决")
        self.read_button.clicked.connect(self.mark_read)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.read_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for v in self.services.accountability.appeal_notices(self.user):
            a = v.slip.appeal or {}
            text = (f"{v.slip.number}  {v.employee_name}：{DECISION_LABELS.get(a.get('decision'), '')}"
                    f"（{a.get('decided_by_name', '')}）现处罚：{v.penalty_text}；"
                    f"理由：{a.get('decision_reason', '')}")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, v.slip.id)
            self.list.addItem(item)
        if not self.list.count():
            self.list.addItem("（没有待确认的申诉裁决）")
        self.read_button.setEnabled(self.list.item(0).data(Qt.ItemDataRole.UserRole)
                                    is not None)

    def mark_read(self) -> None:
        item = self.list.currentItem() or self.list.item(0)
        slip_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if slip_id is None:
            return
        try:
            self.services.accountability.inform_gm(self.user, int(slip_id))
        except ServiceError as exc:
            show_error(self, exc)
        self.refresh()
