"""The case view's 厂家转办 panel (DESIGN §4.6): brand, the manufacturer's reference, when it
was forwarded, the milestones with their deadlines (met / missed / due soon), the replies
to the manufacturer, 记录回复 and the reply sheet (PDF preview, Excel)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import manufacturer as M
from ...domain.records import User
from ..widgets.common import error_label, local_text, show_error

if TYPE_CHECKING:
    from ...services.container import Services
    from ...services.manufacturer import ForwardPanel

STATE_COLORS = {  # (background, foreground) as 我的待办's
    M.DUE_SOON: ("#fff3cd", "#8a5a00"),
    M.OVERDUE: ("#fde0e0", "#b71c1c"),
    M.LATE: ("#fde0e0", "#b71c1c"),
    M.MET: ("#e3f4e3", "#1b5e20"),
}


def _table(headers: tuple[str, ...]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(list(headers))
    t.verticalHeader().hide()
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _fit_height(t: QTableWidget) -> None:
    rows = max(t.rowCount(), 1)
    t.setFixedHeight(t.horizontalHeader().height() + 26 * rows + 4)
    for r in range(t.rowCount()):
        t.setRowHeight(r, 26)


class ManufacturerPanel(QGroupBox):
    changed = Signal()  # a reply was recorded

    def __init__(self, services: Services, user: User, case_id: int, number: str,
                 panel: ForwardPanel, parent: QWidget | None = None) -> None:
        super().__init__("厂家转办", parent)
        self.services, self.user, self.case_id, self.number = services, user, case_id, number
        self.panel = panel
        tz = services.manufacturer.tz
        f = panel.forward
        form = QFormLayout()
        form.addRow("厂家品牌", QLabel(f.brand))
        form.addRow("厂家工单号", QLabel(f.reference))
        form.addRow("厂家转办时间", QLabel(local_text(f.forwarded_at, tz)))
        on_time = "是" if panel.answered_on_time else (
            "否（有节点超时）" if any(s.missed for s in panel.states) else "尚未全部回复")
        self.on_time_label = QLabel(on_time)
        form.addRow("按时回复厂家", self.on_time_label)

        self.milestones = _table(("节点", "时限", "回复期限", "回复时间", "结果"))
        self.milestones.setRowCount(len(panel.states))
        for r, s in enumerate(panel.states):
            values = (s.label, s.rule_text, local_text(s.due, tz), local_text(s.replied_at, tz),
                      s.state_label)
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c == 4 and s.state in STATE_COLORS:
                    bg, fg = STATE_COLORS[s.state]
                    item.setBackground(QBrush(QColor(bg)))
                    item.setForeground(QBrush(QColor(fg)))
                self.milestones.setItem(r, c, item)
        _fit_height(self.milestones)

        self.replies = _table(("回复时间", "回复节点", "回复人", "回复内容"))
        self.replies.setRowCount(len(panel.replies))
        for r, reply in enumerate(panel.replies):
            by = panel.user_names.get(reply.by_user_id or 0, "")
            for c, v in enumerate((local_text(reply.at, tz), reply.milestone_label, by,
                                   reply.text)):
                self.replies.setItem(r, c, QTableWidgetItem(v))
        _fit_height(self.replies)
        self.no_replies = QLabel("尚未记录回复厂家的内容。")
        self.no_replies.setVisible(not panel.replies)

        self.reply_button = QPushButton("记录回复")
        self.reply_button.setToolTip("记录一次对厂家的回复（时间为现在，回复人为当前用户）")
        self.reply_button.setEnabled(panel.may_reply)
        self.reply_button.clicked.connect(self.record_reply)
        self.pdf_button = QPushButton("回复单预览…")
        self.pdf_button.setToolTip("预览并打印本案的厂家转办回复单（PDF）")
        self.pdf_button.clicked.connect(self.preview_sheet)
        self.xlsx_button = QPushButton("导出回复单 Excel…")
        self.xlsx_button.clicked.connect(self.export_sheet)
        for b in (self.pdf_button, self.xlsx_button):
            b.setEnabled(panel.may_reply)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reply_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.xlsx_button)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel("厂家时限节点"))
        lay.addWidget(self.milestones)
        lay.addWidget(QLabel("回复厂家记录"))
        lay.addWidget(self.no_replies)
        lay.addWidget(self.replies)
        self.replies.setVisible(bool(panel.replies))
        lay.addLayout(buttons)

    def live_refresh(self) -> None:
        """The database changed (this PC or another): a new reply means a fresh panel."""
        try:
            fresh = self.services.manufacturer.panel(self.user, self.case_id)
        except Exception:  # noqa: BLE001 - the next change retries
            return
        if fresh is not None and len(fresh.replies) != len(self.panel.replies):
            self.changed.emit()

    def record_reply(self) -> None:
        dialog = ReplyDialog(self.services, self.user, self.case_id, self.panel, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.changed.emit()

    def preview_sheet(self) -> None:
        from ..widgets.pdf_preview import open_pdf_preview

        services, user, case_id = self.services, self.user, self.case_id
        open_pdf_preview(self, lambda: services.manufacturer.reply_sheet_pdf(user, case_id),
                         f"{self.number} 厂家转办回复单", f"{self.number}_厂家回复单.pdf")

    def export_sheet(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "导出厂家转办回复单",
                                                f"{self.number}_厂家回复单.xlsx",
                                                "Excel 工作簿 (*.xlsx)")
        if not target:
            return
        try:
            self.services.manufacturer.write_reply_sheet_xlsx(self.user, self.case_id,
                                                              Path(target))
        except Exception as exc:  # noqa: BLE001 - shown to the person
            show_error(self, exc, "无法导出")
            return
        QMessageBox.information(self, "已导出", f"厂家转办回复单已导出：{target}")


class ReplyDialog(QDialog):
    """记录回复: which milestone it answers (or a progress note) and what was said; the
    time is now and the replier is the logged-in user."""

    def __init__(self, services: Services, user: User, case_id: int, panel: ForwardPanel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user, self.case_id = services, user, case_id
        self.setWindowTitle("记录回复厂家")
        self.milestone = QComboBox()
        # the milestones still unanswered first: what the reply most likely answers
        states = sorted(panel.states, key=lambda s: (not s.open, s.due))
        for s in states:
            done = "" if s.open else "（已回复）"
            self.milestone.addItem(f"{s.label}{done}", s.key)
        self.milestone.addItem(M.OTHER_REPLY_LABEL, M.OTHER_REPLY)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("回复厂家的内容（例如：已联系客户，约定到店检查时间）")
        self.text.setTabChangesFocus(True)
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("回复节点", self.milestone)
        form.addRow("回复内容", self.text)
        form.addRow("回复人", QLabel(user.display_name))
        form.addRow("回复时间", QLabel("现在"))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(460, 260)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        from ...services.errors import ServiceError

        try:
            self.services.manufacturer.record_reply(
                self.user, self.case_id, self.milestone.currentData(),
                self.text.toPlainText())
        except ServiceError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self.accept()
