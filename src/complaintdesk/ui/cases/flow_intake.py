"""What the 内部投诉 and 厂外返修 registration dialogs share: field errors from the domain,
saving through IntakeService.register with the flow and department, a draft kept on close.

A subclass builds its form in `build_form`, says what it registers in `intake()` and
`department_id()`, and lists its draftable widgets in `draft_widgets`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import Case, Department, FlowKind, Intake, User
from ..widgets.common import (
    FieldError,
    error_label,
    show_service_error,
    show_validation,
    with_error,
)

if TYPE_CHECKING:
    from ...services.container import Services

log = logging.getLogger(__name__)

VALIDATE_DELAY_MS = 250
Draftable = QLineEdit | QPlainTextEdit | QComboBox | QDateTimeEdit


class FlowIntakeDialog(QDialog):
    flow: FlowKind = FlowKind.FEEDBACK
    draft_key: str = ""

    def __init__(self, services: Services, user: User, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.tz = services.intake.tz
        self.created_case: Case | None = None
        self._validated_once = False
        self.setWindowTitle(title)
        self.setModal(True)
        self.errors: dict[str, FieldError] = {}
        self.draft_widgets: dict[str, Draftable] = {}
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.vin_override = QCheckBox("仍然保存（确认车架号无误）")
        self.vin_override.hide()
        self.plate_override = QCheckBox("仍然保存（确认车牌号无误）")
        self.plate_override.hide()
        self.build_form()

        self.general_error = error_label()
        self.draft_label = QLabel("")
        self.draft_label.setStyleSheet("color: #777;")
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.draft_label, 1)
        bottom.addWidget(self.buttons)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form, 1)
        lay.addWidget(self.general_error)
        lay.addLayout(bottom)

        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        for widget in self.draft_widgets.values():
            _on_change(widget, self._changed)
        self.vin_override.toggled.connect(self._changed)
        self.plate_override.toggled.connect(self._changed)
        self._restore_draft()

    # ---- for subclasses -----------------------------------------------------------------
    def build_form(self) -> None:
        raise NotImplementedError

    def intake(self) -> Intake:
        raise NotImplementedError

    def department_id(self) -> int | None:
        raise NotImplementedError

    def register_kwargs(self) -> dict[str, Any]:
        """What else the registration needs (the internal complaint's reporter department)."""
        return {}

    def add_row(self, label: str, key: str, widget: QWidget, draft: bool = True) -> None:
        """A form row with the field's error label beneath it."""
        self.errors[key] = FieldError()
        cell = with_error(widget, self.errors[key])
        if key == "plate":  # an unusual plate is a warning the user confirms beneath it
            cell.layout().addWidget(self.plate_override)
        self.form.addRow(label, cell)
        if draft and isinstance(widget, Draftable):
            self.draft_widgets[key] = widget

    def department_combo(self, placeholder: str | None, default_name: str = "") -> QComboBox:
        box = QComboBox()
        if placeholder is not None:
            box.addItem(placeholder, None)
        departments: list[Department] = self.services.people.departments()
        for d in departments:
            box.addItem(d.name, d.id)
        i = box.findText(default_name) if default_name else -1
        box.setCurrentIndex(max(i, 0))
        return box

    def datetime_edit(self) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        local = self.services.clock.now().astimezone(self.tz)
        edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                   QTime(local.hour, local.minute)))
        return edit

    def aware(self, edit: QDateTimeEdit) -> datetime:
        naive: datetime = edit.dateTime().toPython()
        return naive.replace(second=0, microsecond=0, tzinfo=self.tz).astimezone(UTC)

    # ---- validation and saving ----------------------------------------------------------
    def _changed(self, *_args: Any) -> None:
        if self._validated_once:  # after the first 保存, errors follow the typing
            self._validate_timer.start()

    def validate_now(self) -> bool:
        """The domain's messages next to the fields; True when saving may go ahead."""
        intake = self.intake()
        intake.override_vin_check = False  # always show the check-digit warning itself
        intake.override_plate_check = False
        result = self.services.intake.validate(intake, self.flow, self.department_id())
        return show_validation(self.errors, result, self.vin_override,
                               plate_override=self.plate_override)

    def save(self) -> None:
        from ...services.errors import ServiceError

        self._validated_once = True
        self.general_error.hide()
        if not self.validate_now():
            self._focus_first_error()
            return
        intake = self.intake()
        intake.override_vin_check = self.vin_override.isChecked()
        intake.override_plate_check = self.plate_override.isChecked()
        try:
            case = self.services.intake.register(self.user, intake, flow=self.flow,
                                                 department_id=self.department_id(),
                                                 **self.register_kwargs())
        except ServiceError as exc:
            show_service_error(self.errors, self.general_error, exc)
            return
        self.created_case = case
        self.services.drafts.drop(self.user, self.draft_key)
        self.accept()

    def _focus_first_error(self) -> None:
        for key, label in self.errors.items():
            if label.isVisible() and key in self.draft_widgets:
                self.draft_widgets[key].setFocus()
                return

    # ---- drafts (DESIGN §10: nothing typed is lost) -------------------------------------
    def draft(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, w in self.draft_widgets.items():
            if isinstance(w, QLineEdit):
                out[key] = w.text()
            elif isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText()
            elif isinstance(w, QComboBox):
                out[key] = w.currentData()
            else:
                out[key] = self.aware(w).isoformat()
        return out

    def _has_content(self) -> bool:
        return any(isinstance(w, QLineEdit | QPlainTextEdit) and self.draft().get(k, "").strip()
                   and k not in self.prefilled_keys() for k, w in self.draft_widgets.items())

    def prefilled_keys(self) -> set[str]:
        """Fields filled in for the user (not worth a draft on their own)."""
        return set()

    def _restore_draft(self) -> None:
        d = self.services.drafts.get(self.user, self.draft_key)
        if not isinstance(d, dict):
            return
        for key, w in self.draft_widgets.items():
            if key not in d:
                continue
            value = d[key]
            if isinstance(w, QLineEdit):
                w.setText(str(value))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(str(value))
            elif isinstance(w, QComboBox):
                i = w.findData(value)
                if i >= 0:
                    w.setCurrentIndex(i)
            elif value:
                local = datetime.fromisoformat(value).astimezone(self.tz)
                w.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                        QTime(local.hour, local.minute)))
        self.draft_label.setText("已恢复上次未保存的内容")

    def done(self, result: int) -> None:  # every way out: save, cancel, Esc, the close box
        if self.created_case is None:
            try:
                if self._has_content():
                    self.services.drafts.put(self.user, self.draft_key, self.draft())
                else:
                    self.services.drafts.drop(self.user, self.draft_key)
            except Exception:  # a draft must never cost the user the dialog
                log.exception("could not save the %s draft", self.draft_key)
        super().done(result)


def _on_change(widget: Draftable, slot: Any) -> None:
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.textChanged.connect(slot)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(slot)
    else:
        widget.dateTimeChanged.connect(slot)
