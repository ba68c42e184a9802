"""A note inside an empty table ("没有找到符合条件的案件"), so that an empty result reads as
an answer rather than as a list that failed to load. It sits over the table's viewport
(the header stays visible) and may offer one action, such as clearing the filters."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self._viewport = view.viewport()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 12pt; color: #555;")
        self.detail = QLabel()
        self.detail.setStyleSheet("color: #777;")
        self.detail.setWordWrap(True)
        self.action = QPushButton()
        self.action.hide()
        self._on_action: Callable[[], None] | None = None
        self.action.clicked.connect(self._act)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        for w in (self.title, self.detail):
            w.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            w.setTextFormat(Qt.TextFormat.PlainText)
            lay.addWidget(w)
        lay.addSpacing(6)
        lay.addWidget(self.action, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(2)
        self._viewport.installEventFilter(self)
        self.hide()

    def show_message(self, title: str, detail: str = "", action: str = "",
                     on_action: Callable[[], None] | None = None) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self._on_action = on_action
        self.action.setText(action)
        self.action.setVisible(bool(action) and on_action is not None)
        self.setGeometry(self._viewport.rect())
        self.show()
        self.raise_()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if obj is self._viewport and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._viewport.rect())
        return False

    def _act(self) -> None:
        if self._on_action is not None:
            self._on_action()
