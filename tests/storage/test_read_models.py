"""Each fast reader of storage/read_models/ hands out, field by field, what an ORM read
of the same rows gives (tests/orm_reference.py) — on SQLite and on PostgreSQL, over a
demo database with every flow, reopened and closed cases, appeals and changed slips."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import select

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.kpi import STEPS_WITH_DATA_USED
from complaintdesk.domain.query import CaseQuery
from complaintdesk.domain.records import Attachment, Case, Department, Employee, Role, User
from complaintdesk.services.container import open_services
from complaintdesk.services.demo import seed_demo
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.storage.read_models.cases import CaseReader
from complaintdesk.storage.read_models.people import PeopleLists
from complaintdesk.storage.read_models.slips import SlipReader
from complaintdesk.storage.repo_slips import SlipQuery
from complaintdesk.storage.tables import CaseRow, DepartmentRow, EmployeeRow, UserRow
from complaintdesk.storage.uow import UnitOfWork
from orm_reference import field_differences, orm_cases, orm_slips
from pg_support import URL, skip_or_fail_without_server, wipe
from service_builders import T0


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"read_models_{request.param}")
    if request.param == "postgresql":
        skip_or_fail_without_server()
        wipe(URL)
        config = DatabaseConfig(URL)
    else:
        config = DatabaseConfig.sqlite_file(tmp / "t.sqlite3")
    clock = FixedClock(T0)
    services = open_services(config, clock=clock, data_dir=tmp)
    seed_demo(services, cases=90, seed=5)
    clock.advance(timedelta(days=2))
    with UnitOfWork(services.engine) as uow:  # a case with attachments, one of them empty
        first = uow.cases.load_period(None, None, flow=None)[0].id
        uow.cases.add_attachment(first, Attachment(None, "发票.pdf", "application/pdf", 3,
                                                   b"%PD"))
        uow.cases.add_attachment(first, Attachment(None, "空.txt", "text/plain", 0, b""))
        uow.commit()
    with UnitOfWork(services.engine, readonly=True) as uow:
        cases, slips = orm_cases(uow.session), orm_slips(uow.session)
    yield services, cases, slips
    services.dispose()


def _same(fast: list, orm: list) -> None:
    assert [x.id for x in fast] == [x.id for x in orm]
    diffs = [d for a, b in zip(fast, orm, strict=True) for d in field_differences(a, b)]
    assert not diffs, diffs[:10]


def _without_attachments(cases: list[Case]) -> list[Case]:
    return [dataclasses.replace(c, attachments=[]) for c in cases]


def _data_only_for(cases: list[Case], keys: tuple[str, ...]) -> list[Case]:
    return [dataclasses.replace(c, attachments=[], steps=[
        dataclasses.replace(s, data=s.data if s.step_key in keys else {}) for s in c.steps])
        for c in cases]


def test_the_demo_holds_what_the_readers_must_convert(demo):
    _services, cases, slips = demo
    assert len({c.flow for c in cases}) > 1 and any(c.closed_at for c in cases)
    assert any(c.reopen_count for c in cases) and any(c.intake.purchase_date for c in cases)
    assert any(c.notice_from for c in cases) and any(c.severity for c in cases)
    assert any(s.data for c in cases for s in c.steps) and any(c.attachments for c in cases)
    assert any(s.appeal for s in slips) and any(s.changes for s in slips)
    assert any(s.penalties for s in slips) and any(s.enforced_at for s in slips)


def test_opening_a_case_reads_what_the_orm_reads(demo):
    services, cases, _slips = demo
    with UnitOfWork(services.engine, readonly=True) as uow:
        reader = CaseReader(uow.session.connection())
        fast = [reader.get(c.id) for c in cases]
        assert reader.get(10**9) is None
    _same(fast, cases)


def test_the_bulk_reads_read_what_the_orm_reads(demo):
    services, cases, _slips = demo
    with UnitOfWork(services.engine, readonly=True) as uow:
        reader = CaseReader(uow.session.connection())
        every = reader.load_period(None, None, flow=None, batch=7)  # several batches
        feedback = reader.load_period(None, None)
        light = [c for batch in reader.iter_where([], data_keys=STEPS_WITH_DATA_USED)
                 for c in batch]
        some = [c.id for c in cases[::3]]
        by_ids = reader.by_ids_for_kpis(some, STEPS_WITH_DATA_USED)
        one = reader.one_for_kpis(cases[-1].id, STEPS_WITH_DATA_USED)
    _same(every, _without_attachments(cases))
    _same(feedback, _without_attachments([c for c in cases if c.flow.value == "feedback"]))
    keys = tuple(STEPS_WITH_DATA_USED)
    _same(light, _data_only_for(cases, keys))
    _same(by_ids, _data_only_for([c for c in cases if c.id in set(some)], keys))
    _same([one], _data_only_for(cases[-1:], keys))


def test_a_months_details_are_its_cases_and_the_complaints_open_at_its_end(demo):
    services, cases, _slips = demo
    start = min(c.registered_at for c in cases) + timedelta(days=30)
    end, as_of = start + timedelta(days=30), start + timedelta(days=30)
    with UnitOfWork(services.engine, readonly=True) as uow:
        fast = CaseReader(uow.session.connection()).for_month_details(start, end, as_of)
    wanted = [c for c in cases if c.flow.value == "feedback" and (
        start <= c.registered_at < end or (
            c.kind.value == "complaint" and c.registered_at < as_of
            and (c.closed_at is None or c.closed_at >= as_of)))]
    assert wanted
    _same(fast, _without_attachments(wanted))


def test_every_slip_read_reads_what_the_orm_reads(demo):
    services, cases, slips = demo
    no_history = [dataclasses.replace(s, changes=[]) for s in slips]
    with UnitOfWork(services.engine, readonly=True) as uow:
        reader = SlipReader(uow.session.connection())
        every = reader.where()
        for_kpis = reader.where(changes=False)
        by_case = [s for c in cases for s in reader.by_case(c.id)]
        of_case = [s for c in cases for s in reader.of_case_for_kpis(c.id)]
        listed = uow.slips.list(SlipQuery(limit=10**6))
        numbers = {r.id: r.number for r in uow.session.exec(select(CaseRow))}
    _same(every, slips)
    _same(for_kpis, no_history)
    on_cases = sorted((s for s in slips if s.case_id is not None),
                      key=lambda s: (s.case_id, s.id))
    _same(by_case, on_cases)
    _same(of_case, [dataclasses.replace(s, changes=[]) for s in on_cases])
    _same([x.slip for x in listed], slips[::-1])
    assert [x.case_number for x in listed] == [
        numbers.get(s.case_id, "") for s in slips[::-1]]


def test_the_case_list_reads_what_the_orm_reads(demo):
    services, _cases, _slips = demo
    now = services.clock.now()
    with UnitOfWork(services.engine, readonly=True) as uow:
        rows = uow.cases.list_page(CaseQuery(sort_key="number", sort_desc=False), now, 0,
                                   10**6)
        depts = {d.id: d.name for d in uow.session.exec(select(DepartmentRow))}
        orm = [{f: getattr(r, f) for f in rows[0]._fields if hasattr(r, f)}
               | {"department_name": depts.get(r.department_id, "")}
               for r in uow.session.exec(select(CaseRow).order_by(CaseRow.number))]
    assert len(orm) > 50 and [r.id for r in rows] == [r["id"] for r in orm]
    for row, expected in zip(rows, orm, strict=True):
        got = {f: getattr(row, f) for f in row._fields}
        for f in ("registered_at", "current_deadline", "current_due_since"):
            assert got[f] is None or got[f].utcoffset() == timedelta(0), f
        assert got == expected


@pytest.mark.parametrize("include_inactive", [True, False])
def test_the_people_lists_read_what_the_orm_reads(demo, include_inactive):
    services, _cases, _slips = demo
    with UnitOfWork(services.engine) as uow:  # one of each left, so the filter has work
        for table in (DepartmentRow, EmployeeRow, UserRow):
            row = uow.session.exec(select(table).order_by(table.id.desc())).first()
            row.active = False
        uow.session.flush()
        lists = PeopleLists(uow.session.connection())
        got = (lists.departments(include_inactive), lists.employees(include_inactive),
               lists.users(include_inactive))
        keep = (lambda r: True) if include_inactive else (lambda r: r.active)
        orm = (
            [Department(id=r.id, name=r.name, code=r.code, active=r.active)
             for r in uow.session.exec(select(DepartmentRow).order_by(DepartmentRow.id))
             if keep(r)],
            [Employee(id=r.id, name=r.name, department_id=r.department_id, post=r.post,
                      active=r.active)
             for r in uow.session.exec(select(EmployeeRow).order_by(
                 EmployeeRow.department_id, EmployeeRow.id)) if keep(r)],
            [User(id=r.id, username=r.username, display_name=r.display_name,
                  roles=frozenset(Role(x) for x in r.roles.split(",") if x),
                  department_id=r.department_id, employee_id=r.employee_id, active=r.active)
             for r in uow.session.exec(select(UserRow).order_by(UserRow.id)) if keep(r)],
        )
        # (not committed: the unit of work rolls back)
    for fast, ref in zip(got, orm, strict=True):
        assert len(ref) > 2 and any(x.active for x in ref)
        assert include_inactive == any(not x.active for x in ref)
        _same(fast, ref)
