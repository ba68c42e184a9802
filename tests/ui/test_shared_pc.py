"""Shared PCs and live lists (issue 13): 切换用户 and the idle lock return to the login
without quitting; the login list names department and role; 我的待办 comes first for the
people who take steps and follows the database by itself — after a step on this PC and
after a write on another PC — keeping the selection."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from wf_cast import PASSWORD, make_cast, sample_intake

from complaintdesk.services.container import Services, open_services
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.ui.login_dialog import LoginDialog
from complaintdesk.ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def _window(qtbot: Any, services: Services, user: Any, qsettings: QSettings) -> MainWindow:
    win = MainWindow(services, user, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    return win


def test_switch_user_locks_and_logs_another_person_in_without_quitting(
        qtbot, services: Services, qsettings: QSettings) -> None:
    cast = make_cast(services)
    services.intake.register(cast.reception, sample_intake())
    win = _window(qtbot, services, cast.reception, qsettings)
    assert win.switch_user_action.shortcut().toString() == "Ctrl+L"
    assert win.switch_user_action in win.file_menu.actions()
    assert win.tabs.currentWidget() is win.case_list  # reception takes no steps
    win.new_action.trigger()
    intake = win.intake_dialog
    assert intake is not None and intake.isVisible()
    intake.edits["customer_name"].insert("半途的登记")

    win.switch_user_action.trigger()
    assert win.locked and win.stack.currentIndex() == 1  # the lock page, not the cases
    assert not win.menuBar().isEnabled() and win.user_label.text() == "已锁定"
    assert not win.statusBar().isVisible()  # the last person's counts are not shown
    assert win.intake_dialog is None  # closed, its draft kept for the next time
    assert services.drafts.get(cast.reception, "intake")
    login = win.login_dialog
    assert isinstance(login, LoginDialog) and login.isVisible()
    assert login.username.text() == "jiedai"  # the last user, remembered
    assert QApplication.instance() is not None and win.isVisible()  # nothing quit

    replaced: list[MainWindow] = []
    win.replaced.connect(replaced.append)
    login.username.setText("kefu")
    qtbot.keyClicks(login.password, PASSWORD)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(replaced))
    new = replaced[0]
    qtbot.addWidget(new)
    assert new.user.username == "kefu" and new.isVisible() and not win.isVisible()
    assert "客服朱红" in new.user_label.text()
    # a person with steps sees 我的待办 first, with the registered complaint in it
    assert new.tabs.currentWidget() is new.tasks_view  # type: ignore[attr-defined]
    assert new.tasks_view.model.rowCount() == 1  # type: ignore[attr-defined]


def test_the_same_person_unlocks_where_they_were(qtbot, services: Services,
                                                 qsettings: QSettings) -> None:
    cast = make_cast(services)
    win = _window(qtbot, services, cast.cs, qsettings)
    win.tabs.setCurrentIndex(0)
    win.lock()
    login = win.login_dialog
    assert login is not None
    login.password.setText("wrong-one")
    login.try_login()
    assert win.locked and "用户名或密码错误" in login.password_error.text()
    assert login.password_error.text().endswith("。")
    login.password.setText(PASSWORD)
    login.try_login()
    assert not win.locked and win.stack.currentIndex() == 0 and win.menuBar().isEnabled()
    assert win.statusBar().isVisible()
    assert win.tabs.currentIndex() == 0 and "客服朱红" in win.user_label.text()


def test_an_idle_pc_locks_itself_and_input_keeps_it_open(qtbot, services: Services,
                                                         qsettings: QSettings) -> None:
    cast = make_cast(services)
    win = _window(qtbot, services, cast.reception, qsettings)
    assert win.idle_minutes() == 15  # the product default
    services.settings.put(cast.admin, "idle_lock_minutes", 5)
    assert win.idle_minutes() == 5
    # 2.4 s: long beside the 400 ms between keys even when a loaded machine stretches the waits
    win.set_idle_minutes(0.04)
    for _ in range(8):  # typing keeps restarting the timer (3.2 s in all, past the 2.4 s lock)
        qtbot.wait(400)
        qtbot.keyClick(win.case_list.keyword, Qt.Key.Key_A)
    assert not win.locked
    qtbot.waitUntil(lambda: win.locked, timeout=10000)
    assert win.login_dialog is not None and "自动锁定" in win.lock_label.text()
    win.set_idle_minutes(0)
    assert not win.idle_timer.isActive()


def test_login_list_names_each_persons_department_and_role(qtbot, services: Services) -> None:
    make_cast(services)
    dlg = LoginDialog(services, demo=True)
    qtbot.addWidget(dlg)
    assert dlg.demo_users is not None
    texts = [dlg.demo_users.itemText(i) for i in range(dlg.demo_users.count())]
    assert "经理陈静 — 售后服务部 · 部门负责人" in texts
    assert "主管杨帆 — 售后服务部 · 业务主管" in texts


def test_login_before_the_database_is_open_checks_when_it_is(qtbot, services: Services) -> None:
    cast = make_cast(services)
    dlg = LoginDialog(None, last_username="kefu")
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.username.text() == "kefu" and dlg.focusWidget() is dlg.password
    qtbot.keyClicks(dlg.password, PASSWORD)
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    assert dlg.user is None and not dlg.login_button.isEnabled()
    assert "正在打开数据库" in dlg.status.text()
    dlg.set_services(services)
    assert dlg.user is not None and dlg.user.id == cast.cs.id


def test_my_tasks_follow_a_step_here_and_a_write_on_another_pc(
        qtbot, services: Services, qsettings: QSettings, tmp_path) -> None:
    cast = make_cast(services)
    first = services.intake.register(cast.reception, sample_intake("王先生"))
    services.intake.register(cast.reception, sample_intake("李女士"))
    win = _window(qtbot, services, cast.cs, qsettings)
    tasks = win.tasks_view  # type: ignore[attr-defined]
    assert tasks.model.rowCount() == 2
    other_row = next(i for i, t in enumerate(tasks.model.rows) if t.row.id != first.id)
    tasks.table.selectRow(other_row)
    other_id = tasks.model.rows[other_row].row.id

    # a step taken here, in the case view's form: the list follows without 刷新
    view = win.open_case(first.id)
    panel = view.actions
    qtbot.mouseClick(panel.buttons["forward"], LEFT)
    form = panel.form
    assert form is not None
    for name, text in (("category", "维修质量"), ("severity", "一般"),
                       ("department_id", "售后服务部")):
        box = form.editors[name].widget
        box.setCurrentIndex(box.findText(text, Qt.MatchFlag.MatchStartsWith))
    qtbot.mouseClick(form.submit_button, LEFT)
    qtbot.waitUntil(lambda: tasks.model.rowCount() == 1, timeout=5000)
    assert tasks.model.rows[0].row.id == other_id
    assert tasks.table.currentIndex().row() == 0  # the selected case is still selected
    qtbot.waitUntil(lambda: "我的待办 1 项" in tasks.status_label.text(), timeout=5000)

    # another PC (a second service container on the same file) registers a complaint
    other_pc = open_services(DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3"),
                             clock=services.clock, data_dir=tmp_path, auto_backup=False)
    try:
        count_before = win.count_label.text()
        other_pc.intake.register(cast.reception, sample_intake("赵先生"))
        qtbot.waitUntil(lambda: tasks.model.rowCount() == 2, timeout=5000)
        assert tasks.model.rows[tasks.table.currentIndex().row()].row.id == other_id
        qtbot.waitUntil(lambda: win.count_label.text() != count_before, timeout=5000)
        assert win.count_label.text() == "共 3 个案件"
        assert win.case_list.model.rowCount() == 3
    finally:
        other_pc.dispose()
    win.close()


def test_the_login_checks_the_password_during_the_pause_before_enter(
        qtbot, services: Services, monkeypatch) -> None:
    from complaintdesk.services import auth as auth_module

    cast = make_cast(services)
    dlg = LoginDialog(services, last_username="kefu")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.password, PASSWORD)
    qtbot.waitUntil(lambda: dlg._ticket is not None, timeout=10000)  # checked in a worker
    calls: list[int] = []
    real = auth_module._hasher

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            calls.append(1)
            return real.verify(stored, password)

    monkeypatch.setattr(auth_module, "_hasher", Counting())
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    assert dlg.user is not None and dlg.user.id == cast.cs.id
    assert calls == []  # 登录 needed no second hash


def test_an_open_case_view_follows_a_step_taken_on_another_pc(
        qtbot, services: Services, qsettings: QSettings, tmp_path) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    win = _window(qtbot, services, cast.assessor, qsettings)
    view = win.open_case(case.id)
    assert view.view is not None and view.view.case.current_step == "forward"
    other_pc = open_services(DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3"),
                             clock=services.clock, data_dir=tmp_path, auto_backup=False)
    try:
        other_pc.workflow.act(cast.cs, case.id, "forward", {
            "category": "维修质量", "severity": "normal", "department_id": cast.dept_id})
        qtbot.waitUntil(lambda: view.view.case.current_step == "assign", timeout=5000)
        from complaintdesk.domain.steps import step_title

        assert f"当前步骤：{step_title('assign')}" in view.summary.text()
    finally:
        other_pc.dispose()
    win.close()


def test_a_closed_window_never_reloads_again(qtbot, services: Services,
                                              qsettings: QSettings) -> None:
    """A poke already queued, or a settle timer already running, when the window closes is
    dropped: a closed window's reload would reconnect to a database it let go (seen on
    PostgreSQL as a stray "other PC" blocking the next migration)."""
    from complaintdesk.ui.widgets.live import LiveUpdates

    cast = make_cast(services)
    live = LiveUpdates(services, interval=0.05)
    fired: list[int] = []
    live.changed.connect(lambda: fired.append(1))
    live._poked()  # a change arrived: the settle timer runs…
    live.stop()  # …and the window closes before it fires
    live._poked()  # a poke still queued from the watcher thread
    qtbot.wait(600)
    assert fired == [] and live.watcher is None
    win = _window(qtbot, services, cast.cs, qsettings)
    win.close()  # the window's own live updates stop with it
    assert win.live is None
