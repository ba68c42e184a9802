"""The tasks of 我的待办 that are not a workflow step (DESIGN §4.1): cs_center's
处理意见告知 (seed 003 一.12), a 重要/重大 solution awaiting the approver (opens the case,
where 批准/退回 are), and the weekly summary — the assessor sends it on Monday, the
GM acknowledges it (已阅) after reading the copy that was sent. A list under the step
table; a double click (or the button) does the task: a 告知 opens the case (its contact
log), the weekly ones are done here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ...services.errors import ServiceError
from ..widgets.common import local_text
from ..widgets.pdf_preview import PdfPreviewDialog

if TYPE_CHECKING:
    from ...services.container import Services

STATE_TEXT = {"due_soon": "（即将到期）", "overdue": "（已超期）"}


class DutyTasks(QWidget):
    open_case = Signal(int)
    changed = Signal()

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.title = QLabel("其他待办")
        self.list = QListWidget()
        self.list.setMaximumHeight(120)
        self.list.itemDoubleClicked.connect(self.do_item)
        self.do_button = QPushButton("处理")
        self.do_button.clicked.connect(lambda: self.do_item(self.list.currentItem()))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.do_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.list)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        tz = self.services.workflow.tz
        try:
            weekly = self.services.weekly.tasks(self.user)
            notices = self.services.contacts.notice_tasks(self.user)
            approvals = self.services.workflow.approval_tasks(self.user)
        except ServiceError:
            return
        for t in approvals:
            item = QListWidgetItem(
                f"解决方案待审批：{t.row.number} {t.row.customer_name}{STATE_TEXT.get(t.state, '')}")
            item.setData(Qt.ItemDataRole.UserRole, ("case", t.row.id, None))
            self.list.addItem(item)
        for w in weekly:
            due = f"  截止 {local_text(w.due, tz)}" if w.due else ""
            item = QListWidgetItem(f"{w.label}{due}{STATE_TEXT.get(w.state, '')}")
            item.setData(Qt.ItemDataRole.UserRole, ("weekly", w.action, w.week_start))
            self.list.addItem(item)
        for t in notices:
            item = QListWidgetItem(
                f"处理意见告知：{t.row.number} {t.row.customer_name}{STATE_TEXT.get(t.state, '')}")
            item.setData(Qt.ItemDataRole.UserRole, ("notice", t.row.id, None))
            self.list.addItem(item)
        self.setVisible(self.list.count() > 0)
        self.title.setText(f"其他待办 {self.list.count()} 项")

    def do_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        kind, what, week = item.data(Qt.ItemDataRole.UserRole)
        if kind in ("notice", "case"):
            self.open_case.emit(int(what))
            return
        try:
            if what == "send":
                self.services.weekly.send(self.user, week)
                text = "周投诉汇总已发送给总经理。"
            else:
                if not self._read_sent_copy(week):
                    return
                self.services.weekly.acknowledge(self.user, week)
                text = "已标记为已阅。"
        except ServiceError as exc:
            QMessageBox.warning(self, "无法完成", exc.message)
            return
        self.refresh()
        self.changed.emit()
        self._status(text)

    def _read_sent_copy(self, week: Any) -> bool:
        """The GM reads the summary as it was sent, then confirms 已阅 (a week sent before
        copies were kept asks only for the confirmation)."""
        try:
            pdf = self.services.weekly.sent_copy(self.user, week)
        except ServiceError:
            pdf = None
        if pdf is not None:
            preview = PdfPreviewDialog(pdf, f"周投诉汇总 {week:%Y-%m-%d}（发送稿）",
                                       f"周投诉汇总-{week:%Y%m%d}.pdf", self)
            preview.exec()
        answer = QMessageBox.question(
            self, "阅知周投诉汇总", f"确认已阅读 {week:%Y-%m-%d} 起一周的投诉汇总吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    def _status(self, text: str) -> None:
        window: Any = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 5000)
