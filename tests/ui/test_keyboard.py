"""From the keyboard alone (issue 13): a complaint registered and a step taken with key
presses only (Chinese through the input method's commit, as a Chinese keyboard types it) —
no mouse, no setText; and a step form's error goes once the field is fixed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from wf_cast import make_cast, sample_intake

from complaintdesk.services.container import Services
from complaintdesk.ui.cases.step_form import ActionPanel
from complaintdesk.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> QWidget:
    w = QApplication.focusWidget()
    assert w is not None
    return w


def type_in(qtbot: Any, text: str) -> None:
    """Type into the focused field as a Chinese keyboard does: ASCII as key presses, each
    run of Chinese as the input method's commit (QTest's key clicks know ASCII only)."""
    run = ""
    for ch in text + "\0":
        if ch.isascii() and run:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(focused(), event)
            run = ""
        if ch == "\0":
            break
        if ch.isascii():
            qtbot.keyClicks(focused(), ch)
        else:
            run += ch


def tab_to(qtbot: Any, target: QWidget, limit: int = 40) -> None:
    """Press Tab until `target` has the focus (fails when it never comes)."""
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target}, stuck at {QApplication.focusWidget()}")


def pick(qtbot: Any, box: QComboBox, text: str) -> None:
    """Arrow down a pick-list until it shows `text`."""
    tab_to(qtbot, box)
    for _ in range(box.count()):
        if box.currentText().startswith(text):
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    raise AssertionError(f"{text} not reached in the pick-list")


def test_register_a_complaint_without_the_mouse(qtbot, services: Services,
                                                qsettings: QSettings) -> None:
    cast = make_cast(services)
    win = MainWindow(services, cast.reception, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    assert "Ctrl+N" in win.new_action.shortcut().toString()
    qtbot.keyClick(focused(), Qt.Key.Key_N, CTRL)  # 文件 → 登记投诉… (Ctrl+N)
    qtbot.waitUntil(lambda: win.intake_dialog is not None and win.intake_dialog.isVisible())
    dlg = win.intake_dialog
    assert dlg is not None
    dlg.activateWindow()
    qtbot.waitUntil(lambda: focused() is dlg.edits["customer_name"])
    type_in(qtbot, "欧阳娜")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is dlg.edits["phone"]
    type_in(qtbot, "13912345678")
    tab_to(qtbot, dlg.edits["plate"])
    type_in(qtbot, "京A12345")
    tab_to(qtbot, dlg.texts["description"])  # the left column first, then the right
    type_in(qtbot, "保养后发动机故障灯仍然亮起")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # Tab leaves the text, it types no tab
    assert focused() is dlg.edits["persons_involved"]
    assert dlg.texts["description"].toPlainText() == "保养后发动机故障灯仍然亮起"
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # Enter in a one-line field: 保存
    qtbot.waitUntil(lambda: win.intake_dialog is None)
    case = dlg.created_case
    assert case is not None and case.intake.customer_name == "欧阳娜"
    assert case.intake.phone == "13912345678" and case.intake.plate == "京A12345"


def test_esc_cancels_the_registration_and_keeps_the_draft(qtbot, services: Services,
                                                          qsettings: QSettings) -> None:
    cast = make_cast(services)
    win = MainWindow(services, cast.reception, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    win.new_complaint()
    dlg = win.intake_dialog
    assert dlg is not None
    dlg.activateWindow()
    qtbot.waitUntil(lambda: focused() is dlg.edits["customer_name"])
    type_in(qtbot, "张三")
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: win.intake_dialog is None)
    assert dlg.created_case is None
    assert services.drafts.get(cast.reception, "intake")


def test_a_step_form_from_the_keyboard_and_its_errors_clear_when_fixed(
        qtbot, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    panel = ActionPanel(services, cast.cs, services.cases.open_case(cast.cs, case.id).case)
    qtbot.addWidget(panel)
    panel.show()
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    button = panel.buttons["forward"]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)  # the action's button
    form = panel.form
    assert form is not None
    category = form.editors["category"].widget
    tab_to(qtbot, category)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # Enter submits — nothing chosen yet
    assert "投诉类别" in form.errors["category"].text()
    type_in(qtbot, "维修质量")
    assert form.errors["category"].text() == ""  # fixed: the message goes at once
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert "严重程度" in form.errors["severity"].text()
    pick(qtbot, form.editors["severity"].widget, "一般")
    assert form.errors["severity"].text() == ""
    pick(qtbot, form.editors["department_id"].widget, "售后服务部")
    with qtbot.waitSignal(panel.changed):
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    after = services.cases.open_case(cast.admin, case.id).case
    assert after.current_step == "assign" and after.department_id == cast.dept_id


def test_esc_cancels_a_step_form(qtbot, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    panel = ActionPanel(services, cast.cs, services.cases.open_case(cast.cs, case.id).case)
    qtbot.addWidget(panel)
    panel.show()
    form = panel.open_form("forward")
    form.editors["category"].widget.setFocus()
    qtbot.keyClick(form.editors["category"].widget, Qt.Key.Key_Escape)
    assert panel.form is None
