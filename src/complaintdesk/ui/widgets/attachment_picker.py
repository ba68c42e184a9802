"""Evidence files for a new complaint: add/remove, ≤ 20 MB each (DESIGN §5)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

MAX_BYTES = 20 * 1024 * 1024
FILE_FILTER = ("证据文件 (*.jpg *.jpeg *.png *.bmp *.gif *.heic *.webp *.pdf *.mp3 *.m4a *.wav "
               "*.amr *.aac *.ogg);;所有文件 (*)")


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, size // 1024)} KB"


def mime_of(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class AttachmentPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setFixedHeight(76)
        self.add_button = QPushButton("添加文件…")
        self.remove_button = QPushButton("移除")
        self.remove_button.setEnabled(False)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.list, 1)
        lay.addLayout(buttons)
        self.add_button.clicked.connect(self._choose)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.remove_button.clicked.connect(self._remove)
        self.list.currentRowChanged.connect(lambda r: self.remove_button.setEnabled(r >= 0))

    def paths(self) -> list[Path]:
        return [Path(self.list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.list.count())]

    def add_paths(self, paths: list[Path]) -> list[str]:
        """Adds the files that exist and are small enough; returns the refusals (Chinese)."""
        refused: list[str] = []
        known = set(self.paths())
        for p in paths:
            if p in known:
                continue
            if not p.is_file():
                refused.append(f"找不到文件“{p.name}”")
                continue
            size = p.stat().st_size
            if size > MAX_BYTES:
                refused.append(f"“{p.name}”有 {size_text(size)}，超过 20 MB，不能添加（请压缩后再试）")
                continue
            item = QListWidgetItem(f"{p.name}  ({size_text(size)})")
            item.setData(Qt.ItemDataRole.UserRole, str(p))
            item.setToolTip(str(p))
            self.list.addItem(item)
            known.add(p)
        if paths:
            self.changed.emit()
        return refused

    def _choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "选择证据文件（照片、PDF、录音）", "",
                                                FILE_FILTER)
        refused = self.add_paths([Path(n) for n in names])
        if refused:
            QMessageBox.warning(self, "附件未添加", "\n".join(refused))

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()
