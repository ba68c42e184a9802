"""The input rules in the real registration dialogs: messages next to their fields, warnings
confirmable, and what is saved is the normalised value (DESIGN §5)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from complaintdesk.domain.records import Intake, User
from complaintdesk.services.container import Services
from complaintdesk.ui.cases.intake_dialog import IntakeDialog
from complaintdesk.ui.cases.rework_dialog import ReworkOrderDialog


def _fill(qtbot, dlg: IntakeDialog, phone: str, plate: str) -> None:
    dlg.edits["customer_name"].insert("王芳")
    qtbot.keyClicks(dlg.edits["phone"], phone)
    dlg.edits["plate"].insert(plate)
    dlg.texts["description"].insertPlainText("保养后发动机故障灯仍然亮起")


def test_phone_typed_with_spaces_and_full_width_digits_is_saved_normalised(
        qtbot, services: Services, reception: User) -> None:
    dlg = IntakeDialog(services, reception)
    qtbot.addWidget(dlg)
    dlg.show()
    _fill(qtbot, dlg, "+86 138 1234 5678", "粤ＢＡ１２３４５")
    dlg.edits["landline"].insert("（010）6888 0061 转 801")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    case = dlg.created_case
    assert case is not None, [e.text() for e in dlg.errors.values() if e.isVisible()]
    assert (case.intake.phone, case.intake.landline, case.intake.plate) == (
        "13812345678", "010-68880061-801", "粤BA12345")


def test_a_plate_with_many_letters_is_a_warning_confirmed_beneath_the_plate(
        qtbot, services: Services, reception: User) -> None:
    dlg = IntakeDialog(services, reception)
    qtbot.addWidget(dlg)
    dlg.show()
    _fill(qtbot, dlg, "13812345678", "京AAAAAA")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is None
    assert dlg.errors["plate"].text().startswith("车牌号") and dlg.plate_override.isVisible()
    assert "b26a00" in dlg.errors["plate"].styleSheet()  # amber: a warning, not an error
    dlg.plate_override.setChecked(True)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is not None and dlg.created_case.intake.plate == "京AAAAAA"


def test_a_refused_plate_and_an_over_long_field_show_next_to_their_fields(
        qtbot, services: Services, reception: User) -> None:
    dlg = IntakeDialog(services, reception)
    qtbot.addWidget(dlg)
    dlg.show()
    _fill(qtbot, dlg, "13812345678", "使A12345")
    dlg.edits["location"].insert("地" * 201)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.created_case is None and not dlg.plate_override.isVisible()
    assert dlg.errors["plate"].text().startswith("车牌号格式不正确")
    assert dlg.errors["location"].text() == "发生地点不能超过 200 个字（当前 201 个字）。"


def test_the_rework_order_form_offers_the_same_plate_confirmation(
        qtbot, services: Services, reception: User) -> None:
    dlg = ReworkOrderDialog(services, reception)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.edits["plate"].insert("京ABCD12")
    assert not dlg.validate_now()
    assert dlg.errors["plate"].text().startswith("车牌号") and dlg.plate_override.isVisible()


def test_the_administrator_edits_the_categories_and_the_step_form_offers_them(
        qtbot, services: Services) -> None:
    from wf_cast import make_cast

    from complaintdesk.domain.records import CATEGORIES
    from complaintdesk.domain.workflow.fields import FIELDS
    from complaintdesk.ui.admin.admin_view import AdminDialog
    from complaintdesk.ui.widgets.field_widgets import make_editor

    cast = make_cast(services)
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    tab = dialog.categories
    assert tab.names() == list(CATEGORIES)
    tab.editor.setPlainText("\n".join([c for c in CATEGORIES if c != "物流"] + ["试驾"]))
    assert tab.save() and "已保存" in tab.message.text()
    live = services.settings.categories()
    assert "物流" not in live and live[-1] == "试驾"
    tab.editor.setPlainText("物\x00流")
    assert not tab.save() and "控制字符" in tab.message.text()

    # the step form's 投诉类别 offers the live list
    case = services.intake.register(cast.admin, Intake(
        customer_name="王芳", phone="13812345678", description="刹车异响",
        complained_at=services.clock.now() - timedelta(minutes=5)))
    choices = services.choices.for_case(cast.admin, case)
    box = make_editor("category", FIELDS["category"], True, choices, services.intake.tz,
                      services.clock.now()).widget
    assert [box.itemText(i) for i in range(box.count())] == ["", *live]
