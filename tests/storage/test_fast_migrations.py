"""The replayed migration of the tests (tests/fast_migrations.py) gives the same database as
Alembic itself: same schema, same rows, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

import fast_migrations
from complaintdesk.storage.database import HEAD_REVISION, DatabaseConfig, make_engine, migrate
from pg_support import URL, skip_or_fail_without_server, wipe


def _migrate_sqlite(path) -> None:
    engine = make_engine(DatabaseConfig.sqlite_file(path))
    try:
        migrate(engine)
    finally:
        engine.dispose()


def _sqlite_dump(path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_a_replayed_sqlite_migration_equals_alembic_s(tmp_path):
    fast_migrations.enabled = False
    try:
        _migrate_sqlite(tmp_path / "real.sqlite3")
    finally:
        fast_migrations.enabled = True
    _migrate_sqlite(tmp_path / "first.sqlite3")  # records it, unless an earlier test did
    before = fast_migrations.replayed
    _migrate_sqlite(tmp_path / "replayed.sqlite3")
    assert fast_migrations.replayed == before + 1  # this one was replayed
    real = _sqlite_dump(tmp_path / "real.sqlite3")
    assert any("CREATE TABLE" in line for line in real)
    assert f"INSERT INTO \"alembic_version\" VALUES('{HEAD_REVISION}');" in real
    assert _sqlite_dump(tmp_path / "replayed.sqlite3") == real
    assert _sqlite_dump(tmp_path / "first.sqlite3") == real


def _pg_snapshot(engine) -> dict[str, list]:
    """Columns, indexes, constraints and every table's rows of the public schema."""
    with engine.connect() as conn:
        snap = {
            "columns": conn.execute(text(
                "SELECT table_name, column_name, data_type, is_nullable, column_default "
                "FROM information_schema.columns WHERE table_schema = 'public' "
                "ORDER BY 1, 2")).all(),
            "indexes": conn.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "ORDER BY 1")).all(),
            "constraints": conn.execute(text(
                "SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' "
                "ORDER BY 1, 2")).all(),
        }
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))]
        for table in tables:
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            snap[table] = sorted(map(repr, rows))
    return snap


def _migrate_pg():
    wipe(URL)
    engine = make_engine(DatabaseConfig(URL))
    migrate(engine)
    return engine


def test_a_replayed_postgresql_migration_equals_alembic_s():
    skip_or_fail_without_server()
    fast_migrations.enabled = False
    try:
        engine = _migrate_pg()
    finally:
        fast_migrations.enabled = True
    real = _pg_snapshot(engine)
    engine.dispose()
    assert real["columns"] and real["indexes"] and real["alembic_version"]
    engine = _migrate_pg()  # records it, unless an earlier test did
    first = _pg_snapshot(engine)
    engine.dispose()
    before = fast_migrations.replayed
    engine = _migrate_pg()
    replayed = _pg_snapshot(engine)
    engine.dispose()
    assert fast_migrations.replayed == before + 1
    assert first == real
    assert replayed == real


@pytest.mark.real_migrations
def test_the_mark_turns_the_replay_off(tmp_path):
    before = fast_migrations.replayed
    _migrate_sqlite(tmp_path / "a.sqlite3")
    _migrate_sqlite(tmp_path / "b.sqlite3")
    assert fast_migrations.replayed == before
    assert _sqlite_dump(tmp_path / "a.sqlite3") == _sqlite_dump(tmp_path / "b.sqlite3")
