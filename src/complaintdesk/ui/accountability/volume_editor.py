"""业务量录入: departments × the twelve months of a year, one number per cell (vehicles
delivered or repair orders — whatever the department's complaint rate divides by).
Saved through the service, which validates; a wrong cell is marked and named."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ...services.errors import ServiceError
from ...services.reports import VOLUME_ROLES, parse_volume
from ..widgets.common import ERROR_STYLE

if TYPE_CHECKING:
    from ...services.container import Services

BAD_CELL = QBrush(QColor("#fdecea"))


class VolumeEditor(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None,
                 year: int | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.setWindowTitle("业务量录入")
        self.editable = any(user.has(r) for r in VOLUME_ROLES)
        self.loaded: dict[tuple[int, int], int] = {}
        self.departments: list[tuple[int, str]] = []
        now = services.clock.now().astimezone(services.reports.tz)
        self.year = QSpinBox()
        self.year.setRange(2000, 2999)
        self.year.setSuffix(" 年")
        self.year.setValue(year or now.year)
        self.year.valueChanged.connect(self._year_changed)
        self._shown_year = self.year.value()
        hint = QLabel("每格填该部门当月的业务量（整数，如交车台数、维修工单数）；投诉率 = 投诉量 ÷ 业务量。"
                      "空格表示未录入，统计中显示“—”。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(QLabel("年份"))
        top.addWidget(self.year)
        top.addStretch(1)
        self.table = QTableWidget(0, 12)
        self.table.setHorizontalHeaderLabels([f"{m}月" for m in range(1, 13)])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.error = QLabel("")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.save_button.setEnabled(self.editable)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(hint)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(900, 420)
        self.load()

    def load(self) -> None:
        try:
            table = self.services.reports.volumes(self.user, self.year.value())
        except ServiceError as exc:
            self.error.setText(exc.message)
            return
        self._shown_year = self.year.value()
        self.loaded = dict(table.values)
        self.departments = table.departments
        self.table.blockSignals(True)
        self.table.setRowCount(len(table.departments))
        self.table.setVerticalHeaderLabels([name for _id, name in table.departments])
        for r, (dept, _name) in enumerate(table.departments):
            for m in range(1, 13):
                v = table.values.get((dept, m))
                item = QTableWidgetItem("" if v is None else str(v))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if not self.editable:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, m - 1, item)
        self.table.blockSignals(False)
        self.error.clear()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        item.setBackground(QBrush())
        item.setToolTip("")

    def changes(self) -> tuple[dict[tuple[int, str], str], list[str]]:
        """The edited cells ((department, "YYYY-MM") → text) and the problems found."""
        out: dict[tuple[int, str], str] = {}
        problems: list[str] = []
        year = self._shown_year
        for r, (dept, name) in enumerate(self.departments):
            for m in range(1, 13):
                item = self.table.item(r, m - 1)
                text = item.text().strip() if item is not None else ""
                before = self.loaded.get((dept, m))
                if text == ("" if before is None else str(before)):
                    continue
                where = f"{name} {m}月"
                if not text:
                    problems.append(f"{where}：已录入的业务量不能清空，如无业务请填 0")
                else:
                    try:
                        parse_volume(text)
                    except ServiceError as exc:
                        problems.append(f"{where}：{exc.message}")
                    else:
                        out[(dept, f"{year:04d}-{m:02d}")] = text
                        continue
                if item is not None:
                    item.setBackground(BAD_CELL)
                    item.setToolTip(problems[-1])
        return out, problems

    def save(self) -> bool:
        self.error.setStyleSheet(ERROR_STYLE)
        values, problems = self.changes()
        if problems:
            self.error.setText(";".join(problems[:3]) + (" …" if len(problems) > 3 else ""))
            return False
        try:
            n = self.services.reports.set_volumes(self.user, values)
        except ServiceError as exc:
            self.error.setText(exc.message)
            return False
        self.load()
        self.error.setText(f"已保存 {n} 项" if n else "没有改动")
        self.error.setStyleSheet("color: #2e7d32;" if n else "color: #666;")
        return True

    def _year_changed(self, _year: int) -> None:
        values, _problems = self.changes()
        if values or _problems:
            answer = QMessageBox.question(self, "业务量录入", f"{self._shown_year}年有未保存的改动，保存吗？",
                                          QMessageBox.StandardButton.Save
                                          | QMessageBox.StandardButton.Discard)
            if answer == QMessageBox.StandardButton.Save and not self.save():
                self.year.blockSignals(True)
                self.year.setValue(self._shown_year)
                self.year.blockSignals(False)
                return
        self.error.setStyleSheet(ERROR_STYLE)
        self.load()
