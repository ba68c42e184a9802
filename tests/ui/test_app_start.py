"""Start-up: a damaged database is never reset silently — the user picks a backup."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from complaintdesk import app as appmod
from complaintdesk.services.container import DamagedDatabase, open_services
from complaintdesk.storage.backup import backup_sqlite
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.ui.startup import DamagedDatabaseDialog


def test_damaged_database_offers_backups_and_keeps_the_damaged_file(
        qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "complaintdesk.sqlite3"
    services = open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path, auto_backup=False)
    services.auth.create_first_admin("admin", "管理员", "secret123")
    services.dispose()
    backup_sqlite(db, tmp_path / "backups", "20261123-080000", "manual")
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DamagedDatabase) as damaged:
        open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path)

    shown: list[DamagedDatabaseDialog] = []

    def accept(self: DamagedDatabaseDialog) -> int:
        shown.append(self)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DamagedDatabaseDialog, "exec", accept)
    startup = appmod.Startup(qapp, argparse.Namespace(data_dir=tmp_path, database_url=None),
                             demo=False)
    restarted: list[bool] = []
    monkeypatch.setattr(startup, "start", lambda: restarted.append(True))
    startup.data_dir = tmp_path
    startup._open_failed(damaged.value)

    assert shown and shown[0].backups.count() == 1 and shown[0].restore_button.isEnabled()
    assert restarted == [True]
    assert list(tmp_path.glob("complaintdesk.sqlite3.damaged-*"))  # kept, not deleted
    services = open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path)
    assert not services.auth.needs_first_admin()  # the admin came back from the backup
    services.dispose()


def test_qt_standard_buttons_and_menus_are_chinese(qtbot) -> None:
    """Without Qt's catalogue every message box said OK/Yes/No and the text fields'
    context menu Undo/Copy/Paste: the only English the staff would see."""
    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QLineEdit, QMessageBox

    from complaintdesk.ui.translations import install_qt_translations

    before = QLocale()
    assert install_qt_translations(QCoreApplication.instance())
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "t", "t",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        qtbot.addWidget(box)
        box.show()
        texts = {b.text() for b in box.buttons()}
        assert any("是" in t for t in texts) and any("否" in t for t in texts), texts
        edit = QLineEdit()
        qtbot.addWidget(edit)
        menu = edit.createStandardContextMenu()
        assert any("复制" in a.text() for a in menu.actions())
        assert QLocale().language() == QLocale.Language.Chinese
    finally:
        QLocale.setDefault(before)
