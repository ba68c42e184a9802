"""统计 UI: the dashboard shows the service's figures and opens an overdue case; the export
dialog writes the file off the UI thread and offers the folder; a cancelled export leaves
no file; the volume editor refuses a bad cell and saves a good one; the main window has
the 统计 tab and menu for the manager and not for reception."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from complaintdesk.domain.records import Role, User
from complaintdesk.services.container import Services
from complaintdesk.services.demo import seed_demo
from complaintdesk.ui.accountability.volume_editor import VolumeEditor
from complaintdesk.ui.main_window import MainWindow
from complaintdesk.ui.statistics.dashboard import (
    DashboardView,
    format_change,
    format_hours,
    format_value,
)
from complaintdesk.ui.statistics.report_dialogs import MONTH, WEEK, ReportExportDialog


@pytest.fixture
def gm(services: Services, admin: User) -> User:
    seed_demo(services, cases=40)
    return services.people.save_user(
        admin, User(None, "gm_stats", "总经理王", frozenset({Role.GENERAL_MANAGER})),
        "secret123")


def test_dashboard_tiles_show_this_month_against_last(qtbot, services: Services, gm: User):
    view = DashboardView(services, gm)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=20000):
        view.refresh()
    expected = services.reports.dashboard(gm)
    # compared with the same days of last month, and the status line says so
    cur, prev = expected.current.overall, expected.same_days.overall
    tile = view.tiles["received"]
    assert tile.value_label.text() == f"{cur.received:,}"
    assert tile.change_label.text() == format_change("count", cur.received - prev.received,
                                                     "较上月同期")
    assert "本月1–23日 较上月同期" in view.status.text()
    rate = cur.close_rate.value
    assert view.tiles["close_rate"].value_label.text() == format_value("rate", rate)
    assert view.tiles["close_rate"].detail_label.text() == str(cur.close_rate)
    assert view.tiles["complaint_rate"].value_label.text() == "—"  # no volume entered
    assert "2026年11月" in view.heading.text()
    assert len(view.trend_chart.labels) == 12
    assert view.trend_chart.labels[-1] == "11月\n（截至23日）"
    assert view.trend_chart.partial == 11  # the month in progress is hatched, not a collapse
    assert view.dept_chart.labels == [g.label for g in expected.departments]
    assert view.overdue_model.rowCount() == len(expected.overdue)

    if expected.overdue:  # double-clicking an overdue complaint asks to open it
        late = view.overdue_model.index(0, 4).data()
        assert late == format_hours(expected.overdue[0].overdue_hours) and "." not in late
        # a complaint three days past due or more stands out (OpenCase.long_overdue)
        marked = [view.overdue_model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole)
                  is not None for r in range(view.overdue_model.rowCount())]
        assert marked == [o.long_overdue for o in expected.overdue] and any(marked)
        index = view.overdue_table.model().index(0, 0)
        with qtbot.waitSignal(view.open_case) as opened:
            view.overdue_table.doubleClicked.emit(index)
        assert opened.args == [expected.overdue[0].case_id]


def test_format_change_says_percentage_points_and_arrows():
    assert format_change("rate", 0.032) == "较上月 ↑ 3.2 个百分点"
    assert format_change("count", -5) == "较上月 ↓ 5"
    assert format_change("count", 0) == "较上月 持平"
    assert format_change("rate", None) == "较上月 —"
    assert format_value("rate", None) == "—"
    assert format_change("count", 3, "较上月同期") == "较上月同期 ↑ 3"


def test_overdue_hours_read_as_days_and_hours():
    assert format_hours(1689.4) == "70 天 9 小时"
    assert format_hours(48.2) == "2 天"
    assert format_hours(5.4) == "5 小时"
    assert format_hours(0.25) == "15 分钟"


def test_export_dialog_writes_the_month_workbook_and_offers_the_folder(
        qtbot, services: Services, gm: User, tmp_path: Path):
    target = tmp_path / "out" / "十月.xlsx"
    target.parent.mkdir()
    opened: list[Path] = []
    dialog = ReportExportDialog(services, gm, MONTH, file_picker=lambda *_a: str(target),
                                folder_opener=opened.append, folder=tmp_path)
    qtbot.addWidget(dialog)
    assert (dialog.year.value(), dialog.month.value()) == (2026, 10)  # last month by default
    assert dialog.path.text().endswith("客户投诉月报-2026-10.xlsx")
    dialog.browse()
    assert dialog.path.text() == str(target)
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        dialog.export()
    assert dialog.result_path == target
    ws = load_workbook(target)["概览"]
    assert "2026年10月" in ws["A1"].value
    box = dialog.done_box
    assert box is not None and box.isVisible()
    open_button = next(b for b in box.buttons() if b.text() == "打开所在文件夹")
    open_button.click()
    qtbot.waitUntil(lambda: opened == [target.parent])


def test_cancelled_export_leaves_no_file(qtbot, services: Services, gm: User,
                                         tmp_path: Path, monkeypatch):
    real = services.reports.write_weekly
    started = threading.Event()

    def slow_write(user, week, path, pdf, progress, cancelled):  # noqa: ANN001, ANN202
        started.set()
        while not cancelled():  # hold the export until the user has pressed 取消
            threading.Event().wait(0.01)
        return real(user, week, path, pdf, progress, cancelled)

    monkeypatch.setattr(services.reports, "write_weekly", slow_write)
    out = tmp_path / "out"
    out.mkdir()
    dialog = ReportExportDialog(services, gm, WEEK, folder=out)
    qtbot.addWidget(dialog)
    dialog.pdf.setChecked(True)
    assert dialog.path.text().endswith(".pdf")
    dialog.export()
    qtbot.waitUntil(started.is_set)
    dialog.job.progress_dialog.canceled.emit()  # what its 取消 button does
    qtbot.waitUntil(lambda: dialog.error.text() == "已取消导出，未生成文件", timeout=10000)
    assert list(out.iterdir()) == []
    assert dialog.export_button.isEnabled()


def test_volume_editor_marks_a_bad_cell_and_saves_good_ones(qtbot, services: Services,
                                                            gm: User):
    editor = VolumeEditor(services, gm, year=2026)
    qtbot.addWidget(editor)
    assert editor.table.rowCount() == len(editor.departments) > 0
    dept_id, name = editor.departments[0]
    editor.table.item(0, 9).setText("-3")  # October
    assert not editor.save()
    assert f"{name} 10月" in editor.error.text() and "不小于 0 的整数" in editor.error.text()
    editor.table.item(0, 9).setText("1,250")
    editor.table.item(1, 10).setText("80")
    assert editor.save()
    assert editor.error.text() == "已保存 2 项"
    values = services.reports.volumes(gm, 2026).values
    assert values[(dept_id, 10)] == 1250 and values[(editor.departments[1][0], 11)] == 80
    assert editor.table.item(0, 9).text() == "1250"
    editor.table.item(0, 9).setText("")  # clearing an entered volume is refused
    assert not editor.save() and "不能清空" in editor.error.text()


def test_main_window_has_statistics_for_the_manager_only(qtbot, services: Services, gm: User,
                                                         admin: User, qsettings: QSettings):
    win = MainWindow(services, gm, settings=qsettings)
    qtbot.addWidget(win)
    stats = win.tab_keys.index("stats")
    assert isinstance(win.tabs.widget(stats), DashboardView)
    assert [a.text() for a in win.stats_menu.actions() if a.text()] == [
        "导出月报…", "导出年报…", "周报…", "厂家转办月度清单…", "业务量录入…"]
    with qtbot.waitSignal(win.dashboard.loaded, timeout=20000):
        win.tabs.setCurrentIndex(stats)
    reception = services.people.save_user(
        admin, User(None, "clerk_stats", "接待小张", frozenset({Role.RECEPTION})), "secret123")
    clerk = MainWindow(services, reception, settings=qsettings)
    qtbot.addWidget(clerk)
    assert not isinstance(clerk.tabs.widget(stats), DashboardView)
    shown = " ".join(label.text() for label in clerk.tabs.widget(stats).findChildren(QLabel))
    assert "即将推出" not in shown and "总经理" in shown  # says who may look, not "coming soon"
    assert clerk.stats_menu is None
