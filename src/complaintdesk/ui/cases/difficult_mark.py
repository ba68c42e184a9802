"""The assessor's 疑难 mark on a complaint (issue 14): a button in the case window that marks it
with a reason, or takes the mark back. Others see the mark in the case's summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.case_marks import DIFFICULT, may_mark
from ...domain.records import Case, User
from ...services.errors import ServiceError
from ..widgets.common import error_label, show_error

if TYPE_CHECKING:
    from ...services.container import Services


class DifficultReasonDialog(QDialog):
    """Why the complaint is 疑难: required; the service's message shows under the box and the
    text typed stays."""

    def __init__(self, services: Services, user: User, case: Case,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user, self.case = services, user, case
        self.setWindowTitle(f"标记疑难投诉 {case.number}")
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("例如：涉及厂家索赔与第三方保险，需多方协调")
        self.note.setMinimumSize(420, 120)
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("标记")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("认定理由（制度001 五.2：成功解决重大、疑难投诉可予个人奖励）："))
        lay.addWidget(self.note)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def save(self) -> None:
        try:
            self.services.marks.mark_difficult(self.user, self.case.id or 0,
                                               self.note.toPlainText())
        except ServiceError as exc:
            self.error.setText(exc.message)
            self.error.show()
            self.note.setFocus()
            return
        self.accept()


class DifficultButton(QPushButton):
    """标记疑难… / 取消疑难标记 — shown to the assessor on complaints only."""

    changed = Signal()

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.case: Case | None = None
        self.marked = False
        self.clicked.connect(self._click)
        self.hide()

    def show_for(self, case: Case, marked: bool) -> None:
        self.case, self.marked = case, marked
        self.setText("取消疑难标记" if marked else "标记疑难…")
        self.setToolTip("行政部考核主管认定本投诉为疑难投诉（可据此提议个人奖励）")
        self.setVisible(may_mark(self.user, DIFFICULT, case))

    def _click(self) -> None:
        if self.case is None:
            return
        if self.marked:
            answer = QMessageBox.question(self, "取消疑难标记",
                                          f"确定取消 {self.case.number} 的疑难投诉标记吗？",
                                          QMessageBox.StandardButton.Yes
                                          | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
            try:
                self.services.marks.clear_difficult(self.user, self.case.id or 0)
            except ServiceError as exc:
                show_error(self, exc)
                return
        elif DifficultReasonDialog(self.services, self.user, self.case,
                                   self.window()).exec() != QDialog.DialogCode.Accepted:
            return
        self.changed.emit()
