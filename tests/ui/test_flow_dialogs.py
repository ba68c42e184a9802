"""登记内部投诉 / 登记厂外返修 through the real dialogs; the 类型 filter; 关于; tray; status bar."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon
from ui_builders import make_cases

from complaintdesk import __version__
from complaintdesk.domain.records import FlowKind, User
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.internal_dialog import InternalComplaintDialog
from complaintdesk.ui.cases.rework_dialog import ReworkOrderDialog
from complaintdesk.ui.main_window import MainWindow


def _pyproject_version() -> str:
    root = Path(__file__).resolve().parents[2]
    return tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def _window(qtbot, services: Services, user: User, qsettings, cases: int = 3) -> MainWindow:
    make_cases(services, user, cases)
    win = MainWindow(services, user, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.case_list.model.rowCount() == cases)
    return win


def _close_success_box(qtbot, number: str) -> None:
    def box() -> QMessageBox | None:
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, QMessageBox) and w.isVisible()), None)
    qtbot.waitUntil(lambda: box() is not None)
    found = box()
    assert found is not None and number in found.text()
    found.close()


def _filter_flow(qtbot, win: MainWindow, flow: FlowKind, rows: int) -> None:
    combo = win.case_list.flow
    combo.setCurrentIndex(combo.findData(flow.value))
    qtbot.waitUntil(lambda: win.case_list.model.rowCount() == rows
                    and not win.case_list.model.loading)


def test_internal_complaint_registered_through_the_dialog_shows_in_the_list(
        qtbot, services: Services, reception: User, qsettings) -> None:
    win = _window(qtbot, services, reception, qsettings)
    win.new_internal_action.trigger()
    dlg = win.flow_dialog
    assert isinstance(dlg, InternalComplaintDialog) and dlg.isVisible()
    assert dlg.reporter.text() == "接待小李"  # the reporter defaults to the current user

    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.errors["department_id"].text() == "请选择被投诉部门。"
    assert dlg.errors["description"].text() == "请填写事情经过。"
    assert win.flow_dialog is dlg  # nothing saved

    dlg.department.setCurrentIndex(dlg.department.findText("售后服务部"))
    names = [dlg.employee.itemText(i) for i in range(dlg.employee.count())]
    assert "赵磊（服务顾问）" in names and "张伟（销售经理）" not in names
    dlg.employee.setCurrentIndex(names.index("赵磊（服务顾问）"))
    dlg.description.insertPlainText("交接客户车辆钥匙时未签交接单")
    dlg.violated.insertPlainText("《车辆交接管理规定》")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: win.flow_dialog is None)
    case = dlg.created_case
    assert case is not None and case.number == "NB-202611-0001"
    assert case.intake.persons_involved == "赵磊（服务顾问）"
    assert case.intake.demand == "《车辆交接管理规定》"
    _close_success_box(qtbot, case.number)
    qtbot.waitUntil(lambda: win.case_list.current_case_id() == case.id)
    _filter_flow(qtbot, win, FlowKind.INTERNAL, 1)
    assert win.case_list.model.index(0, 0).data() == "NB-202611-0001"
    assert win.case_list.model.index(0, 2).data() == "接待小李"


def _advisor(services: Services) -> User:
    from complaintdesk.domain.records import Role
    from complaintdesk.services.base import SYSTEM_USER

    dept = next(d.id for d in services.people.departments() if d.name == "售后服务部")
    return services.people.save_user(SYSTEM_USER, User(
        None, "weixiu", "黄丽", frozenset({Role.SERVICE_ADVISOR}), dept), "demo123")


def test_only_a_service_advisor_is_offered_the_rework_order(
        qtbot, services: Services, reception: User, qsettings) -> None:
    win = _window(qtbot, services, reception, qsettings, cases=0)
    assert not win.new_rework_action.isEnabled()
    assert "维修顾问" in win.new_rework_action.statusTip()
    dlg = ReworkOrderDialog(services, reception)  # even if the dialog is reached
    qtbot.addWidget(dlg)
    dlg.edits["customer_name"].insert("钱多多")
    qtbot.keyClicks(dlg.edits["phone"], "13912345678")
    dlg.description.insertPlainText("变速箱异响，送厂外专修店返修")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is None and "维修顾问" in dlg.general_error.text()


def test_rework_order_registered_through_the_dialog_shows_in_the_list(
        qtbot, services: Services, reception: User, qsettings) -> None:
    win = _window(qtbot, services, _advisor(services), qsettings)
    assert win.new_rework_action.isEnabled()
    win.new_rework_action.trigger()
    dlg = win.flow_dialog
    assert isinstance(dlg, ReworkOrderDialog)
    assert dlg.department.currentText() == "售后服务部"
    dlg.edits["customer_name"].insert("钱多多")
    qtbot.keyClicks(dlg.edits["phone"], "13912345678")
    dlg.edits["plate"].insert("京A12345")
    qtbot.keyClicks(dlg.edits["vin"], "1M8GDM9AXKP042788")
    dlg.description.insertPlainText("变速箱异响，送厂外专修店返修")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: win.flow_dialog is None)
    case = dlg.created_case
    assert case is not None and case.number == "FX-202611-0001"
    assert case.flow is FlowKind.REWORK
    _close_success_box(qtbot, case.number)
    _filter_flow(qtbot, win, FlowKind.REWORK, 1)
    assert win.case_list.model.index(0, 0).data() == "FX-202611-0001"
    _filter_flow(qtbot, win, FlowKind.FEEDBACK, 3)


def test_a_cancelled_rework_order_keeps_its_draft(qtbot, services: Services,
                                                  reception: User) -> None:
    dlg = ReworkOrderDialog(services, reception)
    qtbot.addWidget(dlg)
    dlg.edits["customer_name"].insert("钱多多")
    dlg.reject()
    again = ReworkOrderDialog(services, reception)
    qtbot.addWidget(again)
    assert again.edits["customer_name"].text() == "钱多多"
    assert again.draft_label.text() == "已恢复上次未保存的内容"


def test_about_shows_the_version_and_the_database(qtbot, services: Services, reception: User,
                                                  qsettings) -> None:
    win = _window(qtbot, services, reception, qsettings, cases=0)
    dialog = win._about()
    assert dialog.isVisible()
    assert dialog.version_label.text() == __version__ == _pyproject_version()
    assert dialog.database_label.text() == str(services.config.sqlite_path)
    assert dialog.data_dir_label.text() == str(services.data_dir)
    assert dialog.log_label.text().endswith("complaintdesk.log")
    dialog.close()


def test_tray_icon_carries_the_reminders_when_there_is_a_tray(
        qtbot, services: Services, reception: User, qsettings, monkeypatch) -> None:
    assert _window(qtbot, services, reception, qsettings, cases=0).tray is None  # offscreen
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    win = MainWindow(services, reception, settings=qsettings)
    qtbot.addWidget(win)
    assert win.tray is not None and not win.tray.icon().isNull()
    assert win.tasks_view.tray is win.tray  # type: ignore[attr-defined]
    assert not win.windowIcon().isNull()
    win.close()
    assert not win.tray.isVisible()


@pytest.mark.parametrize("count", [7, 123456])
def test_case_count_is_never_cut_in_the_status_bar(qtbot, services: Services, reception: User,
                                                   qsettings, count: int) -> None:
    win = _window(qtbot, services, reception, qsettings, cases=0)
    win.resize(1280, 800)
    win._show_count(count)  # the label is laid out before the status bar relayouts
    label = win.count_label
    assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
