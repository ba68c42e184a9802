"""The paper loop's storage (migration 0016_paper_loop) on SQLite and PostgreSQL: a signed
copy keeps its bytes and hash, the 待归档 query (NOT EXISTS over steps, copies and slips)
finds exactly the finished steps without their copy, a closed span narrows it, and the
典型案例 marks (case marks) are listed latest first. PostgreSQL runs when
COMPLAINTDESK_TEST_PG_URL names an empty test database (tests/pg_support.py)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from acc_builders import cast, walk_to_enforced, walk_to_issue
from complaintdesk.domain import steps as S
from complaintdesk.domain.case_marks import DIFFICULT, TYPICAL, CaseMark
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.paper import SignedCopy, default_rules
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.storage.uow import UnitOfWork
from pg_support import URL, skip_or_fail_without_server, wipe
from service_builders import T0


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path):
    if request.param == "postgresql":
        skip_or_fail_without_server()
        wipe(URL)
        config = DatabaseConfig(URL)
    else:
        config = DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3")
    clock = FixedClock(T0)
    services = open_services(config, clock=clock, data_dir=tmp_path)
    yield services, clock, cast(services)
    services.dispose()


def test_signed_copies_and_the_missing_query(env):
    services, clock, c = env
    slip = walk_to_enforced(services, clock, c)
    closed_id = slip.case_id
    open_case = walk_to_issue(services, clock, c)  # 总经理签批 still to come: owes nothing
    rules = default_rules()
    with UnitOfWork(services.engine) as uow:
        assert uow.paper.has_paper_slips(closed_id)
        assert not uow.paper.has_paper_slips(open_case.id)  # proposals only
        missing = uow.paper.missing(rules)
        assert [(m[0], m[1]) for m in missing] == [(closed_id, "feedback_form"),
                                                  (closed_id, "fault_slip")]
        data = b"%PDF-1.4\n" + bytes(range(256)) * 4  # every byte value survives
        digest = hashlib.sha256(data).hexdigest()
        new_id = uow.paper.add_copy(SignedCopy(None, closed_id, S.APPROVE, "feedback_form",
                                               "处理单.pdf", "application/pdf", len(data),
                                               digest, c.cs.id, clock.now(), data))
        uow.commit()
    with UnitOfWork(services.engine, readonly=True) as uow:
        back = uow.paper.copy_data(new_id)
        assert back.data == data and back.sha256 == digest and back.uploaded_at == clock.now()
        [listed] = uow.paper.copies_for_case(closed_id)
        assert listed.data is None and listed.size == len(data)
        assert [(m[0], m[1]) for m in uow.paper.missing(rules)] == [(closed_id, "fault_slip")]
        closed_at = uow.cases.get(closed_id).closed_at
        assert uow.paper.missing(rules, closed_from=closed_at, closed_to=closed_at
                                 + timedelta(seconds=1))
        assert uow.paper.missing(rules, closed_from=closed_at + timedelta(seconds=1)) == []
        rows = uow.paper.list_rows([closed_id, open_case.id])
        assert {r.id for r in rows} == {closed_id, open_case.id}


def test_typical_case_marks_are_listed_latest_first(env):
    services, clock, c = env
    first = walk_to_enforced(services, clock, c).case_id
    second = walk_to_enforced(services, clock, c).case_id
    with UnitOfWork(services.engine) as uow:
        uow.marks.put(CaseMark(first, TYPICAL, "第一版", c.assessor.id, clock.now()))
        clock.advance(timedelta(minutes=1))
        uow.marks.put(CaseMark(second, TYPICAL, "另一案", c.assessor.id, clock.now()))
        uow.marks.put(CaseMark(first, DIFFICULT, "疑难", c.assessor.id, clock.now()))
        uow.commit()
    with UnitOfWork(services.engine) as uow:
        assert [(m.case_id, m.note) for m in uow.marks.of_kind(TYPICAL)] == [
            (second, "另一案"), (first, "第一版")]
        uow.marks.remove(second, TYPICAL)
        uow.commit()
    with UnitOfWork(services.engine, readonly=True) as uow:
        assert [m.case_id for m in uow.marks.of_kind(TYPICAL)] == [first]
