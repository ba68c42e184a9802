"""导入历史台账 (issue 18 §3) through the service: a messy ledger read, every problem
reported with its row, nothing stored until confirmed (and not at all with errors unless
they are skipped), the good rows stored as closed 历史导入 cases that count in their
months' statistics (tallies equal to a recount, `check` clean), and a second import of
the same file adding nothing."""

from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.kpi.shapes import Ratio
from complaintdesk.domain.records import CaseStatus, Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.services.errors import PermissionDenied, ServiceError
from complaintdesk.services.maintenance import check_database
from complaintdesk.storage import kpi_maintenance
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.storage.tables import AuditRow, CaseRow, LedgerImportRow
from complaintdesk.storage.uow import UnitOfWork
from ledger_builders import ERROR_ROWS, GOOD_ROWS, messy_ledger
from pg_support import URL as PG_URL
from pg_support import skip_or_fail_without_server, wipe
from service_builders import T0, add_user, intake, make_services

MAP = {"反映渠道": "投诉渠道"}


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path):
    """On PostgreSQL too when COMPLAINTDESK_TEST_PG_URL is set (portable SQL)."""
    if request.param == "sqlite":
        services, clock = make_services(tmp_path)
    else:
        skip_or_fail_without_server()  # under CI it runs (tests/pg_support.py)
        wipe(PG_URL)
        clock = FixedClock(T0)
        services = open_services(DatabaseConfig(PG_URL), clock=clock, data_dir=tmp_path)
    yield services, clock, messy_ledger(tmp_path / "台账.xlsx"), tmp_path
    services.dispose()


def _count(services, table) -> int:
    from sqlalchemy import func

    with UnitOfWork(services.engine, readonly=True) as uow:
        return uow.session.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_messy_ledger_is_read_with_each_problem_on_its_row(env):
    services, _, path, _ = env
    first = services.ledger.read(path)
    assert first.plan.sheet == "2025年投诉台账" and first.layout.row == 3
    assert [c.header for c in first.layout.unmapped()] == ["反映渠道"]
    preview = services.ledger.read(path, MAP)
    assert preview.counts == (len(GOOD_ROWS), len(ERROR_ROWS), 0)
    assert preview.summary() == "可导入 3 行，错误 4 行"
    errors = {p.row: p for p in preview.plan.all_problems() if p.error}
    assert sorted(errors) == list(ERROR_ROWS)
    assert errors[7].column == "手机" and "手机号码" in errors[7].message
    assert "与第 4 行内容相同" in errors[8].message
    assert errors[10].column == "投诉日期" and "2025-13-45" in errors[10].message
    assert errors[11].column == "完成时间" and "早于" in errors[11].message
    warnings = [p for p in preview.plan.all_problems() if not p.error]
    assert any(p.row == 9 and p.column == "完成时间" for p in warnings)  # empty: same day
    # what will be stored: normalised phones, the serial-number date, the landline moved
    rows = {r.row: r for r in preview.plan.rows}
    assert rows[4].intake.phone == "13812345678"
    assert rows[5].intake.phone == "15912345678" and rows[5].intake.channel == "微信"
    assert f"{rows[5].intake.complained_at.astimezone(services.cases.tz):%Y-%m-%d}" == "2025-03-14"
    assert rows[9].intake.landline == "0755-87654321" and rows[9].intake.phone == ""
    assert _count(services, CaseRow) == 0  # reading stores nothing


def test_with_errors_nothing_is_stored_unless_they_are_skipped(env):
    services, _, path, _ = env
    preview = services.ledger.read(path, MAP)
    with pytest.raises(ServiceError, match="4 行错误"):
        services.ledger.import_rows(SYSTEM_USER, preview)
    assert _count(services, CaseRow) == 0
    result = services.ledger.import_rows(SYSTEM_USER, preview, skip_errors=True)
    assert result.imported == 3 and result.skipped_errors == 4
    assert result.numbers == ("LS-202503-0001", "LS-202503-0002", "LS-202504-0001")
    assert _count(services, LedgerImportRow) == 3


def test_imported_rows_are_closed_cases_counted_in_their_months(env):
    services, _, path, tmp_path = env
    services.ledger.import_rows(SYSTEM_USER, services.ledger.read(path, MAP), skip_errors=True)
    cid = services.cases.case_id_by_number("LS-202503-0001")
    case = services.cases.open_case(SYSTEM_USER, cid).case
    assert case.status is CaseStatus.CLOSED and case.department_id is not None
    assert [s.step_key for s in case.steps] == ["register", "ledger_record", "revisit"]
    assert case.steps[1].data["result"] == "已更换刹车片"
    march = services.reports.month_report(SYSTEM_USER, 2025, 3).kpis.current.overall
    assert march.received == 2 and march.close_rate == Ratio(2, 2)
    assert march.satisfaction == Ratio(2, 2) and march.revisit_rate == Ratio(2, 2)
    april = services.reports.month_report(SYSTEM_USER, 2025, 4).kpis.current.overall
    assert april.received == 1 and april.satisfaction == Ratio(0, 0)
    with UnitOfWork(services.engine, readonly=True) as uow:
        assert kpi_maintenance.verify(uow.session) == (3, [])  # the tallies equal a recount
    report = check_database(services.config, tmp_path)
    assert report.ok, report.lines
    with UnitOfWork(services.engine, readonly=True) as uow:
        actions = list(uow.session.execute(
            select(AuditRow.action).order_by(AuditRow.id)).scalars())
    assert actions == ["register"] * 3 + ["import_ledger"]


def test_the_same_file_twice_imports_nothing_new(env):
    services, _, path, _ = env
    services.ledger.import_rows(SYSTEM_USER, services.ledger.read(path, MAP), skip_errors=True)
    again = services.ledger.read(path, MAP)
    assert again.counts == (0, 3, 4)  # row 8 repeats row 4, which is in already
    result = services.ledger.import_rows(SYSTEM_USER, again, skip_errors=True)
    assert result.imported == 0 and _count(services, CaseRow) == 3


def test_a_stale_preview_does_not_import_twice(env):
    services, _, path, _ = env
    preview = services.ledger.read(path, MAP)
    services.ledger.import_rows(SYSTEM_USER, services.ledger.read(path, MAP), skip_errors=True)
    assert services.ledger.import_rows(SYSTEM_USER, preview, skip_errors=True).imported == 0
    assert _count(services, CaseRow) == 3


def _simple_ledger(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "客户姓名", "联系电话", "投诉日期", "投诉内容", "结案日期"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_ledger_numbers_kept_unless_taken_and_repeats_linked(env):
    services, clock, _, tmp_path = env
    taken = services.intake.register(SYSTEM_USER, intake(clock)).number
    path = _simple_ledger(tmp_path / "n.xlsx", [
        ["TS-001", "甲", "13900001111", "2025-01-05", "异响", "2025-01-06"],
        [taken, "乙", "13900002222", "2025-01-05", "漏油", "2025-01-06"],
        ["TS-002", "甲", "13900001111", "2025-02-01", "又异响", "2025-02-03"],
    ])
    preview = services.ledger.read(path)
    assert preview.counts == (3, 0, 0)
    assert any("改用 LS- 编号" in p.message for p in preview.plan.all_problems())
    result = services.ledger.import_rows(SYSTEM_USER, preview)
    assert result.numbers == ("TS-001", "LS-202501-0001", "TS-002")
    again = services.cases.open_case(SYSTEM_USER, services.cases.case_id_by_number("TS-002"))
    assert again.repeat_of_number == "TS-001"


def test_only_the_administrator_or_assessor_imports(env):
    services, _, path, _ = env
    clerk = add_user(services, "jd", "接待", Role.RECEPTION)
    with pytest.raises(PermissionDenied):
        services.ledger.import_rows(clerk, services.ledger.read(path, MAP), skip_errors=True)
    admin = add_user(services, "ad", "管理员", Role.ADMIN)
    assert services.ledger.import_rows(admin, services.ledger.read(path, MAP),
                                       skip_errors=True).imported == 3


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(env, tmp_path):
    services = env[0]
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ServiceError, match="不是有效的 Excel 工作簿"):
        services.ledger.read(bad)
    with pytest.raises(ServiceError, match=r"\.xlsx"):
        services.ledger.read(tmp_path / "x.xls")
    with pytest.raises(ServiceError, match="找不到"):
        services.ledger.read(env[2], {"不存在的列": "投诉内容"})


def test_an_imported_case_is_dated_by_the_ledger_not_by_the_import(env):
    services, clock, path, _ = env
    services.ledger.import_rows(SYSTEM_USER, services.ledger.read(path, MAP), skip_errors=True)
    case = services.cases.open_case(
        SYSTEM_USER, services.cases.case_id_by_number("LS-202504-0001")).case
    local = case.registered_at.astimezone(services.cases.tz)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2025, 4, 10, 14, 30)
    assert case.registered_at < clock.now() and case.closed_at == case.registered_at
    assert case.intake.complained_at == datetime(2025, 4, 10, 6, 30, tzinfo=UTC)


def test_an_imported_row_repeats_a_case_registered_before_it(env):
    services, clock, _, tmp_path = env
    first = services.intake.register(SYSTEM_USER, intake(clock, phone="13955556666", vin=""))
    clock.advance(days=2)
    local = clock.now().astimezone(services.cases.tz)
    path = _simple_ledger(tmp_path / "r.xlsx", [
        ["", "丙", "139 5555 6666", f"{local:%Y-%m-%d}", "还是异响", f"{local:%Y-%m-%d}"],
        ["", "丁", "13955557777", f"{local:%Y-%m-%d}", "别的事", f"{local:%Y-%m-%d}"],
    ])
    (number, other) = services.ledger.import_rows(SYSTEM_USER, services.ledger.read(path)).numbers
    view = services.cases.open_case(SYSTEM_USER, services.cases.case_id_by_number(number))
    assert view.repeat_of_number == first.number
    alone = services.cases.open_case(SYSTEM_USER, services.cases.case_id_by_number(other))
    assert alone.repeat_of_number == ""
