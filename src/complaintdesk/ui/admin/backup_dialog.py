"""文件 → 备份与恢复 (administrator): make a backup now — in the backups folder or a chosen
one (a USB drive: 文件 → 备份到…) — or restore one after seeing how old it is and what would
be lost (issue 13: the cases and steps written since, 否 the default). A restore keeps the
replaced database and restarts the application."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ...services.errors import ServiceError
from ..widgets.columns import ColumnSizer
from ..widgets.common import local_text, show_error

if TYPE_CHECKING:
    from ...services.container import Services


def pick_folder(parent: QWidget | None) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, "选择备份位置（如 U 盘）")
    return Path(folder) if folder else None


def backup_to_folder(parent: QWidget | None, services: Services, user: User,
                     pick: Callable[[QWidget | None], Path | None] = pick_folder
                     ) -> Path | None:
    """文件 → 备份到…: a backup into a folder the administrator picks; returns the file."""
    folder = pick(parent)
    if folder is None:
        return None
    try:
        path = services.backups.backup_now(user, to=folder)
    except ServiceError as exc:
        show_error(parent, exc)
        return None
    if path.parent.name == "damaged":
        QMessageBox.warning(parent, "备份到…", f"备份未通过完整性检查，已另存到 {path}。"
                            "请联系技术支持。")
    else:
        QMessageBox.information(parent, "备份到…", f"已备份到 {path}。")
    return path


class BackupDialog(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None,
                 confirm: Callable[[str], bool] | None = None,
                 on_restored: Callable[[], None] | None = None,
                 pick: Callable[[QWidget | None], Path | None] = pick_folder) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.tz = services.backups.tz
        self.confirm = confirm or self._ask
        self.pick = pick
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
        self.backup_to_button = QPushButton("备份到…")
        self.backup_to_button.setToolTip("备份到选定的文件夹，如 U 盘")
        self.backup_button.clicked.connect(self.backup_now)
        self.backup_to_button.clicked.connect(self.backup_to)
        self.restore_button.clicked.connect(self.restore_selected)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.backup_to_button)
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

    def backup_to(self) -> None:
        folder = self.pick(self)
        if folder is None:
            return
        try:
            path = self.services.backups.backup_now(self.user, to=folder)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.message.setText(f"已备份到 {path}")

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self.message.setText("请先在列表中选择一个备份")
            return
        info = self.infos[row]
        try:
            preview = self.services.backups.preview(self.user, info.path).text()
        except (ServiceError, OSError) as exc:  # an unreadable backup: say so, restore refuses
            preview = f"无法读取备份内容：{getattr(exc, 'message', exc)}"
        if not self.confirm(f"用备份“{info.path.name}”替换当前数据库？\n\n{preview}\n\n"
                            "当前数据库会另存一份（.replaced-时间），不会删除。恢复后程序将重新启动。"):
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
        """Yes/No with 否 the default: Enter must not throw away what came after the backup."""
        no, yes = QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes
        answer = QMessageBox.question(self, "从备份恢复", text, yes | no, no)
        return answer == yes
