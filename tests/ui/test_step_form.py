"""The action panel: only the actions the service allows show as buttons; the service's
messages appear next to the field they name; "已被他人处理" reloads the case."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateTimeEdit, QMessageBox
from wf_cast import make_cast, sample_intake

from complaintdesk.domain.records import Case
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.step_form import ActionPanel
from complaintdesk.ui.widgets.field_widgets import ResponsibleEditor, TextEditor

LEFT = Qt.MouseButton.LeftButton


def panel_for(qtbot: Any, services: Services, user: Any, case_id: int) -> ActionPanel:
    case = services.cases.open_case(user, case_id).case
    panel = ActionPanel(services, user, case)
    qtbot.addWidget(panel)
    return panel


def forwarded(services: Services, cast: Any) -> Case:
    case = services.intake.register(cast.reception, sample_intake())
    assert case.id is not None
    return services.workflow.act(cast.cs, case.id, "forward", {
        "category": "维修质量", "severity": "major", "department_id": cast.dept_id})


def approved(services: Services, cast: Any, cid: int) -> None:
    """重大 (DESIGN §4.1): the supervisor's solution approved by the GM before step 3."""
    services.workflow.act(cast.sup, cid, "request_approval",
                          {"solution_kind": "返修", "solution_text": "返修"})
    services.workflow.act(cast.gm, cid, "approve_solution", {})


def test_only_valid_actions_show_as_buttons(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    assert case.id is not None
    # step 1 填单转派: cs_center or the assessor, nobody else
    assert set(panel_for(qtbot, services, cast.cs, case.id).buttons) == {"forward", "classify"}
    assert set(panel_for(qtbot, services, cast.assessor, case.id).buttons) == {
        "forward", "classify"}
    for nobody in (cast.reception, cast.sup, cast.head, cast.gm, cast.admin):
        panel = panel_for(qtbot, services, nobody, case.id)
        assert panel.buttons == {}, nobody.username
    services.workflow.act(cast.cs, case.id, "forward", {
        "category": "维修质量", "severity": "major", "department_id": cast.dept_id})
    # step 2 部门安排: the head of that department (a major case is extended at step 3 only)
    head = panel_for(qtbot, services, cast.head, case.id)
    assert set(head.buttons) == {"assign", "handle_myself"}
    assert head.buttons["assign"].text() == "安排主管处理"
    assert set(panel_for(qtbot, services, cast.cs, case.id).buttons) == {"classify"}
    assert panel_for(qtbot, services, cast.sup, case.id).buttons == {}


def test_form_widgets_follow_the_field_kinds(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = forwarded(services, cast)
    services.workflow.act(cast.head, case.id or 0, "assign", {"supervisor_user_id": cast.sup.id})
    approved(services, cast, case.id or 0)
    panel = panel_for(qtbot, services, cast.sup, case.id or 0)
    form = panel.open_form("handle")
    assert list(form.editors) == ["process", "solution_kind", "solution_text",
                                  "customer_attitude", "responsible", "opinion"]
    assert isinstance(form.editors["process"], TextEditor)
    assert isinstance(form.editors["solution_kind"].widget, QComboBox)
    assert isinstance(form.editors["responsible"], ResponsibleEditor)
    # extension of a major case: a date-time and a reason only
    head = panel_for(qtbot, services, cast.head, case.id or 0)
    # 重大: the head may grant more time, or name another handler (not handle it for him)
    assert set(head.buttons) == {"extend_deadline", "reassign"}
    ext = panel_for(qtbot, services, cast.assessor, case.id or 0).open_form("extend_deadline")
    assert list(ext.editors) == ["deadline", "reason"]
    assert isinstance(ext.editors["deadline"].widget, QDateTimeEdit)


def test_service_message_shows_next_to_the_field(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    panel = panel_for(qtbot, services, cast.cs, case.id or 0)
    form = panel.open_form("forward")
    qtbot.mouseClick(form.submit_button, LEFT)
    assert form.errors["category"].isVisibleTo(form)
    assert "投诉类别" in form.errors["category"].text()
    form.editors["category"].set_value("维修质量")
    qtbot.mouseClick(form.submit_button, LEFT)
    assert not form.errors["category"].isVisibleTo(form)
    assert "严重程度" in form.errors["severity"].text()


def test_revisit_unsatisfied_reopens_and_confirm_fields_are_checkboxes(
        qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = forwarded(services, cast)
    cid = case.id or 0
    w = services.workflow
    w.act(cast.head, cid, "assign", {"supervisor_user_id": cast.sup.id})
    approved(services, cast, cid)
    w.act(cast.sup, cid, "handle", {"process": "经过", "solution_kind": "返修",
                                    "customer_attitude": "接受"})
    w.act(cast.head, cid, "dept_opinion", {"opinion": "同意"})
    w.act(cast.assessor, cid, "issue_slips", {"no_responsible": True})
    panel = panel_for(qtbot, services, cast.cs, cid)
    form = panel.open_form("revisit")
    reopen = form.editors["reopen_department_id"].widget
    assert not reopen.isEnabled()  # only matters for 不满意
    form.editors["method"].set_value("电话")
    form.editors["reached"].set_value(True)
    form.editors["satisfaction"].set_value("不满意")
    assert reopen.isEnabled()
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(form.submit_button, LEFT)
    after = services.cases.open_case(cast.admin, cid).case
    assert after.current_step == "handle" and after.reopen_count == 1


def test_conflict_says_already_handled_and_reloads(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    cid = case.id or 0
    mine = panel_for(qtbot, services, cast.cs, cid)
    theirs = panel_for(qtbot, services, cast.assessor, cid)
    for panel in (mine, theirs):
        form = panel.open_form("forward")
        form.editors["category"].set_value("维修质量")
        form.editors["severity"].set_value("normal")
        form.editors["department_id"].set_value(cast.dept_id)
    with qtbot.waitSignal(theirs.changed):
        qtbot.mouseClick(theirs.form.submit_button, LEFT)  # type: ignore[union-attr]
    with qtbot.waitSignal(mine.changed):
        qtbot.mouseClick(mine.form.submit_button, LEFT)  # type: ignore[union-attr]
    box = mine.last_message  # non-modal: the reload replaces the panel, the box stays
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "已被他人处理" in box.windowTitle() + box.text()
    assert "请刷新后重试" not in box.text()  # the panel has reloaded: nothing to refresh
    box.close()


def test_issue_slips_offers_no_responsible_checkbox(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = forwarded(services, cast)
    cid = case.id or 0
    w = services.workflow
    w.act(cast.head, cid, "assign", {"supervisor_user_id": cast.sup.id})
    approved(services, cast, cid)
    w.act(cast.sup, cid, "handle", {"process": "经过", "solution_kind": "返修",
                                    "customer_attitude": "接受"})
    w.act(cast.head, cid, "dept_opinion", {"opinion": "同意"})
    form = panel_for(qtbot, services, cast.assessor, cid).open_form("issue_slips")
    assert isinstance(form.editors["no_responsible"].widget, QCheckBox)


def test_what_the_supervisor_typed_survives_closing_the_case(qtbot: Any,
                                                             services: Services) -> None:
    cast = make_cast(services)
    case = forwarded(services, cast)
    services.workflow.act(cast.head, case.id or 0, "assign", {"supervisor_user_id": cast.sup.id})
    approved(services, cast, case.id or 0)
    panel = panel_for(qtbot, services, cast.sup, case.id or 0)
    panel.show()
    form = panel.open_form("handle")
    form.editors["process"].set_value("客户到店后与其当面沟通，核实了三次返修的经过")
    panel.hide()  # the case view closes (or the app is about to)
    again = panel_for(qtbot, services, cast.sup, case.id or 0)
    form = again.open_form("handle")
    assert form.editors["process"].value() == "客户到店后与其当面沟通，核实了三次返修的经过"
    assert "恢复" in form.general_error.text()
    # 取消 discards it on purpose
    again.cancel_form()
    assert again.open_form("handle").editors["process"].value() is None


def test_every_missing_field_is_marked_at_once(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    panel = panel_for(qtbot, services, cast.cs, case.id or 0)
    form = panel.open_form("forward")
    qtbot.mouseClick(form.submit_button, LEFT)
    for name in ("category", "severity", "department_id"):
        assert form.errors[name].isVisibleTo(form), name
