"""统计 → 厂家转办月度清单…: the monthly list for the manufacturer (DESIGN §4.6) — a month,
a brand (or all), a file; each case with each milestone's deadline, reply and met/missed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ..widgets.common import error_label
from .report_dialogs import FilePicker, default_folder, pick_save_file

if TYPE_CHECKING:
    from ...services.container import Services


class ManufacturerListDialog(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None,
                 picker: FilePicker = pick_save_file) -> None:
        super().__init__(parent)
        self.services, self.user, self.picker = services, user, picker
        self.setWindowTitle("厂家转办月度清单")
        today = services.clock.now().astimezone(services.manufacturer.tz).date()
        self.month = QDateEdit(QDate(today.year, today.month, 1))
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(False)
        self.brand = QComboBox()
        self.brand.addItem("全部品牌", "")
        for b in services.manufacturer.brands():
            self.brand.addItem(b, b)
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("导出…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("月份", self.month)
        form.addRow("厂家品牌", self.brand)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("导出该月厂家转办的案件：各时限节点的回复期限、回复时间与是否按时。"))
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def export(self) -> None:
        from ...services.errors import ServiceError

        d = self.month.date()
        year, month = d.year(), d.month()
        brand = self.brand.currentData() or ""
        name = f"厂家转办_{year}{month:02d}{'_' + brand if brand else ''}.xlsx"
        target = self.picker(self, "导出厂家转办月度清单", str(default_folder() / name),
                             "Excel 工作簿 (*.xlsx)")
        if not target:
            return
        try:
            self.services.manufacturer.write_month_list(self.user, year, month, Path(target),
                                                        brand or None)
        except ServiceError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        QMessageBox.information(self, "已导出", f"厂家转办月度清单已导出：{target}")
        self.accept()
