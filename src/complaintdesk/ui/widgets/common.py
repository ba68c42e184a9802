"""Small helpers shared by the widgets: local time, error labels, message boxes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ...domain.validation import ValidationResult
    from ...services.errors import ServiceError

ERROR_STYLE = "color: #c62828;"
WARNING_STYLE = "color: #b26a00;"


def local_text(when: datetime | None, tz: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if when is None else when.astimezone(tz).strftime(fmt)


def sentence(text: str) -> str:
    """A message as a sentence: ends in a full-width stop (。！？ kept) — some service
    messages come without one."""
    text = text.rstrip()
    return text if not text or text[-1] in "。！？：…" else text + "。"


class FieldError(QLabel):
    """A red line under a form field. Its line is reserved even while empty (issue 13: an
    error appearing pushed the fields below down, and the next click landed in the wrong
    one); a message longer than the field is cut there and shown whole as the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(False)
        self.setStyleSheet(ERROR_STYLE)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)  # never widens the form
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setFixedHeight(self.fontMetrics().height())
        self.hide()

    def show_message(self, text: str, warning: bool = False) -> None:
        self.setStyleSheet(WARNING_STYLE if warning else ERROR_STYLE)
        self.setText(text)
        self.setToolTip(text)
        self.setVisible(bool(text))


def error_label(name: str = "") -> QLabel:
    """A form's general error line: red, wrapped, hidden until it has something to say."""
    label = QLabel("")
    if name:
        label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


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


class _TabLeaves(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(obj, QWidget) \
                and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            window = obj.window()
            backwards = event.key() == Qt.Key.Key_Backtab
            step = (lambda w: w.previousInFocusChain()) if backwards \
                else (lambda w: w.nextInFocusChain())
            target = step(obj)
            for _ in range(500):  # the chain is a ring; a bound all the same
                if target is obj or (not obj.isAncestorOf(target) and target.isVisible()
                                     and target.isEnabled() and target.window() is window
                                     and target.focusPolicy() & Qt.FocusPolicy.TabFocus):
                    break
                target = step(target)
            target.setFocus(Qt.FocusReason.BacktabFocusReason if backwards
                            else Qt.FocusReason.TabFocusReason)
            return True
        return False


_TAB_LEAVES = _TabLeaves()


def tab_leaves(widget: QWidget) -> None:
    """Tab moves on to the next field even from a date/time edit (which otherwise walks its
    year, month, day… sections and, showing a special value like 未填写, never lets go):
    the arrow keys and typing still edit it."""
    widget.installEventFilter(_TAB_LEAVES)


def show_error(parent: QWidget | None, exc: BaseException, title: str = "操作失败") -> None:
    """A ServiceError's Chinese message, or a generic sentence (the log has the traceback)."""
    message = getattr(exc, "message", None) or f"出错了：{exc}"
    QMessageBox.warning(parent, title, message)


def show_validation(labels: Mapping[str, FieldError], result: ValidationResult,
                    vin_override: QCheckBox,
                    shown: Callable[[str], bool] = lambda _field: True,
                    plate_override: QCheckBox | None = None) -> bool:
    """The domain's messages next to their fields (errors red, warnings amber); a field's
    "仍然保存" box (VIN check digit, unusual plate) only while its warning stands. True when
    saving may go ahead: no errors, and every standing warning confirmed."""
    for key, label in labels.items():
        if key in result.errors and shown(key):
            label.show_message(result.errors[key])
        elif key in result.warnings and shown(key):
            label.show_message(result.warnings[key], warning=True)
        else:
            label.show_message("")
    confirmed = True
    for key, box in (("vin", vin_override), ("plate", plate_override)):
        if box is None:
            continue
        warning = key in result.warnings and key not in result.errors
        box.setVisible(warning)
        if not warning:
            box.setChecked(False)
        confirmed = confirmed and (not warning or box.isChecked())
    unconfirmed = {k for k in result.warnings
                   if k not in ("vin", "plate") or (k == "plate" and plate_override is None)}
    return result.ok and confirmed and not unconfirmed


def show_service_error(labels: Mapping[str, FieldError], general: QLabel,
                       exc: ServiceError) -> None:
    """A refused save: each message under its field, the first one also on top."""
    for key, msg in exc.fields.items():
        if key in labels:
            labels[key].show_message(msg)
    general.setText(exc.message)
    general.show()
