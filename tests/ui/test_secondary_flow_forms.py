"""The 维修顾问's 竣工上报 and the internal complaint's reporter department, through the real
widgets (DESIGN §4.2, §4.3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit

from complaintdesk.domain import steps as S
from complaintdesk.domain.records import FlowKind, Intake, Role, User
from complaintdesk.domain.workflow.internal_routing import case_routing
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.internal_dialog import InternalComplaintDialog
from complaintdesk.ui.cases.step_form import ActionPanel

LEFT = Qt.MouseButton.LeftButton


def _dept(services: Services, name: str) -> int:
    return next(d.id for d in services.people.departments() if d.name == name)


def _user(services: Services, username: str, role: Role, dept: int) -> User:
    return services.people.save_user(
        SYSTEM_USER, User(None, username, username, frozenset({role}), dept), "demo123")


def test_advisor_records_completion_then_reports_it_and_the_time_is_kept(
        qtbot: Any, services: Services) -> None:
    after_sales = _dept(services, "售后服务部")
    advisor = _user(services, "weixiu", Role.SERVICE_ADVISOR, after_sales)
    case = services.intake.register(advisor, Intake(
        customer_name="钱多多", phone="13912345678", description="变速箱异响，送厂外返修",
        complained_at=services.clock.now()),
        flow=FlowKind.REWORK, department_id=after_sales)
    clock = services.clock
    clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    panel = ActionPanel(services, advisor, services.cases.open_case(advisor, case.id).case)
    qtbot.addWidget(panel)
    assert set(panel.buttons) == {"rw_record_completion", "rw_report"}
    form = panel.open_form("rw_record_completion")
    assert list(form.editors) == ["completed_at"]
    assert isinstance(form.editors["completed_at"].widget, QDateTimeEdit)
    done = clock.now() - timedelta(hours=3)
    form.editors["completed_at"].set_value(done)
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(form.submit_button, LEFT)
    stored = services.cases.open_case(advisor, case.id).case
    step = stored.open_step
    assert step.step_key == S.RW_COMPLETE and step.deadline is not None
    panel = ActionPanel(services, advisor, stored)
    qtbot.addWidget(panel)
    report = panel.open_form("rw_report")
    assert list(report.editors) == ["completed_at", "note"]
    report.editors["note"].set_value("委托书已收齐")
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(report.submit_button, LEFT)
    after = services.cases.open_case(advisor, case.id).case
    assert after.current_step == S.RW_HANDOVER
    recorded = after.steps[1].data["completed_at"]
    assert recorded.startswith(done.replace(second=0, microsecond=0).isoformat()[:16])


def test_internal_dialog_sends_the_reporters_department(qtbot: Any, services: Services) -> None:
    sales = _dept(services, "销售部")
    reporter = _user(services, "xsgw", Role.RECEPTION, sales)
    dlg = InternalComplaintDialog(services, reporter)
    qtbot.addWidget(dlg)
    assert dlg.reporter_department.currentData() == sales  # the user's own by default
    dlg.department.setCurrentIndex(dlg.department.findText("售后服务部"))
    dlg.description.insertPlainText("售后前台未按流程交接车辆钥匙")
    qtbot.mouseClick(dlg.save_button, LEFT)
    assert dlg.created_case is not None
    assert case_routing(dlg.created_case).reporter_department_id == sales


def test_the_timeline_reads_the_new_records_and_hides_the_routing_snapshot() -> None:
    from zoneinfo import ZoneInfo

    from complaintdesk.ui.widgets.field_text import Names, shown_items

    names = Names(users={7: "张伟"}, departments={3: "售后服务部"})
    tz = ZoneInfo("Asia/Shanghai")
    report = {"routing": {"company_department_id": 5, "own_assessor_departments": [3]}}
    assert shown_items(report, names, tz) == []
    opened = {"department_id": 3, "passed_on_by_user_id": 7, "cross_department": True,
              "passed_on_at": "2026-11-02T01:00:00+00:00"}
    assert dict(shown_items(opened, names, tz)) == {
        "责任部门": "售后服务部", "转交的部门负责人": "张伟", "部门负责人转交时间": "2026-11-02 09:00",
        "跨部门投诉（转交被投诉部门考核主管）": "是"}
    evaluated = {"evaluation": "及时", "notified_department_id": 3}
    assert dict(shown_items(evaluated, names, tz))["已告知投诉部门负责人"] == "售后服务部"
