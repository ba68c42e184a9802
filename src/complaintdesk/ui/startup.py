"""What can show before the main window is filled: the damaged-database dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)


class DamagedDatabaseDialog(QDialog):
    """A damaged database is never reset silently: the user picks a backup or quits."""

    def __init__(self, message: str, backups: list[tuple[str, bool]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("数据库已损坏")
        self.setMinimumWidth(520)
        text = QLabel(message + "\n\n损坏的文件会被保留（改名为 .damaged），不会删除任何数据。")
        text.setWordWrap(True)
        self.backups = QListWidget()
        for label, ok in backups:
            self.backups.addItem(label)
            if not ok:
                item = self.backups.item(self.backups.count() - 1)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        first_ok = next((i for i, (_label, ok) in enumerate(backups) if ok), -1)
        self.backups.setCurrentRow(first_ok)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("从所选备份恢复",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(first_ok >= 0)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addWidget(QLabel("可用的备份（最新在上）：" if backups else "没有找到任何备份。"))
        lay.addWidget(self.backups)
        lay.addWidget(buttons)

    def chosen(self) -> int:
        return self.backups.currentRow()
