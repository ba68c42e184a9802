"""Start-up: a damaged database is never reset silently — the user picks a backup."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog

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


def test_main_window_frame_paints_before_any_storage_import(tmp_path: Path) -> None:
    """DESIGN §10: the window is on the screen before SQLAlchemy/SQLModel are imported (they
    cost most of a second) — the database opens behind the painted frame."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import complaintdesk\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from complaintdesk.app import Startup, prepare_app\n"
        "from complaintdesk.cli import build_parser\n"
        "app = QApplication([])\n"
        "prepare_app(app)\n"
        f"args = build_parser().parse_args(['--data-dir', {str(tmp_path)!r}])\n"
        "w = Startup(app, args, demo=False).show_frame()\n"
        "app.processEvents()\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel',"
        " 'alembic', 'reportlab', 'openpyxl') or m.startswith(('complaintdesk.storage',"
        " 'complaintdesk.services')))\n"
        "print(w.isVisible(), w.windowTitle(), w.wait_label.text(), heavy)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert out.split()[:2] == ["True", "ComplaintDesk"], out
    assert "正在打开数据库…" in out and out.rstrip().endswith("[]"), out


def test_start_logs_in_over_the_frame_and_fills_it(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaintdesk.ui.login_dialog import LoginDialog

    services = open_services(DatabaseConfig.sqlite_file(tmp_path / "complaintdesk.sqlite3"),
                             data_dir=tmp_path, auto_backup=False)
    admin = services.auth.create_first_admin("admin", "管理员", "secret123")
    services.dispose()
    seen: list[tuple[bool, str, bool, bool]] = []
    original_open = LoginDialog.open

    def log_in(self: LoginDialog) -> None:
        """The user types at once — before the database is open (issue 13)."""
        window = self.parentWidget()
        seen.append((window is startup.window, window.wait_label.text(), window.isVisible(),
                     self.services is None))
        original_open(self)
        self.username.setText("admin")
        self.password.setText("secret123")
        self.try_login()  # 登录 pressed while the database still opens: checked when open

    monkeypatch.setattr(LoginDialog, "open", log_in)
    startup = appmod.Startup(QApplication.instance(),
                             argparse.Namespace(data_dir=tmp_path, database_url=None), demo=False)
    window = startup.show_frame()
    qtbot.addWidget(window)
    assert window.isVisible() and not window.attached
    assert window.tabs.tabText(0) == "案件列表" and window.wait_label.text() == "正在打开数据库…"
    startup.start()
    qtbot.waitUntil(lambda: window.attached, timeout=20000)
    # the login came up over the painted frame before the database was open
    assert seen == [(True, "正在打开数据库…", True, True)]
    assert window.user.id == admin.id
    assert window.tabs.widget(0) is window.case_list
    assert "管理员" in window.user_label.text()
    qtbot.waitUntil(lambda: window.count_label.text() == "共 0 个案件")
    assert [a.text() for a in window.file_menu.actions() if a.text()][-1] == "退出"
    window.close()
    startup.shutdown()


def test_start_says_when_it_makes_the_statistics_tallies_first(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first start after the upgrade makes the KPI tallies from every case (a minute
    at 100,000 cases): the window says so, with the count, instead of a silent wait."""
    from complaintdesk.domain.records import Role
    from complaintdesk.services.demo import seed_demo
    from complaintdesk.storage.kpi_tallies import STATE_KEY
    from complaintdesk.storage.tables import SettingRow
    from complaintdesk.storage.uow import UnitOfWork
    from complaintdesk.ui.login_dialog import LoginDialog
    from complaintdesk.ui.main_window import MainWindow

    services = open_services(DatabaseConfig.sqlite_file(tmp_path / "complaintdesk.sqlite3"),
                             data_dir=tmp_path, auto_backup=False)
    seed_demo(services, cases=30)
    admin = next(u for u in services.people.users() if u.has(Role.ADMIN))
    with UnitOfWork(services.engine) as uow:  # as a database from before the tallies
        uow.session.delete(uow.session.get(SettingRow, STATE_KEY))
        uow.commit()
    services.dispose()
    texts: list[str] = []
    original = MainWindow.show_progress

    def show_progress(self: MainWindow, done: int, total: int, doing: str = "") -> None:
        original(self, done, total, doing)
        texts.append(self.wait_label.text())

    monkeypatch.setattr(MainWindow, "show_progress", show_progress)

    original_open = LoginDialog.open

    def log_in(self: LoginDialog) -> None:
        original_open(self)
        self.username.setText(admin.username)
        self.password.setText("demo123")
        self.try_login()

    monkeypatch.setattr(LoginDialog, "open", log_in)
    startup = appmod.Startup(QApplication.instance(),
                             argparse.Namespace(data_dir=tmp_path, database_url=None), demo=False)
    window = startup.show_frame()
    qtbot.addWidget(window)
    startup.start()
    qtbot.waitUntil(lambda: window.attached, timeout=30000)
    assert texts and texts[-1].startswith("正在整理统计数据（升级后仅此一次）：")
    assert texts[-1].endswith("个案件…")
    done, total = texts[-1].split("：")[1].removesuffix(" 个案件…").split("/")
    assert done == total and int(total) >= 30
    window.close()
    startup.shutdown()


@pytest.mark.parametrize("fault", ["empty", "missing"])
def test_an_empty_or_missing_database_after_use_offers_backups_not_a_first_admin(
        qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    """Issue 16, item 1: with backups in the folder, a 0-byte or deleted file is damage."""
    db = tmp_path / "complaintdesk.sqlite3"
    services = open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path, auto_backup=False)
    services.auth.create_first_admin("admin", "管理员", "secret123")
    services.dispose()
    backup_sqlite(db, tmp_path / "backups", "20261123-080000", "manual")
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    if fault == "empty":
        db.write_bytes(b"")
    else:
        db.unlink()
    with pytest.raises(DamagedDatabase) as damaged:
        open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path)
    assert not db.exists() or db.stat().st_size == 0  # no fresh schema written into it

    shown: list[DamagedDatabaseDialog] = []

    def decline(self: DamagedDatabaseDialog) -> int:
        shown.append(self)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(DamagedDatabaseDialog, "exec", decline)
    startup = appmod.Startup(qapp, argparse.Namespace(data_dir=tmp_path, database_url=None),
                             demo=False)
    quit_called: list[bool] = []
    monkeypatch.setattr(qapp, "quit", lambda: quit_called.append(True))
    startup.data_dir = tmp_path
    startup._open_failed(damaged.value)
    assert shown and shown[0].backups.count() == 1 and shown[0].restore_button.isEnabled()
    assert quit_called  # declined: the app ends, the folder as it was


def test_a_read_only_folder_says_so_and_offers_no_restore(
        qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from complaintdesk.services.backups import NotWritable
    from complaintdesk.storage import db_file

    db = tmp_path / "complaintdesk.sqlite3"
    open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path, auto_backup=False).dispose()
    backup_sqlite(db, tmp_path / "backups", "20261123-080000", "manual")
    monkeypatch.setattr(db_file, "folder_writable", lambda folder: False)
    with pytest.raises(NotWritable) as refused:
        open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(DamagedDatabaseDialog, "exec",
                        lambda self: pytest.fail("no restore offer for a read-only folder"))
    monkeypatch.setattr(qapp, "quit", lambda: None)
    startup = appmod.Startup(qapp, argparse.Namespace(data_dir=tmp_path, database_url=None),
                             demo=False)
    startup.data_dir = tmp_path
    startup._open_failed(refused.value)
    assert shown and "不可写" in shown[0] and "这不是数据库损坏" in shown[0]
