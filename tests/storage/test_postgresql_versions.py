"""Mixed versions on PostgreSQL (DESIGN §9): a newer app migrates only when no other PC is
connected — it lists who is — and after a pg_dump (or the administrator's word that one
was made); an older app refuses a newer schema."""

import subprocess

import pytest
from sqlalchemy import create_engine, text

from complaintdesk.services.container import open_services
from complaintdesk.services.startup_checks import (
    OthersConnected,
    PgBackupNeeded,
    SchemaNewerThanApp,
)
from complaintdesk.storage import versions
from complaintdesk.storage.database import HEAD_REVISION, DatabaseConfig, current_revision
from pg_support import URL, requires_postgresql, wipe
from service_builders import upgrade_to

pytestmark = requires_postgresql()


def _revision() -> str | None:
    engine = create_engine(URL)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.fixture()
def old_schema():
    """A database as the previous app version left it (revision 0003)."""
    wipe(URL)
    upgrade_to(URL, "0003")
    assert _revision() == "0003"


def test_a_migration_waits_while_another_pc_is_connected_and_says_who(old_schema, tmp_path):
    other = create_engine(URL, connect_args={"application_name": "ComplaintDesk QIANTAI-PC"})
    conn = other.connect()  # another PC, still on the old app
    try:
        conn.execute(text("SELECT 1"))
        with pytest.raises(OthersConnected) as caught:
            open_services(DatabaseConfig(URL), data_dir=tmp_path)
        message = caught.value.message
        assert "ComplaintDesk QIANTAI-PC" in message and "0003" in message
        assert "请先在这些电脑上退出 ComplaintDesk" in message
        assert _revision() == "0003"  # nothing migrated
        assert not (tmp_path / "backups" / "postgresql").exists()
    finally:
        conn.close()
        other.dispose()
    # the other PC has gone: now it backs up and migrates
    services = open_services(DatabaseConfig(URL), data_dir=tmp_path)
    try:
        assert current_revision(services.engine) == HEAD_REVISION
        dumps = list((tmp_path / "backups" / "postgresql").glob("*premigrate-0003.dump"))
        assert len(dumps) == 1
        listing = subprocess.run(["pg_restore", "--list", str(dumps[0])], capture_output=True,
                                 text=True, check=True).stdout
        assert "TABLE DATA public alembic_version" in listing
        assert "TABLE public department" in listing
    finally:
        services.dispose()


def test_without_pg_dump_it_asks_for_a_backup_and_goes_on_once_told(old_schema, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setattr(versions.shutil, "which", lambda name: None)
    with pytest.raises(PgBackupNeeded) as caught:
        open_services(DatabaseConfig(URL), data_dir=tmp_path)
    message = caught.value.message
    assert "本机找不到 pg_dump" in message and "pg_dump --format=custom" in message
    assert "--pg-backup-done" in message
    assert _revision() == "0003"
    open_services(DatabaseConfig(URL), data_dir=tmp_path, pg_backup_done=True).dispose()
    assert _revision() == HEAD_REVISION


def test_each_pc_names_itself_to_the_server(tmp_path):
    wipe(URL)
    services = open_services(DatabaseConfig(URL), data_dir=tmp_path)
    try:
        probe = create_engine(URL)
        with probe.connect() as conn:
            names = conn.execute(text(
                "SELECT application_name FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalars().all()
        probe.dispose()
        assert any(n.startswith("ComplaintDesk ") for n in names), names
        listed = versions.other_connections(services.engine)
        assert listed == []  # the probe has gone; its own connection is not "another PC"
    finally:
        services.dispose()


def test_an_older_app_refuses_a_newer_postgresql_schema(tmp_path):
    wipe(URL)
    open_services(DatabaseConfig(URL), data_dir=tmp_path).dispose()
    engine = create_engine(URL)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0042_from_the_future'"))
        conn.execute(text("UPDATE setting SET value = CAST(:v AS JSON) WHERE key = :k"), {
            "v": '{"revision": "0042_from_the_future", "version": "1.7.0"}',
            "k": versions.APP_VERSION_KEY})
    engine.dispose()
    with pytest.raises(SchemaNewerThanApp, match="ComplaintDesk 1.7.0 或更新的版本"):
        open_services(DatabaseConfig(URL), data_dir=tmp_path)
    assert _revision() == "0042_from_the_future"


def test_the_name_a_pc_gives_the_server_is_printable_ascii():
    from complaintdesk.storage.database import application_name

    assert application_name("QIANTAI-PC") == "ComplaintDesk QIANTAI-PC"
    assert application_name("前台") == "ComplaintDesk \\u524d\\u53f0"
    assert len(application_name("x" * 200)) == 63
