"""客户/车辆历史: a case's history loads off the UI thread and its detail shows times in
the dealership's time zone (registration, closing, revisits)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ui_builders import NOW
from wf_cast import make_cast, sample_intake

from complaintdesk.services.container import Services
from complaintdesk.services.history import HistoryRevisit
from complaintdesk.ui.cases.history_view import HistoryView, detail_html

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_case_history_loads_in_the_background_and_shows_its_detail(
        qtbot: Any, services: Services) -> None:
    c = make_cast(services)
    case = services.intake.register(c.reception, sample_intake("李女士"))
    assert case.id is not None
    view = HistoryView(services, c.cs)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.load_case(case.id)
    assert view.model.rowCount() == 1
    assert view.model.item(0, 0).text() == case.number
    assert view.model.item(0, 1).text() == "2026-11-23 10:00"  # NOW in Shanghai
    assert view.search_button.isEnabled()
    assert "李女士" in view.detail.toPlainText()
    assert "结案" not in view.detail.toPlainText()  # still open


def test_the_detail_shows_closing_and_revisit_times_in_local_time(services: Services) -> None:
    c = make_cast(services)
    case = services.intake.register(c.reception, sample_intake("赵先生"))
    assert case.id is not None
    entry = services.history.of_case(c.cs, case.id).entries[0]
    closed = replace(entry, closed_at=NOW + timedelta(hours=5), status="已结案", revisits=(
        HistoryRevisit(NOW + timedelta(hours=4), "电话", True, "满意", ""),
        HistoryRevisit(None, "短信", False, "", "")))
    html = detail_html(closed, SHANGHAI)
    assert "2026-11-23 15:00 结案" in html
    assert "<li>2026-11-23 14:00 电话 已联系上 满意" in html
    assert "<li> 短信 未联系上" in html  # a revisit without a time shows none
