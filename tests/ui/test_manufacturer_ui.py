"""厂家转办 in the real widgets (DESIGN §4.6): the 登记 dialog's 厂家转办 fields with their
messages, the case view's panel with the milestones, 记录回复 through its dialog, and the
milestone in 我的待办's other tasks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from wf_cast import make_cast, sample_intake

from complaintdesk.domain.manufacturer import ForwardInput
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.case_view import CaseViewDialog
from complaintdesk.ui.cases.intake_dialog import IntakeDialog
from complaintdesk.ui.cases.manufacturer_panel import ReplyDialog
from complaintdesk.ui.tasks.duty_tasks import DutyTasks


def _fill(dlg: IntakeDialog) -> None:
    dlg.edits["customer_name"].insert("王芳")
    dlg.edits["phone"].insert("13812345678")
    dlg.texts["description"].insertPlainText("厂家400转来：新车异响")


def test_the_channel_reveals_the_forward_fields_and_their_messages_name_them(
        qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    dlg = IntakeDialog(services, cast.reception, offer_draft=False)
    qtbot.addWidget(dlg)
    dlg.show()
    _fill(dlg)
    assert not dlg.manufacturer.isVisible()
    dlg.channel.setCurrentText("厂家转办")
    assert dlg.manufacturer.isVisible() and not dlg.complained_at.isEnabled()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is None
    errors = dlg.manufacturer.errors
    assert errors["mfr_brand"].text() == "请选择「厂家品牌」。"
    assert errors["mfr_reference"].text() == "请填写「厂家工单号」。"
    m = dlg.manufacturer
    m.brand.setCurrentText("广汽丰田")
    m.reference.setText("工单1")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is None and "只能包含字母、数字" in errors["mfr_reference"].text()
    m.reference.setText("GTMC-20261123-07")
    m.forwarded_at.setDateTime(m.forwarded_at.dateTime().addSecs(-3 * 3600))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    case = dlg.created_case
    assert case is not None and case.intake.channel == "厂家转办"
    panel = services.manufacturer.panel(cast.cs, case.id or 0)
    assert panel is not None and panel.forward.reference == "GTMC-20261123-07"
    assert panel.forward.forwarded_at == services.clock.now() - timedelta(hours=3)


def test_the_panel_shows_the_milestones_and_records_a_reply(qtbot: Any,
                                                            services: Services) -> None:
    cast = make_cast(services)
    now = services.clock.now()
    case = services.intake.register(cast.reception, sample_intake(), manufacturer=ForwardInput(
        "上汽大众", "SVW-88", now - timedelta(hours=20)))
    duties = DutyTasks(services, cast.cs)
    qtbot.addWidget(duties)
    texts = [duties.list.item(i).text() for i in range(duties.list.count())]
    assert any(t.startswith(f"厂家转办·首次联系客户：{case.number}") and "即将到期" in t
               for t in texts), texts
    dlg = CaseViewDialog(services, cast.cs, case.id or 0)
    qtbot.addWidget(dlg)
    panel = dlg.manufacturer_panel
    assert panel is not None
    table = panel.milestones
    rows = [[table.item(r, c).text() for c in range(5)] for r in range(table.rowCount())]
    assert [r[0] for r in rows] == ["首次联系客户", "处理方案", "处理结果"]
    assert rows[0][1] == "24小时" and rows[0][4] == "即将到期"
    assert rows[0][2] == "2026-11-23 14:00"  # forwarded Sunday 14:00 local + 24 h
    assert rows[1][2] == "2026-11-25 23:59"  # 3 working days: Mon, Tue, Wed
    assert panel.no_replies.isVisibleTo(dlg)

    def answer() -> None:
        reply = next(w for w in QApplication.topLevelWidgets()
                     if isinstance(w, ReplyDialog) and w.isVisible())
        assert reply.milestone.currentData() == "first_contact"  # the first still open
        qtbot.mouseClick(reply.ok_button, Qt.MouseButton.LeftButton)  # nothing typed
        assert reply.error.text() == "请填写「回复内容」。"
        reply.text.insertPlainText("已电话联系客户，约明天到店检查")
        qtbot.mouseClick(reply.ok_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(panel.reply_button, Qt.MouseButton.LeftButton)
    panel = dlg.manufacturer_panel  # the view reloaded
    assert panel is not None
    assert panel.milestones.item(0, 4).text() == "按时回复"
    assert panel.milestones.item(0, 3).text() == "2026-11-23 10:00"
    assert [panel.replies.item(0, c).text() for c in range(4)] == [
        "2026-11-23 10:00", "首次联系客户", "客服朱红", "已电话联系客户，约明天到店检查"]
    duties.refresh()
    texts = [duties.list.item(i).text() for i in range(duties.list.count())]
    assert not any("首次联系客户" in t for t in texts) and any("处理方案" in t for t in texts)


def test_the_statistics_menus_monthly_list_writes_the_workbook(qtbot: Any, services: Services,
                                                               tmp_path: Any) -> None:
    from openpyxl import load_workbook

    from complaintdesk.ui.statistics.manufacturer_export import ManufacturerListDialog

    cast = make_cast(services)
    now = services.clock.now()
    case = services.intake.register(cast.reception, sample_intake(), manufacturer=ForwardInput(
        "上汽大众", "SVW-77", now - timedelta(hours=1)))
    target = tmp_path / "清单.xlsx"
    asked: list[str] = []

    def picker(_parent: Any, _caption: str, path: str, _filters: str) -> str:
        asked.append(path)
        return str(target)

    dlg = ManufacturerListDialog(services, cast.assessor, picker=picker)
    qtbot.addWidget(dlg)
    dlg.brand.setCurrentText("上汽大众")
    QTimer.singleShot(0, lambda: [w.close() for w in QApplication.topLevelWidgets()
                                  if w.windowTitle() == "已导出"])
    dlg.export()  # as 导出… does (its modal 已导出 box closed by the timer)
    assert asked and asked[0].endswith("厂家转办_202611_上汽大众.xlsx")
    rows = list(load_workbook(target)["厂家转办清单"].iter_rows(min_row=5, values_only=True))
    assert [(r[0], r[2]) for r in rows] == [(case.number, "SVW-77")]


def test_the_admin_edits_brands_a_brands_milestones_and_the_holidays(qtbot: Any,
                                                                     services: Services) -> None:
    from complaintdesk.domain.manufacturer import WORKING_DAYS
    from complaintdesk.ui.admin.admin_view import AdminDialog

    cast = make_cast(services)
    dlg = AdminDialog(services, cast.admin)
    qtbot.addWidget(dlg)
    tab = dlg.manufacturer
    assert dlg.tabs.tabText(dlg.tabs.indexOf(tab)) == "厂家转办"
    t = tab.table
    assert [t.item(0, c).text() for c in range(1, 4)] == ["24小时", "3工作日", "5工作日"]
    tab.add_brand()
    r = t.rowCount() - 1
    t.item(r, 0).setText("吉利")
    t.item(r, 2).setText("2工作日")
    tab.holidays.setPlainText("2026-12-31\n2027-01-01")
    assert tab.save(), tab.message.text()
    s = services.manufacturer.settings()
    assert "吉利" in s.brands and date(2027, 1, 1) in s.holidays
    assert [(x.key, x.kind, x.amount) for x in s.rules_for("吉利")][1] == (
        "plan", WORKING_DAYS, 2)
    assert s.rules_for("吉利")[0].amount == 24  # blank: the default row's
    t.item(0, 1).setText("一天")
    assert not tab.save()
    assert tab.message.text() == "「首次联系客户」的时限应写成“24小时”或“3工作日”：一天。"
    t.item(0, 1).setText("24小时")
    tab.workdays.setPlainText("明天")
    assert not tab.save() and "「调休上班日」中的日期应写成 2026-10-01" in tab.message.text()
    intake = IntakeDialog(services, cast.reception, offer_draft=False)
    qtbot.addWidget(intake)
    box = intake.manufacturer.brand
    assert "吉利" in [box.itemText(i) for i in range(box.count())]  # the intake offers it


def test_a_reply_recorded_on_another_pc_shows_at_the_live_update(qtbot: Any,
                                                                 services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake(), manufacturer=ForwardInput(
        "上汽大众", "SVW-5", services.clock.now() - timedelta(hours=1)))
    dlg = CaseViewDialog(services, cast.cs, case.id or 0)
    qtbot.addWidget(dlg)
    dlg.live_reload()  # nothing changed: the same panel
    first = dlg.manufacturer_panel
    assert first is not None and first.replies.rowCount() == 0
    services.manufacturer.record_reply(cast.assessor, case.id or 0, "", "已告知厂家处理进展")
    dlg.live_reload()  # the case's version did not move; the replies did
    panel = dlg.manufacturer_panel
    assert panel is not None and panel is not first
    assert panel.replies.item(0, 3).text() == "已告知厂家处理进展"
