"""The 登记 dialog's 厂家转办 fields (DESIGN §4.6): shown when the channel is 厂家转办 —
the brand (the settings' pick-list), the manufacturer's reference and when it was
forwarded. The domain checks them (domain/manufacturer.py); each message names its field."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QFormLayout, QGroupBox, QLineEdit, QWidget

from ...domain.manufacturer import REFERENCE_MAX, ForwardInput
from ..widgets.common import FieldError, tab_leaves, with_error

if TYPE_CHECKING:
    from ...services.container import Services

CHANNEL = "厂家转办"


class IntakeManufacturer(QGroupBox):
    def __init__(self, services: Services, tz: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__("厂家转办信息", parent)
        self.services, self.tz = services, tz
        self.brand = QComboBox()
        self.brand.addItem("", "")
        try:
            brands = services.manufacturer.brands()
        except Exception:  # noqa: BLE001 - a broken setting: the service refuses at save
            brands = []
        for b in brands:
            self.brand.addItem(b, b)
        self.reference = QLineEdit()
        self.reference.setMaxLength(REFERENCE_MAX + 10)  # longer is refused with a message
        self.reference.setPlaceholderText("厂家400热线的工单号")
        self.forwarded_at = QDateTimeEdit()
        self.forwarded_at.setCalendarPopup(True)
        self.forwarded_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        local = services.clock.now().astimezone(tz)
        self.forwarded_at.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                                QTime(local.hour, local.minute)))
        self.forwarded_at.setToolTip("厂家转办的时间：厂家的回复时限和本店登记时限都从这时起算")
        tab_leaves(self.forwarded_at)
        self.errors = {k: FieldError() for k in ("mfr_brand", "mfr_reference",
                                                  "mfr_forwarded_at")}
        form = QFormLayout(self)
        form.addRow("厂家品牌 *", with_error(self.brand, self.errors["mfr_brand"]))
        form.addRow("厂家工单号 *", with_error(self.reference, self.errors["mfr_reference"]))
        form.addRow("厂家转办时间 *", with_error(self.forwarded_at,
                                              self.errors["mfr_forwarded_at"]))

    def value(self) -> ForwardInput:
        naive: datetime = self.forwarded_at.dateTime().toPython()
        at = naive.replace(second=0, microsecond=0, tzinfo=self.tz).astimezone(UTC)
        return ForwardInput(self.brand.currentData() or "", self.reference.text(), at)

    def check(self, shown: bool) -> bool:
        """Shows the messages (when `shown`); True when the fields are fine."""
        errors = self.services.manufacturer.check(self.value())
        for key, label in self.errors.items():
            label.show_message(errors.get(key, "") if shown else "")
        return not errors
