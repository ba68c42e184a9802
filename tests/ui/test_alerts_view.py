"""提醒 in the main window (DESIGN §4.5): the unread alerts pop up at the next login (oldest
first), a new alert written elsewhere shows within a poll, the notice opens its case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QSystemTrayIcon
from wf_cast import make_cast, sample_intake

from complaintdesk.services.container import Services
from complaintdesk.ui.main_window import MainWindow
from complaintdesk.ui.tasks.alerts_view import AlertsView

LEFT = Qt.MouseButton.LeftButton


def window_for(qtbot: Any, services: Services, user: Any, qsettings: Any) -> MainWindow:
    win = MainWindow(services, user, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    view: AlertsView = win.alerts_view  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: view.unread >= 0)  # start() ran after the window was built
    return win


def test_unread_alerts_pop_up_at_login_oldest_first_and_open_the_case(
        qtbot: Any, services: Services, qsettings: Any) -> None:
    cast = make_cast(services)
    first = services.intake.register(cast.reception, sample_intake("王先生"))
    services.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    second = services.intake.register(cast.reception, sample_intake("李女士"))
    # 客服 was not logged in: two 新待办 wait
    win = window_for(qtbot, services, cast.cs, qsettings)
    view: AlertsView = win.alerts_view  # type: ignore[attr-defined]
    assert view.model.rowCount() == 2 and view.unread == 2
    tabs = win.tabs
    assert tabs.tabText(tabs.indexOf(view)) == "提醒（2）"
    assert view.badge.text() == "提醒 2 条未读"  # type: ignore[attr-defined]
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen: the corner notice
    notice = view.notice
    assert notice is not None and notice.isVisible()
    shown = notice.label.text()
    assert shown.index(first.number) < shown.index(second.number)  # oldest first
    assert "2 条新提醒" in notice.title.text()
    # double-clicking a row opens its case and marks it read
    row = next(i for i, a in enumerate(view.model.rows) if a.case_id == second.id)
    tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.table.isVisible())
    center = view.table.visualRect(view.model.index(row, 2)).center()
    qtbot.mouseClick(view.table.viewport(), LEFT, pos=center)
    qtbot.mouseDClick(view.table.viewport(), LEFT, pos=center)
    assert second.id in win.case_views
    assert view.unread == 1 and tabs.tabText(tabs.indexOf(view)) == "提醒（1）"
    win.case_views[second.id].close()


def test_an_alert_written_elsewhere_shows_within_a_poll_and_the_notice_opens_it(
        qtbot: Any, services: Services, qsettings: Any) -> None:
    cast = make_cast(services)
    win = window_for(qtbot, services, cast.head, qsettings)
    view: AlertsView = win.alerts_view  # type: ignore[attr-defined]
    assert view.unread == 0 and view.model.rowCount() == 0
    # on another PC: registered and forwarded to this head's department
    case = services.intake.register(cast.reception, sample_intake())
    services.workflow.act(cast.cs, case.id or 0, "forward", {
        "category": "维修质量", "severity": "important", "department_id": cast.dept_id})
    view.poll()  # the timer's tick
    assert view.unread == 2  # 新待办 (部门安排) and 重要投诉
    notice = view.notice
    assert notice is not None and notice.isVisible() and case.number in notice.label.text()
    # one alert only: the notice opens its case
    services.alerts.mark_read(cast.head)
    services.alerts.notify(cast.head.id or 0, "notice", f"{case.number}：客户来电催促。",
                           f"case:{case.id}", "test:call")
    view.poll()
    assert notice.title.text() == "提醒：通知"
    qtbot.mouseClick(notice, LEFT, pos=QPoint(5, 5))
    assert not notice.isVisible() and case.id in win.case_views
    assert view.unread == 0
    win.case_views[case.id or 0].close()


def test_the_timers_scan_runs_in_a_worker_and_then_shows_what_it_wrote(
        qtbot: Any, services: Services, qsettings: Any, monkeypatch: Any) -> None:
    """After a calendar change one scan works every open mark out again (seconds on a big
    database): the timer's scan must not run on the window's thread."""
    import threading

    cast = make_cast(services)
    win = window_for(qtbot, services, cast.reception, qsettings)
    view: AlertsView = win.alerts_view  # type: ignore[attr-defined]
    threads: list[str] = []
    real_scan = services.alerts.scan

    def scan() -> int:
        threads.append(threading.current_thread().name)
        services.alerts.notify(cast.reception.id, "notice", "扫描写入的提醒。", "case:1",
                               "test:scan")
        return real_scan() + 1

    monkeypatch.setattr(services.alerts, "scan", scan)
    before = view.unread
    view.scan()
    view.scan()  # a tick while one is running starts no second scan
    qtbot.waitUntil(lambda: view.unread == before + 1, timeout=5000)
    assert threads and len(threads) == 1
    assert threads[0] != threading.main_thread().name
    assert not view._scanning
