"""Live lists (issue 13): a write made through one service container (one PC) is seen by
another container's change watcher on the same database within 5 s, without 刷新 —
SQLite through PRAGMA data_version, PostgreSQL through LISTEN/NOTIFY."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from complaintdesk.domain.clock import FixedClock
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services, open_services
from complaintdesk.storage.database import DatabaseConfig
from service_builders import T0, intake

PG_URL = os.environ.get("COMPLAINTDESK_TEST_PG_URL")


def _seen_within(services_a: Services, services_b: Services, clock: FixedClock) -> float:
    """Register a case on A; seconds until B's watcher calls back (fails past 5 s)."""
    seen = threading.Event()
    services_b.watch_changes(seen.set, interval=0.5)
    time.sleep(0.7)  # a quiet database: no call-back before anyone writes
    assert not seen.is_set(), "the watcher reported a change nobody made"
    t0 = time.perf_counter()
    services_a.intake.register(SYSTEM_USER, intake(clock, customer_name="李四"))
    assert seen.wait(5.0), "the other PC's write was not seen within 5 s"
    return time.perf_counter() - t0


def test_sqlite_a_write_on_one_pc_is_seen_by_the_other_within_5_s(tmp_path: Path) -> None:
    db = DatabaseConfig.sqlite_file(tmp_path / "shared.sqlite3")
    clock = FixedClock(T0)
    a = open_services(db, clock=clock, data_dir=tmp_path, auto_backup=False)
    b = open_services(db, clock=clock, data_dir=tmp_path, auto_backup=False)
    try:
        assert _seen_within(a, b, clock) < 5.0
    finally:
        a.dispose()
        b.dispose()


def test_sqlite_a_read_is_not_a_change(tmp_path: Path) -> None:
    db = DatabaseConfig.sqlite_file(tmp_path / "shared.sqlite3")
    clock = FixedClock(T0)
    a = open_services(db, clock=clock, data_dir=tmp_path, auto_backup=False)
    b = open_services(db, clock=clock, data_dir=tmp_path, auto_backup=False)
    try:
        seen = threading.Event()
        b.watch_changes(seen.set, interval=0.2)
        a.people.users()
        a.people.departments()
        time.sleep(0.8)
        assert not seen.is_set()
    finally:
        a.dispose()
        b.dispose()


@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server: set COMPLAINTDESK_TEST_PG_URL")
def test_postgresql_a_write_on_one_pc_is_seen_by_the_other_within_5_s(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as conn:  # a clean schema every time
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    clock = FixedClock(T0)
    a = open_services(DatabaseConfig(PG_URL), clock=clock, data_dir=tmp_path)
    b = open_services(DatabaseConfig(PG_URL), clock=clock, data_dir=tmp_path)
    try:
        assert _seen_within(a, b, clock) < 5.0
    finally:
        a.dispose()
        b.dispose()
