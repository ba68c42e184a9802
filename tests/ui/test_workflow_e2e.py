"""One complaint from registration to 已结案 through the real windows: each person logs in,
finds the case in 我的待办, opens it and fills the step form the workflow generates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QRadioButton
from wf_cast import PASSWORD, make_cast

from complaintdesk.domain.records import CaseStatus, User
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.step_form import StepForm
from complaintdesk.ui.login_dialog import LoginDialog
from complaintdesk.ui.main_window import MainWindow
from complaintdesk.ui.widgets.field_widgets import ResponsibleEditor

LEFT = Qt.MouseButton.LeftButton


def login(qtbot: Any, services: Services, username: str) -> User:
    dlg = LoginDialog(services)
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.username, username)
    qtbot.keyClicks(dlg.password, PASSWORD)
    dlg.try_login()
    assert dlg.user is not None
    return dlg.user


def type_text(form: StepForm, name: str, text: str) -> None:
    widget = form.editors[name].widget
    assert isinstance(widget, QPlainTextEdit)
    widget.insertPlainText(text)  # CJK arrives the way an input method delivers it


def choose(form: StepForm, name: str, text: str) -> None:
    widget = form.editors[name].widget
    assert isinstance(widget, QComboBox)
    i = widget.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert i >= 0, f"{text} not in {name}"
    widget.setCurrentIndex(i)


def act_as(qtbot: Any, services: Services, qsettings: Any, username: str, case_id: int,
           action: str, fill: Callable[[StepForm], None]) -> None:
    """Log in, double-click the case in 我的待办, press the action, fill, submit."""
    user = login(qtbot, services, username)
    win = MainWindow(services, user, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    tasks = win.tasks_view  # type: ignore[attr-defined]
    win.tabs.setCurrentWidget(tasks)
    rows = [t.row.id for t in tasks.model.rows]
    assert case_id in rows, f"{username} does not see the case in 我的待办"
    index = tasks.model.index(rows.index(case_id), 0)
    center = tasks.table.visualRect(index).center()
    qtbot.mouseClick(tasks.table.viewport(), LEFT, pos=center)
    qtbot.mouseDClick(tasks.table.viewport(), LEFT, pos=center)
    view = win.case_views[case_id]
    panel = view.actions
    assert action in panel.buttons, f"{username}: {list(panel.buttons)}"
    qtbot.mouseClick(panel.buttons[action], LEFT)
    form = panel.form
    assert form is not None
    fill(form)
    version = view.view.case.version
    qtbot.mouseClick(form.submit_button, LEFT)
    assert not form.general_error.isVisibleTo(form), form.general_error.text()
    assert view.view.case.version > version, "the case did not move on"
    view.close()
    win.close()


def test_complaint_from_registration_to_closed(qtbot: Any, services: Services,
                                               qsettings: Any) -> None:
    cast = make_cast(services)
    clock = services.clock

    # 0 登记 — reception, through the intake dialog of the main window
    user = login(qtbot, services, "jiedai")
    win = MainWindow(services, user, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    win.new_action.trigger()
    dlg = win.intake_dialog
    assert dlg is not None
    dlg.edits["customer_name"].insert("欧阳娜")
    qtbot.keyClicks(dlg.edits["phone"], "13912345678")
    dlg.edits["plate"].insert("京A12345")
    dlg.texts["description"].insertPlainText("保养后发动机故障灯仍然亮起")
    qtbot.mouseClick(dlg.save_button, LEFT)
    qtbot.waitUntil(lambda: win.intake_dialog is None)
    assert dlg.created_case is not None and dlg.created_case.id is not None
    case_id = dlg.created_case.id
    win.close()

    def step(minutes: int, username: str, action: str, fill: Callable[[StepForm], None]) -> None:
        clock.advance(minutes=minutes)  # type: ignore[attr-defined]
        act_as(qtbot, services, qsettings, username, case_id, action, fill)

    def forward(f: StepForm) -> None:
        choose(f, "category", "维修质量")
        choose(f, "severity", "一般")
        choose(f, "department_id", "售后服务部")

    def handle(f: StepForm) -> None:
        type_text(f, "process", "客户保养后故障灯亮，检查为传感器插头松动")
        choose(f, "solution_kind", "返修")
        type_text(f, "customer_attitude", "客户接受返修")
        editor = f.editors["responsible"]
        assert isinstance(editor, ResponsibleEditor)
        qtbot.mouseClick(editor.add_button, LEFT)
        emp, level, text = editor.row_widgets(0)
        emp.setCurrentIndex(emp.findData(cast.employee_id))
        level.setCurrentIndex(level.findText("次要责任"))
        text.setText("未按规范复查")
        type_text(f, "opinion", "建议按制度处理")

    def revisit(f: StepForm) -> None:
        choose(f, "method", "电话")
        choose(f, "reached", "是")
        choose(f, "satisfaction", "满意")
        type_text(f, "customer_words", "问题已解决，谢谢")

    def evaluate(f: StepForm) -> None:
        type_text(f, "evaluation", "处理及时得当")
        choose(f, "on_time", "是")
        choose(f, "proper", "是")

    step(10, "kefu", "forward", forward)
    step(20, "jingli", "assign", lambda f: choose(f, "supervisor_user_id", "主管杨帆"))
    step(60, "zhuguan", "handle", handle)
    step(60, "jingli", "dept_opinion", lambda f: type_text(f, "opinion", "同意主管意见"))
    step(30, "kaohe", "issue_slips", lambda f: None)
    step(120, "kefu", "revisit", revisit)
    step(60, "kaohe", "evaluate", evaluate)
    def approve(f: StepForm) -> None:
        type_text(f, "approval", "同意")
        # the GM decides each slip of the case explicitly (here: the one slip, 同意)
        decisions = f.editors["slip_decisions"].widget.findChildren(QRadioButton)
        agree = [r for r in decisions if r.text() == "同意"]
        assert len(agree) == 1
        qtbot.mouseClick(agree[0], LEFT)

    step(60, "zongjingli", "approve", approve)
    step(30, "kaohe", "enforce", lambda f: type_text(f, "feedback_to_department", "已反馈"))

    view = services.cases.open_case(cast.admin, case_id)
    assert view.case.status is CaseStatus.CLOSED

    # the closed case: its timeline shows every step, the panel has nothing to do
    win = MainWindow(services, cast.admin, settings=qsettings)
    qtbot.addWidget(win)
    dialog = win.open_case(case_id)
    text = dialog.timeline.text()
    for title in ("登记", "填单转派", "部门安排", "主管处理", "部门负责人签署", "开具过失单",
                  "回访", "考核评估", "总经理签批", "责任追究"):
        assert f". {title}</b>" in text
    assert "赵磊（次要责任）：未按规范复查" in text
    assert "GS-202611-0001" in text  # the slip the assessor's step issued
    assert "满意度" in text and "是否按时处理" in text
    assert "已结案" in dialog.summary.text()
    assert dialog.actions.buttons == {}
    assert len(dialog.timeline.cards) == 10


def test_late_step_shows_how_late_and_delegate_acts_for_the_absent(
        qtbot: Any, services: Services, qsettings: Any) -> None:
    from wf_cast import sample_intake

    cast = make_cast(services)
    clock = services.clock
    case = services.intake.register(cast.reception, sample_intake())
    assert case.id is not None
    services.workflow.act(cast.cs, case.id, "forward", {
        "category": "服务态度", "severity": "normal", "department_id": cast.dept_id})
    # the dept head is away; the supervisor stands in for them
    now = clock.now()
    services.people.add_delegation(cast.head, cast.head.id or 0, cast.sup.id or 0,
                                   now - timedelta(hours=1), now + timedelta(days=2), "休假")
    clock.advance(timedelta(hours=4, minutes=20))  # type: ignore[attr-defined]
    act_as(qtbot, services, qsettings, "zhuguan", case.id, "assign",
           lambda f: choose(f, "supervisor_user_id", "主管杨帆"))

    win = MainWindow(services, cast.admin, settings=qsettings)
    qtbot.addWidget(win)
    text = win.open_case(case.id).timeline.text()
    assert "主管杨帆（代 经理陈静 处理）" in text
    assert "超时 3 小时 20 分" in text
