"""The reminder scan's stored marks (issue 17), as scenarios run on SQLite
(tests/services/test_reminder_marks.py) and on PostgreSQL
(tests/storage/test_reminder_marks_postgresql.py): each open case keeps when its next
reminder is sent, and the scan reads only the cases whose mark has come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from complaintdesk.domain.alerts import NO_MARK, AlertKind
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.manufacturer import MILESTONE_KEYS, ForwardInput
from complaintdesk.domain.records import Role, StepRecord
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services
from complaintdesk.storage.tables import CaseRow
from complaintdesk.storage.uow import UnitOfWork
from service_builders import T0, add_user, intake


def stored_mark(services: Services, case_id: int) -> datetime | None:
    t = CaseRow.__table__  # type: ignore[attr-defined]
    with services.engine.connect() as conn:
        return conn.execute(select(t.c.next_mark_at).where(t.c.id == case_id)).scalar_one()


def read_by_scan(services: Services, now: datetime) -> set[int]:
    """The cases the scan would read at `now`."""
    with UnitOfWork(services.engine, readonly=True) as uow:
        return set(uow.alerts.steps_to_mark(now)[1])


def open_step(services: Services, case_id: int) -> StepRecord:
    with UnitOfWork(services.engine, readonly=True) as uow:
        case = uow.cases.get(case_id)
        assert case is not None and case.open_step is not None
        return case.open_step


def a_mark_fires_once_and_the_case_is_not_read_before_its_next(services: Services,
                                                               clock: FixedClock) -> None:
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    step = open_step(services, case.id)
    assert step.deadline is not None
    span = step.deadline - step.due_since
    assert stored_mark(services, case.id) is None  # just written: not known yet
    assert services.alerts.scan() == 0
    half = step.due_since + span / 2
    assert stored_mark(services, case.id) == half
    assert case.id not in read_by_scan(services, half - timedelta(seconds=1))
    clock.set(half - timedelta(seconds=1))
    assert services.alerts.scan() == 0
    clock.set(half)
    assert case.id in read_by_scan(services, half)
    assert services.alerts.scan() == 1
    assert services.alerts.scan() == 0  # the next tick, or another PC: nothing twice
    assert stored_mark(services, case.id) == step.due_since + span * 3 / 4
    clock.set(step.deadline + timedelta(hours=5))  # 75 % and the deadline passed since
    assert services.alerts.scan() == 1  # only the latest
    assert stored_mark(services, case.id) == NO_MARK
    assert case.id not in read_by_scan(services, clock.now() + timedelta(days=365))
    clock.advance(timedelta(days=30))
    assert services.alerts.scan() == 0
    assert [a.kind for a in services.alerts.unread(cs)] == [
        AlertKind.STEP, AlertKind.HALF, AlertKind.DEADLINE]


def a_step_changed_between_scans_gets_its_own_marks(services: Services,
                                                    clock: FixedClock) -> None:
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    head = add_user(services, "sh", "售后经理", Role.DEPT_HEAD, department_id=2)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    services.alerts.scan()
    assert stored_mark(services, case.id) is not None
    clock.advance(timedelta(minutes=10))  # before step 1's 50 %
    services.workflow.act(cs, case.id, "forward", {
        "category": "维修质量", "severity": "normal", "department_id": 2})
    assert stored_mark(services, case.id) is None  # the write cleared the old step's mark
    step = open_step(services, case.id)
    assert step.deadline is not None
    half = step.due_since + (step.deadline - step.due_since) / 2
    assert services.alerts.scan() == 0
    assert stored_mark(services, case.id) == half
    clock.set(half)
    assert services.alerts.scan() == 1
    [alert] = [a for a in services.alerts.for_user(head) if a.kind is AlertKind.HALF]
    assert alert.key.startswith(f"remind50:{case.id}:{step.seq}:") and "部门安排" in alert.text
    assert all(a.kind is not AlertKind.HALF for a in services.alerts.for_user(cs))


def a_calendar_change_moves_the_marks(services: Services, clock: FixedClock) -> None:
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    # Tuesday 17:30 Shanghai, no calendar yet: step 1's hour ends 18:30, 50 % at 18:00
    clock.set(datetime(2026, 11, 10, 9, 30, tzinfo=UTC))
    case = services.intake.register(SYSTEM_USER, intake(clock))
    services.alerts.scan()
    assert stored_mark(services, case.id) == datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    # the dealership now closes at 17:45, and Wednesday 11-11 is a closed day
    services.settings.put(admin, "workflow", {"calendar": {
        "hours": {str(d): ["08:30", "17:45"] for d in range(7)},
        "closed_dates": ["2026-11-11"]}})
    clock.set(datetime(2026, 11, 10, 9, 31, tzinfo=UTC))
    assert services.alerts.scan() == 0
    # the stored deadline stays; its open time is 17:30–17:45 now: 50 % at 17:37:30
    assert stored_mark(services, case.id) == datetime(2026, 11, 10, 9, 37, 30, tzinfo=UTC)
    clock.set(datetime(2026, 11, 10, 9, 38, tzinfo=UTC))
    assert services.alerts.scan() == 1
    clock.set(datetime(2026, 11, 10, 9, 42, tzinfo=UTC))  # 75 % at 17:41:15
    assert services.alerts.scan() == 1
    # the deadline (18:30) falls after closing and Wednesday is closed: Thursday's opening
    thursday = datetime(2026, 11, 12, 0, 30, tzinfo=UTC)
    assert stored_mark(services, case.id) == thursday
    for at in (datetime(2026, 11, 10, 15, 0, tzinfo=UTC),  # 23:00, closed
               datetime(2026, 11, 11, 2, 0, tzinfo=UTC),  # Wednesday 10:00, the closed day
               thursday - timedelta(minutes=1)):
        clock.set(at)
        assert services.alerts.scan() == 0
    clock.set(thursday + timedelta(minutes=1))
    assert services.alerts.scan() == 1
    latest = services.alerts.for_user(cs)[0]
    assert latest.kind is AlertKind.DEADLINE and latest.send_at == thursday
    assert [a.kind for a in services.alerts.unread(cs)] == [
        AlertKind.STEP, AlertKind.HALF, AlertKind.THREE_QUARTERS, AlertKind.DEADLINE]


def a_forwarding_is_read_only_when_its_next_milestone_mark_has_come(
        services: Services, clock: FixedClock) -> None:
    clock.set(T0)  # Tue 2026-11-10 10:00 Shanghai
    cs = add_user(services, "kf", "朱红", Role.CS_CENTER)
    forwarded = clock.now() - timedelta(hours=2)
    case = services.intake.register(SYSTEM_USER, intake(clock), manufacturer=ForwardInput(
        "一汽-大众", "VW-001", forwarded))

    def read(at: datetime) -> list[int]:
        with UnitOfWork(services.engine, readonly=True) as uow:
            return [f.forward.case_id for f in uow.manufacturer.marks_due(at)]

    assert read(clock.now()) == [case.id]  # new: not known yet
    services.alerts.scan()
    contact_75 = forwarded + timedelta(hours=18)  # 75 % of first contact's 24 h
    assert read(contact_75 - timedelta(seconds=1)) == []
    assert read(contact_75) == [case.id]
    clock.set(contact_75 + timedelta(minutes=1))
    services.alerts.scan()
    services.alerts.scan()
    mfr = [a for a in services.alerts.for_user(cs) if a.key.startswith("mfr:")]
    assert [(a.kind, a.key) for a in mfr] == [
        (AlertKind.THREE_QUARTERS, f"mfr:{case.id}:first_contact:remind75")]
    # answered: its deadline is no longer a mark; the next is the plan's 75 %
    services.manufacturer.record_reply(cs, case.id, "first_contact", "已电话联系客户")
    clock.set(forwarded + timedelta(hours=24, minutes=1))
    assert read(clock.now()) == [case.id]  # the mark kept from before the reply: early
    services.alerts.scan()
    assert [a.key for a in services.alerts.for_user(cs) if a.key.startswith("mfr:")] == [
        f"mfr:{case.id}:first_contact:remind75"]
    assert read(clock.now() + timedelta(hours=1)) == []
    # a forwarding answered in full before any scan looked at it: no mark left, set without
    # being read
    other = services.intake.register(SYSTEM_USER, intake(clock, phone="13900001111"),
                                     manufacturer=ForwardInput("一汽-大众", "VW-002",
                                                               clock.now()))
    for key in MILESTONE_KEYS:
        services.manufacturer.record_reply(cs, other.id, key, "已回复厂家")
    assert read(clock.now()) == [other.id]
    with UnitOfWork(services.engine) as uow:
        assert uow.manufacturer.settle_answered_marks(NO_MARK) == 1
        assert uow.manufacturer.marks_due(clock.now()) == []

