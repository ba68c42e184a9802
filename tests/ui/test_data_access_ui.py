"""Customer data in the UI (DESIGN §3, seed 002): someone who does not handle a case sees
its mobile, landline and VIN masked and cannot reveal them with one click; they ask with a
reason, the department head approves in 我的待办, and then they reveal them (audited)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt
from sqlalchemy import select
from ui_builders import NOW
from wf_cast import make_cast, sample_intake

from complaintdesk.domain.clock import FixedClock
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services
from complaintdesk.storage.tables import AuditRow
from complaintdesk.ui.admin.access_requests import AccessRequestsPanel
from complaintdesk.ui.cases.case_view import CaseViewDialog

PHONE, LANDLINE, VIN = "13812345678", "010-68880061", "LSVAB2BR5KN001234"


def _case(services: Services, c) -> int:
    case = services.intake.register(SYSTEM_USER, replace(
        sample_intake(), landline=LANDLINE, vin=VIN))
    assert case.id is not None
    services.workflow.act(c.cs, case.id, "forward", {"category": "维修质量",
                                                     "severity": "normal",
                                                     "department_id": c.dept_id})
    return case.id


def _actions(services: Services) -> list[tuple[str, str]]:
    with services.cases.uow(readonly=True) as uow:
        return [(r.action, r.user_name) for r in uow.session.execute(
            select(AuditRow).where(AuditRow.action.in_(  # type: ignore[attr-defined]
                ("request_contact_access", "approve_contact_access", "view_contact")))
            .order_by(AuditRow.id)).scalars()]


def test_request_approve_reveal(qtbot, services: Services) -> None:
    c = make_cast(services)
    case_id = _case(services, c)

    view = CaseViewDialog(services, c.reception, case_id)
    qtbot.addWidget(view)
    view.show()
    shown = (view.phone_label.text(), view.landline_label.text(), view.vin_label.text())
    assert shown == ("138****5678", "010-****0061", "LSVAB********1234")
    assert not view.reveal_button.isVisible()  # no one-click reveal any more
    assert view.request_button.isVisible() and "已隐藏" in view.access_status.text()
    view.reason_edit.setText("客户来电要求核对预留电话")  # (keyClicks types ASCII only)
    qtbot.mouseClick(view.request_button, Qt.MouseButton.LeftButton)
    assert "等待" in view.access_status.text() and view.reason_edit.text() == ""

    notes: list[str] = []
    panel = AccessRequestsPanel(services, c.head, notes.append)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.table.rowCount() == 1 and "24小时" in panel.approve_button.text()
    assert panel.table.item(0, 1).text() == "接待小李"
    assert panel.table.item(0, 3).text() == "客户来电要求核对预留电话"
    qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    assert panel.table.rowCount() == 0 and not panel.isVisible()

    view.reload()
    # the new box shows, and is laid out, on the next events (a click on a 0-high button misses)
    qtbot.waitUntil(lambda: view.reveal_button.isVisible() and view.reveal_button.height() > 0)
    assert not view.request_button.isVisible()
    assert view.phone_label.text() == "138****5678"  # still masked until revealed
    qtbot.mouseClick(view.reveal_button, Qt.MouseButton.LeftButton)
    shown = (view.phone_label.text(), view.landline_label.text(), view.vin_label.text())
    assert shown == (PHONE, LANDLINE, VIN)
    assert _actions(services)[-3:] == [("request_contact_access", "接待小李"),
                                       ("approve_contact_access", "经理陈静"),
                                       ("view_contact", "接待小李")]

    # 24 h after the approval the reveal is gone again
    assert isinstance(services.clock, FixedClock)
    services.clock.advance(timedelta(hours=24))
    view.reload()
    qtbot.waitUntil(view.request_button.isVisible)
    assert not view.reveal_button.isVisible()
    assert "过期" in view.access_status.text()


def test_a_handler_sees_the_numbers_and_no_request_controls(qtbot, services: Services) -> None:
    c = make_cast(services)
    case_id = _case(services, c)
    view = CaseViewDialog(services, c.head, case_id)
    qtbot.addWidget(view)
    view.show()
    assert (view.phone_label.text(), view.landline_label.text(), view.vin_label.text()) == (
        PHONE, LANDLINE, VIN)
    assert not view.request_button.isVisible() and not view.reveal_button.isVisible()
    assert ("view_contact", "经理陈静") in _actions(services)


def test_a_new_request_is_announced_to_the_approver(qtbot, services: Services) -> None:
    c = make_cast(services)
    case_id = _case(services, c)
    notes: list[str] = []
    panel = AccessRequestsPanel(services, c.gm, notes.append)
    qtbot.addWidget(panel)
    assert not panel.isVisible() and panel.table.rowCount() == 0
    services.data_access.request_access(c.reception, case_id, "核对车架号")
    panel.refresh()
    assert panel.table.rowCount() == 1
    assert notes and "接待小李 申请查看" in notes[0]
    assert NOW  # the shared clock starts at the UI tests' NOW


def test_the_approval_period_is_set_in_the_workflow_settings(qtbot, services: Services) -> None:
    from complaintdesk.ui.admin.admin_settings import WorkflowSettingsTab

    c = make_cast(services)
    tab = WorkflowSettingsTab(services, c.admin)
    qtbot.addWidget(tab)
    assert tab.access_hours.value() == 24  # the product default
    tab.access_hours.setValue(8)
    assert tab.save()
    assert services.data_access.hours() == 8
    panel = AccessRequestsPanel(services, c.gm)
    qtbot.addWidget(panel)
    assert "8小时" in panel.approve_button.text()


def test_the_department_heads_todo_tab_holds_the_requests(qtbot, services: Services,
                                                          qsettings) -> None:
    from complaintdesk.ui.main_window import MainWindow

    c = make_cast(services)
    case_id = _case(services, c)
    services.data_access.request_access(c.reception, case_id, "核对车架号")
    win = MainWindow(services, c.head, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    panel = win.access_requests  # type: ignore[attr-defined]
    assert panel.parent() is win.tasks_view  # type: ignore[attr-defined]
    assert panel.table.rowCount() == 1 and panel.table.item(0, 3).text() == "核对车架号"
    with qtbot.waitSignal(panel.open_case) as opened:
        panel._open()
    assert opened.args == [case_id]
    win.close()
