"""The case list loads page by page and searches off the UI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_builders import make_cases

from complaintdesk.domain.records import User
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.case_list import CaseListWidget


def test_list_fetches_more_rows_on_scroll_not_all_at_once(qtbot, services: Services,
                                                           reception: User) -> None:
    make_cases(services, reception, 50)
    w = CaseListWidget(services, reception, page_size=20)
    qtbot.addWidget(w)
    w.resize(1000, 400)
    w.show()
    w.refresh()
    qtbot.waitUntil(lambda: w.model.rowCount() == 20 and not w.model.loading)
    assert w.model.canFetchMore()

    bar = w.view.verticalScrollBar()
    bar.setValue(bar.maximum())  # scrolling to the end asks the model for the next page
    qtbot.waitUntil(lambda: w.model.rowCount() == 40 and not w.model.loading)
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: w.model.rowCount() == 50 and not w.model.loading)
    assert not w.model.canFetchMore()


def test_keyword_one_character_surname_and_count(qtbot, services: Services,
                                                 reception: User) -> None:
    make_cases(services, reception, 12, names=["欧阳明", "李强", "张伟"])
    w = CaseListWidget(services, reception)
    qtbot.addWidget(w)
    counts: list[int] = []
    w.count_changed.connect(counts.append)
    w.refresh()
    qtbot.waitUntil(lambda: w.model.rowCount() == 12)
    w.keyword.insert("欧")  # keyClicks cannot type CJK offscreen; insert() is what an IME does
    qtbot.waitUntil(lambda: w.model.rowCount() == 4 and not w.model.loading, timeout=3000)
    assert {w.model.index(r, 2).data() for r in range(4)} == {"欧阳明"}
    qtbot.waitUntil(lambda: counts and counts[-1] == 4)


def test_sorting_by_header_requeries_in_sql(qtbot, services: Services, reception: User) -> None:
    make_cases(services, reception, 6, names=["丁一", "甲二", "乙三"])
    w = CaseListWidget(services, reception)
    qtbot.addWidget(w)
    w.refresh()
    qtbot.waitUntil(lambda: w.model.rowCount() == 6)
    w.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # click 编号
    qtbot.waitUntil(lambda: w.model.query.sort_key == "number" and w.model.rowCount() == 6)
    numbers = [w.model.index(r, 0).data() for r in range(6)]
    assert numbers == sorted(numbers)


def test_an_empty_result_says_so_in_the_list_and_offers_to_clear_the_filters(
        qtbot, services: Services, reception: User) -> None:
    make_cases(services, reception, 3)
    w = CaseListWidget(services, reception)
    qtbot.addWidget(w)
    w.resize(1000, 400)
    w.show()
    w.refresh()
    qtbot.waitUntil(lambda: w.model.rowCount() == 3 and not w.model.loading)
    assert not w.empty.isVisible()

    w.overdue_only.setChecked(True)
    w.keyword.insert("查无此人")
    qtbot.waitUntil(lambda: w.empty.isVisible(), timeout=5000)
    assert w.model.rowCount() == 0
    assert w.empty.title.text() == "没有找到符合条件的案件"
    assert "关键字“查无此人”" in w.empty.detail.text() and "仅超期" in w.empty.detail.text()
    assert w.empty.geometry() == w.view.viewport().rect()  # over the list, not beside it
    assert w.empty.action.isVisible()

    w.empty.action.click()
    qtbot.waitUntil(lambda: w.model.rowCount() == 3 and not w.model.loading, timeout=5000)
    assert w.keyword.text() == "" and not w.overdue_only.isChecked()
    assert w.active_filters() == []
    assert not w.empty.isVisible()


def test_an_empty_database_says_there_are_no_cases_yet(qtbot, services: Services,
                                                      reception: User) -> None:
    w = CaseListWidget(services, reception)
    qtbot.addWidget(w)
    w.show()
    w.refresh()
    qtbot.waitUntil(lambda: w.empty.isVisible(), timeout=5000)
    assert w.empty.title.text() == "还没有登记任何案件"
    assert not w.empty.action.isVisible()  # no filters to clear


def test_deadline_turns_amber_in_its_last_quarter_and_red_after_it(
        qtbot, services: Services, reception: User) -> None:
    """DESIGN §4.4, the same rule as 我的待办: due soon in the last 25 % of the step's time
    (the list used a flat "within an hour", so a 1-hour step was amber from its start)."""
    from PySide6.QtCore import Qt as _Qt

    from complaintdesk.ui.cases.case_model import DEADLINE_COL

    make_cases(services, reception, 1)
    widget = CaseListWidget(services, reception)
    qtbot.addWidget(widget)
    model = widget.model
    widget.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    row = model._rows[0]
    since, deadline = row.current_due_since, row.current_deadline
    assert since is not None and deadline is not None

    def tip_at(fraction: float) -> str | None:
        services.clock.set(since + (deadline - since) * fraction)  # type: ignore[attr-defined]
        widget.refresh()
        qtbot.waitUntil(lambda: model.rowCount() == 1 and model._now == services.clock.now())
        return model.index(0, DEADLINE_COL).data(_Qt.ItemDataRole.ToolTipRole)

    assert tip_at(0.5) is None
    assert tip_at(0.8) == "即将到期"
    assert tip_at(1.01) == "已超期"


def test_registration_date_filter_is_on_the_dealerships_day_not_utcs(
        qtbot, tmp_path, qsettings) -> None:
    """01:30 in Beijing is still yesterday in UTC: the filter's 'to' date and its range are
    the local day, so a case registered after local midnight is found (issue 13)."""
    from datetime import UTC, datetime, timedelta

    from wf_cast import make_cast, sample_intake

    from complaintdesk.domain.clock import FixedClock
    from complaintdesk.services.container import open_services
    from complaintdesk.storage.database import DatabaseConfig

    clock = FixedClock(datetime(2026, 11, 23, 17, 30, tzinfo=UTC))  # 24 Nov 01:30 local
    services = open_services(DatabaseConfig.sqlite_file(tmp_path / "d.sqlite3"), clock=clock,
                             data_dir=tmp_path, auto_backup=False)
    try:
        cast = make_cast(services)
        intake = sample_intake()
        intake.complained_at = clock.now() - timedelta(minutes=10)
        services.intake.register(cast.reception, intake)  # 24 Nov 01:30 local
        w = CaseListWidget(services, cast.reception)
        qtbot.addWidget(w)
        w.show()
        assert w.date_to.date().toString("yyyy-MM-dd") == "2026-11-24"
        w.use_dates.setChecked(True)
        q = w.query()
        assert q.registered_to == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # local midnight
        qtbot.waitUntil(lambda: w.model.rowCount() == 1 and not w.model.loading)
    finally:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(10000)
        services.dispose()


def test_an_empty_search_says_nothing_was_found(qtbot, services: Services,
                                                reception: User) -> None:
    make_cases(services, reception, 3)
    w = CaseListWidget(services, reception)
    qtbot.addWidget(w)
    w.show()
    w.refresh()
    qtbot.waitUntil(lambda: w.model.rowCount() == 3 and not w.model.loading)
    w.keyword.setText("不存在的客户名字")
    w.apply_filters()
    qtbot.waitUntil(lambda: w.model.rowCount() == 0 and not w.model.loading)
    assert w.empty.isVisible()
    assert "没有找到" in w.empty.title.text()
