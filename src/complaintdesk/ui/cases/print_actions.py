"""The 打印预览 entry points the views plug in: a case's form, one slip, a week of slips
(the assessor's batch). Each asks the print service off the UI thread and opens the
preview (ui/widgets/pdf_preview.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ...domain.weekly import week_start_of
from ...services.slip_access import may_view_all
from ..widgets.pdf_preview import open_pdf_preview

if TYPE_CHECKING:
    from ...services.container import Services

def preview_case(parent: QWidget, services: Services, user: User, case_id: int,
                 number: str) -> None:
    """The case's form (处理单 / 内部投诉意见处理单 / 返修作业单) with its slips."""
    open_pdf_preview(parent, lambda: services.printing.case_pdf(user, case_id),
                     number, f"{number}.pdf")


def preview_slip(parent: QWidget, services: Services, user: User, slip_id: int,
                 number: str) -> None:
    """One 过失单 / 处罚单."""
    open_pdf_preview(parent, lambda: services.printing.slip_pdf(user, slip_id),
                     number or "过失单", f"{number or '过失单'}.pdf")


def may_print_week(user: User) -> bool:
    """The week's batch is the assessor's job (GM and admin may too): those who see every
    slip (services/slip_access.py says who)."""
    return may_view_all(user)



class WeekPickerDialog(QDialog):
    """Pick any day; the week (Monday..Sunday) that contains it is printed."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("打印本周过失单")
        self.calendar = QCalendarWidget()
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setMaximumDate(QDate(today.year, today.month, today.day))
        self.calendar.setSelectedDate(QDate(today.year, today.month, today.day))
        self.week_label = QLabel()
        self.calendar.selectionChanged.connect(self._show_week)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("生成预览")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("选择一天，打印该日所在周（周一至周日）开具的全部过失单："))
        lay.addWidget(self.calendar)
        lay.addWidget(self.week_label)
        lay.addWidget(buttons)
        self._show_week()

    def selected_day(self) -> date:
        day = self.calendar.selectedDate()  # QDate.toPython() is typed as object
        return date(day.year(), day.month(), day.day())

    def _show_week(self) -> None:
        start = week_start_of(self.selected_day())
        self.week_label.setText(f"打印范围：{start:%Y-%m-%d}（周一）至 "
                                f"{start + timedelta(days=6):%Y-%m-%d}（周日）")


def print_week_slips(parent: QWidget, services: Services, user: User,
                     day: date | None = None) -> None:
    """Ask for a day (unless given), then preview that week's slips as one PDF."""
    if day is None:
        today = services.clock.now().astimezone(services.printing.tz).date()
        picker = WeekPickerDialog(today, parent)
        if picker.exec() != QDialog.DialogCode.Accepted:
            return
        day = picker.selected_day()
    start = week_start_of(day)
    open_pdf_preview(parent, lambda: services.printing.week_slips_pdf(user, day),
                     f"{start:%Y-%m-%d} 当周过失单", f"过失单_{start:%Y%m%d}.pdf",
                     busy_text=f"正在生成 {start:%m-%d} 当周的过失单…")


def week_print_action(services: Services, user: User, parent: QWidget) -> QAction | None:
    """考核 → 打印本周过失单… for those who may print the week's batch (None otherwise)."""
    if not may_print_week(user):
        return None
    action = QAction("打印本周过失单…", parent)
    action.setObjectName("print_week_slips")
    action.setStatusTip("选择日期，预览并打印该周（周一至周日）开具的全部过失单")
    action.triggered.connect(lambda: print_week_slips(parent, services, user))
    return action
