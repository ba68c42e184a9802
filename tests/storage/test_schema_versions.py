"""Mixed versions (DESIGN §9), SQLite part: an app older than the database's schema
refuses to open it and says which version it needs; a migration records the app version
the schema now needs. (PostgreSQL: test_postgresql_versions.py.)"""

import sqlite3

import pytest

from complaintdesk import __version__
from complaintdesk.services.container import open_services
from complaintdesk.services.startup_checks import SchemaNewerThanApp
from complaintdesk.storage.database import (
    HEAD_REVISION,
    DatabaseConfig,
    current_revision,
    make_engine,
)
from complaintdesk.storage.versions import APP_VERSION_KEY, known_revisions, schema_is_newer
from service_builders import upgrade_to


def test_the_app_knows_its_own_revisions():
    known = known_revisions()
    assert HEAD_REVISION in known and "0001" in known
    assert not schema_is_newer(None) and not schema_is_newer("0001")
    assert schema_is_newer("0099_future")


def _newer(db, version):
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0099_future'")
    if version:
        con.execute("UPDATE setting SET value = ? WHERE key = ?",
                    (f'{{"revision": "0099_future", "version": "{version}"}}', APP_VERSION_KEY))
    con.commit()
    con.close()


def test_an_older_app_refuses_a_newer_schema_and_names_the_version_needed(tmp_path):
    db = tmp_path / "complaintdesk.sqlite3"
    upgrade_to(f"sqlite:///{db}", "0003")
    open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path).dispose()  # migrates
    _newer(db, "2.4.0")
    before = db.read_bytes()
    with pytest.raises(SchemaNewerThanApp) as caught:
        open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path)
    message = caught.value.message
    assert "ComplaintDesk 2.4.0 或更新的版本" in message
    assert "0099_future" in message and __version__ in message
    assert db.read_bytes() == before  # untouched
    assert not list((tmp_path / "backups").glob("*premigrate*0099*"))


def test_without_a_recorded_version_it_still_refuses(tmp_path):
    db = tmp_path / "complaintdesk.sqlite3"
    open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path, auto_backup=False).dispose()
    _newer(db, None)
    with pytest.raises(SchemaNewerThanApp, match="请在本机安装更新版本的 ComplaintDesk"):
        open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path)


def test_the_command_line_says_so_too(tmp_path, capsys):
    from complaintdesk.cli import main

    db = tmp_path / "complaintdesk.sqlite3"
    open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path, auto_backup=False).dispose()
    _newer(db, "3.0.1")
    assert main(["--data-dir", str(tmp_path), "report", "--month", "2026-11",
                 "-o", str(tmp_path / "m.xlsx")]) == 1
    assert "ComplaintDesk 3.0.1 或更新的版本" in capsys.readouterr().err


def test_a_migration_records_the_app_version_the_schema_needs(tmp_path):
    db = tmp_path / "complaintdesk.sqlite3"
    upgrade_to(f"sqlite:///{db}", "0003")
    services = open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path)
    try:
        assert current_revision(services.engine) == HEAD_REVISION
        with services.engine.connect() as conn:
            from sqlalchemy import text

            raw = conn.execute(text("SELECT value FROM setting WHERE key = :k"),
                               {"k": APP_VERSION_KEY}).scalar_one()
        assert '"version": "' + __version__ + '"' in raw and HEAD_REVISION in raw
        assert list((tmp_path / "backups").glob("*premigrate*"))  # SQLite's own backup
    finally:
        services.dispose()


def test_a_fresh_database_is_not_refused(tmp_path):
    engine = make_engine(DatabaseConfig.sqlite_file(tmp_path / "x.sqlite3"))
    assert current_revision(engine) is None
    engine.dispose()
    open_services(DatabaseConfig.sqlite_file(tmp_path / "x.sqlite3"), data_dir=tmp_path,
                  auto_backup=False).dispose()
