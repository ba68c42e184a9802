"""Picking a week: the day picked in a calendar or date box becomes the domain's week
(Monday..Sunday) — for printing a week's slips and for the slips list's 按开具周 filter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate
from wf_cast import make_cast

from complaintdesk.services.container import Services
from complaintdesk.ui.accountability.slips_view import SlipsView
from complaintdesk.ui.cases.print_actions import WeekPickerDialog


def test_the_week_picker_gives_the_day_picked_and_shows_its_week(qtbot: Any) -> None:
    dialog = WeekPickerDialog(date(2026, 11, 23))
    qtbot.addWidget(dialog)
    assert dialog.selected_day() == date(2026, 11, 23)
    dialog.calendar.setSelectedDate(QDate(2026, 11, 19))  # a Thursday
    assert dialog.selected_day() == date(2026, 11, 19)
    assert type(dialog.selected_day()) is date
    assert dialog.week_label.text() == "打印范围：2026-11-16（周一）至 2026-11-22（周日）"


def test_the_slips_list_by_week_asks_for_the_monday_to_monday_of_the_date(
        qtbot: Any, services: Services) -> None:
    c = make_cast(services)
    view = SlipsView(services, c.assessor)
    qtbot.addWidget(view)
    view.week.setDate(QDate(2026, 11, 19))
    view.by_week.setChecked(True)
    q = view.query()
    tz = services.accountability.tz
    assert q.issued_from == datetime(2026, 11, 16, tzinfo=tz)
    assert q.issued_to == datetime(2026, 11, 23, tzinfo=tz)
    assert view.week_label.text() == "11-16 至 11-22"
    view.by_week.setChecked(False)
    q = view.query()
    assert q.issued_from is None and view.week_label.text() == ""
