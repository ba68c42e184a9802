"""登记投诉: every intake field of DESIGN §5, validated live by the domain, autosaved."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...domain.input_rules import normalize_mobile
from ...domain.input_rules.vin import normalize_vin
from ...domain.records import CHANNELS, MOODS, Case, FeedbackKind, Intake, User
from ..widgets.attachment_picker import AttachmentPicker, mime_of
from ..widgets.common import (
    FieldError,
    error_label,
    show_service_error,
    show_validation,
    tab_leaves,
    with_error,
)
from .intake_manufacturer import CHANNEL as MANUFACTURER_CHANNEL
from .intake_manufacturer import IntakeManufacturer
from .intake_special import IntakeSpecial

if TYPE_CHECKING:
    from ...services.container import Services

log = logging.getLogger(__name__)

DRAFT_KEY = "intake"
AUTOSAVE_MS = 5000
VALIDATE_DELAY_MS = 250
REPEAT_DELAY_MS = 500
_TEXT_FIELDS = ("customer_name", "phone", "landline", "vehicle_model", "plate", "vin",
                "location", "persons_involved", "received_by")
_LONG_FIELDS = ("description", "demand")
_NO_DATE = QDate(1900, 1, 1)  # the QDateEdit's "未填写"


class IntakeDialog(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None,
                 offer_draft: bool = True) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.tz = services.intake.tz
        self.created_case: Case | None = None
        self._touched: set[str] = set()
        self._show_all = False
        self._dirty = False
        self._loading = False
        self.setWindowTitle("登记投诉")
        self.setModal(True)
        self.resize(980, 700)
        self._build()
        self._connect()
        if offer_draft:
            self.offer_draft()

    # ---- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self.edits: dict[str, QLineEdit] = {f: QLineEdit() for f in _TEXT_FIELDS}
        self.edits["phone"].setPlaceholderText("11 位手机号")
        self.edits["landline"].setPlaceholderText("例如 010-68880061")
        self.edits["plate"].setPlaceholderText("例如 京A12345")
        self.edits["vin"].setPlaceholderText("17 位车架号")
        self.edits["vin"].setMaxLength(20)
        self.edits["received_by"].setText(self.user.display_name)
        self.texts: dict[str, QPlainTextEdit] = {f: QPlainTextEdit() for f in _LONG_FIELDS}
        self.texts["description"].setPlaceholderText("尽量记录客户的原话")
        self.texts["demand"].setFixedHeight(64)
        self.texts["demand"].setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.kind = QComboBox()
        for k in FeedbackKind:
            self.kind.addItem(k.label, k.value)
        self.channel = QComboBox()
        self.channel.addItems(list(CHANNELS))
        self.mood = QComboBox()
        self.mood.addItems(list(MOODS))
        self.purchase_date = QDateEdit()
        self.purchase_date.setCalendarPopup(True)
        self.purchase_date.setDisplayFormat("yyyy-MM-dd")
        self.purchase_date.setMinimumDate(_NO_DATE)
        self.purchase_date.setSpecialValueText("未填写")
        self.purchase_date.setDate(_NO_DATE)
        self.complained_at = QDateTimeEdit()
        self.complained_at.setCalendarPopup(True)
        self.complained_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.complained_at.setDateTime(self._qdatetime(self.services.clock.now()))
        self.self_report = QComboBox()
        self.self_report.addItem("否（正常登记）", None)
        for d in self.services.people.departments():
            self.self_report.addItem(d.name, d.id)
        self.self_report.setToolTip("部门发现针对本部门的投诉时选择本部门，案件直接进入“部门安排”")
        self.attachments = AttachmentPicker()
        self.vin_override = QCheckBox("仍然保存（确认车架号无误）")
        self.vin_override.hide()
        self.plate_override = QCheckBox("仍然保存（确认车牌号无误）")
        self.plate_override.hide()
        self.repeat_label = QLabel("")
        self.repeat_label.setStyleSheet("color: #b26a00; font-weight: bold;")
        self.repeat_label.hide()
        self.general_error = error_label()

        self.errors: dict[str, FieldError] = {
            f: FieldError() for f in (*_TEXT_FIELDS, *_LONG_FIELDS, "channel", "mood",
                                      "purchase_date", "complained_at", "attachments")}
        vin_box = QWidget()
        vin_lay = QVBoxLayout(vin_box)
        vin_lay.setContentsMargins(0, 0, 0, 0)
        vin_lay.setSpacing(2)
        vin_lay.addWidget(self.edits["vin"])
        vin_lay.addWidget(self.errors["vin"])
        vin_lay.addWidget(self.vin_override)

        def row(form: QFormLayout, label: str, key: str, widget: QWidget) -> None:
            form.addRow(label, with_error(widget, self.errors[key]) if key in self.errors
                        else widget)

        left = QGroupBox("客户与车辆")
        lf = QFormLayout(left)
        lf.addRow("类型", self.kind)
        row(lf, "客户姓名 *", "customer_name", self.edits["customer_name"])
        row(lf, "手机号码", "phone", self.edits["phone"])
        row(lf, "固定电话", "landline", self.edits["landline"])
        row(lf, "车型", "vehicle_model", self.edits["vehicle_model"])
        plate_cell = with_error(self.edits["plate"], self.errors["plate"])
        plate_cell.layout().addWidget(self.plate_override)  # confirms an unusual plate
        lf.addRow("车牌号", plate_cell)
        lf.addRow("车架号（VIN）", vin_box)
        row(lf, "购车/维修日期", "purchase_date", self.purchase_date)
        row(lf, "投诉渠道", "channel", self.channel)
        row(lf, "接待人", "received_by", self.edits["received_by"])
        row(lf, "客户投诉时间", "complained_at", self.complained_at)
        lf.addRow("部门自查", self.self_report)

        right = QGroupBox("投诉内容")
        rf = QFormLayout(right)
        row(rf, "发生地点", "location", self.edits["location"])
        row(rf, "客户反映 *", "description", self.texts["description"])
        row(rf, "涉及人员", "persons_involved", self.edits["persons_involved"])
        row(rf, "客户诉求", "demand", self.texts["demand"])
        row(rf, "客户情绪", "mood", self.mood)
        row(rf, "证据附件", "attachments", self.attachments)

        for form in (lf, rf):
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        cols = QHBoxLayout()
        cols.addWidget(left, 1)
        cols.addWidget(right, 1)
        # the receiver, 部门自查's step-1 fields, 当场解决 (ui/cases/intake_special.py)
        self.special = IntakeSpecial(self.services)
        # 厂家转办: brand, reference, forwarding time (ui/cases/intake_manufacturer.py)
        self.manufacturer = IntakeManufacturer(self.services, self.tz)
        self.manufacturer.hide()

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.draft_label = QLabel("")
        self.draft_label.setStyleSheet("color: #777;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.draft_label, 1)
        bottom.addWidget(self.buttons)

        lay = QVBoxLayout(self)
        lay.addLayout(cols, 1)
        lay.addWidget(self.manufacturer)
        lay.addWidget(self.special)
        lay.addWidget(self.repeat_label)
        lay.addWidget(self.general_error)
        lay.addLayout(bottom)
        self._keyboard()

    def _keyboard(self) -> None:
        """The whole registration from the keyboard (issue 13): Tab goes down the left
        column, then the right, then 保存; Tab leaves a multi-line text instead of typing a
        tab; Enter in a one-line field saves (保存 is the default button), Ctrl+Enter saves
        from a multi-line text, Esc cancels (the draft is kept)."""
        for text in self.texts.values():
            text.setTabChangesFocus(True)
        tab_leaves(self.purchase_date)
        tab_leaves(self.complained_at)
        e = self.edits
        chain: list[QWidget] = [
            self.kind, e["customer_name"], e["phone"], e["landline"], e["vehicle_model"],
            e["plate"], e["vin"], self.vin_override, self.purchase_date, self.channel,
            self.manufacturer.brand, self.manufacturer.reference,
            self.manufacturer.forwarded_at,
            e["received_by"], self.complained_at, self.self_report,
            e["location"], self.texts["description"], e["persons_involved"],
            self.texts["demand"], self.mood, self.attachments, self.save_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        # Enter is 保存 wherever the focus is: no other button takes it over (setDefault
        # again now that the button is inside the dialog; before, Qt had no dialog to tell)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(button is self.save_button)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("保存（回车，或在多行文字中按 Ctrl+回车）")
        e["customer_name"].setFocus()

    def _connect(self) -> None:
        self._validate_timer = self._single_shot(VALIDATE_DELAY_MS, self.validate_now)
        self._repeat_timer = self._single_shot(REPEAT_DELAY_MS, self._check_repeats)
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft)
        self._autosave.start()
        for key, edit in self.edits.items():
            edit.textChanged.connect(lambda _t, k=key: self._changed(k))
        for key, text in self.texts.items():
            text.textChanged.connect(lambda k=key: self._changed(k))
        self.edits["phone"].textChanged.connect(lambda _t: self._repeat_timer.start())
        self.edits["vin"].textChanged.connect(lambda _t: self._repeat_timer.start())
        for key, box in (("kind", self.kind), ("channel", self.channel), ("mood", self.mood),
                         ("self_report", self.self_report)):
            box.currentIndexChanged.connect(lambda _i, k=key: self._changed(k))
        self.self_report.currentIndexChanged.connect(
            lambda _i: self.special.set_self_report(self.self_report.currentData() is not None))
        self.purchase_date.dateChanged.connect(lambda _d: self._changed("purchase_date"))
        self.channel.currentTextChanged.connect(self._channel_changed)
        m = self.manufacturer
        m.brand.currentIndexChanged.connect(lambda _i: self._changed("mfr"))
        m.reference.textChanged.connect(lambda _t: self._changed("mfr"))
        m.forwarded_at.dateTimeChanged.connect(lambda _d: self._changed("mfr"))
        self.complained_at.dateTimeChanged.connect(lambda _d: self._changed("complained_at"))
        self.vin_override.toggled.connect(lambda _b: self._changed("vin"))
        self.plate_override.toggled.connect(lambda _b: self._changed("plate"))
        self.attachments.changed.connect(lambda: self._changed("attachments"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def forwarded(self) -> bool:
        """A complaint forwarded by the manufacturer (the channel 厂家转办)."""
        return self.channel.currentText() == MANUFACTURER_CHANNEL

    def _channel_changed(self, _text: str) -> None:
        on = self.forwarded()
        self.manufacturer.setVisible(on)
        # DESIGN §4.8: receipt is the forwarding time, which the service takes as such
        self.complained_at.setEnabled(not on)
        self.complained_at.setToolTip("厂家转办的案件以厂家转办时间为投诉时间" if on else "")

    def _single_shot(self, ms: int, slot: Any) -> QTimer:
        t = QTimer(self)
        t.setSingleShot(True)
        t.setInterval(ms)
        t.timeout.connect(slot)
        return t

    # ---- the intake ---------------------------------------------------------------------
    def _qdatetime(self, when: datetime) -> QDateTime:
        local = when.astimezone(self.tz)
        return QDateTime(QDate(local.year, local.month, local.day),
                         QTime(local.hour, local.minute))

    def _aware(self, value: QDateTime) -> datetime:
        naive: datetime = value.toPython()
        return naive.replace(second=0, microsecond=0, tzinfo=self.tz).astimezone(UTC)

    def intake(self) -> Intake:
        pd = self.purchase_date.date()
        return self.special.apply(Intake(
            **{f: self.edits[f].text() for f in _TEXT_FIELDS},
            description=self.texts["description"].toPlainText(),
            demand=self.texts["demand"].toPlainText(),
            purchase_date=None if pd == _NO_DATE else pd.toPython(),
            channel=self.channel.currentText(), mood=self.mood.currentText(),
            complained_at=self._aware(self.complained_at.dateTime()),
            kind=FeedbackKind(self.kind.currentData()),
            self_report_department_id=self.self_report.currentData(),
            override_vin_check=self.vin_override.isChecked(),
            override_plate_check=self.plate_override.isChecked(),
        ))

    def _changed(self, key: str) -> None:
        if self._loading:
            return
        self._touched.add(key)
        self._dirty = True
        self._validate_timer.start()

    def validate_now(self) -> bool:
        """Shows the domain's messages next to the fields; True when saving may go ahead."""
        intake = self.intake()
        intake.override_vin_check = False  # always show the check-digit warning itself
        intake.override_plate_check = False
        result = self.services.intake.validate(intake)
        ok = show_validation(self.errors, result, self.vin_override,
                             lambda key: self._show_all or key in self._touched,
                             plate_override=self.plate_override)
        if not self.forwarded():
            return ok
        return self.manufacturer.check(self._show_all or "mfr" in self._touched) and ok

    def _check_repeats(self) -> None:
        # as the service stores them: "138 1234 5678" is 13812345678
        phone = normalize_mobile(self.edits["phone"].text())
        vin = normalize_vin(self.edits["vin"].text())
        if len(phone) != 11 and len(vin) != 17:
            self.repeat_label.hide()
            return
        from ..widgets.workers import run_task

        services = self.services

        def shown(hits: list[Any]) -> None:
            if (normalize_mobile(self.edits["phone"].text()),
                    normalize_vin(self.edits["vin"].text())) != (phone, vin):
                return  # typed on meanwhile
            numbers = "、".join(h.number for h in hits)
            self.repeat_label.setText(f"该客户 90 天内已投诉：{numbers}（保存时将关联为重复投诉）")
            self.repeat_label.setVisible(bool(hits))

        run_task(lambda: services.intake.find_repeats(phone if len(phone) == 11 else "",
                                                      vin if len(vin) == 17 else ""), shown,
                 owner=self)

    # ---- saving -------------------------------------------------------------------------
    def save(self) -> None:
        from ...services.errors import ServiceError
        from ...services.intake import NewAttachment

        self._show_all = True
        self.general_error.hide()
        if not self.validate_now():
            self._focus_first_error()
            return
        files: list[NewAttachment] = []
        for p in self.attachments.paths():
            try:
                files.append(NewAttachment(p.name, mime_of(p), p.read_bytes()))
            except OSError:
                self.errors["attachments"].show_message(f"无法读取附件“{p.name}”，请重新添加。")
                return
        try:
            case = self.services.intake.register(
                self.user, self.intake(), attachments=files,
                manufacturer=self.manufacturer.value() if self.forwarded() else None)
        except ServiceError as exc:
            show_service_error({**self.errors, **self.manufacturer.errors}, self.general_error,
                               exc)
            return
        self.created_case = case
        self._dirty = False
        self.services.drafts.drop(self.user, DRAFT_KEY)
        self.accept()

    def _focus_first_error(self) -> None:
        for key, label in self.errors.items():
            if label.isVisible():
                widget = self.edits.get(key) or self.texts.get(key)
                if widget is not None:
                    widget.setFocus()
                return

    # ---- drafts -------------------------------------------------------------------------
    def draft(self) -> dict[str, Any]:
        pd = self.purchase_date.date()
        return {
            **{f: self.edits[f].text() for f in _TEXT_FIELDS},
            **{f: self.texts[f].toPlainText() for f in _LONG_FIELDS},
            "kind": self.kind.currentData(), "channel": self.channel.currentText(),
            "mood": self.mood.currentText(),
            "purchase_date": "" if pd == _NO_DATE else pd.toPython().isoformat(),
            "complained_at": self._aware(self.complained_at.dateTime()).isoformat(),
            "self_report_department_id": self.self_report.currentData(),
            "mfr_brand": self.manufacturer.brand.currentData() or "",
            "mfr_reference": self.manufacturer.reference.text(),
            "attachments": [str(p) for p in self.attachments.paths()],
            "saved_at": self.services.clock.now().isoformat(),
        }

    def _has_content(self) -> bool:
        d = self.draft()
        typed = [d[f] for f in (*_TEXT_FIELDS, *_LONG_FIELDS) if f != "received_by"]
        return any(v.strip() for v in typed) or bool(d["attachments"])

    def save_draft(self) -> None:
        if not self._dirty:
            return
        try:
            if self._has_content():
                self.services.drafts.put(self.user, DRAFT_KEY, self.draft())
                now = self.services.clock.now().astimezone(self.tz)
                self.draft_label.setText(f"草稿已自动保存 {now:%H:%M:%S}")
            else:
                self.services.drafts.drop(self.user, DRAFT_KEY)
            self._dirty = False
        except Exception:  # a draft must never cost the user the form itself
            log.exception("could not save the intake draft")

    def restore_draft(self, d: dict[str, Any]) -> None:
        self._loading = True
        try:
            for f in _TEXT_FIELDS:
                self.edits[f].setText(str(d.get(f, self.edits[f].text())))
            for f in _LONG_FIELDS:
                self.texts[f].setPlainText(str(d.get(f, "")))
            for box, value in ((self.kind, d.get("kind")),
                               (self.self_report, d.get("self_report_department_id"))):
                i = box.findData(value)
                if i >= 0:
                    box.setCurrentIndex(i)
            self.channel.setCurrentText(str(d.get("channel", self.channel.currentText())))
            self.mood.setCurrentText(str(d.get("mood", self.mood.currentText())))
            i = self.manufacturer.brand.findData(d.get("mfr_brand", ""))
            self.manufacturer.brand.setCurrentIndex(max(i, 0))
            self.manufacturer.reference.setText(str(d.get("mfr_reference", "")))
            if d.get("purchase_date"):
                pd = date.fromisoformat(d["purchase_date"])
                self.purchase_date.setDate(QDate(pd.year, pd.month, pd.day))
            if d.get("complained_at"):
                self.complained_at.setDateTime(
                    self._qdatetime(datetime.fromisoformat(d["complained_at"])))
            self.attachments.add_paths([Path(p) for p in d.get("attachments", [])
                                        if Path(p).is_file()])
        finally:
            self._loading = False
        self._touched.update(k for k in (*_TEXT_FIELDS, *_LONG_FIELDS) if d.get(k))
        self.validate_now()
        self._check_repeats()

    def offer_draft(self) -> None:
        d = self.services.drafts.get(self.user, DRAFT_KEY)
        if not isinstance(d, dict):
            return
        when = ""
        if d.get("saved_at"):
            when = f"（保存于 {datetime.fromisoformat(d['saved_at']).astimezone(self.tz):%m-%d %H:%M}）"
        who = d.get("customer_name") or "未填姓名"
        answer = QMessageBox.question(
            self.parentWidget() or self, "恢复草稿",
            f"发现上次未保存的登记内容{when}：客户 {who}。\n是否恢复？选“否”将丢弃该草稿。")
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_draft(d)
        else:
            self.services.drafts.drop(self.user, DRAFT_KEY)

    def done(self, result: int) -> None:  # every way out: save, cancel, Esc, the close box
        self._autosave.stop()
        if self.created_case is None:
            self._dirty = True
            self.save_draft()
        super().done(result)
