"""The multi-PC mode (DESIGN §9): the same code on PostgreSQL. Runs when a server is given
in COMPLAINTDESK_TEST_PG_URL (e.g. postgresql+psycopg://user:pw@127.0.0.1/complaintdesk_test,
an empty database that the test may wipe); skipped without one, failed so under CI
(tests/pg_support.py)."""

import io
from datetime import timedelta

from pypdf import PdfReader

from acc_builders import gm_signs
from complaintdesk.domain.query import CaseQuery
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.maintenance import check_database
from pg_support import requires_postgresql
from service_builders import add_user, intake

pytestmark = requires_postgresql()


def test_a_complaint_from_registration_to_closed_on_postgresql(pg_services):
    services, clock = pg_services
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    head = add_user(services, "sh", "经理", Role.DEPT_HEAD, department_id=2)
    sup = add_user(services, "zg", "主管", Role.SUPERVISOR, department_id=2)
    assessor = add_user(services, "kh", "考核", Role.ASSESSOR)
    gm = add_user(services, "zjl", "总经理", Role.GENERAL_MANAGER)
    emp = next(e for e in services.people.employees() if e.department_id == 2)
    case = services.intake.register(SYSTEM_USER, intake(clock, customer_name="王大伟"))
    assert case.number.startswith("FK-")
    steps = [
        (cs, "forward", {"category": "维修质量", "severity": "normal", "department_id": 2}),
        (head, "assign", {"supervisor_user_id": sup.id}),
        (sup, "handle", {"process": "经过", "solution_kind": "返修", "customer_attitude": "接受",
                         "responsible": [{"employee_id": emp.id, "responsibility": "main",
                                          "proposal": "罚款"}]}),
        (head, "dept_opinion", {"opinion": "同意", "responsible": [
            {"employee_id": emp.id, "responsibility": "main", "proposal": "罚款"}]}),
        (assessor, "issue_slips", {}),
        (cs, "revisit", {"method": "电话", "reached": True, "satisfaction": "满意"}),
        (assessor, "evaluate", {"evaluation": "及时", "on_time": True, "proper": True}),
        (gm, "approve", {"approval": "同意"}),
        (assessor, "enforce", {"feedback_to_department": "已反馈"}),
    ]
    for user, action, data in steps:
        clock.advance(timedelta(minutes=20))
        if action == "approve":  # the GM decides the case's slip explicitly
            data = gm_signs(services, case.id)
        case = services.workflow.act(user, case.id, action, data, expected_version=case.version)
    assert case.status.value == "closed"
    slips = services.accountability.list_slips(assessor)
    assert [v.slip.status.value for v in slips] == ["enforced"]
    assert [r.number for r in services.cases.list_page(SYSTEM_USER, CaseQuery(keyword="王"))] \
        == [case.number]
    assert [r.number for r in services.cases.list_page(SYSTEM_USER, CaseQuery(keyword="5678"))] \
        == [case.number]
    report = check_database(services.config)
    assert report.ok, report.lines
    local = clock.now().astimezone(services.reports.tz)
    data = services.reports.month_report(assessor, local.year, local.month)
    assert data.kpis.current.overall.received == 1
    # the whole name (found through its 2-character pieces), the year's KPIs (the report
    # loaders read raw driver values) and the printed form, on PostgreSQL too
    assert [r.number for r in services.cases.list_page(
        SYSTEM_USER, CaseQuery(keyword="王大伟"))] == [case.number]
    year = services.reports.year_report(assessor, local.year)
    assert sum(m.overall.received for m in year.kpis.months) == 1
    pdf = services.printing.case_pdf(assessor, case.id)
    page_text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert case.number in page_text and "王大伟" in page_text


def test_kpi_tallies_on_postgresql_equal_the_records(pg_services):
    """The running tallies (INSERT … ON CONFLICT on PostgreSQL) after the demo's workflow
    and a later change: the year and the month read from them are those from the records."""
    from complaintdesk.domain.kpi import shift_month
    from complaintdesk.services.demo import seed_demo
    from complaintdesk.storage.uow import UnitOfWork
    from tally_checks import month_cells, month_from_records, workbook_cells, year_from_records

    services, clock = pg_services
    seed_demo(services, cases=80, seed=9)
    clock.advance(timedelta(days=2))
    bus = services.workflow.bus
    with UnitOfWork(services.engine, now=clock.now, bus=bus) as uow:  # a later change of its own
        case = uow.cases.get(uow.cases.load_period(None, None)[0].id)
        case.category = "收费价格"
        uow.cases.save(case)
        uow.commit()
    year = clock.now().astimezone(services.reports.tz).year
    ours = services.reports.year_report(SYSTEM_USER, year)
    assert services.reports._year_from_tallies(year, _phase()) is not None
    assert ours.kpis.total.overall.received > 40
    assert workbook_cells(ours) == workbook_cells(year_from_records(services, year))
    # the month likewise (its lists read from the records: this month, the one before)
    now = clock.now().astimezone(services.reports.tz)
    for ym in ((now.year, now.month), shift_month((now.year, now.month), -1)):
        month = services.reports.month_report(SYSTEM_USER, *ym)
        assert services.reports._month_from_tallies(ym, _phase()) is not None
        assert month.cases
        assert month_cells(month) == month_cells(month_from_records(services, *ym))
    # a month end passes: the open complaints' tallies count it (rows locked, rewritten)
    from complaintdesk.storage import kpi_maintenance

    clock.advance(timedelta(days=35))
    tz = services.reports.tz
    with UnitOfWork(services.engine, readonly=True) as uow:
        assert kpi_maintenance.month_ends_due(uow.session, clock.now(), tz)
    now = clock.now().astimezone(tz)
    month = services.reports.month_report(SYSTEM_USER, now.year, now.month)
    assert month_cells(month) == month_cells(month_from_records(services, now.year, now.month))
    with UnitOfWork(services.engine, readonly=True) as uow:
        assert not kpi_maintenance.month_ends_due(uow.session, clock.now(), tz)


def _phase():
    from complaintdesk.services.reports import _Phase

    return _Phase(None, None)


def test_two_pcs_changing_one_case_at_once_leave_the_tallies_right(pg_services):
    """One PC re-files a case while another issues a slip on it: the second waits for the
    first (the case row is held until commit), so the sums still equal a recount."""
    import threading

    from complaintdesk.domain.records import FaultSlip, SlipStatus
    from complaintdesk.services.demo import seed_demo
    from complaintdesk.storage.uow import UnitOfWork

    services, clock = pg_services
    seed_demo(services, cases=20, seed=4)
    with UnitOfWork(services.engine, readonly=True) as uow:
        case_id = uow.cases.load_period(None, None)[0].id
    first = UnitOfWork(services.engine, now=clock.now, bus=services.workflow.bus).__enter__()
    case = first.cases.get(case_id)
    case.category = "收费价格" if case.category != "收费价格" else "服务态度"
    first.cases.save(case)  # holds the case row from here to commit
    done = threading.Event()

    def second_pc() -> None:
        with UnitOfWork(services.engine, now=clock.now, bus=services.workflow.bus) as uow:
            uow.slips.add(FaultSlip(None, "", case_id, None, case.department_id, "", "超时",
                                    None, status=SlipStatus.ISSUED, issued_at=clock.now()))
            uow.commit()
        done.set()

    t = threading.Thread(target=second_pc)
    t.start()
    assert not done.wait(1.0)  # waiting for the first PC
    first.commit()
    first.__exit__(None, None, None)
    t.join(30)
    assert done.is_set()
    with UnitOfWork(services.engine, readonly=True) as uow:
        counted, problems = uow.kpi_upkeep.verify()
    assert counted >= 20 and problems == []


def test_alerts_are_written_once_and_scanned_on_postgresql(pg_services):
    """ON CONFLICT DO NOTHING on the server: a second notify or scan sends nothing twice."""
    services, clock = pg_services
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    assert [a.case_id for a in services.alerts.for_user(cs)] == [case.id]
    assert services.alerts.notify(cs.id, "notice", "测试提醒。", "", "pg:1")
    assert not services.alerts.notify(cs.id, "notice", "测试提醒。", "", "pg:1")
    clock.advance(timedelta(minutes=30))  # half of the forward step's hour
    assert services.alerts.scan() == 1 and services.alerts.scan() == 0
    assert services.alerts.unread_count(cs) == 3
    services.alerts.mark_read(cs)
    assert services.alerts.unread_count(cs) == 0
