"""Small helpers shared by the widgets: local time, error labels, message boxes."""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

ERROR_STYLE = "color: #c62828;"
WARNING_STYLE = "color: #b26a00;"


def local_text(when: datetime | None, tz: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if when is None else when.astimezone(tz).strftime(fmt)


class FieldError(QLabel):
    """A red line under a form field; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(ERROR_STYLE)
        self.hide()

    def show_message(self, text: str, warning: bool = False) -> None:
        self.setStyleSheet(WARNING_STYLE if warning else ERROR_STYLE)
        self.setText(text)
        self.setVisible(bool(text))


def with_error(field: QWidget, error: FieldError) -> QWidget:
    """The field with its error label beneath, as one form-layout cell."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    lay.addWidget(field)
    lay.addWidget(error)
    # grow only when the field itself grows (a long text), else stay at the top of its row
    box.setSizePolicy(field.sizePolicy().horizontalPolicy(), field.sizePolicy().verticalPolicy())
    return box


def show_error(parent: QWidget | None, exc: BaseException, title: str = "操作失败") -> None:
    """A ServiceError's Chinese message, or a generic sentence (the log has the traceback)."""
    message = getattr(exc, "message", None) or f"出错了:{exc}"
    QMessageBox.warning(parent, title, message)
