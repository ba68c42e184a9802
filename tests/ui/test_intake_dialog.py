"""Registering a complaint through the real dialog: validation, drafts, the new number."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_builders import make_cases

from complaintdesk.domain.records import User
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.intake_dialog import IntakeDialog
from complaintdesk.ui.main_window import MainWindow


def fill_minimum(qtbot, dlg: IntakeDialog, name: str, phone: str) -> None:
    dlg.edits["customer_name"].insert(name)  # CJK: what an input method does
    qtbot.keyClicks(dlg.edits["phone"], phone)
    qtbot.keyClicks(dlg.edits["plate"], "")
    dlg.edits["plate"].insert("京A12345")
    dlg.texts["description"].insertPlainText("保养后发动机故障灯仍然亮起")


def test_register_through_dialog_then_find_by_one_character_surname(
        qtbot, services: Services, reception: User, qsettings) -> None:
    make_cases(services, reception, 5, names=["李强", "张伟"])
    win = MainWindow(services, reception, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.case_list.model.rowCount() == 5)

    win.new_action.trigger()  # Ctrl+N
    dlg = win.intake_dialog
    assert dlg is not None and dlg.isVisible()
    assert dlg.edits["received_by"].text() == "接待小李"
    fill_minimum(qtbot, dlg, "欧阳娜", "13912345678")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: win.intake_dialog is None)
    case = dlg.created_case
    assert case is not None and case.number == "FK-202611-0006"
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    assert "FK-202611-0006" in box.text()
    box.close()
    qtbot.waitUntil(lambda: win.case_list.current_case_id() == case.id)
    assert services.drafts.get(reception, "intake") is None

    win.case_list.keyword.insert("欧")
    qtbot.waitUntil(lambda: win.case_list.model.rowCount() == 1
                    and not win.case_list.model.loading, timeout=3000)
    model = win.case_list.model
    assert model.index(0, 0).data() == "FK-202611-0006"
    assert model.index(0, 2).data() == "欧阳娜"
    # the receptionist registered it (holds its step 0, DESIGN §3): the number in full
    assert model.index(0, 3).data() == "13912345678"


def test_phone_error_shows_next_to_the_phone_field(qtbot, services: Services,
                                                   reception: User) -> None:
    dlg = IntakeDialog(services, reception)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClicks(dlg.edits["phone"], "12345")
    label = dlg.errors["phone"]
    qtbot.waitUntil(label.isVisible)
    assert "11 位" in label.text()
    assert not dlg.errors["customer_name"].isVisible()  # untouched fields stay quiet

    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)  # saving shows them all
    assert dlg.errors["customer_name"].text() == "请填写客户姓名。"
    assert dlg.created_case is None and dlg.isVisible()

    dlg.edits["phone"].clear()
    qtbot.keyClicks(dlg.edits["phone"], "13812345678")
    qtbot.waitUntil(lambda: not label.isVisible())


def test_vin_check_digit_warning_can_be_overridden(qtbot, services: Services,
                                                   reception: User) -> None:
    dlg = IntakeDialog(services, reception)
    qtbot.addWidget(dlg)
    dlg.show()
    fill_minimum(qtbot, dlg, "王芳", "13812345678")
    qtbot.keyClicks(dlg.edits["vin"], "LSVAB12C0DE123456")  # wrong check digit
    qtbot.waitUntil(dlg.vin_override.isVisible)
    assert "校验码" in dlg.errors["vin"].text()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is None
    dlg.vin_override.setChecked(True)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is not None
    assert dlg.created_case.intake.vin == "LSVAB12C0DE123456"


def test_draft_is_restored_after_closing_the_dialog(qtbot, services: Services, reception: User,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    evidence = tmp_path / "照片.jpg"
    evidence.write_bytes(b"\xff\xd8 photo")
    first = IntakeDialog(services, reception)
    qtbot.addWidget(first)
    first.show()
    first.edits["customer_name"].insert("赵敏")
    qtbot.keyClicks(first.edits["phone"], "13600001111")
    first.texts["description"].insertPlainText("客户说等了三个小时")
    first.attachments.add_paths([evidence])
    first.reject()  # closed without saving
    assert services.drafts.get(reception, "intake")["customer_name"] == "赵敏"

    asked: list[str] = []

    def yes(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    second = IntakeDialog(services, reception)
    qtbot.addWidget(second)
    assert asked and "赵敏" in asked[0]
    assert second.edits["customer_name"].text() == "赵敏"
    assert second.edits["phone"].text() == "13600001111"
    assert second.texts["description"].toPlainText() == "客户说等了三个小时"
    assert second.attachments.paths() == [evidence]


def test_too_big_attachment_is_refused_in_chinese(qtbot, tmp_path: Path, services: Services,
                                                  reception: User) -> None:
    big = tmp_path / "录音.mp3"
    with big.open("wb") as f:
        f.truncate(20 * 1024 * 1024 + 1)
    dlg = IntakeDialog(services, reception)
    qtbot.addWidget(dlg)
    refused = dlg.attachments.add_paths([big])
    assert refused and "超过 20 MB" in refused[0]
    assert dlg.attachments.paths() == []


def test_repeat_complaint_is_flagged_while_typing(qtbot, services: Services,
                                                  reception: User) -> None:
    dlg = IntakeDialog(services, reception)
    qtbot.addWidget(dlg)
    dlg.show()
    fill_minimum(qtbot, dlg, "钱多多", "13712345678")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    first = dlg.created_case
    assert first is not None

    again = IntakeDialog(services, reception)
    qtbot.addWidget(again)
    again.show()
    qtbot.keyClicks(again.edits["phone"], "13712345678")
    qtbot.waitUntil(again.repeat_label.isVisible, timeout=3000)
    assert first.number in again.repeat_label.text()
