"""The GUI's start refuses what DESIGN §9 refuses, with the Chinese sentence on screen and
no database created: SQLite on a network share, a schema newer than this app."""

import argparse
import sqlite3

from PySide6.QtWidgets import QApplication, QMessageBox

from complaintdesk import app as appmod
from complaintdesk.services.container import open_services
from complaintdesk.storage import network_share
from complaintdesk.storage.database import DatabaseConfig


def _start_and_catch(qtbot, tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text, *a, **k: shown.append(f"{title}|{text}"))
    quits: list[bool] = []
    startup = appmod.Startup(QApplication.instance(),
                             argparse.Namespace(data_dir=tmp_path, database_url=None), demo=False)
    monkeypatch.setattr(startup.app, "quit", lambda: quits.append(True))
    window = startup.show_frame()
    qtbot.addWidget(window)
    startup.start()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert quits == [True] and not window.attached
    window.close()
    startup.shutdown()
    return shown[0]


def test_a_data_folder_on_a_network_share_is_refused_at_start(qtbot, tmp_path, monkeypatch):
    share = str(tmp_path)
    monkeypatch.setattr(network_share.Path, "read_text",
                        lambda self, **kw: f"//nas/shop {share} cifs rw 0 0\n"
                        if str(self) == "/proc/mounts" else "")
    monkeypatch.setattr(network_share.sys, "platform", "linux")
    text = _start_and_catch(qtbot, tmp_path, monkeypatch)
    assert text.startswith("无法打开数据库|")
    assert "数据库文件位于网络共享上" in text and "PostgreSQL" in text
    assert not (tmp_path / "complaintdesk.sqlite3").exists()


def test_a_schema_newer_than_the_app_is_refused_at_start(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "complaintdesk.sqlite3"
    open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path, auto_backup=False).dispose()
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0077_newer'")
    con.commit()
    con.close()
    text = _start_and_catch(qtbot, tmp_path, monkeypatch)
    assert "0077_newer" in text and "请在本机安装更新版本的 ComplaintDesk 后再打开" in text
