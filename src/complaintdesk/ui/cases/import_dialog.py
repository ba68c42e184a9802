"""文件 → 导入历史台账 (issue 18 §3): pick an .xlsx; the headers the synonym table knows are
mapped, the rest asked for in the mapping dialog; the first rows are previewed as they
will be stored and every problem listed by row and column; nothing is stored until
导入 is pressed (and, with errors, only when 跳过错误行 is ticked)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.ledger_import import IGNORE
from ...domain.records import User
from ...services.ledger_import import (
    PREVIEW_HEADERS,
    STATUS_COLUMN,
    LedgerPreview,
    preview_rows,
)
from ..widgets.common import show_error
from ..widgets.workers import run_task

if TYPE_CHECKING:
    from ...services.container import Services

PREVIEW_ROWS = 50
_ERROR_BG = QBrush(QColor("#fde0e0"))
_WARN_BG = QBrush(QColor("#fff1cc"))
_DONE_FG = QBrush(QColor("#888888"))


def ask_ledger_path(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "选择投诉台账", "", "Excel 文件 (*.xlsx *.xlsm)")
    return Path(path) if path else None


class MappingDialog(QDialog):
    """Which field each ledger column is: the ones the synonym table knew are filled in,
    the rest chosen here (or left 不导入). Required fields are marked *."""

    def __init__(self, preview: LedgerPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("表头映射")
        self.resize(720, 480)
        self.preview = preview
        table = preview.table
        layout = preview.layout
        note = QLabel(f"工作表“{preview.plan.sheet}”，表头在第 {layout.row} 行。请为系统未能识别的"
                      "列选择对应的字段（* 为必填字段）；不需要的列选“不导入”。")
        note.setWordWrap(True)
        self.grid = QTableWidget(len(layout.columns), 4)
        self.grid.setHorizontalHeaderLabels(["列", "台账表头", "示例", "导入为"])
        self.grid.verticalHeader().hide()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.combos: list[QComboBox] = []
        for r, c in enumerate(layout.columns):
            self.grid.setItem(r, 0, QTableWidgetItem(c.letter))
            self.grid.setItem(r, 1, QTableWidgetItem(c.header or "（无表头）"))
            self.grid.setItem(r, 2, QTableWidgetItem(preview.samples.get(c.index, "")))
            box = QComboBox()
            box.addItem("不导入", IGNORE)
            for f in table.fields:
                box.addItem(f.label + (" *" if f.required else ""), f.key)
            box.setCurrentIndex(max(box.findData(c.field), 0) if c.field else 0)
            if c.field is None:
                self.grid.item(r, 1).setBackground(_WARN_BG)
            self.grid.setCellWidget(r, 3, box)
            self.combos.append(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.grid, 1)
        lay.addWidget(buttons)

    def set_field(self, header: str, key: str) -> None:
        """Choose the field of the column with this header (or letter)."""
        for c, box in zip(self.preview.layout.columns, self.combos, strict=True):
            if header in (c.header, c.letter):
                box.setCurrentIndex(box.findData(key))
                return
        raise KeyError(header)

    def mapping(self) -> dict[str, str]:
        """Every column's choice, keyed by its header (its letter when it has none)."""
        return {(c.header or c.letter): str(box.currentData())
                for c, box in zip(self.preview.layout.columns, self.combos, strict=True)}


class ImportLedgerDialog(QDialog):
    imported = Signal(object)  # the ImportResult

    def __init__(self, services: Services, user: User, parent: QWidget | None = None,
                 ask_path: Callable[[QWidget], Path | None] = ask_ledger_path) -> None:
        super().__init__(parent)
        self.services, self.user, self.ask_path = services, user, ask_path
        self.tz = services.cases.tz
        self.path: Path | None = None
        self.mapping: dict[str, str] = {}
        self.preview: LedgerPreview | None = None
        self.mapping_dialog: MappingDialog | None = None
        self.setWindowTitle("导入历史台账")
        self.resize(1180, 680)

        self.file_label = QLabel("请选择经销店原有的投诉台账（.xlsx）。导入的记录作为已结案的"
                                 "历史案件（历史导入），计入所在月份的统计和客户历史。")
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        self.mapping_button = QPushButton("表头映射…")
        self.mapping_button.setEnabled(False)
        self.mapping_button.clicked.connect(self.edit_mapping)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)
        top.addWidget(self.mapping_button)
        self.summary = QLabel("")
        self.summary.setStyleSheet("font-weight: bold;")

        self.table = QTableWidget(0, len(PREVIEW_HEADERS))
        self.table.setHorizontalHeaderLabels(list(PREVIEW_HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(False)
        self.problems = QListWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "预览（按导入后的样子）")
        self.tabs.addTab(self.problems, "问题")

        self.skip_errors = QCheckBox("跳过错误行，只导入无误的行")
        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.do_import)
        self.skip_errors.toggled.connect(lambda _on: self._update_button())
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        foot = QHBoxLayout()
        foot.addWidget(QLabel("点击“导入”前不会保存任何数据。"))
        foot.addStretch(1)
        foot.addWidget(self.skip_errors)
        foot.addWidget(self.import_button)
        foot.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(foot)

    # ---- reading -------------------------------------------------------------------------
    def choose_file(self) -> None:
        path = self.ask_path(self)
        if path is not None:
            self.load(path)

    def load(self, path: Path, mapping: dict[str, str] | None = None,
             ask_mapping: bool = True) -> None:
        """Read and check `path` with `mapping` (in a worker); then show it."""
        self.path, self.mapping = Path(path), dict(mapping or {})
        self.summary.setText("正在读取和检查台账…")
        self.import_button.setEnabled(False)
        services, m = self.services, dict(self.mapping)

        def done(preview: LedgerPreview) -> None:
            self.show_preview(preview)
            layout = preview.layout
            if ask_mapping and (layout.unmapped() or preview.plan.file_errors):
                self.edit_mapping()

        def failed(exc: BaseException) -> None:
            self.summary.setText(getattr(exc, "message", "") or "无法读取该文件。")
            show_error(self, exc, "无法导入")

        run_task(lambda: services.ledger.read(self.path, m), done, failed, owner=self)

    def show_preview(self, preview: LedgerPreview) -> None:
        self.preview = preview
        self.file_label.setText(f"{preview.path.name}（工作表“{preview.plan.sheet}”，表头在第 "
                                f"{preview.layout.row} 行）")
        self.mapping_button.setEnabled(True)
        self.summary.setText(preview.summary())
        rows = preview_rows(preview, self.tz, PREVIEW_ROWS)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            status = values[STATUS_COLUMN]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if status.startswith("错误"):
                    item.setBackground(_ERROR_BG)
                elif status == "已导入过":
                    item.setForeground(_DONE_FG)
                elif "（" in status and c == STATUS_COLUMN:
                    item.setBackground(_WARN_BG)
                if c == STATUS_COLUMN:
                    item.setToolTip(v)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in (STATUS_COLUMN, 14, 15):  # long text: a sensible width, the whole in the tooltip
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 240))
        self.problems.clear()
        lines = preview.problem_lines()
        self.problems.addItems(lines or ["没有发现问题。"])
        self.tabs.setTabText(1, f"问题（{len(lines)}）")
        self._update_button()

    def _update_button(self) -> None:
        p = self.preview
        if p is None:
            self.import_button.setEnabled(False)
            return
        n, m, _k = p.counts
        self.import_button.setEnabled(n > 0 and (m == 0 or self.skip_errors.isChecked())
                                      and not p.plan.file_errors)
        self.import_button.setText(f"导入 {n} 行" if n else "导入")

    # ---- mapping -------------------------------------------------------------------------
    def edit_mapping(self) -> MappingDialog | None:
        if self.preview is None:
            return None
        dialog = MappingDialog(self.preview, self)
        self.mapping_dialog = dialog

        def finished(result: int) -> None:
            self.mapping_dialog = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted and self.path is not None:
                self.load(self.path, dialog.mapping(), ask_mapping=False)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    # ---- storing -------------------------------------------------------------------------
    def do_import(self) -> None:
        preview = self.preview
        if preview is None:
            return
        self.import_button.setEnabled(False)
        self.summary.setText("正在导入…")
        services, user, skip = self.services, self.user, self.skip_errors.isChecked()

        def done(result: object) -> None:
            numbers = getattr(result, "numbers", ())
            span = f"（{numbers[0]} 至 {numbers[-1]}）" if numbers else ""
            self.summary.setText(f"已导入 {getattr(result, 'imported', 0)} 行{span}。"
                                 "导入的案件已结案，标记为“历史导入”。")
            self.preview = None
            self.imported.emit(result)

        def failed(exc: BaseException) -> None:
            self._update_button()
            self.summary.setText(getattr(exc, "message", "") or "导入失败。")
            show_error(self, exc, "导入失败")

        run_task(lambda: services.ledger.import_rows(user, preview, skip_errors=skip),
                 done, failed, owner=self)


__all__ = ["ImportLedgerDialog", "MappingDialog", "ask_ledger_path"]
