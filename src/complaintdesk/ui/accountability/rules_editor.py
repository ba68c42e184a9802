"""The rule table editor (DESIGN §6: rules are data the administrator edits).

One row per rule, cells edited in place; the penalty cells open the penalty editor.
Rules exist per flow kind (DESIGN §6): the 适用流程 picker above the table shows one flow's
table (its own rows and the rows that apply to every flow), or all of them; a rule added
while a flow is shown belongs to that flow.
Saving sends the whole table to the service, which validates it and answers with every
problem in Chinese (第N行 … field …) and its row; those are listed under the table and the
first bad row is selected. Nothing is saved until the table is valid.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import FeedbackKind, FlowKind, Responsibility, Severity, User
from ...domain.rule_table import (
    ALL_FLOWS,
    new_row,
    penalties_text,
    shown_for_flow,
    source_after_edit,
)
from ...domain.rules import (
    FLOW_LABELS,
    OCCASION_LABELS,
    Occasion,
    RuleSource,
    penalties_from_raw,
    penalties_to_raw,
)
from ...services.accountability import RulesInvalid
from ...services.errors import ServiceError
from ..widgets.columns import ColumnSizer
from ..widgets.common import ERROR_STYLE, sentence, show_error
from .penalty_editor import PenaltyDialog

if TYPE_CHECKING:
    from ...services.container import Services

ANY = "（任意）"
# (key, title, kind): kind "text", an enum for a combo, "bool" or "penalties"
COLUMNS: tuple[tuple[str, str, Any], ...] = (
    ("id", "规则编号", "text"),
    ("clause", "依据条款", "text"),
    ("occasion", "适用场合", Occasion),
    ("flow", "适用流程", FlowKind),
    ("feedback_kind", "反馈类型", FeedbackKind),
    ("severity", "严重程度", Severity),
    ("category", "类别", "text"),
    ("responsibility", "责任认定", Responsibility),
    ("breach", "是否超时", "bool"),
    ("penalties", "处罚/奖励（双击编辑）", "penalties"),
    ("repeat_in_month_adds", "同月再犯追加（双击编辑）", "penalties"),
    ("source", "金额来源", RuleSource),
)
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
PENALTIES_COL = 9


def _label(member: StrEnum) -> str:
    if isinstance(member, Occasion):
        return OCCASION_LABELS[member]
    if isinstance(member, FlowKind):
        return FLOW_LABELS[member]
    if isinstance(member, RuleSource):
        return member.label
    return getattr(member, "label", member.value)


class RulesEditor(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.setWindowTitle("奖惩规则")
        self.resize(1200, 620)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(
            "空白或“（任意）”表示不限；匹配条件最多的规则优先，条件相同时靠前的规则优先。\n"
            "制度（001 §五.2–3）只规定奖惩种类，未规定金额和分值：出厂金额均为本系统默认值，"
            "请按本店实际修改；修改金额后“金额来源”改为“本店规定”。"))
        picker = QHBoxLayout()
        picker.addWidget(QLabel("显示流程："))
        self.flow_filter = QComboBox()
        self.flow_filter.addItem("全部规则", ALL_FLOWS)
        for kind in FlowKind:
            self.flow_filter.addItem(FLOW_LABELS[kind], kind.value)
        self.flow_filter.currentIndexChanged.connect(self.apply_filter)
        picker.addWidget(self.flow_filter)
        picker.addStretch(1)
        lay.addLayout(picker)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([c[1] for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.cellDoubleClicked.connect(self._edit_penalties)
        lay.addWidget(self.table, 1)
        self.errors = QListWidget()
        self.errors.setStyleSheet(ERROR_STYLE)
        self.errors.setMaximumHeight(120)
        self.errors.hide()
        self.errors.itemClicked.connect(
            lambda item: self._select_row(item.data(Qt.ItemDataRole.UserRole)))
        lay.addWidget(self.errors)
        row = QHBoxLayout()
        add, remove, up = QPushButton("添加规则"), QPushButton("删除所选"), QPushButton("上移")
        self.save_button, close = QPushButton("保存"), QPushButton("关闭")
        add.clicked.connect(self._add_rule)
        remove.clicked.connect(self._remove)
        up.clicked.connect(self._move_up)
        self.save_button.clicked.connect(self.save)
        close.clicked.connect(self.reject)
        for b in (add, remove, up):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(close)
        lay.addLayout(row)
        for r in services.accountability.rules():
            self.add_row(r)
        # not sortable: the order of the rules is their priority. 处罚/奖励 takes the spare
        # width; a long 依据条款 is capped (and wraps) rather than pushing the rest away.
        self.columns = ColumnSizer(self.table, "rules", stretch=PENALTIES_COL)

    # ---- rows ---------------------------------------------------------------------------
    def add_row(self, raw: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._write_row(row, raw)

    def _add_rule(self) -> None:
        self.add_row(new_row(self.flow_filter.currentData()))
        self.table.selectRow(self.table.rowCount() - 1)

    def apply_filter(self) -> None:
        """Show one flow's table: its own rows and those for every flow (flow empty)."""
        shown = self.flow_filter.currentData()
        for row in range(self.table.rowCount()):
            self.table.setRowHidden(row, not shown_for_flow(self.row_values(row), shown))

    def visible_rows(self) -> list[int]:
        return [r for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)]

    def _write_row(self, row: int, raw: dict[str, Any]) -> None:
        for col, (key, _title, kind) in enumerate(COLUMNS):
            value = raw.get(key)
            if kind == "text":
                self.table.setItem(row, col, QTableWidgetItem(str(value or "")))
            elif kind == "penalties":
                self._set_penalties(row, col, list(value or []))
            else:
                combo = QComboBox()
                if kind == "bool":
                    for text, data in ((ANY, None), ("是", True), ("否", False)):
                        combo.addItem(text, data)
                else:
                    if kind not in (Occasion, RuleSource):
                        combo.addItem("（所有流程）" if kind is FlowKind else ANY, None)
                    for member in kind:
                        combo.addItem(_label(member), member.value)
                i = combo.findData(value)
                if i < 0 and value not in (None, ""):  # keep an unknown value visible
                    combo.addItem(str(value), value)
                    i = combo.count() - 1
                combo.setCurrentIndex(max(i, 0))
                self.table.setCellWidget(row, col, combo)

    def _set_penalties(self, row: int, col: int, raw: list[dict[str, Any]]) -> None:
        item = QTableWidgetItem(penalties_text(raw))
        item.setData(RAW_ROLE, raw)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, col, item)

    def _edit_penalties(self, row: int, col: int) -> None:
        if COLUMNS[col][2] != "penalties":
            return
        raw = self.table.item(row, col).data(RAW_ROLE) or []
        occasion = self.row_values(row).get("occasion", "fault")
        dialog = PenaltyDialog(COLUMNS[col][1].split("（")[0], penalties_from_raw(raw),
                               reward=occasion != "fault", ask_reason=False, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            new = penalties_to_raw(dialog.penalties())
            combo = self.table.cellWidget(row, [c[0] for c in COLUMNS].index("source"))
            if isinstance(combo, QComboBox):
                source = source_after_edit(combo.currentData(), raw, new)
                combo.setCurrentIndex(max(combo.findData(source), 0))
            self._set_penalties(row, col, new)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _move_up(self) -> None:
        row = self.table.currentRow()
        if row > 0:
            above, this = self.row_values(row - 1), self.row_values(row)
            self._write_row(row - 1, this)
            self._write_row(row, above)
            self.table.selectRow(row - 1)

    def row_values(self, row: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for col, (key, _title, kind) in enumerate(COLUMNS):
            if kind == "text":
                item = self.table.item(row, col)
                text = item.text().strip() if item else ""
                if text or key in ("id", "clause"):
                    out[key] = text
            elif kind == "penalties":
                item = self.table.item(row, col)
                raw = (item.data(RAW_ROLE) if item else None) or []
                if raw or key == "penalties":
                    out[key] = raw
            else:
                combo = self.table.cellWidget(row, col)
                value = combo.currentData() if isinstance(combo, QComboBox) else None
                if value is not None:
                    out[key] = value
        return out

    def table_values(self) -> list[dict[str, Any]]:
        return [self.row_values(r) for r in range(self.table.rowCount())]

    # ---- saving -------------------------------------------------------------------------
    def save(self) -> bool:
        self.errors.clear()
        try:
            self.services.accountability.save_rules(self.user, self.table_values())
        except RulesInvalid as exc:
            for problem in exc.problems:  # each with its row, to select when clicked
                item = QListWidgetItem(sentence(problem.message))
                item.setData(Qt.ItemDataRole.UserRole, problem.row)
                self.errors.addItem(item)
            self.errors.show()
            self._select_row(exc.row)
            return False
        except ServiceError as exc:
            show_error(self, exc)
            return False
        self.errors.hide()
        box = QMessageBox(QMessageBox.Icon.Information, "已保存", "奖惩规则已保存，新的拟开具将按此规则计算。",
                          parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return True

    def _select_row(self, row: int | None) -> None:
        """The first bad row, as the service names it (RulesInvalid.row)."""
        if row is not None and 0 <= row < self.table.rowCount():
            if self.table.isRowHidden(row):  # a problem in another flow's table: show all
                self.flow_filter.setCurrentIndex(0)
            self.table.selectRow(row)
