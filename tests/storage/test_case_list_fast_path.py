"""The case list's page runs its compiled SQL on the DBAPI cursor (storage/rawsql.py) and
builds CaseListRows straight from the row tuples. These tests hold it to the ORM: the same
rows, in the same order, with the same values as a plain query through the Session."""

from __future__ import annotations

import os
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from complaintdesk.domain.query import CaseListRow, CaseQuery
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.demo import seed_demo
from complaintdesk.storage.read_models.case_list import CaseListQueries, StoredCaseListRow
from complaintdesk.storage.tables import CaseRow, DepartmentRow
from complaintdesk.storage.uow import ListRead, UnitOfWork
from pg_support import skip_or_fail_without_server
from service_builders import make_services

PG_URL = os.environ.get("COMPLAINTDESK_TEST_PG_URL")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request, tmp_path_factory):
    """A 250-case demo database; on PostgreSQL too when COMPLAINTDESK_TEST_PG_URL is set
    (an empty database that the test may wipe, as in test_postgresql.py)."""
    if request.param == "sqlite":
        services, clock = make_services(tmp_path_factory.mktemp("list"))
    else:
        skip_or_fail_without_server()  # under CI it runs (tests/pg_support.py)
        from sqlalchemy import create_engine, text

        from complaintdesk.domain.clock import FixedClock
        from complaintdesk.services.container import open_services
        from complaintdesk.storage.database import DatabaseConfig
        from service_builders import T0

        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        clock = FixedClock(T0)
        services = open_services(DatabaseConfig(PG_URL), clock=clock,
                                 data_dir=tmp_path_factory.mktemp("pg"))
    seed_demo(services, cases=250, seed=11)
    with Session(services.engine) as s:
        cases = list(s.exec(select(CaseRow)).all())
        departments = {d.id: d.name for d in s.exec(select(DepartmentRow)).all()}
    yield services, clock, cases, departments
    services.dispose()


def _expected(c: CaseRow, departments: dict[int, str]) -> tuple:
    """A case as the list should show it, from the ORM object (aware UTC times)."""
    return (c.id, c.number, c.registered_at, c.customer_name, c.phone, c.plate, c.category,
            c.severity, c.department_id, departments.get(c.department_id, ""),
            c.current_step, c.current_deadline, c.status, c.kind, c.flow, c.reopen_count,
            c.current_due_since)


def _shown(r: CaseListRow) -> tuple:
    return tuple(getattr(r, f) for f in CaseListRow._fields)


def _orm_page(cases, departments, q: CaseQuery, now: datetime, keep) -> list[tuple]:
    """Filter and sort in Python what the ORM loaded (NULLs first ascending, like SQLite)."""
    rows = [c for c in cases if keep(c)]
    attr = {"department": "department_id"}.get(q.sort_key, q.sort_key)

    def key(c: CaseRow) -> tuple:
        v = getattr(c, attr)
        return (v is not None, v if v is not None else 0)

    if q.sort_desc:
        rows.sort(key=lambda c: (key(c), c.id), reverse=True)
    else:
        rows.sort(key=lambda c: (key(c), -c.id))
    return [_expected(c, departments) for c in rows]


def _fast(services, q: CaseQuery, offset: int = 0, limit: int = 1000) -> list[tuple]:
    return [_shown(r) for r in services.cases.list_page(SYSTEM_USER, q, offset, limit)]


def test_filters_sorts_and_time_bounds_match_the_orm(demo):
    services, clock, cases, departments = demo
    now = clock.now()
    times = sorted(c.registered_at for c in cases)
    mid, late = times[len(times) // 3], times[2 * len(times) // 3]  # times of real cases
    dept = next(c.department_id for c in cases if c.department_id is not None)
    shapes = [
        (CaseQuery(), lambda c: True),
        (CaseQuery(status="open", department_id=dept),
         lambda c: c.status == "open" and c.department_id == dept),
        (CaseQuery(status="closed", sort_key="customer_name", sort_desc=False),
         lambda c: c.status == "closed"),
        # bounds equal to stored times: `from` is inclusive, `to` exclusive — the bound
        # parameters must be in the stored text format to compare right on SQLite
        (CaseQuery(registered_from=mid, registered_to=late),
         lambda c: mid <= c.registered_at < late),
        (CaseQuery(registered_from=mid.astimezone(services.intake.tz), sort_key="number"),
         lambda c: c.registered_at >= mid),
        (CaseQuery(registered_to=mid.replace(microsecond=0), sort_key="current_deadline",
                   sort_desc=False),
         lambda c: c.registered_at < mid.replace(microsecond=0)),
        (CaseQuery(overdue_only=True, sort_key="current_deadline"),
         lambda c: c.status == "open" and c.current_deadline is not None
         and c.current_deadline < now),
        (CaseQuery(sort_key="department", sort_desc=False), lambda c: True),
        (CaseQuery(flow="feedback", channel="电话", sort_key="severity"),
         lambda c: c.flow == "feedback" and c.channel == "电话"),
    ]
    sqlite = services.engine.dialect.name == "sqlite"
    for q, keep in shapes:
        expected = _orm_page(cases, departments, q, now, keep)
        assert expected, q  # every shape has rows to compare
        fast = _fast(services, q)
        assert fast == _via_sqlalchemy(services, q, now), q
        assert services.cases.count(SYSTEM_USER, q) == len(expected), q
        if sqlite:  # (PostgreSQL sorts NULLs and text by its own rules)
            assert fast == expected, q
            assert _fast(services, q, offset=5, limit=7) == expected[5:12], q
        else:
            assert sorted(fast, key=lambda r: r[0]) == sorted(expected, key=lambda r: r[0]), q
            assert _fast(services, q, offset=5, limit=7) == fast[5:12], q


def _via_sqlalchemy(services, q: CaseQuery, now: datetime) -> list[tuple]:
    """The page's statement executed the ordinary way: Session, SQLAlchemy's binding."""
    with UnitOfWork(services.engine, readonly=True) as uow:
        repo: CaseListQueries = uow.cases
        stmt = repo.list_page_statement(q, now)
        params = {**repo._params(q, now), "p_offset": 0, "p_limit": 1000}
        result = uow.session.connection().execute(stmt, params).all()
        return [_shown(StoredCaseListRow.from_values(r)) for r in result]


def test_keyword_shapes_match_sqlalchemy_execution(demo):
    services, clock, cases, departments = demo
    now = clock.now()
    some = cases[len(cases) // 2]
    vin = next(c.vin for c in cases if c.vin)
    keywords = ["王", some.phone[-6:], some.phone[-4:-1], vin[-7:], vin[-7:].lower(),
                some.number, some.customer_name[:2], "异响", "没有这个词"]
    for kw in keywords:
        for q in (CaseQuery(keyword=kw), CaseQuery(keyword=kw, status="open",
                                                   sort_key="plate", sort_desc=False)):
            fast = _fast(services, q)
            assert fast == _via_sqlalchemy(services, q, now), q
            assert services.cases.count(SYSTEM_USER, q) == len(fast), q
    assert any(r[0] == some.id for r in _fast(services, CaseQuery(keyword=some.phone[-6:])))
    assert [r[1] for r in _fast(services, CaseQuery(keyword=some.number))] == [some.number]


def test_the_session_path_gives_the_same_page(demo):
    services, clock, cases, departments = demo
    q = CaseQuery(status="open", keyword="王")
    with UnitOfWork(services.engine, readonly=True) as uow:
        via_session = uow.cases.list_page(q, clock.now(), 0, 50)
    with ListRead(services.engine) as read:
        assert read.cases.list_page(q, clock.now(), 0, 50) == via_session


def test_masked_phones_for_a_viewer_who_does_not_handle_the_case(demo):
    services, clock, cases, departments = demo
    from complaintdesk.domain.records import Role, User

    clerk = User(id=None, username="x", display_name="x", roles=frozenset({Role.DEPT_HEAD}),
                 department_id=None)
    rows = services.cases.list_page(clerk, CaseQuery(), 0, 20)
    full = services.cases.list_page(SYSTEM_USER, CaseQuery(), 0, 20)
    assert [r.id for r in rows] == [r.id for r in full]
    assert all(r.phone != f.phone for r, f in zip(rows, full, strict=True) if f.phone)
    assert all(r.number == f.number and r.registered_at == f.registered_at
               for r, f in zip(rows, full, strict=True))


def test_case_list_row_reads_times_as_aware_utc():
    t = datetime(2026, 11, 10, 2, 0, 0, 5, tzinfo=UTC)
    from_text = StoredCaseListRow(1, "FK-1", "2026-11-10 02:00:00.000005", "王", "138", "",
                                  "", "", None, "", "", "2026-11-10 03:00:00", "open",
                                  "complaint", "feedback", 0, None)
    from_naive = from_text.replace(registered_at=t.replace(tzinfo=None),
                                   current_deadline=t + timedelta(hours=1))
    assert from_text.registered_at == from_naive.registered_at == t
    assert from_text.registered_at.tzinfo is UTC
    assert from_text.current_deadline == datetime(2026, 11, 10, 3, tzinfo=UTC)
    assert from_text.current_due_since is None
    assert from_text.replace(phone="138****").phone == "138****"
    assert from_text.replace(phone="x").number == "FK-1"
    assert pickle.loads(pickle.dumps(from_text)) == from_text
    assert "registered_at=datetime.datetime(2026, 11, 10" in repr(from_text)
