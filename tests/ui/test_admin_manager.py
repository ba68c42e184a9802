"""系统管理 → 单位信息 (the dealership's name and logo), the last administrator protected,
every step deadline editable in 流程设置."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage

from complaintdesk.domain.records import User
from complaintdesk.services.container import Services
from complaintdesk.ui.admin_view import AdminDialog


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
