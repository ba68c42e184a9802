"""系统管理 → 单位信息 (the dealership's name and logo), the last administrator protected,
every step deadline editable in 流程设置."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage

from complaintdesk.domain.records import User
from complaintdesk.services.container import Services
from complaintdesk.ui.admin.admin_view import AdminDialog


def test_the_dealership_tab_saves_name_and_logo(qtbot: Any, services: Services, admin: User,
                                               tmp_path: Path) -> None:
    dialog = AdminDialog(services, admin)
    qtbot.addWidget(dialog)
    tab = dialog.dealership
    assert tab.name.text() == "示例汽车销售服务有限公司"  # the product default shown
    tab.name.setText("")
    assert not tab.save()
    assert tab.name_error.text() == "请填写单位名称。"
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    logo = tmp_path / "logo.png"
    assert image.save(str(logo))
    tab.name.setText("上海远航汽车服务有限公司")
    tab.logo.setText(str(logo))
    assert tab.save(), tab.message.text()
    assert tab.name_error.text() == ""
    assert services.settings.get("dealership_name") == "上海远航汽车服务有限公司"
    assert services.settings.get("logo_path") == str(logo)


def test_the_last_admin_unticking_active_sees_the_message_by_the_field(
        qtbot: Any, services: Services, admin: User) -> None:
    dialog = AdminDialog(services, admin)
    qtbot.addWidget(dialog)
    form = dialog.users.dialog(admin)
    form.fields["active"].setChecked(False)  # type: ignore[attr-defined]
    assert not form.try_save()
    assert "唯一启用的系统管理员" in form.errors["active"].text()
    assert services.people.user(admin.id).active  # type: ignore[arg-type, union-attr]


def test_every_step_deadline_is_editable_beside_its_default(
        qtbot: Any, services: Services, admin: User) -> None:
    from complaintdesk.domain import steps as S
    from complaintdesk.domain.workflow.deadlines import DeadlineKind

    dialog = AdminDialog(services, admin)
    qtbot.addWidget(dialog)
    table = dialog.workflow.deadlines
    flows = {table.item(r, 0).text() for r in range(table.rowCount())}
    assert len(flows) == 3  # the three flows of §4
    handle = table.row_for(S.HANDLE)
    i = table.rows.index(handle)
    assert table.item(i, 2).text() == "默认 24 小时" and handle.amount.value() == 24
    handle.amount.setValue(36)
    assert table.item(i, 1).font().bold()  # changed from the default: shown
    same_day = table.row_for(S.ISSUE_SLIPS)
    assert not same_day.amount.isEnabled()  # 当天 has no number
    revisit = table.row_for(S.REVISIT)
    revisit.unit.setCurrentIndex(revisit.unit.findData(DeadlineKind.HOURS))
    revisit.amount.setValue(30)
    dialog.workflow.assign_hours.setValue(2)
    assert dialog.workflow.save(), dialog.workflow.message.text()
    settings = services.workflow.settings()
    assert settings.assign_hours == 2
    assert settings.rule_for(S.HANDLE, handle.default).amount == 36
    assert settings.rule_for(S.REVISIT, revisit.default).kind is DeadlineKind.HOURS
    assert S.DEPT_OPINION not in settings.step_deadlines  # untouched rows store nothing
    # a reopened tab shows what was saved; 全部恢复默认期限 brings the defaults back
    again = AdminDialog(services, admin)
    qtbot.addWidget(again)
    assert again.workflow.deadlines.row_for(S.HANDLE).amount.value() == 36
    again.workflow.deadlines.reset_defaults()
    assert again.workflow.save()
    assert services.workflow.settings().step_deadlines == {}
