"""A case's contact log in the case view (DESIGN §4.1): the entries, and a short form any
handler uses to add one (time, method, kind, what was conveyed, what the customer said).
The kind 处理意见告知 (seed 003 一.12) from day 3 after receipt does the 告知 task."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import CONTACT_KINDS, CONTACT_METHODS, NOTICE_KIND, Case, User
from ...domain.workflow.notice import notice_on_time
from ...services.errors import ServiceError
from ..widgets.common import ERROR_STYLE, local_text

if TYPE_CHECKING:
    from ...services.container import Services


class ContactLogBox(QGroupBox):
    added = Signal()

    def __init__(self, services: Services, user: User, case: Case,
                 parent: QWidget | None = None) -> None:
        super().__init__("联系记录", parent)
        self.services, self.user, self.case = services, user, case
        tz = services.workflow.tz
        lay = QVBoxLayout(self)
        status = "—"
        if case.notice_due is not None:
            done = notice_on_time(case)
            status = (f"须于 {local_text(case.notice_due, tz)} 前告知客户处理意见"
                      if done is None else
                      f"已于 {local_text(case.notified_at, tz)} 告知" + ("" if done else "（超时）"))
        self.notice = QLabel(f"处理意见告知：{status}")
        lay.addWidget(self.notice)
        self.entries = QLabel()
        self.entries.setWordWrap(True)
        lay.addWidget(self.entries)
        self.method = QComboBox()
        self.method.addItems(list(CONTACT_METHODS))
        self.kind = QComboBox()
        self.kind.addItems(list(CONTACT_KINDS))
        self.kind.setCurrentText(NOTICE_KIND)
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("告知/沟通的内容")
        self.reply = QLineEdit()
        self.reply.setPlaceholderText("客户的意见")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.add_button = QPushButton("添加联系记录")
        self.add_button.clicked.connect(self.add)
        form = QFormLayout()
        form.addRow("联系方式", self.method)
        form.addRow("类别", self.kind)
        form.addRow("沟通内容", self.summary)
        form.addRow("客户意见", self.reply)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.add_button)
        self.load()

    def load(self) -> None:
        tz = self.services.workflow.tz
        try:
            rows = self.services.contacts.entries(self.user, self.case.id or 0)
        except ServiceError as exc:
            self.entries.setText(exc.message)
            return
        self.entries.setText("\n".join(
            f"{local_text(e.at, tz)} {e.method}·{e.kind}：{e.summary}"
            + (f"（客户：{e.customer_reply}）" if e.customer_reply else "")
            for e in rows) or "暂无联系记录")

    def add(self) -> None:
        try:
            self.services.contacts.add(self.user, self.case.id or 0,
                                       method=self.method.currentText(),
                                       kind=self.kind.currentText(),
                                       summary=self.summary.text(),
                                       customer_reply=self.reply.text())
        except ServiceError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self.error.hide()
        self.summary.clear()
        self.reply.clear()
        self.added.emit()
