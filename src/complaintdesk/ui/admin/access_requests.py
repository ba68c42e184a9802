"""待批准的查阅申请: requests to read a case's customer numbers waiting for this approver
(the case's department head or the GM — DESIGN §3, seed 002), shown in 我的待办 with
批准 / 拒绝. A new request is announced like a task that falls due."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.masking import approves_requests
from ...domain.records import User
from ..widgets.common import local_text, show_error

if TYPE_CHECKING:
    from ...services.container import Services
    from ...services.data_access import AccessRequestView

COLUMNS = ("案件编号", "申请人", "申请时间", "查阅理由")


def may_see_requests(user: User) -> bool:
    """The approvers' panel: the domain says who approves (domain/masking.py)."""
    return approves_requests(user)


class AccessRequestsPanel(QGroupBox):
    open_case = Signal(int)
    changed = Signal()

    def __init__(self, services: Services, user: User,
                 notify: Callable[[str], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("待批准的客户信息查阅申请", parent)
        self.services = services
        self.user = user
        self.notify = notify
        self.requests: list[AccessRequestView] = []
        self._seen: set[int] | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(180)
        self.table.doubleClicked.connect(self._open)
        self.approve_button = QPushButton("批准（24小时内可查看）")
        self.refuse_button = QPushButton("拒绝")
        self.approve_button.clicked.connect(lambda: self._decide(True))
        self.refuse_button.clicked.connect(lambda: self._decide(False))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.refuse_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.requests = self.services.data_access.pending_for(self.user)
        except Exception:  # noqa: BLE001 - the next refresh retries; the list keeps its rows
            return
        hours = self.services.data_access.hours()
        self.approve_button.setText(f"批准（{hours:g}小时内可查看）")
        tz = self.services.cases.tz
        self.table.setRowCount(len(self.requests))
        for row, v in enumerate(self.requests):
            values = (v.case_number, v.requester_name, local_text(v.request.requested_at, tz),
                      v.request.reason)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, v.request.id)
                self.table.setItem(row, col, item)
        if self.requests:
            self.table.selectRow(0)
        self.setVisible(bool(self.requests))
        self._announce()

    def _announce(self) -> None:
        ids = {v.request.id for v in self.requests}
        previous, self._seen = self._seen, ids
        if previous is None or self.notify is None:
            return
        news = [f"{v.requester_name} 申请查看 {v.case_number} 的客户信息"
                for v in self.requests if v.request.id not in previous]
        if news:
            self.notify("\n".join(news))

    def _current(self) -> AccessRequestView | None:
        row = self.table.currentRow()
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def _decide(self, approve: bool) -> None:
        v = self._current()
        if v is None:
            return
        try:
            if approve:
                self.services.data_access.approve(self.user, v.request.id)
            else:
                self.services.data_access.refuse(self.user, v.request.id)
        except Exception as exc:  # noqa: BLE001 - shown to the person
            show_error(self, exc)
        self.refresh()
        self.changed.emit()

    def _open(self) -> None:
        v = self._current()
        if v is not None:
            self.open_case.emit(v.request.case_id)
