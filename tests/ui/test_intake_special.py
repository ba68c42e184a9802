"""The intake dialog's special paths (DESIGN §4.1) on the real widgets: a 部门自查 with its
step-1 fields starts at 部门安排; 当场解决 is recorded with what was done; the receiver is
kept; a missing self-report severity is refused with the field named."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from test_intake_dialog import fill_minimum

from complaintdesk.domain.records import Severity, User
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.intake_dialog import IntakeDialog


def _dialog(qtbot, services: Services, user: User) -> IntakeDialog:
    dlg = IntakeDialog(services, user, offer_draft=False)
    qtbot.addWidget(dlg)
    dlg.show()
    fill_minimum(qtbot, dlg, "欧阳娜", "13912345678")
    return dlg


def test_self_report_with_step_1_fields_starts_at_assign(qtbot, services: Services,
                                                         reception: User) -> None:
    dlg = _dialog(qtbot, services, reception)
    sp = dlg.special
    assert not sp.self_severity.isEnabled()
    dlg.self_report.setCurrentIndex(dlg.self_report.findText("售后服务部"))
    assert sp.self_severity.isEnabled() and not sp.on_spot.isEnabled()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is None
    assert "严重程度" in dlg.general_error.text() or "投诉类别" in dlg.general_error.text()
    sp.self_category.setCurrentText("服务态度")
    sp.self_severity.setCurrentIndex(sp.self_severity.findData("major"))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    case = dlg.created_case
    assert case is not None and case.current_step == "assign"
    assert (case.category, case.severity) == ("服务态度", Severity.MAJOR)


def test_resolved_on_the_spot_is_registered_with_what_was_done(qtbot, services: Services,
                                                               reception: User) -> None:
    dlg = _dialog(qtbot, services, reception)
    sp = dlg.special
    receiver = sp.receiver.findText("赵磊", Qt.MatchFlag.MatchStartsWith)
    sp.receiver.setCurrentIndex(receiver)
    qtbot.mouseClick(sp.on_spot, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, sp.on_spot.height() // 2))  # on the box itself
    assert sp.on_spot_action.isEnabled()
    sp.on_spot_action.insert("当场更换雨刮片")
    sp.on_spot_reaction.insert("客户满意")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    case = dlg.created_case
    assert case is not None
    stored = services.cases.open_case(reception, case.id).case.intake
    assert stored.resolved_on_spot and stored.on_spot_action == "当场更换雨刮片"
    assert stored.receiver_employee_id == sp.receiver.itemData(receiver)
