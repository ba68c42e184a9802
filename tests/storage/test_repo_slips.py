"""SlipRepository: slips round-trip as domain records, optimistic versions, list filters."""

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain.records import (
    Department,
    FaultSlip,
    Penalty,
    PenaltyKind,
    Responsibility,
    SlipChange,
    SlipStatus,
)
from complaintdesk.services.messagebus import MessageBus
from complaintdesk.storage.database import DatabaseConfig, make_engine, migrate
from complaintdesk.storage.repo_cases import ConcurrentUpdateError
from complaintdesk.storage.repo_slips import SlipQuery
from complaintdesk.storage.uow import UnitOfWork

T = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path):
    e = make_engine(DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3"))
    migrate(e)
    with UnitOfWork(e) as uow:
        for name in ("销售部", "售后服务部"):
            uow.people.save_department(Department(None, name))
        uow.commit()
    yield e
    e.dispose()


def _slip(**kw) -> FaultSlip:
    values = dict(id=None, number="", case_id=None, employee_id=None, department_id=None,
                  post="服务顾问", facts="未告知加收费用", responsibility=Responsibility.MAIN,
                  penalties=[Penalty(PenaltyKind.FINE, amount=100)], rule_ids=["R-normal-main"],
                  created_at=T,
                  changes=[SlipChange(T, 3, "郭平", "created", None, [{"kind": "fine"}], "依据")])
    values.update(kw)
    return FaultSlip(**values)


def test_a_slip_round_trips_and_a_stale_save_is_refused(engine):
    with UnitOfWork(engine, bus=MessageBus(UTC)) as uow:
        s = uow.slips.add(_slip(appeal=None))
        uow.commit()
    with UnitOfWork(engine, bus=MessageBus(UTC)) as uow:
        a = uow.slips.get(s.id)
        b = uow.slips.get(s.id)
        assert a == s
        a.status, a.number, a.issued_at = SlipStatus.ISSUED, "GS-202611-0001", T
        uow.slips.save(a)
        assert a.version == 2
        with pytest.raises(ConcurrentUpdateError):
            uow.slips.save(b)  # read before a was saved
        uow.commit()
    with UnitOfWork(engine, bus=MessageBus(UTC)) as uow:
        got = uow.slips.get(s.id)
        assert got.number == "GS-202611-0001" and got.changes[0].by_name == "郭平"
        assert got.issued_at == T and got.version == 2


def test_list_filters_and_the_ledger_query(engine):
    with UnitOfWork(engine, bus=MessageBus(UTC)) as uow:
        early = uow.slips.add(_slip(department_id=1, employee_id=None, issued_at=T,
                                    status=SlipStatus.ENFORCED, enforced_at=T))
        appealed = uow.slips.add(_slip(department_id=2, issued_at=T - timedelta(days=30),
                                       status=SlipStatus.ENFORCED,
                                       enforced_at=T - timedelta(days=30),
                                       appeal={"filed_at": T.isoformat(), "reason": "不服"}))
        proposed = uow.slips.add(_slip(department_id=2, from_breach=True))
        uow.commit()
    with UnitOfWork(engine, readonly=True) as uow:
        ids = lambda q: [x.slip.id for x in uow.slips.list(q)]  # noqa: E731
        assert ids(SlipQuery()) == [proposed.id, appealed.id, early.id]
        assert ids(SlipQuery(department_id=2)) == [proposed.id, appealed.id]
        assert ids(SlipQuery(statuses=(SlipStatus.PROPOSED,))) == [proposed.id]
        assert ids(SlipQuery(from_breach=True)) == [proposed.id]
        assert ids(SlipQuery(issued_from=T - timedelta(days=1), issued_to=T + timedelta(1))) \
            == [early.id]
        month = [s.id for s in uow.slips.for_ledger(T - timedelta(days=5), T + timedelta(20))]
        # enforced this month, or earlier with an appeal whose correction may fall in it
        assert month == [early.id, appealed.id]
