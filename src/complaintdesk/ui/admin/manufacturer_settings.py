"""系统管理 → 厂家转办: the brands the manufacturer's hotline forwards from, each brand's
milestones (blank = the default row's), and the days that change the working-day count
(节假日, 调休上班日). The shipped numbers are product defaults (resources/manufacturer.json)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import manufacturer as M
from ...domain.manufacturer import ManufacturerSettings, MilestoneRule
from ...domain.records import User
from ...services.errors import ServiceError
from ..widgets.common import ERROR_STYLE

if TYPE_CHECKING:
    from ...services.container import Services

DEFAULT_ROW = "（默认：所有品牌）"
_UNITS = {"小时": M.HOURS, "工作日": M.WORKING_DAYS}
_RULE_RE = re.compile(r"^\s*(\d{1,4})\s*(小时|个?工作日)\s*$")


def rule_text(rule: MilestoneRule) -> str:
    return f"{rule.amount}{'小时' if rule.kind == M.HOURS else '工作日'}"


def parse_rule(key: str, text: str) -> MilestoneRule:
    m = _RULE_RE.match(text)
    if m is None:
        raise ValueError(f"「{M.MILESTONE_LABELS[key]}」的时限应写成“24小时”或“3工作日”：{text}。")
    return MilestoneRule(key, _UNITS[m.group(2).lstrip("个")], int(m.group(1)))


def _dates(text: str, label: str) -> frozenset[date]:
    out = set()
    for line in text.split():
        try:
            out.add(date.fromisoformat(line.strip()))
        except ValueError:
            raise ValueError(f"「{label}」中的日期应写成 2026-10-01：{line}。") from None
    return frozenset(out)


class ManufacturerTab(QWidget):
    def __init__(self, services: Services, actor: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor = services, actor
        hint = QLabel("厂家转办的品牌和各时限节点（从厂家转办时间起算）。品牌行的时限留空则用默认行的。"
                      "默认值为本产品默认（取自厂家公开的经销商规定：24小时、3个工作日、5个工作日），"
                      "非本店制度规定。工作日为周一至周五，扣除营业日历的休息日和下列节假日，加上调休上班日。")
        hint.setWordWrap(True)
        self.table = QTableWidget(0, 1 + len(M.MILESTONE_KEYS))
        self.table.setHorizontalHeaderLabels(
            ["厂家品牌", *(M.MILESTONE_LABELS[k] for k in M.MILESTONE_KEYS)])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 180)
        self.add_button = QPushButton("添加品牌")
        self.add_button.clicked.connect(self.add_brand)
        self.remove_button = QPushButton("删除所选品牌")
        self.remove_button.clicked.connect(self.remove_brand)
        self.holidays = QPlainTextEdit()
        self.holidays.setPlaceholderText("每行一个日期，如 2026-10-01")
        self.workdays = QPlainTextEdit()
        self.workdays.setPlaceholderText("每行一个日期，如 2026-10-10")
        days = QHBoxLayout()
        for label, edit in (("节假日", self.holidays), ("调休上班日", self.workdays)):
            col = QVBoxLayout()
            col.addWidget(QLabel(label))
            col.addWidget(edit)
            days.addLayout(col)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        rows = QHBoxLayout()
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove_button)
        rows.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addWidget(self.table, 2)
        lay.addLayout(rows)
        lay.addLayout(days, 1)
        lay.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        s = self.services.manufacturer.settings()
        self.table.setRowCount(0)
        self._add_row(DEFAULT_ROW, s.default_rules, fixed=True)
        for b in s.brands:
            self._add_row(b, s.rules.get(b, ()))
        self.holidays.setPlainText("\n".join(sorted(d.isoformat() for d in s.holidays)))
        self.workdays.setPlainText("\n".join(sorted(d.isoformat() for d in s.workdays)))

    def _add_row(self, brand: str, rules: tuple[MilestoneRule, ...], fixed: bool = False) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        name = QTableWidgetItem(brand)
        if fixed:
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 0, name)
        by_key = {rule.key: rule for rule in rules}
        for c, key in enumerate(M.MILESTONE_KEYS, 1):
            rule = by_key.get(key)
            self.table.setItem(r, c, QTableWidgetItem(rule_text(rule) if rule else ""))

    def add_brand(self) -> None:
        self._add_row("", ())
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0))

    def remove_brand(self) -> None:
        r = self.table.currentRow()
        if r > 0:  # the default row stays
            self.table.removeRow(r)

    def _cell(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item is not None else ""

    def settings(self) -> ManufacturerSettings:
        """What the tab holds, checked; ValueError with a Chinese message naming the cell."""
        default = []
        for c, key in enumerate(M.MILESTONE_KEYS, 1):
            text = self._cell(0, c)
            if not text:
                raise ValueError(f"默认行的「{M.MILESTONE_LABELS[key]}」时限不能为空。")
            default.append(parse_rule(key, text))
        brands: list[str] = []
        rules: dict[str, tuple[MilestoneRule, ...]] = {}
        for r in range(1, self.table.rowCount()):
            brand = self._cell(r, 0)
            if not brand:
                raise ValueError(f"第 {r} 个品牌的「厂家品牌」名称不能为空。")
            if brand in brands:
                raise ValueError(f"「厂家品牌」{brand} 重复了。")
            brands.append(brand)
            own = {key: self._cell(r, c) for c, key in enumerate(M.MILESTONE_KEYS, 1)}
            if any(own.values()):  # the blanks take the default row's
                rules[brand] = tuple(parse_rule(k, own[k]) if own[k] else d
                                     for k, d in zip(M.MILESTONE_KEYS, default, strict=True))
        return ManufacturerSettings(
            brands=tuple(brands), rules=rules, default_rules=tuple(default),
            holidays=_dates(self.holidays.toPlainText(), "节假日"),
            workdays=_dates(self.workdays.toPlainText(), "调休上班日"))

    def save(self) -> bool:
        try:
            self.services.manufacturer.put_settings(self.actor, self.settings())
        except (ServiceError, ValueError) as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(getattr(exc, "message", None) or str(exc))
            return False
        self.refresh()
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText("厂家转办设置已保存：新登记的厂家转办案件按新时限计算，已登记的不变。")
        return True
