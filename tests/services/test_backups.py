import pytest

from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, intake, make_services


def test_admin_backs_up_and_restores_keeping_the_replaced_database(tmp_path):
    services, clock = make_services(tmp_path)
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    first = services.intake.register(SYSTEM_USER, intake(clock))
    saved = services.backups.backup_now(admin)
    services.intake.register(SYSTEM_USER, intake(clock))  # registered after the backup
    infos = {i.path: i for i in services.backups.list(admin)}
    assert infos[saved].ok and infos[saved].cases == 1  # the preview: what it holds
    kept = services.backups.restore(admin, saved)
    assert kept.exists()
    again = open_services(services.config, clock=clock, data_dir=tmp_path, auto_backup=False)
    assert again.cases.total() == 1
    assert again.cases.case_id_by_number(first.number) == first.id
    again.dispose()
    kept_copy = open_services(type(services.config).sqlite_file(kept), clock=clock,
                              auto_backup=False)
    assert kept_copy.cases.total() == 2  # nothing was thrown away
    kept_copy.dispose()


def test_only_the_admin_and_never_from_a_damaged_backup(tmp_path):
    services, clock = make_services(tmp_path)
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    with pytest.raises(PermissionDenied):
        services.backups.backup_now(cs)
    bad = tmp_path / "backups" / "complaintdesk-20260101-000000-manual.sqlite3"
    bad.parent.mkdir(exist_ok=True)
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(ServiceError) as exc:
        services.backups.restore(admin, bad)
    assert "已损坏" in exc.value.message


def test_backup_dialog_lists_backups_and_restores_the_selected_one(qtbot, tmp_path):
    from complaintdesk.ui.admin.backup_dialog import BackupDialog

    services, clock = make_services(tmp_path)
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    services.intake.register(SYSTEM_USER, intake(clock))
    restarted: list[bool] = []
    dialog = BackupDialog(services, admin, confirm=lambda text: "替换当前数据库" in text,
                          on_restored=lambda: restarted.append(True))
    qtbot.addWidget(dialog)
    before = dialog.table.rowCount()
    dialog.backup_button.click()
    assert dialog.table.rowCount() == before + 1 and "已备份到" in dialog.message.text()
    newest = max(range(dialog.table.rowCount()),
                 key=lambda r: dialog.table.item(r, 0).text().endswith("manual.sqlite3"))
    assert dialog.table.item(newest, 2).text() == "1"  # what the backup holds
    dialog.table.selectRow(newest)
    dialog.restore_button.click()
    assert restarted == [True]



def test_restore_preview_says_how_old_the_backup_is_and_what_would_be_lost(qtbot, tmp_path):
    from datetime import timedelta

    from complaintdesk.ui.admin.backup_dialog import BackupDialog

    services, clock = make_services(tmp_path)
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    services.intake.register(SYSTEM_USER, intake(clock))
    saved = services.backups.backup_now(admin)
    clock.advance(timedelta(hours=3))
    for _ in range(2):  # written after the backup: what a restore would lose
        services.intake.register(SYSTEM_USER, intake(clock))
    preview = services.backups.preview(admin, saved)
    assert (preview.cases_in_backup, preview.cases_lost) == (1, 2)
    from sqlalchemy import text

    with services.engine.connect() as conn:  # the new cases' steps (registered, the next)
        new_steps = conn.execute(text("SELECT count(*) FROM case_step WHERE case_id > 1")
                                 ).scalar_one()
    assert new_steps and preview.steps_lost == new_steps
    assert preview.age_text() == "3 小时 0 分钟前"
    asked: list[str] = []
    dialog = BackupDialog(services, admin, confirm=lambda text: asked.append(text) or False)
    qtbot.addWidget(dialog)
    row = next(r for r in range(dialog.table.rowCount())
               if dialog.table.item(r, 0).text() == saved.name)
    dialog.table.selectRow(row)
    dialog.restore_button.click()
    assert asked and "2 个新登记的案件" in asked[0] and f"{new_steps} 个处理步骤" in asked[0]
    assert "3 小时 0 分钟前" in asked[0] and "替换当前数据库" in asked[0]
    assert "备份时间：2026-11-10 10:00" in asked[0]  # 02:00 UTC, in the dealership's time
    assert services.cases.total() == 3  # declined: nothing replaced


def test_restore_question_defaults_to_no(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from complaintdesk.ui.admin.backup_dialog import BackupDialog

    services, _clock = make_services(tmp_path)
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    seen: list[object] = []

    def question(parent, title, text, buttons, default):
        seen.append(default)
        return default  # the user pressed Enter

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = BackupDialog(services, admin)
    qtbot.addWidget(dialog)
    assert dialog._ask("用备份替换当前数据库？") is False
    assert seen == [QMessageBox.StandardButton.No]


def test_backup_to_a_chosen_folder_from_the_dialog_and_the_menu(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from complaintdesk.ui.admin.backup_dialog import BackupDialog, backup_to_folder

    (tmp_path / "data").mkdir()
    services, clock = make_services(tmp_path / "data")
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    services.intake.register(SYSTEM_USER, intake(clock))
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = BackupDialog(services, admin, pick=lambda parent: usb)
    qtbot.addWidget(dialog)
    dialog.backup_to_button.click()
    assert len(list(usb.glob("complaintdesk-*-manual.sqlite3"))) == 1
    assert str(usb) in dialog.message.text()
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda p, t, text: told.append(text))
    made = backup_to_folder(None, services, admin, pick=lambda parent: usb)
    assert made is not None and made.parent == usb and told and "已备份到" in told[0]
    assert backup_to_folder(None, services, admin, pick=lambda parent: None) is None
