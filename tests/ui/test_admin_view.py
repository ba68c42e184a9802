"""系统管理: users with several roles, the service's messages by the field, the workflow
calendar saved into the "workflow" setting, 设置代理人 for oneself."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLineEdit
from wf_cast import make_cast

from complaintdesk.domain.records import Role
from complaintdesk.domain.workflow import WorkflowSettings
from complaintdesk.services.container import Services
from complaintdesk.ui.admin.admin_settings import delegation_dialog
from complaintdesk.ui.admin.admin_users import RolesBox
from complaintdesk.ui.admin.admin_view import AdminDialog
from complaintdesk.ui.main_window import MainWindow


def test_admin_creates_a_user_with_two_roles(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    form = dialog.users.edit(None)
    f = form.fields
    assert isinstance(f["username"], QLineEdit) and isinstance(f["roles"], RolesBox)
    f["username"].setText("xiaowang")
    f["display_name"].insert("小王")  # type: ignore[attr-defined]
    f["roles"].boxes[Role.DEPT_HEAD].setChecked(True)
    f["roles"].boxes[Role.CS_CENTER].setChecked(True)
    f["password"].setText("secret123")  # type: ignore[attr-defined]
    assert not form.try_save()  # a dept head needs a department: said by the field
    assert "部门" in form.errors["department"].text()
    dept = f["department"]
    assert isinstance(dept, QComboBox)
    dept.setCurrentIndex(dept.findData(cast.dept_id))
    assert form.try_save()
    user = next(u for u in services.people.users() if u.username == "xiaowang")
    assert user.roles == frozenset({Role.DEPT_HEAD, Role.CS_CENTER})
    assert any("xiaowang" == dialog.users.table.item(r, 0).text()
               for r in range(dialog.users.table.rowCount()))
    # reset password: too short is refused by the service's rule
    reset = dialog.users.reset_password(user)
    reset.fields["password"].setText("123")  # type: ignore[attr-defined]
    assert not reset.try_save() and "6" in reset.errors["password"].text()


def test_employee_who_left_stays_listed(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    tab = dialog.employees
    row = next(i for i, e in enumerate(tab.items) if e.id == cast.employee_id)
    form = tab.dialog(tab.items[row])
    active = form.fields["active"]
    assert isinstance(active, QCheckBox)
    active.setChecked(False)
    assert form.try_save()
    tab.refresh()
    assert tab.table.item(row, 3).text() == "已离职"


def test_business_calendar_and_revisit_days_saved_as_workflow_setting(
        qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    tab = dialog.workflow
    tab.use_calendar.setChecked(True)
    tab.days[6][0].setChecked(False)  # closed on Sundays
    tab.closed.addItem("2026-10-01")
    tab.revisit_days.setCurrentIndex(tab.revisit_days.findData(30))
    assert tab.save(), tab.message.text()
    settings = services.workflow.settings()
    assert settings.second_revisit_days == 30
    assert settings.calendar is not None and 6 not in settings.calendar.hours
    assert str(sorted(settings.calendar.closed_dates)[0]) == "2026-10-01"
    # a day that closes before it opens: the domain's message, nothing saved
    _box, opens, closes = tab.days[0]
    closes.setTime(opens.time().addSecs(-3600))
    assert not tab.save()
    assert tab.message.text().startswith("星期一的营业时间设置有误")  # the day named
    assert "必须早于关门时间" in tab.message.text()
    assert WorkflowSettings.from_dict(services.settings.get("workflow")).calendar == \
        settings.calendar


def test_every_user_may_name_a_delegate_for_themselves(qtbot: Any, services: Services,
                                                       qsettings: Any) -> None:
    cast = make_cast(services)
    win = MainWindow(services, cast.head, settings=qsettings)
    qtbot.addWidget(win)
    menu = win.system_menu  # type: ignore[attr-defined]
    texts = [a.text() for a in menu.actions()]
    assert "设置代理人…" in texts and "系统管理…" not in texts
    form = delegation_dialog(services, cast.head, cast.head, win)
    qtbot.addWidget(form)
    assert "absent" not in form.fields
    delegate = form.fields["delegate"]
    assert isinstance(delegate, QComboBox)
    assert not form.try_save() and form.errors["delegate"].text()
    delegate.setCurrentIndex(delegate.findText("主管杨帆"))
    assert form.try_save()
    [d] = services.people.delegations()
    assert (d.absent_user_id, d.delegate_user_id) == (cast.head.id, cast.sup.id)


def test_backup_times_are_shown_in_the_dealership_time_zone(qtbot: Any, services: Services,
                                                            admin: Any) -> None:
    """The 时间 column read the file's time in the PC's zone (UTC on a server-set PC) while
    every other time in the app is the dealership's (Asia/Shanghai)."""
    from complaintdesk.storage.backup import describe
    from complaintdesk.ui.admin.backup_dialog import BackupDialog

    path = services.backups.backup_now(admin)
    dialog = BackupDialog(services, admin)
    qtbot.addWidget(dialog)
    row = next(r for r in range(dialog.table.rowCount())
               if dialog.table.item(r, 0).text() == path.name)
    # the time the backup was made, as its manifest records it (the app's clock)
    made = describe(path).created
    assert made.tzinfo is not None and made == services.clock.now()
    shown = made.astimezone(services.backups.tz)
    assert dialog.table.item(row, 1).text() == f"{shown:%Y-%m-%d %H:%M}"
    assert dialog.table.verticalHeader().isHidden()


def test_admin_ends_a_delegation_early_and_it_is_audited(qtbot: Any, services: Services) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from complaintdesk.storage.tables import AuditRow

    cast = make_cast(services)
    now = services.clock.now()
    did = services.people.add_delegation(cast.head, cast.head.id, cast.sup.id,  # type: ignore[arg-type]
                                         now - timedelta(hours=1), now + timedelta(days=3), "出差")
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    tab = dialog.delegations
    asked: list[str] = []
    tab.confirm = lambda text: asked.append(text) or True
    assert tab.table.item(0, 4).text() == "生效中"
    assert not tab.end_button.isEnabled()  # nothing selected yet
    tab.table.selectRow(0)
    assert tab.end_button.isEnabled()
    qtbot.mouseClick(tab.end_button, Qt.MouseButton.LeftButton)
    assert "经理陈静" in asked[0] and "主管杨帆" in asked[0]
    (d,) = services.people.delegations()
    assert d.id == did and d.end == now  # ended now, kept in the list
    assert tab.table.rowCount() == 1 and tab.table.item(0, 4).text() == "已结束"
    assert "已结束" in tab.message.text()
    tab.table.selectRow(0)
    assert not tab.end_button.isEnabled()  # an ended delegation cannot be ended again
    with services.people.uow(readonly=True) as uow:
        rows = [(r.entity_id, r.user_name) for r in uow.session.execute(
            select(AuditRow).where(AuditRow.action == "end_delegation")).scalars()]
    assert rows == [(str(did), cast.admin.display_name)]


def test_ending_a_delegation_can_be_called_off(qtbot: Any, services: Services) -> None:
    from datetime import timedelta

    cast = make_cast(services)
    now = services.clock.now()
    services.people.add_delegation(cast.head, cast.head.id, cast.sup.id,  # type: ignore[arg-type]
                                   now, now + timedelta(days=3))
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    tab = dialog.delegations
    tab.confirm = lambda _text: False
    tab.table.selectRow(0)
    assert not tab.end_selected()
    assert services.people.delegations()[0].end == now + timedelta(days=3)


def test_a_user_back_early_ends_their_own_delegation_from_the_system_menu(
        qtbot: Any, services: Services, qsettings: Any) -> None:
    """Not only the admin: 系统 → 我的代理人 lists the user's own delegations (nobody
    else's) and ends one now, audited under the user's name."""
    from datetime import timedelta

    cast = make_cast(services)
    now = services.clock.now()
    mine = services.people.add_delegation(cast.head, cast.head.id, cast.sup.id,  # type: ignore[arg-type]
                                          now - timedelta(hours=2), now + timedelta(days=2), "休假")
    services.people.add_delegation(cast.admin, cast.sup.id, cast.head.id,  # type: ignore[arg-type]
                                   now, now + timedelta(days=1), "出差")
    win = MainWindow(services, cast.head, settings=qsettings)
    qtbot.addWidget(win)
    action = next(a for a in win.system_menu.actions()  # type: ignore[attr-defined]
                  if a.text() == "我的代理人…")
    action.trigger()
    dialog = next(w for w in win.findChildren(QDialog) if w.windowTitle().startswith("我的代理人"))
    tab = dialog.delegations  # type: ignore[attr-defined]
    assert tab.table.rowCount() == 1  # the supervisor's delegation is not shown
    assert tab.table.item(0, 1).text() == "主管杨帆" and tab.table.item(0, 4).text() == "生效中"
    tab.confirm = lambda _text: True
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.end_button, Qt.MouseButton.LeftButton)
    ended = next(d for d in services.people.delegations() if d.id == mine)
    assert ended.end == now and tab.table.item(0, 4).text() == "已结束"
    others = [d for d in services.people.delegations() if d.id != mine]
    assert [d.end for d in others] == [now + timedelta(days=1)]  # untouched
    from sqlalchemy import select

    from complaintdesk.storage.tables import AuditRow

    with services.people.uow(readonly=True) as uow:
        rows = [(r.entity_id, r.user_name) for r in uow.session.execute(
            select(AuditRow).where(AuditRow.action == "end_delegation")).scalars()]
    assert rows == [(str(mine), cast.head.display_name)]
    dialog.close()


def test_approval_hours_and_notice_days_are_settings_with_product_defaults(
        qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    tab = dialog.workflow
    assert (tab.approval_hours.value(), tab.notice_from.value(), tab.notice_by.value()) == (
        4, 3, 5)
    tab.approval_hours.setValue(6)
    tab.notice_by.setValue(4)
    assert tab.save(), tab.message.text()
    settings = services.workflow.settings()
    assert (settings.approval_hours, settings.notice_from_day, settings.notice_by_day) == (
        6, 3, 4)
    tab.notice_from.setValue(5)  # later than the end: the domain's message, nothing saved
    assert not tab.save() and "处理意见告知" in tab.message.text()
    assert services.workflow.settings().notice_from_day == 3
