"""帮助 → 关于: the version, where the data and the log live, the font's licence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..paths import default_log_dir
from .tray import app_icon

if TYPE_CHECKING:
    from ..services.container import Services

APP_TITLE = "ComplaintDesk 客户投诉处理系统"
FONT_NOTE = ("界面与打印使用文泉驿微米黑（WenQuanYi Micro Hei）字体，"
             "按 Apache License 2.0 许可随程序分发。")
LOG_FILE = "complaintdesk.log"  # the name paths.setup_logging writes


def database_text(services: Services) -> str:
    """The SQLite file, or the server URL without its password."""
    path = services.config.sqlite_path
    if path is not None:
        return str(path)
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", services.config.url)


def _value(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(380)
    return label


class AboutDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("关于 ComplaintDesk")
        self.data_dir: Path | None = services.data_dir

        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        title = QLabel(APP_TITLE)
        title.setStyleSheet("font-size: 16px; font-weight: bold;")
        blurb = QLabel("4S 店客户投诉登记、处理流程、过失单与考核统计。")
        blurb.setWordWrap(True)

        self.version_label = _value(__version__)
        self.data_dir_label = _value(str(self.data_dir) if self.data_dir else "—")
        self.database_label = _value(database_text(services))
        self.log_label = _value(str(default_log_dir() / LOG_FILE))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("版本", self.version_label)
        form.addRow("数据文件夹", self.data_dir_label)
        form.addRow("数据库", self.database_label)
        form.addRow("日志文件", self.log_label)
        font = QLabel(FONT_NOTE)
        font.setWordWrap(True)
        font.setStyleSheet("color: #666;")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        self.open_folder = QPushButton("打开数据文件夹")
        self.open_folder.setEnabled(self.data_dir is not None)
        self.open_folder.clicked.connect(self._open_data_dir)
        buttons.addButton(self.open_folder, QDialogButtonBox.ButtonRole.ActionRole)

        head = QVBoxLayout()
        head.addWidget(title)
        head.addWidget(blurb)
        lay = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow(icon, head)
        lay.addLayout(top)
        lay.addSpacing(6)
        lay.addLayout(form)
        lay.addSpacing(6)
        lay.addWidget(font)
        lay.addWidget(buttons)

    def _open_data_dir(self) -> None:
        if self.data_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir)))
