"""文件 → 备份与恢复 (administrator): make a backup now, or restore one after seeing what it
holds. A restore keeps the replaced database and restarts the application."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.records import User
from ..services.errors import ServiceError
from .columns import ColumnSizer
from .common import local_text, show_error

if TYPE_CHECKING:
    from ..services.container import Services


class BackupDialog(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None,
                 confirm: Callable[[str], bool] | None = None,
                 on_restored: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.tz = services.backups.tz
        self.confirm = confirm or self._ask
        self.on_restored = on_restored
        self.setWindowTitle("备份与恢复")
        self.resize(640, 380)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["备份文件", "时间", "案件数", "状态"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.message = QLabel("每天自动备份一次（保留 30 份），升级数据库前也会自动备份。")
        self.message.setWordWrap(True)
        self.backup_button = QPushButton("立即备份")
        self.restore_button = QPushButton("从所选备份恢复…")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addLayout(row)
        lay.addWidget(self.table, 1)
        lay.addWidget(close)
        self.columns = ColumnSizer(self.table, "backups", stretch=0)  # 备份文件
        self.reload()

    def reload(self) -> None:
        try:
            self.infos = self.services.backups.list(self.user)
        except ServiceError as exc:
            self.infos = []
            self.message.setText(exc.message)
            self.backup_button.setEnabled(False)
        self.table.setRowCount(len(self.infos))
        for r, info in enumerate(self.infos):
            # the file time is the PC's clock; shown in the dealership's zone like every time
            for c, text in enumerate((info.path.name, local_text(info.created, self.tz),
                                      "—" if info.cases is None else str(info.cases),
                                      "完好" if info.ok else "已损坏")):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.columns.fit()
        self.restore_button.setEnabled(bool(self.infos))

    def backup_now(self) -> None:
        try:
            path = self.services.backups.backup_now(self.user)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.reload()
        self.message.setText(f"已备份到 {path}")

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self.message.setText("请先在列表中选择一个备份")
            return
        info = self.infos[row]
        if not self.confirm(f"用备份“{info.path.name}”（{info.cases} 个案件）替换当前数据库？\n"
                            "当前数据库会另存一份，不会删除。恢复后程序将重新启动。"):
            return
        try:
            kept = self.services.backups.restore(self.user, info.path)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.message.setText(f"已恢复。原数据库保存在 {kept}")
        self.accept()
        if self.on_restored is not None:
            self.on_restored()

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "从备份恢复", text)
        return answer == QMessageBox.StandardButton.Yes
