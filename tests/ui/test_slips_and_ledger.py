"""The 过失单 tab, the slip dialog, the 台账 tab and the rules editor, driven as real widgets."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from acc_builders import cast, gm_signs, walk_to_approve, walk_to_issue
from complaintdesk.domain.records import Penalty, PenaltyKind, SlipStatus
from complaintdesk.ui.accountability.ledger_view import LedgerView
from complaintdesk.ui.accountability.rules_editor import RulesEditor
from complaintdesk.ui.accountability.slip_dialog import SlipDialog
from complaintdesk.ui.accountability.slips_view import SlipsView
from service_builders import make_services

SHOTS = os.environ.get("COMPLAINTDESK_SHOTS")  # a folder: save screenshots for a human look


def shot(widget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()  # widgets added to a visible dialog show on the next loop
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


class Canned:
    """Answers the slip dialog's questions the way the person at the keyboard would."""

    def __init__(self, penalties=None, reason="", text="", decision=None):
        self._penalties, self._reason, self._text = penalties, reason, text
        self._decision = decision

    def text(self, title, label, default=""):
        return self._text

    def confirm(self, title, text):
        return True

    def penalties(self, title, current, reward, ask_reason=True):
        return self._penalties, self._reason

    def decision(self, current):
        return self._decision


def cell(table, row: int, col: int) -> str:
    return table.model().index(row, col).data()


def test_assessor_issues_gm_changes_and_the_ledger_shows_the_final_figures(qtbot, tmp_path):
    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        case = walk_to_issue(services, clock, c)
        # a second responsible person's slip shows up as a proposal in the assessor's tab
        view = SlipsView(services, c.assessor)
        qtbot.addWidget(view)
        view.resize(1100, 400)
        with qtbot.waitSignal(view.loaded):  # loads off the UI thread when first shown
            view.show()
        assert view.model.rowCount() == 1
        assert cell(view.table, 0, 2) == "拟开具" and cell(view.table, 0, 3) == "赵磊"
        shot(view, "slips_tab_proposed")

        # the assessor opens it and issues it from the dialog
        slip_id = view.model.rows[0].slip.id
        dialog = view.open_slip(slip_id)
        qtbot.addWidget(dialog)
        assert set(dialog.buttons) == {"change", "issue", "discard"}
        dialog.prompter = Canned()
        with qtbot.waitSignal(view.loaded):
            qtbot.mouseClick(dialog.buttons["issue"], Qt.MouseButton.LeftButton)
        assert dialog.view.slip.number == "GS-202611-0001"
        assert view.model.rows[0].slip.status is SlipStatus.ISSUED  # the list refreshed
        shot(dialog, "slip_dialog_issued")

        case = walk_to_approve(services, clock, c, case)
        # the GM changes the penalty at step 8 with a reason, then signs the case
        gm_dialog = SlipDialog(services, c.gm, slip_id)
        qtbot.addWidget(gm_dialog)
        assert "change" in gm_dialog.buttons and "approve" in gm_dialog.buttons
        gm_dialog.prompter = Canned([Penalty(PenaltyKind.FINE, amount=60),
                                     Penalty(PenaltyKind.POINTS, points=1)], "初犯，从轻")
        qtbot.mouseClick(gm_dialog.buttons["change"], Qt.MouseButton.LeftButton)
        assert gm_dialog.view.penalty_text == "罚款¥60、绩效扣分1分"
        history = gm_dialog.history
        texts = [history.item(r, 2).text() for r in range(history.rowCount())]
        assert any(t.startswith("修改处罚：罚款¥100、绩效扣分2分 → 罚款¥60") for t in texts)
        services.workflow.act(c.gm, case.id, "approve", gm_signs(services, case.id))
        clock.advance(timedelta(hours=1))
        services.workflow.act(c.assessor, case.id, "enforce", {"feedback_to_department": "已反馈"})
        gm_dialog.reload()
        shot(gm_dialog, "slip_dialog_enforced")

        ledger = LedgerView(services, c.gm)
        qtbot.addWidget(ledger)
        ledger.resize(1100, 500)
        ledger.month.setDate(QDate(2026, 11, 1))
        ledger.refresh()
        emp = ledger.employee_table
        assert ledger.employees.rowCount() == 2  # the employee and the 合计 row
        assert [cell(emp, 0, i) for i in range(5)] == ["赵磊", "售后服务部", "1", "60", "1"]
        assert cell(emp, 0, 9) == "-1"  # net points
        assert [cell(emp, 1, i) for i in range(5)] == ["合计", "", "1", "60", "1"]
        emp.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # the total stays last either way
        assert cell(emp, 1, 0) == "合计"
        emp.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        assert cell(emp, 1, 0) == "合计"
        ledger.filter.setText("没有这个人")  # nor is it filtered away
        assert emp.model().rowCount() == 1 and cell(emp, 0, 0) == "合计"
        ledger.filter.clear()
        dep = ledger.department_table
        assert [cell(dep, 0, i) for i in range(4)] == ["售后服务部", "1", "60", "1"]
        assert cell(dep, 1, 0) == "合计"
        assert "执行" in ledger.date_note.text() and "所在的月份" in ledger.date_note.text()
        assert ledger.pending.rowCount() == 0  # the only slip was enforced
        shot(ledger, "ledger")
        # exported as shown: reopened, the rows and the bold total are there
        out = tmp_path / "ledger.xlsx"
        ledger.exports.ask_path = lambda _parent, _name: out
        assert ledger.exports.export() == out
        values = [r for r in load_workbook(out).active.iter_rows(values_only=True)]
        assert "奖惩台账 2026-11" in str(values[0][0])
        assert ("赵磊", "售后服务部", 1, 60, 1) == tuple(next(r for r in values
                                                          if r[0] == "赵磊")[:5])
        totals = [r for r in values if r[0] == "合计"]
        assert len(totals) == 2 and totals[0][2:5] == (1, 60, 1)  # by employee, by department
        assert totals[1][1:4] == (1, 60, 1)
        assert any(r[0] and "已开具未执行" in str(r[0]) for r in values)
        # printed through the preview's producer: the PDF says the same
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
            ledger.exports.pdf())).pages)
        assert "奖惩台账" in text and "赵磊" in text and "合计" in text
        # drill down: row → its slips → the slip dialog
        drill = ledger._drill(emp, emp.model().index(0, 0))
        qtbot.addWidget(drill)
        assert cell(drill.table, 0, 0) == "GS-202611-0001"
        assert cell(drill.table, 0, 3) == case.number
        assert cell(drill.table, 1, 0) == "合计" and "罚款 60 元" in cell(drill.table, 1, 4)
        assert drill.close_button.text() == "关闭"
        with qtbot.waitSignal(drill.open_slip) as sig:
            drill.table.doubleClicked.emit(drill.table.model().index(0, 0))
        assert sig.args == [slip_id]
    finally:
        services.dispose()


def test_the_rules_editor_shows_row_errors_and_saves_a_valid_table(qtbot, tmp_path):
    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        editor = RulesEditor(services, c.admin)
        qtbot.addWidget(editor)
        editor.resize(1200, 600)
        n = editor.table.rowCount()
        assert n == len(services.accountability.rules())
        editor.table.item(0, 0).setText("")  # the rule id is required
        assert editor.save() is False
        assert editor.errors.isVisible() or editor.errors.count()
        assert editor.errors.item(0).text().startswith("第1行：规则编号不能为空")
        assert editor.table.currentRow() == 0
        shot(editor, "rules_editor_errors")
        editor.table.item(0, 0).setText("R-normal-main")
        editor.table.item(0, 1).setText("一般投诉·主要责任：罚款120元")
        assert editor.save() is True
        assert services.accountability.rules()[0]["clause"] == "一般投诉·主要责任：罚款120元"
    finally:
        services.dispose()


def test_the_rules_editor_labels_shipped_amounts_as_product_defaults(qtbot, tmp_path,
                                                                     monkeypatch):
    """DESIGN §6: the policy names no amounts; the editor says whose the amounts are."""
    from PySide6.QtWidgets import QComboBox, QDialog, QLabel

    from complaintdesk.domain.records import Penalty, PenaltyKind
    from complaintdesk.ui.accountability import rules_editor

    class Edited:  # the penalty dialog, answered with a new amount
        def __init__(self, *_args, **_kwargs):
            pass

        def exec(self):
            return QDialog.DialogCode.Accepted

        def penalties(self):
            return [Penalty(PenaltyKind.FINE, amount=150)]

    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        editor = RulesEditor(services, c.admin)
        qtbot.addWidget(editor)
        headers = [editor.table.horizontalHeaderItem(i).text()
                   for i in range(editor.table.columnCount())]
        col = headers.index("金额来源")
        combo = editor.table.cellWidget(0, col)
        assert isinstance(combo, QComboBox)
        assert combo.currentText() == "本系统默认（制度未规定金额）"
        assert any("未规定金额" in w.text() for w in editor.findChildren(QLabel))
        monkeypatch.setattr(rules_editor, "PenaltyDialog", Edited)
        editor._edit_penalties(0, rules_editor.PENALTIES_COL)  # the amounts are edited
        assert combo.currentText() == "本店规定"
        assert editor.table.item(0, rules_editor.PENALTIES_COL).text() == "罚款¥150"
        assert editor.save() is True
        assert services.accountability.rules()[0]["source"] == "dealership"
        assert services.accountability.rules()[1]["source"] == "product_default"
    finally:
        services.dispose()


def test_a_reward_reads_as_a_reward_in_the_slip_dialog(qtbot, tmp_path):
    """奖励单: 受奖人 and 表扬事实, no 责任认定 — the fault slip's words are not for praise."""
    from complaintdesk.domain.records import FeedbackKind
    from complaintdesk.services.base import SYSTEM_USER
    from service_builders import intake

    services, clock = make_services(tmp_path)
    c = cast(services)
    case = services.intake.register(SYSTEM_USER, intake(clock, kind=FeedbackKind.PRAISE))
    services.workflow.act(c.cs, case.id, "forward", {
        "category": "服务态度", "severity": "normal", "department_id": c.dept_id,
        "praised": [c.zhao_id]})
    services.workflow.act(c.head, case.id, "assign", {"supervisor_user_id": c.supervisor.id})
    services.workflow.act(c.cs, case.id, "revisit", {
        "method": "电话", "reached": True, "satisfaction": "满意"})
    services.workflow.act(c.assessor, case.id, "evaluate", {
        "evaluation": "好", "on_time": True, "proper": True})
    [reward] = services.accountability.proposals_for_case(c.assessor, case.id)
    dialog = SlipDialog(services, c.assessor, reward.slip.id)
    qtbot.addWidget(dialog)
    labels = {dialog.form.itemAt(i, dialog.form.ItemRole.LabelRole).widget().text()
              for i in range(dialog.form.rowCount())
              if dialog.form.itemAt(i, dialog.form.ItemRole.LabelRole) is not None}
    assert {"受奖人", "表扬事实", "奖励", "受奖人签字确认"} <= labels, labels
    assert not labels & {"责任人", "过失事实", "责任认定", "处罚"}, labels


def test_the_appeal_decision_dialog_validates_before_it_closes(qtbot):
    """申诉裁决: a reduction that is not lighter, or no reason, keeps the dialog open with
    the domain's message; a complete decision closes it and hands back its values."""
    from PySide6.QtWidgets import QDialog

    from complaintdesk.domain.records import Penalty, PenaltyKind
    from complaintdesk.ui.accountability.slip_dialog import DecisionDialog

    dialog = DecisionDialog([Penalty(PenaltyKind.FINE, amount=100)])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.group.button(1).setChecked(True)  # 减轻处罚, the table still holds ¥100
    dialog.reason.setPlainText("情节较轻")
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "须轻于原处罚" in dialog.error.text()
    dialog.group.button(2).setChecked(True)  # 撤销, but no reason
    dialog.reason.setPlainText("")
    dialog.accept()
    assert dialog.isVisible() and "裁决理由不能为空" in dialog.error.text()
    dialog.reason.setPlainText("证据不足")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_values() == ("revoked", None, "证据不足")


def test_the_administrator_names_the_review_board_and_its_settings(qtbot, tmp_path):
    from complaintdesk.domain.records import Role
    from complaintdesk.ui.accountability.review_board_dialog import ReviewBoardDialog
    from service_builders import add_user

    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        head = add_user(services, "xzb", "行政部负责人", Role.RECEPTION)
        hr = add_user(services, "hr", "人力资源专员", Role.RECEPTION)
        dialog = ReviewBoardDialog(services, c.admin)
        qtbot.addWidget(dialog)
        assert dialog.window_days.value() == 7  # the product default
        dialog.leader.setCurrentIndex(dialog.leader.findData(head.id))
        for i in range(dialog.members.count()):
            item = dialog.members.item(i)
            if item.text() == "人力资源专员":
                item.setCheckState(Qt.CheckState.Checked)
        dialog.window_days.setValue(10)
        dialog.rate_above.setValue(5.0)
        assert dialog.save() is True
        board = services.accountability.review_board()
        assert (board.leader_user_id, board.member_user_ids) == (head.id, (hr.id,))
        s = services.accountability.accountability_settings()
        assert s.appeal_window_days == 10 and s.penalty_rate_above == pytest.approx(0.05)
    finally:
        services.dispose()


def test_the_assessor_proposes_an_individual_reward_from_the_dialog(qtbot, tmp_path):
    """001 五.2: a loss recovered, with its amount and a 奖品 described; a wrong case
    number is refused in the dialog, which stays open."""
    from complaintdesk.ui.accountability.reward_dialog import RewardDialog

    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        case = walk_to_issue(services, clock, c)
        dialog = RewardDialog(services, c.assessor)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.case_number.setText("FK-209901-9999")
        assert dialog.submit() is False and "找不到该案件" in dialog.error.text()
        dialog.case_number.setText(case.number)
        dialog.employee.setCurrentIndex(dialog.employee.findData(c.zhao_id))
        dialog.reason.setCurrentIndex(dialog.reason.findData("loss"))
        assert dialog.submit() is False and "挽回损失金额" in dialog.error.text()
        dialog.loss.setValue(8000)
        dialog.prize.setText("加油卡一张")
        assert dialog.submit() is True
        slip = dialog.proposed
        assert slip is not None and slip.is_reward and "挽回损失 ¥8000" in slip.facts
        assert "加油卡一张" in {p.note for p in slip.penalties}
    finally:
        services.dispose()
