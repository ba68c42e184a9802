"""The penalty editor: kinds, ¥, points (+ a reason) — for 修改处罚, 签批, 裁决 and the rules.

It only collects what was typed; whether it is acceptable is the domain's call (the
service answers with a Chinese message that names the item).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import Penalty, PenaltyKind
from ..widgets.common import FieldError

COLUMNS = ("类型", "金额（元）", "分值", "备注")


class PenaltyTable(QTableWidget):
    """One row per penalty: a kind combo, ¥ and points spin boxes, a note."""

    def __init__(self, penalties: list[Penalty], *, reward: bool | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.kinds = [k for k in PenaltyKind if reward is None or k.is_reward == reward]
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.setMinimumWidth(520)
        for p in penalties:
            self.add_row(p)

    def add_row(self, p: Penalty | None = None) -> None:
        row = self.rowCount()
        self.insertRow(row)
        kind = QComboBox()
        for k in self.kinds:
            kind.addItem(k.label, k.value)
        amount, points = QSpinBox(), QSpinBox()
        amount.setRange(0, 1_000_000)
        amount.setSuffix(" 元")
        points.setRange(0, 1000)
        points.setSuffix(" 分")
        note = QPlainTextEdit()
        note.setMaximumHeight(28)
        if p is not None:
            i = kind.findData(p.kind.value)
            if i < 0:  # a kind outside this table's set (e.g. an old reward): keep it visible
                kind.addItem(p.kind.label, p.kind.value)
                i = kind.count() - 1
            kind.setCurrentIndex(i)
            amount.setValue(p.amount)
            points.setValue(p.points)
            note.setPlainText(p.note)
        self.setCellWidget(row, 0, kind)
        self.setCellWidget(row, 1, amount)
        self.setCellWidget(row, 2, points)
        self.setCellWidget(row, 3, note)
        self.setRowHeight(row, 32)

    def remove_current(self) -> None:
        row = self.currentRow()
        if row >= 0:
            self.removeRow(row)

    def penalties(self) -> list[Penalty]:
        out = []
        for row in range(self.rowCount()):
            kind = self.cellWidget(row, 0)
            amount, points = self.cellWidget(row, 1), self.cellWidget(row, 2)
            note = self.cellWidget(row, 3)
            assert isinstance(kind, QComboBox) and isinstance(amount, QSpinBox)
            assert isinstance(points, QSpinBox) and isinstance(note, QPlainTextEdit)
            out.append(Penalty(PenaltyKind(kind.currentData()), amount=amount.value(),
                               points=points.value(), note=note.toPlainText().strip()))
        return out


class PenaltyDialog(QDialog):
    """Edit a list of penalties, optionally with the reason the change needs (§6)."""

    def __init__(self, title: str, penalties: list[Penalty], *, reward: bool | None,
                 ask_reason: bool = True, reason_label: str = "修改原因（必填）",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        self.table = PenaltyTable(penalties, reward=reward)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        add, remove = QPushButton("添加一项"), QPushButton("删除所选")
        add.clicked.connect(lambda: self.table.add_row())
        remove.clicked.connect(self.table.remove_current)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)
        self.reason: QPlainTextEdit | None = None
        if ask_reason:
            lay.addWidget(QLabel(reason_label))
            self.reason = QPlainTextEdit()
            self.reason.setMaximumHeight(70)
            lay.addWidget(self.reason)
        self.error = FieldError()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _accept(self) -> None:
        if self.reason is not None and not self.reason.toPlainText().strip():
            self.error.show_message("请填写修改原因：处罚的每次修改都要记录原因")
            return
        self.accept()

    def penalties(self) -> list[Penalty]:
        return self.table.penalties()

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip() if self.reason is not None else ""
