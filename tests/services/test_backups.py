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
    from complaintdesk.ui.backup_dialog import BackupDialog

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

