"""Tamper evidence (issue 16, item 2): the audit chain's head is kept outside the database
(a file beside it, every backup's manifest, the weekly summary), so `check` finds the end of
the log cut off, the whole log deleted, an entry edited and the chain recomputed; and each
case is held against its audit entries."""

from __future__ import annotations

import io
import sqlite3
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text
from sqlmodel import Session

from acc_builders import cast, walk_to_issue
from complaintdesk.cli import main
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.maintenance import check_database
from complaintdesk.storage.audit import entry_hash
from complaintdesk.storage.audit_head import head_file_for_sqlite, read_head
from complaintdesk.storage.tables import AuditRow
from db_copies import build_template, open_copy
from service_builders import add_user, intake, make_services


def _in_use(services, clock):
    c = cast(services)
    cases = [walk_to_issue(services, clock, c) for _ in range(2)]
    for _ in range(3):
        clock.advance(timedelta(minutes=5))
        cases.append(services.intake.register(SYSTEM_USER, intake(clock)))
    return cases


@pytest.fixture(scope="module")
def _used_template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("in-use"), _in_use)


@pytest.fixture
def used(_used_template, tmp_path):
    """A database in use: users, cases registered and advanced — and `check` passes. Built
    once for the module, each test tampers with its own copy (tests/db_copies.py)."""
    services, clock = open_copy(_used_template, tmp_path)
    cases = list(_used_template.made)
    report = check_database(services.config)
    assert report.ok, report.lines
    yield services, clock, cases
    services.dispose()


def _sql(services, statement: str, **params):
    with services.engine.begin() as conn:
        return conn.execute(text(statement), params)


def _failed(services, *expected: str) -> list[str]:
    report = check_database(services.config)
    assert not report.ok, report.lines
    for e in expected:
        assert any(e in line for line in report.lines), (e, report.lines)
    return report.lines


def _entries(services) -> int:
    return _sql(services, "SELECT count(*) FROM audit_log").scalar_one()


def test_the_head_file_follows_every_commit(used):
    services, _clock, _cases = used
    head = read_head(head_file_for_sqlite(services.config.sqlite_path))
    last = _sql(services, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").one()
    assert head is not None and (head.count, head.last_id, head.last_hash) == (
        _entries(services), last[0], last[1])


def test_last_entry_deleted(used):
    services, *_ = used
    _sql(services, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    _failed(services, "最后 1 条审计记录被删除")


def test_last_n_entries_deleted(used):
    services, *_ = used
    _sql(services, "DELETE FROM audit_log WHERE id > (SELECT max(id) - 7 FROM audit_log)")
    _failed(services, "最后 7 条审计记录被删除")


def test_all_entries_deleted(used):
    services, *_ = used
    _sql(services, "DELETE FROM audit_log")
    _failed(services, "审计日志被全部删除")


def test_an_entry_edited_and_the_chain_recomputed(used):
    services, *_ = used
    with Session(services.engine) as session:  # what someone who knows the scheme would do
        rows = session.execute(select(AuditRow).order_by(AuditRow.id)).scalars().all()
        prev = ""
        for r in rows:
            if r.id == rows[len(rows) // 2].id:
                r.user_name = "伪造"
            r.prev_hash = prev
            r.hash = prev = entry_hash(prev, r.at, r.user_id, r.user_name, r.action, r.entity,
                                       r.entity_id, r.before, r.after)
        session.commit()
    lines = _failed(services, "重新计算了哈希链")
    assert any("审计日志哈希链" in line and "全部一致" in line for line in lines)  # chain itself ok


@pytest.mark.parametrize(("column", "value", "says"), [
    ("status", "'closed'", "状态“closed”"),
    ("version", "version + 1", "版本"),
    ("current_step", "'enforce'", "当前步骤“enforce”"),
])
def test_a_case_row_edited_in_sql(used, column, value, says):
    services, _clock, cases = used
    _sql(services, f"UPDATE complaint_case SET {column} = {value} WHERE id = :i", i=cases[0].id)
    _failed(services, f"案件 {cases[0].number} 的记录与审计日志", says, "在程序之外被修改")


@pytest.mark.parametrize(("column", "value"), [
    ("description", "'客户满意，无投诉'"), ("phone", "'13900000000'"),
    ("customer_name", "'李四'"), ("complained_at", "'2026-11-01 00:00:00.000000'"),
])
def test_a_registered_field_edited_in_sql(used, column, value):
    services, _clock, cases = used
    _sql(services, f"UPDATE complaint_case SET {column} = {value} WHERE id = :i", i=cases[-1].id)
    _failed(services, f"案件 {cases[-1].number} 的记录与审计日志", "登记内容")


def test_workflow_fields_are_not_held_against_the_audit_but_the_tallies_see_the_category(used):
    """What the case trail cannot see (said in storage/audit_cases.py): a workflow column
    such as the category, edited with version, step and status left alone. The statistics'
    recount still finds this one: the category's counts no longer match the records."""
    services, _clock, cases = used
    _sql(services, "UPDATE complaint_case SET category = '其他' WHERE id = :i", i=cases[0].id)
    report = check_database(services.config)
    assert any(line.startswith("案件与审计日志：") and "一致" in line for line in report.lines)
    assert not report.ok and any("category=维修质量" in line for line in report.lines)


def test_a_case_row_deleted_or_inserted_in_sql(used):
    services, _clock, cases = used
    services.engine.dispose()
    con = sqlite3.connect(services.config.sqlite_path)  # foreign keys off, as a tamperer has
    con.execute("DELETE FROM complaint_case WHERE id = ?", (cases[-1].id,))
    con.commit()
    con.close()
    _failed(services, f"案件 {cases[-1].number} 有审计记录，但数据库中找不到该案件")


def test_a_cut_noticed_by_the_app_stays_reported_after_it_writes_on(used):
    """The app holds the database against the head file before it appends: the cut is
    written into the chain, so later work does not cover it up."""
    services, clock, _cases = used
    _sql(services, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    clock.advance(timedelta(minutes=1))
    services.intake.register(SYSTEM_USER, intake(clock))  # the app goes on working
    _failed(services, "发现审计日志与链头文件不符")


def test_a_head_file_behind_the_database_is_a_lag_not_damage(used):
    """A crash between the commit and the head file write leaves the file one step behind."""
    services, clock, _cases = used
    path = head_file_for_sqlite(services.config.sqlite_path)
    older = path.read_bytes()
    clock.advance(timedelta(minutes=1))
    services.intake.register(SYSTEM_USER, intake(clock))
    path.write_bytes(older)
    report = check_database(services.config)
    assert report.ok, report.lines
    assert any("其后又写入" in line for line in report.lines)


def test_without_the_head_file_the_newest_backup_manifest_still_catches_the_cut(used):
    services, *_ = used
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    services.backups.backup_now(admin)
    head_file_for_sqlite(services.config.sqlite_path).unlink()
    _sql(services, "DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)")
    # the manifest was written before the backup's own audit entry: 2 of the 3 cut are older
    _failed(services, "的清单记录审计日志共", "最后 2 条审计记录被删除")


def test_cli_check_exits_non_zero_naming_the_cut(tmp_path, capsys):
    services, clock = make_services(tmp_path)
    for _ in range(3):
        services.intake.register(SYSTEM_USER, intake(clock))
    db = services.config.sqlite_path
    services.dispose()
    args = ["--data-dir", str(tmp_path), "--database-url", f"sqlite:///{db.as_posix()}", "check"]
    assert main(args) == 0
    services, _ = make_services(tmp_path)
    _sql(services, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    services.dispose()
    capsys.readouterr()
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "最后 1 条审计记录被删除" in captured.out and "检查未通过" in captured.err


def test_the_weekly_summary_prints_the_chain_head(used):
    services, clock, _cases = used
    assessor = add_user(services, "kh2", "考核", Role.ASSESSOR)
    local = clock.now().astimezone(services.reports.tz).date()
    monday = local - timedelta(days=local.weekday())
    pdf = services.printing.weekly_summary_pdf(assessor, monday)
    printed = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    count, last = _entries(services), _sql(
        services, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").scalar_one()
    assert f"审计链头：共{count}条审计记录" in printed and last in printed
