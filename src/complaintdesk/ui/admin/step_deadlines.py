"""流程设置 → 各步骤期限: every step deadline of the three flows (DESIGN §4) as data, each
beside its product default (labelled 默认); a row set back to its default stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHeaderView, QSpinBox, QTableWidget, QTableWidgetItem

from ...domain.workflow import WorkflowSettings
from ...domain.workflow.deadlines import STEP_DEADLINE_LIMITS, DeadlineKind, DeadlineRule
from ...domain.workflow.flows import FLOWS

UNITS = ((DeadlineKind.HOURS, "小时"), (DeadlineKind.DAYS, "天"), (DeadlineKind.SAME_DAY, "当天"))
COLUMNS = ("流程", "步骤", "默认", "期限", "单位")


def rule_text(rule: DeadlineRule, amount: int | None = None) -> str:
    n = rule.amount if amount is None else amount
    if rule.kind is DeadlineKind.SAME_DAY:
        return "当天"
    return f"{n} {'小时' if rule.kind is DeadlineKind.HOURS else '天'}"


@dataclass(slots=True)
class _Row:
    key: str
    default: DeadlineRule
    amount: QSpinBox
    unit: QComboBox


class StepDeadlinesTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().hide()
        self.rows: list[_Row] = []
        for flow in FLOWS.values():
            for key, sdef in flow.steps.items():
                if sdef.deadline.kind is DeadlineKind.NONE:
                    continue
                self._add(flow.kind.label, key, sdef.title, sdef.deadline)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def _add(self, flow: str, key: str, title: str, default: DeadlineRule) -> None:
        r = self.rowCount()
        self.insertRow(r)
        for c, text in enumerate((flow, title, f"默认 {rule_text(default)}")):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.setItem(r, c, item)
        amount, unit = QSpinBox(), QComboBox()
        for kind, label in UNITS:
            unit.addItem(label, kind)
        if default.setting:  # 部门安排: an hours setting of its own
            unit.setEnabled(False)
        row = _Row(key, default, amount, unit)
        unit.currentIndexChanged.connect(lambda _i, row=row: self._unit_changed(row))
        amount.valueChanged.connect(lambda _v, row=row: self._mark(row))
        self.setCellWidget(r, 3, amount)
        self.setCellWidget(r, 4, unit)
        self.rows.append(row)

    def _unit_changed(self, row: _Row) -> None:
        kind = DeadlineKind(row.unit.currentData())
        row.amount.setEnabled(kind is not DeadlineKind.SAME_DAY)
        row.amount.setRange(1, STEP_DEADLINE_LIMITS.get(kind, 1))
        self._mark(row)

    def _mark(self, row: _Row) -> None:
        """A deadline that differs from the product default is shown in bold."""
        changed = self._rule(row) != DeadlineRule(row.default.kind, row.default.amount)
        i = self.rows.index(row)
        for c in range(3):
            item = self.item(i, c)
            if item is not None:
                font = QFont(item.font())
                font.setBold(changed)
                item.setFont(font)

    def _rule(self, row: _Row) -> DeadlineRule:
        kind = DeadlineKind(row.unit.currentData())
        return DeadlineRule(kind, 0 if kind is DeadlineKind.SAME_DAY else row.amount.value())

    def row_for(self, key: str) -> _Row:
        return next(r for r in self.rows if r.key == key)

    def load(self, settings: WorkflowSettings) -> None:
        for row in self.rows:
            if row.default.setting:
                rule = DeadlineRule(row.default.kind, int(getattr(settings, row.default.setting)))
            else:
                rule = settings.rule_for(row.key, row.default)
            row.unit.setCurrentIndex(row.unit.findData(rule.kind))
            self._unit_changed(row)
            row.amount.setValue(max(rule.amount, 1))
            self._mark(row)

    def value(self) -> dict[str, Any]:
        """The settings' part: {"step_deadlines": {...}, plus a setting a default reads}."""
        out: dict[str, Any] = {}
        steps: dict[str, dict[str, Any]] = {}
        for row in self.rows:
            rule = self._rule(row)
            if row.default.setting:
                out[row.default.setting] = rule.amount
            elif rule != DeadlineRule(row.default.kind, row.default.amount):
                steps[row.key] = {"kind": rule.kind.value, "amount": rule.amount}
        out["step_deadlines"] = steps
        return out

    def reset_defaults(self) -> None:
        self.load(WorkflowSettings())
