"""Each step does its own work in place (issue 13): the assessor issues the proposed slips
from the 开具过失单 panel, the GM decides each slip in the 签批 panel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QRadioButton

from acc_builders import cast, employee_id, walk_to_approve, walk_to_issue
from complaintdesk.domain.records import Penalty, PenaltyKind, SlipStatus
from complaintdesk.ui.cases.step_form import ActionPanel
from complaintdesk.ui.cases.step_slips import SlipDecisionsEditor, SlipWorkEditor
from service_builders import make_services

LEFT = Qt.MouseButton.LeftButton


class Answers:
    """Canned answers for the slip prompts (the Prompter's API)."""

    def __init__(self, penalties: tuple[list[Penalty], str] | None = None) -> None:
        self.asked: list[str] = []
        self._penalties = penalties

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return True

    def text(self, title: str, label: str, default: str = "") -> str | None:
        return "情况不属实"

    def penalties(self, title: str, current: list[Penalty], reward: bool,
                  ask_reason: bool = True) -> tuple[list[Penalty], str] | None:
        return self._penalties


def panel(qtbot: Any, services: Any, user: Any, case_id: int) -> ActionPanel:
    p = ActionPanel(services, user, services.cases.open_case(user, case_id).case)
    qtbot.addWidget(p)
    p.resize(520, 700)
    p.show()
    return p


def texts(widget: Any) -> str:
    return "\n".join(lbl.text() for lbl in widget.findChildren(QLabel))


def test_assessor_issues_the_proposed_slip_from_the_step_5_panel(qtbot: Any, tmp_path) -> None:
    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        case = walk_to_issue(services, clock, c)
        p = panel(qtbot, services, c.assessor, case.id)
        form = p.open_form("issue_slips")
        editor = form.editors["slip_ids"]
        assert isinstance(editor, SlipWorkEditor)
        [slip_id] = editor.rows
        assert "赵磊" in texts(editor.widget) and "拟开具" in texts(editor.widget)
        assert "preview" not in editor.rows[slip_id]  # a proposal has no number to print
        answers = Answers()
        p.work.prompter = answers
        issue = editor.widget.findChild(QPushButton, f"slip_issue_{slip_id}")
        qtbot.mouseClick(issue, LEFT)
        assert answers.asked and "赵磊" in answers.asked[0]
        view = services.accountability.slip(c.assessor, slip_id)
        assert view.slip.status is SlipStatus.ISSUED and view.slip.number == "GS-202611-0001"
        # the row now shows the number and offers 预览打印 and 详情 (the slip dialog)
        assert "GS-202611-0001" in texts(editor.widget)
        assert {"preview", "open"} <= set(editor.rows[slip_id])
        qtbot.mouseClick(editor.rows[slip_id]["open"], LEFT)
        assert editor.dialog.isVisible() and "GS-202611-0001" in editor.dialog.windowTitle()
        editor.dialog.close()
        # the step is then confirmed from the same panel
        qtbot.mouseClick(form.submit_button, LEFT)
        after = services.cases.open_case(c.assessor, case.id).case
        assert after.current_step == "revisit"
        step5 = next(s for s in after.steps if s.step_key == "issue_slips")
        assert step5.data["slip_ids"] == [slip_id] and step5.data["no_responsible"] is False
    finally:
        services.dispose()


def test_discarding_the_only_proposal_from_the_panel_leaves_no_responsible(qtbot: Any,
                                                                            tmp_path) -> None:
    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        case = walk_to_issue(services, clock, c)
        p = panel(qtbot, services, c.assessor, case.id)
        editor = p.open_form("issue_slips").editors["slip_ids"]
        p.work.prompter = Answers()
        [slip_id] = editor.rows
        qtbot.mouseClick(editor.rows[slip_id]["discard"], LEFT)
        assert services.accountability.slip(c.assessor, slip_id).slip.status \
            is SlipStatus.DISCARDED
        assert "issue" not in editor.rows[slip_id]  # nothing left to issue
        qtbot.mouseClick(p.form.submit_button, LEFT)
        after = services.cases.open_case(c.assessor, case.id).case
        step5 = next(s for s in after.steps if s.step_key == "issue_slips")
        assert step5.data["no_responsible"] is True and after.current_step == "revisit"
    finally:
        services.dispose()


def test_gm_decides_each_slip_explicitly_in_the_approve_panel(qtbot: Any, tmp_path) -> None:
    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        two = [c.zhao_id, employee_id(services, "杨帆")]
        case = walk_to_approve(services, clock, c,
                               walk_to_issue(services, clock, c, responsible=two))
        clock.advance(timedelta(hours=1))
        slips = sorted((v.slip for v in services.accountability.proposals_for_case(
            c.gm, case.id)), key=lambda s: s.number)
        # the assessor changed the second one at step 5: the GM sees why
        services.accountability.change_penalties(
            c.assessor, slips[1].id, [Penalty(PenaltyKind.FINE, amount=50)], "主动承认，从轻")
        p = panel(qtbot, services, c.gm, case.id)
        form = p.open_form("approve")
        editor = form.editors["slip_decisions"]
        assert isinstance(editor, SlipDecisionsEditor)
        shown = texts(editor.widget)
        assert slips[0].number in shown and slips[1].number in shown
        assert "罚款¥100" in shown and "主动承认，从轻" in shown
        radios = editor.widget.findChildren(QRadioButton)
        assert radios and not any(r.isChecked() for r in radios)  # nothing preselected
        form.editors["approval"].set_value("同意")
        # submitting without deciding each slip is refused, next to the slips
        qtbot.mouseClick(form.submit_button, LEFT)
        assert slips[0].number in form.errors["slip_decisions"].text()
        assert services.cases.open_case(c.gm, case.id).case.current_step == "approve"
        # approve the first; change the second to a warning with a reason
        qtbot.mouseClick(editor.widget.findChild(QRadioButton, f"decision_approve_{slips[0].id}"),
                         LEFT)
        p.work.prompter = Answers(([Penalty(PenaltyKind.WARNING)], "初犯，改为警告"))
        qtbot.mouseClick(editor.widget.findChild(QRadioButton, f"decision_change_{slips[1].id}"),
                         LEFT)
        assert "改为：警告" in texts(editor.widget)
        qtbot.mouseClick(form.submit_button, LEFT)
        after = services.cases.open_case(c.gm, case.id).case
        assert after.current_step == "enforce"
        first = services.accountability.slip(c.gm, slips[0].id).slip
        second = services.accountability.slip(c.gm, slips[1].id)
        assert first.status is SlipStatus.APPROVED and first.gm_opinion == "同意"
        assert second.slip.status is SlipStatus.APPROVED and second.penalty_text == "警告"
        assert any("初犯" in h.reason for h in second.history)
    finally:
        services.dispose()


def test_revisit_panel_shows_whom_to_call_and_records_the_call(qtbot: Any, tmp_path) -> None:
    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        case = walk_to_issue(services, clock, c)
        services.workflow.act(c.assessor, case.id, "issue_slips", {})
        p = panel(qtbot, services, c.cs, case.id)
        form = p.open_form("revisit")
        sheet = form.findChild(QLabel, "call_sheet")
        assert sheet is not None
        assert "王小明" in sheet.text() and "13812345678" in sheet.text()  # cs at revisit
        assert "补偿，退还工时费" in sheet.text() and "接受" in sheet.text()
        satisfaction = form.editors["satisfaction"].widget
        reached = form.editors["reached"].widget
        assert not satisfaction.isEnabled()  # not asked before the customer was reached
        reached.setCurrentIndex(reached.findText("否"))
        assert not satisfaction.isEnabled()
        reached.setCurrentIndex(reached.findText("是"))
        assert satisfaction.isEnabled()
        form.editors["method"].set_value("电话")
        form.editors["satisfaction"].set_value("基本满意")
        form.editors["customer_words"].set_value("处理还算及时")
        qtbot.mouseClick(form.submit_button, LEFT)
        after = services.cases.open_case(c.cs, case.id).case
        step = next(s for s in after.steps if s.step_key == "revisit")
        assert (step.data["method"], step.data["reached"], step.data["satisfaction"],
                step.data["customer_words"]) == ("电话", True, "基本满意", "处理还算及时")
    finally:
        services.dispose()
