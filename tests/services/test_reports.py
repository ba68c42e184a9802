"""ReportService: the month workbook agrees with the service's own KPIs, loading only the
report window gives the same figures as loading everything, exports are audited and
permission-checked, a cancelled export leaves no file, volumes are validated."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from complaintdesk.documents.excel_common import Cancelled
from complaintdesk.domain.kpi import KPI_DEFS, monthly_kpis
from complaintdesk.domain.records import Role, User
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.demo import seed_demo
from complaintdesk.services.errors import PermissionDenied, ServiceError
from complaintdesk.storage.tables import AuditRow
from service_builders import add_user, make_services


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    services, clock = make_services(tmp_path_factory.mktemp("reports"))
    seed_demo(services, cases=60)
    dept = services.people.departments()[0]
    services.reports.set_volume(SYSTEM_USER, dept.id, "2026-10", 200)
    yield services, clock
    services.dispose()


def rows_by_label(ws) -> dict[str, tuple]:
    return {r[0]: r for r in ws.iter_rows(values_only=True) if r and r[0]}


def test_month_workbook_shows_the_services_kpis(seeded, tmp_path):
    services, _ = seeded
    data = services.reports.month_report(SYSTEM_USER, 2026, 10)
    cur, prev = data.kpis.current.overall, data.kpis.previous.overall
    assert cur.received > 0 and cur.volume == 200
    out = services.reports.write_month(SYSTEM_USER, 2026, 10, tmp_path / "月报.xlsx")
    rows = rows_by_label(load_workbook(out)["概览"])
    assert rows["投诉量"][1] == cur.received and rows["投诉量"][3] == prev.received
    assert rows["结案率"][1] == pytest.approx(cur.close_rate.value)
    assert rows["结案率"][2] == str(cur.close_rate)
    assert rows["投诉率"][1] == pytest.approx(cur.complaint_rate.value)
    assert len(data.trend) == 12 and data.trend[-1] is data.kpis.current


def test_loading_the_window_gives_the_same_figures_as_loading_everything(seeded):
    services, clock = seeded
    data = services.reports.month_report(SYSTEM_USER, 2026, 10)
    with services.reports.uow(readonly=True) as uow:
        every_case = uow.cases.load_period(None, None)
        every_slip = uow.slips.for_kpis_where()
        lookups = services.reports.lookups(uow)
        volumes = uow.volumes.all()
    full = monthly_kpis(every_case, every_slip, volumes, 2026, 10, services.reports.tz,
                        clock.now(), lookups)
    for period, ref in ((data.kpis.current, full.current), (data.kpis.previous, full.previous)):
        for d in KPI_DEFS:  # means from summed microseconds or hours: the last bits differ
            assert d.value(period.overall) == pytest.approx(d.value(ref.overall)), d.label
    # the month's own list of open complaints (the one its workbook shows)
    assert [o.number for o in data.kpis.current.open_cases] == [
        o.number for o in full.current.open_cases]
    assert full.current.open_cases


def test_dashboard_compares_this_month_with_last_and_lists_overdue(seeded):
    services, _ = seeded
    dash = services.reports.dashboard(SYSTEM_USER)
    assert dash.month == (2026, 11)
    assert dash.previous is not None and dash.previous.label == "2026-10"
    assert len(dash.trend) == 12 and [p.label for p in dash.trend][-2:] == ["2026-10", "2026-11"]
    assert {g.label for g in dash.departments} >= {d.name for d in services.people.departments()
                                                   if d.active}
    assert all(o.overdue_hours > 0 for o in dash.overdue)
    hours = [o.overdue_hours for o in dash.overdue]
    assert hours == sorted(hours, reverse=True)


def test_export_is_audited(seeded, tmp_path):
    services, _ = seeded
    services.reports.write_year(SYSTEM_USER, 2026, tmp_path / "年报.xlsx")
    with services.reports.uow(readonly=True) as uow:
        rows = uow.session.execute(select(AuditRow).where(AuditRow.action == "export")).scalars()
        assert [(r.entity_id, r.user_name) for r in rows][-1] == ("year:2026", "命令行")
    assert load_workbook(tmp_path / "年报.xlsx").sheetnames[0] == "全年概览"


def test_weekly_summary_as_workbook_and_pdf(seeded, tmp_path):
    services, _ = seeded
    week = date(2026, 11, 2)
    summary = services.reports.weekly_summary(SYSTEM_USER, week)
    xlsx = services.reports.write_weekly(SYSTEM_USER, week, tmp_path / "周报.xlsx")
    rows = rows_by_label(load_workbook(xlsx)["概要"])
    assert rows["新增案件"][1] == len(summary.new_cases)
    assert rows["超时未结"][1] == len(summary.overdue_cases)
    pdf = services.reports.write_weekly(SYSTEM_USER, week, tmp_path / "周报.pdf", pdf=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(ServiceError, match="不是星期一"):
        services.reports.weekly_summary(SYSTEM_USER, date(2026, 11, 3))


def test_cancelled_export_leaves_no_file(seeded, tmp_path):
    services, _ = seeded
    out = tmp_path / "月报.xlsx"
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)

    with pytest.raises(Cancelled):
        services.reports.write_month(SYSTEM_USER, 2026, 10, out, progress,
                                     cancelled=lambda: len(seen) > 3)
    assert list(tmp_path.iterdir()) == []


def test_only_managers_and_assessors_see_reports(seeded, tmp_path):
    services, _ = seeded
    clerk = User(99, "clerk", "接待", frozenset({Role.RECEPTION}))
    with pytest.raises(PermissionDenied, match="没有权限"):
        services.reports.dashboard(clerk)
    with pytest.raises(PermissionDenied):
        services.reports.write_month(clerk, 2026, 10, tmp_path / "x.xlsx")
    with pytest.raises(PermissionDenied):
        services.reports.set_volume(clerk, 1, "2026-10", 5)
    assert not (tmp_path / "x.xlsx").exists()


def test_volumes_are_whole_numbers_of_a_real_month_and_department(tmp_path):
    services, _ = make_services(tmp_path)
    gm = add_user(services, "gm", "总经理", Role.GENERAL_MANAGER)
    dept = services.people.departments()[0]
    services.reports.set_volume(gm, dept.id, "2026-03", "1,200")
    assert services.reports.set_volumes(gm, {(dept.id, "2026-03"): 1200,
                                             (dept.id, "2026-04"): 0}) == 1
    table = services.reports.volumes(gm, 2026)
    assert table.values == {(dept.id, 3): 1200, (dept.id, 4): 0}
    assert (dept.id, dept.name) in table.departments
    for period, value, message in (("2026-13", 1, "月份无效"), ("2026/03", 1, "月份格式"),
                                   ("2026-03", -1, "不小于 0 的整数"),
                                   ("2026-03", "12.5", "不小于 0 的整数"),
                                   ("2026-03", "abc", "不小于 0 的整数")):
        with pytest.raises(ServiceError, match=message):
            services.reports.set_volume(gm, dept.id, period, value)
    with pytest.raises(ServiceError, match="部门不存在"):
        services.reports.set_volume(gm, 9999, "2026-03", 1)
    # a refused batch writes nothing
    with pytest.raises(ServiceError):
        services.reports.set_volumes(gm, {(dept.id, "2026-05"): 7, (dept.id, "2026-06"): -1})
    assert (dept.id, 5) not in services.reports.volumes(gm, 2026).values
    with pytest.raises(ServiceError, match="月份无效"):
        services.reports.month_report(gm, 2026, 13)
    services.dispose()
