"""The audit chain's head on PostgreSQL (DESIGN §9): kept in this PC's data folder, held by
`check` against the server's log. Runs when COMPLAINTDESK_TEST_PG_URL names a server (as
test_postgresql.py); skipped with that reason otherwise."""

import os

import pytest
from sqlalchemy import create_engine, text

from complaintdesk.domain.clock import FixedClock
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.services.maintenance import check_database
from complaintdesk.storage.audit_head import read_head, server_head_file
from complaintdesk.storage.database import DatabaseConfig
from service_builders import T0, intake

URL = os.environ.get("COMPLAINTDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not URL, reason="needs a PostgreSQL server: set "
                                                "COMPLAINTDESK_TEST_PG_URL")


def test_check_on_postgresql_finds_the_cut_against_this_pcs_head_file(tmp_path):
    engine = create_engine(URL)
    with engine.begin() as conn:  # a clean schema every time
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    clock = FixedClock(T0)
    services = open_services(DatabaseConfig(URL), clock=clock, data_dir=tmp_path)
    try:
        cases = [services.intake.register(SYSTEM_USER, intake(clock)) for _ in range(3)]
        head = read_head(server_head_file(tmp_path, services.engine.url))
        assert head is not None and head.count == 3
        report = check_database(services.config, tmp_path)
        assert report.ok, report.lines
        assert any(line.startswith("审计链头文件：与数据库一致") for line in report.lines)
        with services.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"))
            conn.execute(text("UPDATE complaint_case SET description = '改过' WHERE id = :i"),
                         {"i": cases[0].id})
        report = check_database(services.config, tmp_path)
        assert not report.ok
        assert any("最后 1 条审计记录被删除" in line for line in report.lines), report.lines
        assert any(f"案件 {cases[0].number}" in line and "登记内容" in line
                   for line in report.lines), report.lines
    finally:
        services.dispose()
