"""系统管理 → 投诉类别: the editable category list (DESIGN §5), one category a line.
Removing a category leaves the cases that have it as they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ...domain.records import User
from ...services.errors import ServiceError
from ..widgets.common import ERROR_STYLE

if TYPE_CHECKING:
    from ...services.container import Services


class CategoriesTab(QWidget):
    def __init__(self, services: Services, actor: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor = services, actor
        hint = QLabel("每行一个类别，按此顺序供“填单转派”选择。删除某个类别不影响已登记案件的类别；"
                      "系统新增的默认类别会自动加入，已删除的默认类别不会再出现。")
        hint.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addWidget(self.editor, 1)
        lay.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        self.editor.setPlainText("\n".join(self.services.settings.categories()))

    def names(self) -> list[str]:
        return [line for line in self.editor.toPlainText().split("\n") if line.strip()]

    def save(self) -> bool:
        try:
            saved = self.services.settings.put_categories(self.actor, self.names())
        except ServiceError as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(exc.message)
            return False
        self.editor.setPlainText("\n".join(saved))
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(f"投诉类别已保存（{len(saved)} 项）。")
        return True
