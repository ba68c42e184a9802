"""The main window: shortcuts, opening a case, the status bar, remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontDatabase
from ui_builders import make_cases

from complaintdesk.app import install_font
from complaintdesk.domain.records import User
from complaintdesk.services.container import Services
from complaintdesk.ui.login_dialog import FirstAdminDialog, LoginDialog
from complaintdesk.ui.main_window import MainWindow


def test_status_bar_enter_opens_case_and_f5(qtbot, services: Services, reception: User,
                                             qsettings: QSettings) -> None:
    make_cases(services, reception, 3)
    win = MainWindow(services, reception, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.count_label.text() == "共 3 个案件")
    # the count and the page are two queries in two workers: under load the count can
    # arrive first, and Enter on a row not yet loaded opened nothing
    qtbot.waitUntil(lambda: win.case_list.model.rowCount() == 3)
    assert "接待小李" in win.user_label.text() and "接待员" in win.user_label.text()
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())] == [
        "案件列表", "我的待办", "过失单", "台账", "统计", "提醒"]

    view = win.case_list.view
    view.setFocus()
    view.selectRow(1)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    case_id = win.case_list.model.case_id(1)
    dialog = win.case_views[case_id]
    assert dialog.isVisible()
    number = win.case_list.model.index(1, 0).data()
    assert dialog.title.text() == number
    # the receptionist registered the case (its step 0): a handler reads the number, no
    # request needed (a non-handler's request: tests/ui/test_data_access_ui.py)
    assert "*" not in dialog.phone_label.text()
    assert not dialog.request_button.isVisible() and not dialog.reveal_button.isVisible()
    dialog.close()

    make_cases(services, reception, 1, seed=99)
    win.refresh_action.trigger()  # F5
    qtbot.waitUntil(lambda: win.count_label.text() == "共 4 个案件")


def test_ctrl_f_focuses_keyword_and_geometry_is_remembered(qtbot, services: Services,
                                                           reception: User,
                                                           qsettings: QSettings) -> None:
    win = MainWindow(services, reception, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    assert win.find_action.shortcut().toString() == "Ctrl+F"
    assert win.new_action.shortcut().toString() == "Ctrl+N"
    win.find_action.trigger()
    assert win.tabs.currentWidget() is win.case_list
    win.resize(720, 500)  # the offscreen screen is 800×600
    win.close()
    assert qsettings.value("main/geometry") is not None
    again = MainWindow(services, reception, settings=qsettings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (win.width(), win.height())


def test_first_start_asks_for_the_administrator(qtbot, services: Services) -> None:
    assert services.auth.needs_first_admin()
    dlg = FirstAdminDialog(services)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.password, "abc")
    qtbot.keyClicks(dlg.confirm, "abc")
    dlg.create()
    assert "至少 6 位" in dlg.errors["password"].text()
    dlg.password.setText("secret123")
    dlg.confirm.setText("secret123")
    dlg.create()
    assert dlg.user is not None and not services.auth.needs_first_admin()


def test_login_error_shows_under_the_password(qtbot, services: Services, admin: User) -> None:
    dlg = LoginDialog(services)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.username, "admin")
    qtbot.keyClicks(dlg.password, "wrong-one")
    dlg.try_login()
    assert "用户名或密码错误" in dlg.password_error.text()
    assert dlg.user is None
    dlg.password.setText("secret123")
    dlg.try_login()
    assert dlg.user is not None and dlg.user.username == "admin"


def test_demo_login_offers_every_user_with_the_demo_password(qtbot, services: Services,
                                                             admin: User, reception: User) -> None:
    dlg = LoginDialog(services, demo=True)
    qtbot.addWidget(dlg)
    assert dlg.demo_users is not None and dlg.demo_users.count() == 2
    dlg.demo_users.setCurrentIndex(dlg.demo_users.findData("jiedai"))
    assert dlg.username.text() == "jiedai" and dlg.password.text() == "demo123"
    assert "接待员" in dlg.demo_users.currentText()


def test_bundled_font_is_the_app_font(qapp) -> None:
    family = install_font(qapp)
    assert family is not None and "WenQuanYi" in family
    assert family in QFontDatabase.families()
    assert qapp.font().family() == family
